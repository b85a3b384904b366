//! A Hookwarden password-import hook
//! (`com.okta.user.credential.password.import`): a starting point that
//! accepts no password yet.
//!
//! Okta calls this hook when a user imported with a password hook signs in
//! for the first time; the request holds the password they typed, in clear
//! text (never log it). Answer `response.verify_password()` when it is
//! right: Okta then stores its hash and never calls the hook again for
//! this user.

use hookwarden_guest::{Handler, Request, Response, Result, log};

/// The handler.
struct Hook;

impl Handler for Hook {
    fn handle(request: Request) -> Result<Response> {
        let data = request.password_import_data()?;
        let typed = data.context.credential.password.unwrap_or_default();
        let mut response = Response::new();
        // UNVERIFIED: the sign-in fails and Okta asks again at the next one.
        // Replace this with a check against what your old system stored
        // (for example a hash from the hook's settings: the sandbox has no
        // network), and call `response.verify_password()` when it passes.
        response.reject_password();
        log::info(format!(
            "no password check yet: UNVERIFIED ({} character(s) typed)",
            typed.chars().count()
        ));
        Ok(response)
    }
}

hookwarden_guest::export_handler!(Hook);
