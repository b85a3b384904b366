//! Hookwarden: a host for Okta inline hooks written as sandboxed WebAssembly components.
//!
//! The flow of one hook call: [`server::hooks`] authenticates it and reads
//! the body, [`exec::execute`] parses the [`envelope`], runs the plugin in
//! the [`runtime`] under its [`limits`], converts the [`answer`] to Okta's
//! JSON, checks it against the [`contract`], and falls back to the
//! [`policy`]'s safe answer on any failure. The [`registry`] keeps
//! compiled plugins and hooks live over the sled [`store`].

pub mod admin_token;
/// Okta's rules for answers ([`hookwarden_contract::check`]).
pub use hookwarden_contract::check as contract;
/// Okta's hook types ([`hookwarden_contract::hook_type`]).
pub use hookwarden_contract::hook_type;
use hookwarden_contract::text;
pub mod answer;
pub mod cli;
pub mod envelope;
pub mod example_plugins;
pub mod exec;
#[doc(hidden)]
pub mod fuzzing;
pub mod ids;
pub mod journal;
pub mod limits;
pub mod metrics;
pub mod policy;
pub mod redact;
pub mod registry;
pub mod replay;
pub mod runtime;
pub mod samples;
pub mod server;
pub mod store;
pub mod telemetry;
