//! `{attribute}` templates rendered against a user profile.
//!
//! A template is text with placeholders: `{name}` is replaced by the
//! profile attribute `name` (a string as is, any other JSON value as its
//! JSON text, e.g. `42` or `["a","b"]`). `{{` and `}}` stand for literal
//! braces. Settings often hold such templates, e.g.
//! `access.display_name = {firstName} {lastName}`.
//!
//! ```
//! use hookwarden_guest::template::{self, TemplateError};
//! use serde_json::{Map, Value, json};
//!
//! let profile: Map<String, Value> = serde_json::from_value(json!({
//!     "firstName": "Isaac", "lastName": "Brock", "level": 3, "nickname": null
//! }))?;
//! assert_eq!(template::render("{firstName} {lastName}", &profile)?, "Isaac Brock");
//! assert_eq!(template::render("L{level} {{x}}", &profile)?, "L3 {x}");
//! assert_eq!(
//!     template::render("{department}", &profile),
//!     Err(TemplateError::MissingAttribute("department".into()))
//! );
//! // null counts as missing: Okta sends unset attributes as null.
//! assert!(template::render("{nickname}", &profile).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde_json::{Map, Value};

/// Why a template could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// A placeholder names an attribute that is absent or `null`.
    MissingAttribute(String),
    /// A `{` without its `}`, or an empty `{}`.
    Malformed(String),
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateError::MissingAttribute(name) => {
                write!(f, "the profile has no attribute `{name}`")
            }
            TemplateError::Malformed(why) => write!(f, "malformed template: {why}"),
        }
    }
}

impl std::error::Error for TemplateError {}

impl From<TemplateError> for crate::Error {
    fn from(e: TemplateError) -> crate::Error {
        crate::Error::new(e.to_string())
    }
}

/// Renders `template`, replacing each `{name}` with `profile[name]`.
///
/// # Errors
///
/// [`TemplateError::MissingAttribute`] for the first placeholder whose
/// attribute is absent or `null`; [`TemplateError::Malformed`] for an
/// unclosed `{` or an empty `{}`.
pub fn render(template: &str, profile: &Map<String, Value>) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let brace = &rest[i..i + 1];
        let after = &rest[i + 1..];
        if after.starts_with(brace) {
            // `{{` or `}}`: a literal brace.
            out.push_str(brace);
            rest = &after[1..];
        } else if brace == "}" {
            // A lone `}` is kept as is.
            out.push('}');
            rest = after;
        } else {
            let end = after.find('}').ok_or_else(|| {
                TemplateError::Malformed(format!("unclosed `{{` in {template:?}"))
            })?;
            let name = &after[..end];
            if name.is_empty() {
                return Err(TemplateError::Malformed(format!(
                    "empty `{{}}` in {template:?}"
                )));
            }
            match profile.get(name) {
                None | Some(Value::Null) => {
                    return Err(TemplateError::MissingAttribute(name.to_owned()));
                }
                Some(Value::String(s)) => out.push_str(s),
                Some(other) => out.push_str(&other.to_string()),
            }
            rest = &after[end + 1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The attribute names a template refers to, in order (with repeats).
///
/// ```
/// let names = hookwarden_guest::template::placeholders("{a}-{{b}}-{c}");
/// assert_eq!(names, ["a", "c"]);
/// ```
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        let brace = &rest[i..i + 1];
        let after = &rest[i + 1..];
        if after.starts_with(brace) {
            rest = &after[1..];
        } else if brace == "}" {
            rest = after;
        } else if let Some(end) = after.find('}') {
            if end > 0 {
                names.push(&after[..end]);
            }
            rest = &after[end + 1..];
        } else {
            break;
        }
    }
    names
}
