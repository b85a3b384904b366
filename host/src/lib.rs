//! Hookwarden: a host for Okta inline hooks written as sandboxed WebAssembly components.
//!
//! The library's API is what `hookwarden serve` is made of, for a program
//! that embeds the server: open an [`App`] (store, sandbox, journal,
//! registry and pipeline, sized by a [`RegistryConfig`] and a
//! [`ServerConfig`]), take its [`AppState`] with an [`AdminToken`], and
//! [`serve`] it on a listener; or run the whole command line with
//! [`main`].
//!
//! The flow of one hook call (`docs/architecture.md`): the server
//! authenticates it and reads the body; the pipeline parses the envelope,
//! runs the plugin in the runtime under its [`Limits`], converts the answer
//! to Okta's JSON, checks it against Okta's contract (the
//! `hookwarden-contract` crate), and falls back to the [`FailurePolicy`]'s
//! safe answer on any failure. The registry keeps compiled plugins and
//! hooks live over the store (sled by default).

mod admin_schema;
mod admin_token;
mod answer;
mod app;
mod cli;
mod clock;
mod config;
mod envelope;
mod example_plugins;
mod fuzzing;
mod ids;
mod journal;
mod limits;
mod metrics;
mod pipeline;
mod policy;
mod redact;
mod registry;
mod replay;
mod reply;
mod runtime;
mod samples;
mod server;
mod store;
mod telemetry;

use hookwarden_contract::check as contract;
use hookwarden_contract::hook_type;
use hookwarden_contract::text;

pub use admin_token::{AdminToken, AdminTokenError};
pub use app::App;
pub use cli::main;
pub use hookwarden_contract::hook_type::HookType;
pub use journal::JournalConfig;
pub use limits::{LimitError, LimitOverrides, Limits};
pub use policy::FailurePolicy;
pub use registry::RegistryConfig;
pub use runtime::{CompileLimits, Compiler, RuntimeConfig};
pub use server::{AppState, ServerConfig, serve};

#[doc(hidden)]
pub mod internals {
    //! The parts the workspace's own tests, benchmarks and fuzz targets reach into: not the library's API, with no stability promise.
    //!
    //! Each item is named here rather than its module made public, so the
    //! dead-code lint still sees everything else.

    pub use crate::answer::to_okta_json;
    pub use crate::clock::now_timestamp;
    pub use crate::envelope::Envelope;
    pub use crate::ids::random as random_id;
    pub use crate::journal::{Journal, Source as JournalSource, rejected};
    pub use crate::limits::DEFAULT_TIME_BUDGET_MS;
    pub use crate::pipeline::{Answer, Execution, HookRun, Pipeline, Sinks, Source};
    pub use crate::policy::Outcome;
    pub use crate::registry::{HookSpec, Registry, plugin_id};
    pub use crate::reply::JsonBody;
    pub use crate::runtime::bindings::types as wit;
    pub use crate::runtime::{ANSWER_DEADLINE, Runtime};
    pub use crate::store::{HookRecord, HookStatus, SledStore, Storage, StoreError};
    use std::sync::Arc;

    /// Okta's sample requests (`host/src/samples/`).
    pub mod samples {
        pub use crate::samples::{
            REGISTRATION_PROGRESSIVE, SAML, TOKEN, request, with_request_type,
        };
    }

    /// Where the build script put the example plugins.
    pub mod example_plugins {
        pub use crate::example_plugins::{DIR, path};
    }

    /// The fuzz targets' entry points.
    pub mod fuzzing {
        pub use crate::fuzzing::{answer, debug_context, envelope};
    }

    /// The parts of an [`App`](crate::App) the tests inspect: its registry,
    /// journal, sandbox and pipeline.
    pub fn parts(app: &crate::App) -> Parts {
        Parts {
            registry: app.registry.clone(),
            journal: app.journal.clone(),
            runtime: app.runtime.clone(),
            pipeline: app.pipeline.clone(),
        }
    }

    /// See [`parts`].
    pub struct Parts {
        /// Compiled plugins and live hooks.
        pub registry: Arc<Registry>,
        /// The execution journal.
        pub journal: Arc<Journal>,
        /// The sandbox.
        pub runtime: Arc<Runtime>,
        /// Runs hook calls.
        pub pipeline: Arc<Pipeline>,
    }
}
