//! Password-import hook (`com.okta.user.credential.password.import`).

use super::RequestContext;
use serde::{Deserialize, Serialize};

/// `data` of a password-import hook: a user created with a password hook
/// signs in for the first time, and the handler decides whether the
/// password they typed is right.
///
/// Answer with [`Response::verify_password`](crate::Response::verify_password)
/// or [`Response::reject_password`](crate::Response::reject_password); an
/// empty answer also rejects. The password is in clear text: never log it.
///
/// # Example
///
/// ```rust,standalone_crate
/// use hookwarden_guest::{Handler, Request, Response, Result, settings};
///
/// /// Accepts the password stored in the setting `legacy_password` (a demo:
/// /// a real handler asks the legacy system).
/// struct Legacy;
///
/// impl Handler for Legacy {
///     fn handle(request: Request) -> Result<Response> {
///         let data = request.password_import_data()?;
///         let typed = data.context.credential.password.unwrap_or_default();
///         let mut response = Response::new();
///         if settings::get("legacy_password").is_some_and(|p| p == typed) {
///             response.verify_password();
///         } else {
///             response.reject_password();
///         }
///         Ok(response)
///     }
/// }
///
/// hookwarden_guest::export_handler!(Legacy);
/// # let request = Request::from_json(r#"{"eventType": "com.okta.user.credential.password.import", "eventId": "e1",
/// #   "data": {"context": {"credential": {"username": "u", "password": "pw"}}, "action": {"credential": "UNVERIFIED"}}}"#).unwrap();
/// # let run = hookwarden_guest::testing::run::<Legacy>(request, &[("legacy_password", "pw")]);
/// # assert_eq!(run.okta_json()["commands"][0]["value"]["credential"], "VERIFIED");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordImportData {
    /// The sign-in request and the credential typed.
    pub context: PasswordImportContext,
    /// Okta's default decision (`UNVERIFIED`).
    pub action: Option<CredentialAction>,
}

/// `data.context` of a password-import hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordImportContext {
    /// The sign-in request (`/api/v1/authn` on Classic Engine,
    /// `/idp/idx/challenge/answer` on Identity Engine).
    pub request: Option<RequestContext>,
    /// What the user typed.
    pub credential: PasswordCredential,
}

/// `context.credential`. Its `Debug` output hides the password.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordCredential {
    /// The username (usually the login).
    pub username: Option<String>,
    /// The password in clear text.
    pub password: Option<String>,
}

impl std::fmt::Debug for PasswordCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordCredential")
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// `data.action` of a password-import hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CredentialAction {
    /// `UNVERIFIED`.
    pub credential: Option<String>,
}
