//! Log lines for the host's log of the current hook call.
//!
//! ```
//! use hookwarden_guest::log;
//!
//! log::info("linking the imported user");
//! log::warn(format!("claim {} skipped: no such profile attribute", "dept"));
//! ```
//!
//! The host bounds each message (4 KiB by default) and the lines of one
//! call (64 by default); lines past the bound are dropped and counted,
//! never an error. Payloads carry personal data and secrets (a
//! password-import request holds a clear-text password): log decisions and
//! attribute names, not values you do not need.
//!
//! On native targets the lines are kept in memory for `testing`.

pub use crate::bindings::hookwarden::inline_hook::log::Level;

#[cfg(target_arch = "wasm32")]
use crate::bindings::hookwarden::inline_hook::log as backend;
#[cfg(not(target_arch = "wasm32"))]
use crate::testing::log_backend as backend;

/// Writes one line at `level`.
pub fn log(level: Level, message: impl AsRef<str>) {
    backend::log(level, message.as_ref());
}

/// Writes one line at [`Level::Trace`]: very detailed diagnostics.
pub fn trace(message: impl AsRef<str>) {
    log(Level::Trace, message);
}

/// Writes one line at [`Level::Debug`]: diagnostics.
pub fn debug(message: impl AsRef<str>) {
    log(Level::Debug, message);
}

/// Writes one line at [`Level::Info`]: normal events.
pub fn info(message: impl AsRef<str>) {
    log(Level::Info, message);
}

/// Writes one line at [`Level::Warn`]: something unexpected that the
/// handler coped with.
pub fn warn(message: impl AsRef<str>) {
    log(Level::Warn, message);
}

/// Writes one line at [`Level::Error`]: something failed.
pub fn error(message: impl AsRef<str>) {
    log(Level::Error, message);
}
