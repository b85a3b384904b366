//! Hookwarden: a host for Okta inline hooks written as sandboxed WebAssembly components.
//!
//! The flow of one hook call: [`server::hooks`] authenticates it and reads
//! the body, the [`pipeline`] parses the [`envelope`], runs the plugin in
//! the [`runtime`] under its [`limits`], converts the [`answer`] to Okta's
//! JSON, checks it against the [`contract`], and falls back to the
//! [`policy`]'s safe answer on any failure. The [`registry`] keeps
//! compiled plugins and hooks live over the [`store`] (sled by default);
//! [`app`] builds and wires every part.

pub mod admin_schema;
pub mod admin_token;
pub mod answer;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
/// Okta's rules for answers ([`hookwarden_contract::check`]).
pub use hookwarden_contract::check as contract;
pub mod envelope;
pub mod example_plugins;
#[doc(hidden)]
pub mod fuzzing;
/// Okta's hook types ([`hookwarden_contract::hook_type`]).
pub use hookwarden_contract::hook_type;
pub mod ids;
pub mod journal;
pub mod limits;
pub(crate) mod metrics;
pub mod pipeline;
pub mod policy;
pub(crate) mod redact;
pub mod registry;
pub(crate) mod replay;
pub mod reply;
pub mod runtime;
pub mod samples;
pub mod server;
pub mod store;
pub(crate) mod telemetry;
use hookwarden_contract::text;
