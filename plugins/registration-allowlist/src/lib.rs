//! Registration hook: lets people register (or change their email in
//! progressive profiling) only with an email address at an allowed domain.
//!
//! # Settings
//!
//! * `allowed_domains` (required): comma-separated domains, e.g.
//!   `example.com, *.example.org`. Entries are trimmed and compared
//!   case-insensitively; `*.example.org` allows any subdomain of
//!   example.org but not example.org itself. Without this setting every
//!   registration is denied and an error is logged.
//! * `message`: what the end user is told when denied; default
//!   `Registration is not open for this email domain.`
//! * `omit_summary`: `true` leaves `errorSummary` out of the error (Okta
//!   documents it as optional; the registration still fails and the widget
//!   shows the cause). Any other value, or none, keeps it.
//! * `omit_cause_summary`: `true` leaves `errorSummary` out of the cause as
//!   well (Okta documents every member of a cause as optional). Any other
//!   value, or none, keeps it.
//! * `location_type`: the cause's `locationType`; default `body`. Okta sets
//!   no technical restriction on it, so any string is sent.
//!
//! Self-service registration (`requestType` `self.service.registration`,
//! or none on Classic Engine) checks `data.userProfile.email`; a missing
//! email or one without `@` is denied. Progressive profiling checks
//! `data.userProfileUpdate.email` only if the user is changing it.
//!
//! Allowed: `com.okta.action.update {"registration": "ALLOW"}`. Denied:
//! `{"registration": "DENY"}` and an error whose cause (reason
//! `INVALID_EMAIL_DOMAIN`) points the Sign-In Widget at the email field.

use hookwarden_guest::{
    ErrorCause, Handler, HookError, RegistrationKind, Request, Response, Result, log, settings,
};

/// The end-user message when `message` is not set.
const DEFAULT_MESSAGE: &str = "Registration is not open for this email domain.";

/// The handler.
struct RegistrationAllowlist;

/// The lower-cased domain of `email`, if it has a non-empty local part and domain.
fn domain_of(email: &str) -> Option<String> {
    let (local, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.to_ascii_lowercase();
    (!local.is_empty() && !domain.is_empty()).then_some(domain)
}

/// Whether `domain` matches an entry of the comma-separated `allowed` list.
fn is_allowed(domain: &str, allowed: &str) -> bool {
    allowed
        .split(',')
        .map(|entry| entry.trim().to_ascii_lowercase())
        .filter(|entry| !entry.is_empty())
        .any(|entry| match entry.strip_prefix("*.") {
            Some(parent) => domain
                .strip_suffix(parent)
                .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
            None => domain == entry,
        })
}

impl Handler for RegistrationAllowlist {
    fn handle(request: Request) -> Result<Response> {
        let data = request.registration_data()?;
        let mut response = Response::new();
        let (email, location) = match request.registration_kind()? {
            RegistrationKind::SelfService => {
                let email = data.user_profile.as_ref().and_then(|p| p.get("email"));
                (email, "data.userProfile.email")
            }
            RegistrationKind::ProgressiveProfile => {
                let email = data
                    .user_profile_update
                    .as_ref()
                    .and_then(|p| p.get("email"));
                if email.is_none_or(|e| e.is_null()) {
                    log::info("ALLOW: the profile update does not change the email");
                    response.allow_registration();
                    return Ok(response);
                }
                (email, "data.userProfileUpdate.email")
            }
        };
        let domain = email.and_then(|e| e.as_str()).and_then(domain_of);
        let allowed = match settings::get("allowed_domains") {
            None => {
                log::error("the setting `allowed_domains` is missing: denying every registration");
                false
            }
            Some(list) => domain.is_some_and(|d| is_allowed(&d, &list)),
        };
        if allowed {
            log::info("ALLOW: the email domain is allowed");
            response.allow_registration();
        } else {
            log::info("DENY: the email domain is not allowed (or there is no valid email)");
            let message = settings::get_or("message", DEFAULT_MESSAGE);
            let cause = if settings::get("omit_cause_summary").as_deref() == Some("true") {
                ErrorCause::without_summary()
            } else {
                ErrorCause::new(message.clone())
            }
            .with_reason("INVALID_EMAIL_DOMAIN")
            .with_location_type(settings::get_or("location_type", "body"))
            .with_location(location)
            .with_domain("end-user");
            let error = if settings::get("omit_summary").as_deref() == Some("true") {
                HookError::without_summary()
            } else {
                HookError::new(message)
            };
            response.deny_registration_with(error.with_cause(cause));
        }
        Ok(response)
    }
}

hookwarden_guest::export_handler!(RegistrationAllowlist);

#[cfg(test)]
mod tests;
