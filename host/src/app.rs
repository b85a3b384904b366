//! The composition root: builds the store, runtime, metrics, journal, replay cache, registry and pipeline, and hands each what it needs.
//!
//! Nothing else creates these parts: `hookwarden serve`, `demo` and the
//! tests open an [`App`] and serve its [`AppState`]. Dependencies point one
//! way: the server uses the pipeline and the registry; the pipeline uses
//! the runtime, the contract and its sinks; the store is at the bottom.

use crate::admin_token::AdminToken;
use crate::journal::Journal;
use crate::metrics::Metrics;
use crate::pipeline::{Pipeline, Sinks};
use crate::registry::{Registry, RegistryConfig};
use crate::replay::ReplayCache;
use crate::runtime::Runtime;
use crate::server::{AppState, ServerConfig};
use crate::store::{SledStore, Store};
use std::sync::Arc;

/// Every long-lived part of a Hookwarden server, built once.
pub struct App {
    /// The registrations' store (sled, under the data directory).
    pub(crate) store: Store,
    /// The sandbox.
    pub(crate) runtime: Arc<Runtime>,
    /// Prometheus metrics (calls, replays, compile times).
    pub(crate) metrics: Arc<Metrics>,
    /// The execution journal, pruned once a minute.
    pub(crate) journal: Arc<Journal>,
    /// Compiled plugins and live hooks.
    pub(crate) registry: Arc<Registry>,
    /// Runs hook calls and hands their traces to the journal, metrics and
    /// replay cache.
    pub(crate) pipeline: Arc<Pipeline>,
}

impl App {
    /// Opens the store in `registry.data_dir`, starts the sandbox sized by
    /// `registry.runtime`, opens the journal with `server.journal`'s
    /// retention (and starts its pruning: needs a tokio runtime), makes the
    /// replay cache with `server.replay_ttl` and `server.replay_capacity`, then opens the registry
    /// (compiling or loading every stored plugin, see [`Registry::open`]).
    ///
    /// # Errors
    ///
    /// The engine cannot be made, the database cannot be opened (another
    /// process holds it), or the default limits are invalid.
    pub async fn open(registry: RegistryConfig, server: &ServerConfig) -> anyhow::Result<App> {
        let runtime = Arc::new(Runtime::new(registry.runtime)?);
        let sled = SledStore::open(&registry.data_dir)?;
        let journal = Journal::open(&sled, server.journal)?;
        let store: Store = Arc::new(sled);
        let metrics = Arc::new(Metrics::default());
        journal.prune_periodically();
        let replays = Arc::new(ReplayCache::new(server.replay_ttl, server.replay_capacity));
        let registry =
            Registry::open(registry, store.clone(), runtime.clone(), metrics.clone()).await?;
        let pipeline = Arc::new(Pipeline::new(
            runtime.clone(),
            Sinks {
                replays: Some(replays),
                metrics: Some(metrics.clone()),
                journal: Some(journal.clone()),
            },
        ));
        Ok(App {
            store,
            runtime,
            metrics,
            journal,
            registry,
            pipeline,
        })
    }

    /// The state the HTTP handlers share, serving with `server` settings and
    /// the `admin` token.
    pub fn state(&self, server: ServerConfig, admin: AdminToken) -> AppState {
        AppState {
            registry: self.registry.clone(),
            pipeline: self.pipeline.clone(),
            runtime: self.runtime.clone(),
            journal: self.journal.clone(),
            metrics: self.metrics.clone(),
            config: Arc::new(server),
            admin: Arc::new(admin),
        }
    }
}
