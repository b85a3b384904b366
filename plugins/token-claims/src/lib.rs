//! Token hook: adds claims to the access and ID tokens, rendered from the
//! user's profile.
//!
//! # Settings
//!
//! * `access.<claim>` / `identity.<claim>`: a template for claim `<claim>`
//!   of the access / ID token, e.g. `access.display_name` =
//!   `{firstName} {lastName}`. Each `{attr}` becomes
//!   `data.context.user.profile.<attr>` (strings as they are, other values
//!   as JSON text; `{{` and `}}` are literal braces). The claim is added
//!   (`add /claims/<claim>`, overwriting an existing claim) only if Okta is
//!   minting that token; if the template names an attribute the profile
//!   lacks (or holds `null`), the claim is skipped with a warning.
//! * `access.lifetime`: not a claim but the access token's lifetime in
//!   seconds (`replace /token/lifetime/expiration`). Okta accepts 300 to
//!   86400; a value that is not a whole number in that range is skipped
//!   with a warning.
//!
//! Settings apply in key order. With nothing to add the answer is empty
//! (tokens issued unchanged).

use hookwarden_guest::data::Profile;
use hookwarden_guest::{Handler, Patch, Request, Response, Result, log, settings, template};

/// The handler (public so the load benchmark's native baseline,
/// `tests/benches/native_baseline.rs`, can run it outside the sandbox).
pub struct TokenClaims;

impl Handler for TokenClaims {
    fn handle(request: Request) -> Result<Response> {
        let data = request.token_data()?;
        let no_profile = Profile::default();
        let profile = data.user_profile().unwrap_or(&no_profile);
        let (mut access, mut identity) = (Patch::new(), Patch::new());
        let mut added = 0;
        for (key, value) in settings::list() {
            let (patch, minted, claim) = match key.split_once('.') {
                Some(("access", claim)) => (&mut access, data.access.is_some(), claim),
                Some(("identity", claim)) => (&mut identity, data.identity.is_some(), claim),
                _ => continue,
            };
            if !minted || claim.is_empty() {
                continue;
            }
            if key == "access.lifetime" {
                match value.trim().parse::<u32>() {
                    Ok(seconds @ 300..=86400) => {
                        patch.set_lifetime(seconds);
                    }
                    _ => log::warn(format!(
                        "access.lifetime = {value:?} is not 300 to 86400 seconds; lifetime unchanged"
                    )),
                }
                continue;
            }
            match template::render(&value, profile) {
                Ok(rendered) => {
                    patch.add_claim(claim, rendered)?;
                    added += 1;
                }
                Err(e) => log::warn(format!("claim `{claim}` ({key}) skipped: {e}")),
            }
        }
        log::info(format!("added {added} claim(s)"));
        let mut response = Response::new();
        response.identity_patch(identity).access_patch(access);
        Ok(response)
    }
}

hookwarden_guest::export_handler!(TokenClaims);

#[cfg(test)]
mod tests;
