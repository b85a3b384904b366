//! `hookwarden sample`, `invoke` and `new`: tools for plugin authors that need no server.
//!
//! - [`sample`] prints a realistic Okta request for a hook type, with a
//!   fresh `eventId` and `eventTime`, ready to edit;
//! - [`invoke`] runs a plugin on a request through exactly the pipeline of
//!   `POST /hooks/{id}` (sandbox, limits, contract check, failure policy)
//!   and reports what it did;
//! - [`new`] scaffolds a plugin project that builds as it is.

mod invoke;
mod sample;
mod scaffold;

pub use invoke::InvokeArgs;
pub use sample::SampleArgs;
pub use scaffold::NewArgs;

use crate::hook_type::HookType;
use std::process::ExitCode;

/// Runs `hookwarden sample`: prints the request as pretty JSON.
///
/// # Errors
///
/// When the hook type has no sample of the requested `requestType`.
pub fn sample(args: SampleArgs) -> anyhow::Result<ExitCode> {
    sample::run(args)
}

/// Runs `hookwarden invoke`. The exit code is 0 when the outcome is `ok`,
/// 2 when the answer would be rejected or replaced by the failure policy
/// (any other outcome).
///
/// # Errors
///
/// An unreadable plugin or request file, a component the host does not
/// accept (the compile error says why), a request that is not an envelope
/// of the hook type, or a limit outside its range: exit code 1.
pub async fn invoke(args: InvokeArgs) -> anyhow::Result<ExitCode> {
    invoke::run(args).await
}

/// Runs `hookwarden new`: creates `NAME/` with a project that builds as it
/// is.
///
/// # Errors
///
/// An invalid package name, an existing directory (never overwritten), an
/// SDK path without the SDK's `Cargo.toml`, or an I/O error (then nothing
/// is left behind).
pub fn new(args: NewArgs) -> anyhow::Result<ExitCode> {
    scaffold::run(args)
}

/// Parses a hook type for the command line: a short name or Okta's event
/// type; the error lists both.
fn parse_hook_type(s: &str) -> Result<HookType, String> {
    s.parse().map_err(|_| {
        let names: Vec<_> = HookType::ALL.iter().map(|t| t.short_name()).collect();
        format!(
            "unknown hook type `{s}`; use one of {} or Okta's event type (e.g. {})",
            names.join(", "),
            HookType::Token.event_type()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hook_types_parse_by_short_name_and_event_type() {
        for t in HookType::ALL {
            assert_eq!(parse_hook_type(t.short_name()), Ok(t));
            assert_eq!(parse_hook_type(t.event_type()), Ok(t));
        }
        let e = parse_hook_type("tokens").unwrap_err();
        assert!(e.contains("password-import"), "{e}");
    }
}
