//! SAML assertion hook: adds attributes to the assertion, rendered from the
//! user's profile.
//!
//! # Settings
//!
//! * `attribute.<name>`: a template for attribute `<name>`, e.g.
//!   `attribute.fullName` = `{firstName} {lastName}`. Each `{attr}` becomes
//!   `data.context.user.profile.<attr>` (strings as they are, other values
//!   as JSON text; `{{` and `}}` are literal braces). The attribute is added
//!   (`add /claims/<name>`) with one `xs:string` value. If the template
//!   names an attribute the profile lacks (or holds `null`), the attribute
//!   is skipped with a warning.
//! * `name_format`: the attributes' `NameFormat`; default
//!   `urn:oasis:names:tc:SAML:2.0:attrname-format:basic`.
//!
//! Settings apply in key order. With nothing to add the answer is empty
//! (assertion sent unchanged).

use hookwarden_guest::data::Profile;
use hookwarden_guest::patch::NAME_FORMAT_BASIC;
use hookwarden_guest::{
    Handler, Patch, Request, Response, Result, SamlAttribute, log, settings, template,
};

/// The handler.
struct SamlAttributes;

impl Handler for SamlAttributes {
    fn handle(request: Request) -> Result<Response> {
        let data = request.saml_data()?;
        let no_profile = Profile::default();
        let profile = data.user_profile().unwrap_or(&no_profile);
        let name_format = settings::get_or("name_format", NAME_FORMAT_BASIC);
        let mut patch = Patch::new();
        for (name, template) in settings::with_prefix("attribute.") {
            match template::render(&template, profile) {
                Ok(value) => {
                    let attribute = SamlAttribute::string(&name, value).name_format(&name_format);
                    patch.add_attribute(&attribute);
                }
                Err(e) => log::warn(format!("attribute `{name}` skipped: {e}")),
            }
        }
        log::info(format!("added {} attribute(s)", patch.len()));
        let mut response = Response::new();
        response.assertion_patch(patch);
        Ok(response)
    }
}

hookwarden_guest::export_handler!(SamlAttributes);

#[cfg(test)]
mod tests;
