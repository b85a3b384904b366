//! A Hookwarden registration hook (`com.okta.user.pre-registration`):
//! allows every self-service registration and progressive-profile update.
//!
//! To refuse one and tell the end user why, answer
//! `response.deny_registration_with(HookError::end_user(message, reason,
//! "data.userProfile.<field>"))`.

use hookwarden_guest::{Handler, RegistrationKind, Request, Response, Result, log};

/// The handler.
struct Hook;

impl Handler for Hook {
    fn handle(request: Request) -> Result<Response> {
        let data = request.registration_data()?;
        // Self-service registration sends the form in `userProfile`;
        // progressive profiling sends only the changes in `userProfileUpdate`.
        let (flow, fields) = match request.registration_kind()? {
            RegistrationKind::SelfService => ("registration", data.user_profile),
            RegistrationKind::ProgressiveProfile => ("profile update", data.user_profile_update),
        };
        let count = fields.map_or(0, |fields| fields.len());
        let mut response = Response::new();
        response.allow_registration();
        log::info(format!("allowed a {flow} with {count} field(s)"));
        Ok(response)
    }
}

hookwarden_guest::export_handler!(Hook);
