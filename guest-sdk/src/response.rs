//! Building the answer: helpers on the WIT types, and their conversion
//! into the contract crate's neutral model, which makes Okta's JSON.

use crate::{
    ActionUpdate, Command, CredentialVerdict, Error, ErrorCause, HookError, ImportResult, Patch,
    PatchOp, PatchOperation, RawCommand, RegistrationAction, Request, Response, Result,
    TelephonyResult, TelephonyStatus,
};
use hookwarden_contract::answer as neutral;
use hookwarden_contract::okta_json::JsonText;
use serde::Serialize;
use serde_json::Value;

fn object_json(what: &str, value: impl Serialize) -> Result<String> {
    match serde_json::to_value(value)? {
        v @ Value::Object(_) => Ok(v.to_string()),
        other => Err(Error::new(format!(
            "{what} must be a JSON object, not {other}"
        ))),
    }
}

impl Default for Response {
    fn default() -> Response {
        Response::new()
    }
}

/// Builders. Each method adds to the answer and returns `&mut Self`, so
/// calls can be chained; commands keep the order in which they are added,
/// and Okta applies them in that order.
///
/// ```
/// use hookwarden_guest::{HookError, Response};
/// use serde_json::json;
///
/// let mut response = Response::new();
/// response
///     .deny_registration_with(HookError::end_user(
///         "Use your work email.",
///         "INVALID_EMAIL_DOMAIN",
///         "data.userProfile.email",
///     ))
///     .set_debug_context(json!({"rule": "allowlist"}))?;
/// assert_eq!(response.to_okta_json()?, json!({
///     "commands": [{"type": "com.okta.action.update", "value": {"registration": "DENY"}}],
///     "error": {"errorSummary": "Use your work email.", "errorCauses": [{
///         "errorSummary": "Use your work email.", "reason": "INVALID_EMAIL_DOMAIN",
///         "locationType": "body", "location": "data.userProfile.email", "domain": "end-user"}]},
///     "debugContext": {"rule": "allowlist"}
/// }));
/// # Ok::<(), hookwarden_guest::Error>(())
/// ```
impl Response {
    /// An empty answer: no commands, no error, no debug context, which
    /// Okta reads as "no changes" (for a password-import hook: "password
    /// not verified").
    pub fn new() -> Response {
        Response {
            commands: Vec::new(),
            error: None,
            debug_context: None,
        }
    }

    /// Whether the answer has no commands, error or debug context.
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty() && self.error.is_none() && self.debug_context.is_none()
    }

    /// Appends any command.
    pub fn push(&mut self, command: Command) -> &mut Response {
        self.commands.push(command);
        self
    }

    /// Appends `com.okta.identity.patch` (token hooks) with `patch`'s
    /// operations; an empty patch adds nothing.
    pub fn identity_patch(&mut self, patch: Patch) -> &mut Response {
        if !patch.is_empty() {
            self.push(Command::IdentityPatch(patch.into_operations()));
        }
        self
    }

    /// Appends `com.okta.access.patch` (token hooks) with `patch`'s
    /// operations; an empty patch adds nothing.
    pub fn access_patch(&mut self, patch: Patch) -> &mut Response {
        if !patch.is_empty() {
            self.push(Command::AccessPatch(patch.into_operations()));
        }
        self
    }

    /// Appends `com.okta.assertion.patch` (SAML hooks) with `patch`'s
    /// operations; an empty patch adds nothing.
    pub fn assertion_patch(&mut self, patch: Patch) -> &mut Response {
        if !patch.is_empty() {
            self.push(Command::AssertionPatch(patch.into_operations()));
        }
        self
    }

    /// Import hooks: `com.okta.action.update` `{"result": "CREATE_USER"}`,
    /// create a new Okta user.
    pub fn create_user(&mut self) -> &mut Response {
        self.push(Command::ActionUpdate(ActionUpdate::ImportResult(
            ImportResult::CreateUser,
        )))
    }

    /// Import hooks: link the imported user to the existing Okta user
    /// `user_id`. Appends both commands Okta needs:
    /// `com.okta.action.update` `{"result": "LINK_USER"}` and
    /// `com.okta.user.update` `{"id": user_id}`.
    pub fn link_user(&mut self, user_id: impl Into<String>) -> &mut Response {
        self.push(Command::ActionUpdate(ActionUpdate::ImportResult(
            ImportResult::LinkUser,
        )));
        self.push(Command::UserUpdate(user_id.into()))
    }

    /// Import hooks: `com.okta.appUser.profile.update` with the attributes
    /// in `attributes` (a map or struct serializing to a JSON object).
    ///
    /// # Errors
    ///
    /// If `attributes` does not serialize to a JSON object.
    pub fn update_app_user_profile(&mut self, attributes: impl Serialize) -> Result<&mut Response> {
        let text = object_json("app-user profile update", attributes)?;
        Ok(self.push(Command::AppUserProfileUpdate(text)))
    }

    /// Import hooks and self-service registration:
    /// `com.okta.user.profile.update` with the attributes in `attributes`.
    /// The password can never be set.
    ///
    /// # Errors
    ///
    /// If `attributes` does not serialize to a JSON object.
    pub fn update_user_profile(&mut self, attributes: impl Serialize) -> Result<&mut Response> {
        let text = object_json("user profile update", attributes)?;
        Ok(self.push(Command::UserProfileUpdate(text)))
    }

    /// Progressive profiling only: `com.okta.user.progressive.profile.update`
    /// with the attributes in `attributes`.
    ///
    /// # Errors
    ///
    /// If `attributes` does not serialize to a JSON object.
    pub fn update_progressive_profile(
        &mut self,
        attributes: impl Serialize,
    ) -> Result<&mut Response> {
        let text = object_json("progressive profile update", attributes)?;
        Ok(self.push(Command::ProgressiveProfileUpdate(text)))
    }

    /// Registration hooks: `com.okta.action.update`
    /// `{"registration": "ALLOW"}` (also Okta's default).
    pub fn allow_registration(&mut self) -> &mut Response {
        self.push(Command::ActionUpdate(ActionUpdate::Registration(
            RegistrationAction::Allow,
        )))
    }

    /// Registration hooks: `com.okta.action.update`
    /// `{"registration": "DENY"}` without an error, so the end user sees
    /// Okta's generic "Registration denied." / "Profile update denied.".
    pub fn deny_registration(&mut self) -> &mut Response {
        self.push(Command::ActionUpdate(ActionUpdate::Registration(
            RegistrationAction::Deny,
        )))
    }

    /// Registration hooks: deny and tell the end user why. Appends
    /// `{"registration": "DENY"}` and sets `error` (see
    /// [`HookError::end_user`]); the Sign-In Widget shows each cause next to
    /// the form field its `location` names.
    pub fn deny_registration_with(&mut self, error: HookError) -> &mut Response {
        self.deny_registration().set_error(error)
    }

    /// Password-import hooks: `com.okta.action.update`
    /// `{"credential": "VERIFIED"}`; Okta stores the password's hash.
    pub fn verify_password(&mut self) -> &mut Response {
        self.push(Command::ActionUpdate(ActionUpdate::Credential(
            CredentialVerdict::Verified,
        )))
    }

    /// Password-import hooks: `com.okta.action.update`
    /// `{"credential": "UNVERIFIED"}`; the sign-in fails.
    pub fn reject_password(&mut self) -> &mut Response {
        self.push(Command::ActionUpdate(ActionUpdate::Credential(
            CredentialVerdict::Unverified,
        )))
    }

    /// Telephony hooks: `com.okta.telephony.action` with one result.
    pub fn telephony_result(&mut self, result: TelephonyResult) -> &mut Response {
        self.push(Command::TelephonyAction(vec![result]))
    }

    /// Appends a command with any `type` and a JSON `value`, for commands
    /// without a typed variant. The host checks it like the typed command
    /// of the same name and rejects unknown types.
    ///
    /// # Errors
    ///
    /// If `value` cannot be serialized to JSON.
    pub fn raw(
        &mut self,
        command_type: impl Into<String>,
        value: impl Serialize,
    ) -> Result<&mut Response> {
        let value = serde_json::to_string(&value)?;
        Ok(self.push(Command::Raw(RawCommand {
            type_: command_type.into(),
            value,
        })))
    }

    /// Like [`raw`](Response::raw) with the value given as JSON text, sent
    /// unchecked: text that is not JSON makes the host reject the answer.
    pub fn raw_json(
        &mut self,
        command_type: impl Into<String>,
        json_text: impl Into<String>,
    ) -> &mut Response {
        self.push(Command::Raw(RawCommand {
            type_: command_type.into(),
            value: json_text.into(),
        }))
    }

    /// Sets Okta's `error` object, replacing any earlier one. Its effect
    /// depends on the hook type; see [`HookError`].
    pub fn set_error(&mut self, error: HookError) -> &mut Response {
        self.error = Some(error);
        self
    }

    /// Sets `debugContext` to `value`, which must serialize to a JSON
    /// object. Okta copies it into the System Log event
    /// `inline_hook.response.processed`: never put secrets or personal data
    /// in it.
    ///
    /// # Errors
    ///
    /// If `value` does not serialize to a JSON object.
    pub fn set_debug_context(&mut self, value: impl Serialize) -> Result<&mut Response> {
        self.debug_context = Some(object_json("debugContext", value)?);
        Ok(self)
    }

    /// The JSON body Okta receives for this answer, built the way the host
    /// builds it: members left empty are omitted, so an empty answer is
    /// `{}`. Handy in tests.
    ///
    /// ```
    /// use hookwarden_guest::Response;
    /// use serde_json::json;
    ///
    /// let mut response = Response::new();
    /// response.link_user("00uhb7xd7kEsOT8Zd0g4");
    /// assert_eq!(response.to_okta_json()?, json!({"commands": [
    ///     {"type": "com.okta.action.update", "value": {"result": "LINK_USER"}},
    ///     {"type": "com.okta.user.update", "value": {"id": "00uhb7xd7kEsOT8Zd0g4"}}
    /// ]}));
    /// # Ok::<(), hookwarden_guest::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// If some JSON text in the answer (a value, the debug context) is not
    /// valid JSON, as can happen with [`raw_json`](Response::raw_json) or
    /// hand-made commands. The host would reject such an answer.
    pub fn to_okta_json(&self) -> Result<Value> {
        hookwarden_contract::okta_json::to_okta_json(&self.to_neutral()).map_err(|e| {
            let at = match e.part {
                JsonText::CommandValue(i) => format!("commands[{i}]: value"),
                JsonText::PatchValue { command, operation } => {
                    let path = match &self.commands[command] {
                        Command::IdentityPatch(ops)
                        | Command::AccessPatch(ops)
                        | Command::AssertionPatch(ops) => ops[operation].path.as_str(),
                        _ => "value",
                    };
                    format!("commands[{command}]: {path}")
                }
                JsonText::DebugContext => "debugContext".to_owned(),
            };
            Error::new(format!("{at}: {}", e.message))
        })
    }

    /// The answer in the contract crate's neutral model: this crate's one
    /// conversion from its WIT types. [`to_okta_json`](Response::to_okta_json)
    /// and `testing`'s judgement start from it, as the host's do.
    pub(crate) fn to_neutral(&self) -> neutral::Answer {
        neutral_answer(self)
    }
}

// `wit_request` (used by `Request::from_json`), `neutral_answer` and its
// parts, over the SDK's generated types (the host invokes the same macro
// over its own).
hookwarden_contract::wit_conversions!(pub(crate));

/// Constructors for Okta's `error` object.
///
/// ```
/// use hookwarden_guest::{ErrorCause, HookError};
/// use serde_json::json;
///
/// let error = HookError::new("Lookup failed")
///     .with_cause(ErrorCause::new("CRM timed out").with_domain("external-service"));
/// assert_eq!(error.to_okta_json(), json!({"errorSummary": "Lookup failed",
///     "errorCauses": [{"errorSummary": "CRM timed out", "domain": "external-service"}]}));
///
/// // Okta documents `errorSummary` as optional: without it, Okta shows its
/// // default text where the hook type shows the summary.
/// let causes_only = HookError::without_summary()
///     .with_cause(ErrorCause::end_user("Use your work email", "data.userProfile.email"));
/// assert_eq!(causes_only.to_okta_json(), json!({"errorCauses": [{
///     "errorSummary": "Use your work email", "locationType": "body",
///     "location": "data.userProfile.email", "domain": "end-user"}]}));
/// ```
impl HookError {
    /// An error with a summary and no causes.
    pub fn new(error_summary: impl Into<String>) -> HookError {
        HookError {
            error_summary: Some(error_summary.into()),
            error_causes: Vec::new(),
        }
    }

    /// An error without `errorSummary` (and, until [`HookError::with_cause`],
    /// without causes). Its effect is the hook type's error effect with
    /// Okta's default text in place of the summary: a token request fails
    /// with error_description "The callback service returned an error", a
    /// SAML sign-in shows a generic error page, a registration still fails
    /// (the widget shows the causes, or a generic message without them), a
    /// telephony hook still falls back to Okta's providers.
    pub fn without_summary() -> HookError {
        HookError {
            error_summary: None,
            error_causes: Vec::new(),
        }
    }

    /// The error a registration hook shows the end user next to a form
    /// field: summary `message` and one cause with the same message, the
    /// machine-readable `reason` (e.g. `INVALID_EMAIL_DOMAIN`),
    /// `locationType` `body`, `location` (e.g. `data.userProfile.email`,
    /// or `data.userProfileUpdate.email` in progressive profiling) and
    /// `domain` `end-user`.
    pub fn end_user(
        message: impl Into<String>,
        reason: impl Into<String>,
        location: impl Into<String>,
    ) -> HookError {
        let message = message.into();
        HookError::new(message.clone())
            .with_cause(ErrorCause::end_user(message, location).with_reason(reason))
    }

    /// Adds a cause.
    #[must_use]
    pub fn with_cause(mut self, cause: ErrorCause) -> HookError {
        self.error_causes.push(cause);
        self
    }

    /// The error in Okta's JSON shape (`errorSummary` omitted when unset).
    pub fn to_okta_json(&self) -> Value {
        neutral_error(self).to_okta_json()
    }
}

/// Constructors for one cause of Okta's `error` object.
///
/// ```
/// use hookwarden_guest::ErrorCause;
/// use serde_json::json;
///
/// assert_eq!(ErrorCause::new("CRM timed out").to_okta_json(),
///     json!({"errorSummary": "CRM timed out"}));
///
/// // Every member of a cause is optional, `errorSummary` included (Okta's
/// // own SDK tests send causes without it).
/// let reason_only = ErrorCause::without_summary().with_reason("INVALID_EMAIL_DOMAIN");
/// assert_eq!(reason_only.to_okta_json(), json!({"reason": "INVALID_EMAIL_DOMAIN"}));
/// ```
impl ErrorCause {
    /// A cause with only a summary.
    pub fn new(error_summary: impl Into<String>) -> ErrorCause {
        ErrorCause {
            error_summary: Some(error_summary.into()),
            ..ErrorCause::without_summary()
        }
    }

    /// A cause without `errorSummary` and, until the `with_...` methods
    /// add some, without any member: Okta documents each member of a cause
    /// as optional.
    pub fn without_summary() -> ErrorCause {
        ErrorCause {
            error_summary: None,
            reason: None,
            location_type: None,
            location: None,
            domain: None,
        }
    }

    /// A cause for the end user about the request body member `location`
    /// (e.g. `data.userProfile.email`): `locationType` `body`, `domain`
    /// `end-user`.
    pub fn end_user(error_summary: impl Into<String>, location: impl Into<String>) -> ErrorCause {
        ErrorCause::new(error_summary)
            .with_location_type("body")
            .with_location(location)
            .with_domain("end-user")
    }

    /// Sets `reason`, e.g. `INVALID_EMAIL_DOMAIN`.
    #[must_use]
    pub fn with_reason(mut self, reason: impl Into<String>) -> ErrorCause {
        self.reason = Some(reason.into());
        self
    }

    /// Sets `locationType`. Okta lists `body`, `header`, `url` and `query`
    /// but sets no technical restriction: any string is sent as is.
    #[must_use]
    pub fn with_location_type(mut self, location_type: impl Into<String>) -> ErrorCause {
        self.location_type = Some(location_type.into());
        self
    }

    /// Sets `location`, a JSON path into the request such as
    /// `data.userProfile.login`.
    #[must_use]
    pub fn with_location(mut self, location: impl Into<String>) -> ErrorCause {
        self.location = Some(location.into());
        self
    }

    /// Sets `domain`, e.g. `end-user` or `external-service` (free-form).
    #[must_use]
    pub fn with_domain(mut self, domain: impl Into<String>) -> ErrorCause {
        self.domain = Some(domain.into());
        self
    }

    /// The cause in Okta's JSON shape (unset members omitted).
    pub fn to_okta_json(&self) -> Value {
        neutral_cause(self).to_okta_json()
    }
}

/// Constructors for a telephony delivery result.
///
/// ```
/// use hookwarden_guest::{TelephonyResult, TelephonyStatus};
/// use serde_json::json;
///
/// let result = TelephonyResult::new(TelephonyStatus::Successful)
///     .with_provider("Acme")
///     .with_transaction_id("SM123")
///     .with_metadata("duration=1.2s");
/// assert_eq!(result.to_okta_json(), json!({"status": "SUCCESSFUL", "provider": "Acme",
///     "transactionId": "SM123", "transactionMetadata": "duration=1.2s"}));
/// ```
impl TelephonyResult {
    /// A result with only a status.
    pub fn new(status: TelephonyStatus) -> TelephonyResult {
        TelephonyResult {
            status,
            provider: None,
            transaction_id: None,
            transaction_metadata: None,
        }
    }

    /// Sets the provider's name.
    #[must_use]
    pub fn with_provider(mut self, provider: impl Into<String>) -> TelephonyResult {
        self.provider = Some(provider.into());
        self
    }

    /// Sets the provider's transaction id.
    #[must_use]
    pub fn with_transaction_id(mut self, transaction_id: impl Into<String>) -> TelephonyResult {
        self.transaction_id = Some(transaction_id.into());
        self
    }

    /// Sets free-form transaction metadata.
    #[must_use]
    pub fn with_metadata(mut self, metadata: impl Into<String>) -> TelephonyResult {
        self.transaction_metadata = Some(metadata.into());
        self
    }

    /// The result in Okta's JSON shape (unset members omitted).
    pub fn to_okta_json(&self) -> Value {
        neutral_telephony(self).to_okta_json()
    }
}
