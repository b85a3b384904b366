//! Registration hook (`com.okta.user.pre-registration`).

use super::{Profile, RequestContext, User};
use serde::{Deserialize, Serialize};

/// `data` of a registration hook, for both flows that fire it:
/// self-service registration (`requestType` `self.service.registration`,
/// the form in `userProfile`) and progressive profiling (`requestType`
/// `progressive.profile`, the changes in `userProfileUpdate`, the current
/// user in `context.user`). Tell them apart with
/// [`Request::registration_kind`](crate::Request::registration_kind).
///
/// Answer with [`Response::allow_registration`](crate::Response::allow_registration)
/// or [`Response::deny_registration_with`](crate::Response::deny_registration_with),
/// and change attributes with
/// [`Response::update_user_profile`](crate::Response::update_user_profile)
/// (self-service registration only) or
/// [`Response::update_progressive_profile`](crate::Response::update_progressive_profile)
/// (progressive profiling only). Any `error` denies the registration and
/// cancels every command; its causes are shown to the end user.
///
/// # Example
///
/// ```rust,standalone_crate
/// use hookwarden_guest::{Handler, HookError, RegistrationKind, Request, Response, Result};
///
/// /// Refuses registrations whose first name is empty after trimming.
/// struct NeedsName;
///
/// impl Handler for NeedsName {
///     fn handle(request: Request) -> Result<Response> {
///         let data = request.registration_data()?;
///         let mut response = Response::new();
///         if request.registration_kind()? == RegistrationKind::ProgressiveProfile {
///             response.allow_registration();
///             return Ok(response);
///         }
///         let first = data.user_profile.as_ref().and_then(|p| p.get_str("firstName"));
///         if first.is_some_and(|f| !f.trim().is_empty()) {
///             response.allow_registration();
///         } else {
///             let message = "Please enter your first name.";
///             let error = HookError::end_user(message, "MISSING_NAME", "data.userProfile.firstName");
///             response.deny_registration_with(error);
///         }
///         Ok(response)
///     }
/// }
///
/// hookwarden_guest::export_handler!(NeedsName);
/// # let request = Request::from_json(r#"{"eventType": "com.okta.user.pre-registration", "eventId": "e1",
/// #   "requestType": "self.service.registration",
/// #   "data": {"context": {}, "userProfile": {"firstName": " "}, "action": "ALLOW"}}"#).unwrap();
/// # let run = hookwarden_guest::testing::run::<NeedsName>(request, &[]);
/// # assert_eq!(run.okta_json()["error"]["errorCauses"][0]["location"], "data.userProfile.firstName");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RegistrationData {
    /// What the hook cannot change: the request and, for progressive
    /// profiling, the user.
    pub context: RegistrationContext,
    /// The registration form (self-service registration): `login`,
    /// `email`, `firstName`, ... and custom fields. Never the password.
    pub user_profile: Option<Profile>,
    /// Only the attributes being changed (progressive profiling).
    pub user_profile_update: Option<Profile>,
    /// Okta's default decision, the string `ALLOW`.
    pub action: Option<String>,
}

/// `data.context` of a registration hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistrationContext {
    /// The enrollment request (`/idp/idx/enroll/new` or `.../update`).
    pub request: Option<RequestContext>,
    /// The existing user (progressive profiling only).
    pub user: Option<User>,
}
