//! A Hookwarden SAML assertion hook (`com.okta.saml.tokens.transform`):
//! adds an attribute to the assertion, rendered from the user's profile.
//!
//! # Settings
//!
//! * `attribute`: the attribute's name; default `fullName`.
//! * `value`: its value, a template where `{attr}` is the profile
//!   attribute `attr`; default `{firstName} {lastName}`. A template naming
//!   an attribute the profile lacks makes the call fail (and Hookwarden
//!   sends the assertion unchanged).

use hookwarden_guest::{
    Handler, Patch, Request, Response, Result, SamlAttribute, log, settings, template,
};

/// The handler.
struct Hook;

impl Handler for Hook {
    fn handle(request: Request) -> Result<Response> {
        let data = request.saml_data()?;
        let mut response = Response::new();
        let Some(profile) = data.user_profile() else {
            log::info("no user profile: nothing to add");
            return Ok(response);
        };
        let name = settings::get_or("attribute", "fullName");
        let value = settings::get_or("value", "{firstName} {lastName}");
        let attribute = SamlAttribute::string(name.as_str(), template::render(&value, profile)?);
        let mut patch = Patch::new();
        patch.add_attribute(&attribute);
        response.assertion_patch(patch);
        log::info(format!("added attribute `{name}` to the assertion"));
        Ok(response)
    }
}

hookwarden_guest::export_handler!(Hook);
