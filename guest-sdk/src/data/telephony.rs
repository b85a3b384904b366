//! Telephony hook (`com.okta.telephony.provider`).

use super::RequestContext;
use serde::{Deserialize, Serialize};

/// `data` of a telephony hook: Okta wants a one-time passcode delivered by
/// SMS or voice call. `requestType` says why
/// (`com.okta.user.telephony.pre-enrollment`, `...mfa-verification`,
/// `...account-unlock`, `...password-reset`).
///
/// A handler cannot send anything itself (no network in the sandbox); it
/// reports an outcome with
/// [`Response::telephony_result`](crate::Response::telephony_result). An
/// `error` makes Okta fall back to its own providers.
///
/// # Example
///
/// ```rust,standalone_crate
/// use hookwarden_guest::{Handler, HookError, Request, Response, Result, TelephonyResult, TelephonyStatus};
///
/// /// Reports voice calls as failed (so Okta uses its own providers) and SMS as pending.
/// struct SmsOnly;
///
/// impl Handler for SmsOnly {
///     fn handle(request: Request) -> Result<Response> {
///         let data = request.telephony_data()?;
///         let mut response = Response::new();
///         if data.message_profile.delivery_channel.as_deref() == Some("SMS") {
///             response.telephony_result(
///                 TelephonyResult::new(TelephonyStatus::Pending).with_provider("Acme SMS"),
///             );
///         } else {
///             response.set_error(HookError::new("voice is not supported"));
///         }
///         Ok(response)
///     }
/// }
///
/// hookwarden_guest::export_handler!(SmsOnly);
/// # let request = Request::from_json(r#"{"eventType": "com.okta.telephony.provider", "eventId": "e1",
/// #   "data": {"context": {}, "userProfile": {}, "messageProfile": {"deliveryChannel": "SMS"}}}"#).unwrap();
/// # let run = hookwarden_guest::testing::run::<SmsOnly>(request, &[]);
/// # assert_eq!(run.okta_json()["commands"][0]["value"], serde_json::json!([{"status": "PENDING", "provider": "Acme SMS"}]));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TelephonyData {
    /// The request that needs a passcode.
    pub context: TelephonyContext,
    /// Who receives it.
    pub user_profile: TelephonyUserProfile,
    /// What to send and where.
    pub message_profile: MessageProfile,
}

/// `data.context` of a telephony hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TelephonyContext {
    /// The request.
    pub request: Option<RequestContext>,
}

/// `data.userProfile` of a telephony hook (a fixed set of attributes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TelephonyUserProfile {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Login.
    pub login: Option<String>,
    /// User id.
    pub user_id: Option<String>,
}

/// `data.messageProfile`. Its `Debug` output hides the passcode.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MessageProfile {
    /// SMS text template, e.g. `Your code is ${code}`.
    pub msg_template: Option<String>,
    /// Destination phone number.
    pub phone_number: Option<String>,
    /// When the passcode expires (ISO-8601).
    pub otp_expires: Option<String>,
    /// `SMS` for a text message; any other value means a voice call.
    pub delivery_channel: Option<String>,
    /// The passcode.
    pub otp_code: Option<String>,
    /// Locale, e.g. `EN-US`.
    pub locale: Option<String>,
}

impl std::fmt::Debug for MessageProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageProfile")
            .field("msg_template", &self.msg_template)
            .field("phone_number", &self.phone_number)
            .field("otp_expires", &self.otp_expires)
            .field("delivery_channel", &self.delivery_channel)
            .field("otp_code", &self.otp_code.as_ref().map(|_| "<redacted>"))
            .field("locale", &self.locale)
            .finish()
    }
}
