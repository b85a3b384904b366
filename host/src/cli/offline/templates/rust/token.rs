//! A Hookwarden token hook (`com.okta.oauth2.tokens.transform`): adds a
//! claim to the access token, rendered from the user's profile.
//!
//! # Settings
//!
//! * `claim`: the claim's name; default `display_name`.
//! * `value`: its value, a template where `{attr}` is the profile
//!   attribute `attr`; default `{firstName} {lastName}`. A template naming
//!   an attribute the profile lacks makes the call fail (and Hookwarden
//!   issues the tokens unchanged).

use hookwarden_guest::{Handler, Patch, Request, Response, Result, log, settings, template};

/// The handler.
struct Hook;

impl Handler for Hook {
    fn handle(request: Request) -> Result<Response> {
        let data = request.token_data()?;
        let mut response = Response::new();
        // Okta discards the whole answer if it patches a token it is not minting.
        let (Some(_), Some(profile)) = (&data.access, data.user_profile()) else {
            log::info("no access token or no user profile: nothing to add");
            return Ok(response);
        };
        let claim = settings::get_or("claim", "display_name");
        let value = settings::get_or("value", "{firstName} {lastName}");
        let mut patch = Patch::new();
        patch.add_claim(&claim, template::render(&value, profile)?)?;
        response.access_patch(patch);
        log::info(format!("added claim `{claim}` to the access token"));
        Ok(response)
    }
}

hookwarden_guest::export_handler!(Hook);
