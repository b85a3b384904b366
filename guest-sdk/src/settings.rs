//! The read-only settings an administrator attached to the hook, so that
//! one handler binary serves many configurations.
//!
//! Settings are string keys and string values. A common pattern is a
//! prefix per kind of entry (`access.<claim>`, `attribute.<name>`), read
//! with [`with_prefix`].
//!
//! ```
//! use hookwarden_guest::settings;
//! # hookwarden_guest::testing::set_settings(&[("attribute.dept", "{department}"), ("slow_ms", "250")]);
//!
//! let format = settings::get_or("name_format", "basic");
//! let delay: u64 = settings::parse("slow_ms")?.unwrap_or(100);
//! for (name, template) in settings::with_prefix("attribute.") {
//!     // name = "dept", template = "{department}"
//! #   assert_eq!((name.as_str(), template.as_str()), ("dept", "{department}"));
//! }
//! # assert_eq!((format.as_str(), delay), ("basic", 250));
//! # Ok::<(), hookwarden_guest::Error>(())
//! ```
//!
//! On native targets the settings come from `testing`.

use crate::{Error, Result};
use std::str::FromStr;

#[cfg(target_arch = "wasm32")]
use crate::bindings::hookwarden::inline_hook::settings as backend;
#[cfg(not(target_arch = "wasm32"))]
use crate::testing::settings_backend as backend;

/// The value of setting `key`, or `None` if the hook has no such setting.
pub fn get(key: &str) -> Option<String> {
    backend::get(key)
}

/// Every setting as `(key, value)` pairs, sorted by key.
pub fn list() -> Vec<(String, String)> {
    backend::entries()
}

/// The value of setting `key`, or `default` if it is not set.
pub fn get_or(key: &str, default: &str) -> String {
    get(key).unwrap_or_else(|| default.to_owned())
}

/// The settings whose key starts with `prefix`, as (rest of the key, value)
/// pairs sorted by key. Keys equal to `prefix` are left out.
pub fn with_prefix(prefix: &str) -> Vec<(String, String)> {
    list()
        .into_iter()
        .filter_map(|(key, value)| {
            let rest = key.strip_prefix(prefix)?;
            (!rest.is_empty()).then(|| (rest.to_owned(), value))
        })
        .collect()
}

/// Setting `key` parsed with [`FromStr`] after trimming whitespace, or
/// `None` if it is not set.
///
/// # Errors
///
/// If the setting is present but does not parse; the message names the
/// key and the value.
pub fn parse<T>(key: &str) -> Result<Option<T>>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    get(key)
        .map(|value| {
            value
                .trim()
                .parse()
                .map_err(|e| Error::new(format!("setting `{key}` = {value:?}: {e}")))
        })
        .transpose()
}
