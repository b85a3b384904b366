//! User-import hook: links an imported user to the Okta user Okta matched,
//! but only when a chosen attribute really agrees; otherwise creates a new
//! user.
//!
//! # Settings
//!
//! * `match_attribute`: the profile attribute to compare; default `email`.
//!
//! If `data.user` has an `id` and `data.appUser.profile.<attr>` equals
//! `data.user.profile.<attr>` (both strings, compared trimmed and
//! case-insensitively), the answer is `LINK_USER` with that user id;
//! otherwise `CREATE_USER`. An app user without the attribute (or with an
//! empty or non-string value) gets `CREATE_USER` and a warning. The
//! decision is logged with the attribute's name, never its values.

use hookwarden_guest::{Handler, Request, Response, Result, log, settings};

/// The handler.
struct ImportLink;

/// The form in which values are compared.
fn normalize(value: &str) -> String {
    value.trim().to_lowercase()
}

impl Handler for ImportLink {
    fn handle(request: Request) -> Result<Response> {
        let data = request.import_data()?;
        let attribute = settings::get_or("match_attribute", "email");
        let mut response = Response::new();
        let app_value = data.app_user.profile.get_str(&attribute).map(normalize);
        let Some(app_value) = app_value.filter(|v| !v.is_empty()) else {
            log::warn(format!(
                "CREATE_USER: the app user has no `{attribute}` to match on"
            ));
            response.create_user();
            return Ok(response);
        };
        let user_value = data.user.profile.get_str(&attribute).map(normalize);
        match data.user.id {
            Some(id) if user_value.as_ref() == Some(&app_value) => {
                log::info(format!("LINK_USER: `{attribute}` matches the Okta user"));
                response.link_user(id);
            }
            Some(_) => {
                log::info(format!(
                    "CREATE_USER: `{attribute}` differs from the matched Okta user's"
                ));
                response.create_user();
            }
            None => {
                log::info("CREATE_USER: Okta matched no existing user");
                response.create_user();
            }
        }
        Ok(response)
    }
}

hookwarden_guest::export_handler!(ImportLink);

#[cfg(test)]
mod tests;
