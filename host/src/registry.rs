//! The live registry: stored plugins compiled in memory and hooks ready to run.
//!
//! Every change goes to the [`Store`] first and is flushed; only then is the
//! in-memory view updated, so what is served is always what is stored.

use crate::clock::now_timestamp;
use crate::hook_type::HookType;
use crate::limits::{LimitError, LimitOverrides, Limits};
use crate::metrics::Metrics;
use crate::pipeline::HookRun;
use crate::policy::FailurePolicy;
use crate::runtime::compiler::Compilation;
use crate::runtime::{CompileError, CompileLimits, Compiler, Plugin, Runtime, RuntimeConfig};
use crate::store::{AuthScheme, HookRecord, HookStatus, PluginRecord, Settings, Store, StoreError};
use axum::http::{HeaderMap, HeaderName};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use subtle::ConstantTimeEq;

/// Where state lives and how the sandbox is sized.
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    /// The data directory; sled lives in `db/` below it.
    pub data_dir: PathBuf,
    /// Engine and pool sizing.
    pub runtime: RuntimeConfig,
    /// Limits for hooks that do not override them.
    pub default_limits: Limits,
    /// Most hooks stored at once. Default 1000.
    pub max_hooks: usize,
    /// Most plugins stored at once. Default 1000.
    pub max_plugins: usize,
    /// Where components are compiled. Default [`Compiler::InProcess`]
    /// (`hookwarden serve` and `demo` use [`Compiler::Subprocess`]).
    pub compiler: Compiler,
    /// Time, memory and concurrency bounds on compiling.
    pub compile_limits: CompileLimits,
}

/// Default cap on stored hooks: 1000 (an Okta org holds at most 100, so
/// this serves ten orgs' worth).
pub(crate) const DEFAULT_MAX_HOOKS: usize = 1000;
/// Default cap on stored plugins: 1000.
pub(crate) const DEFAULT_MAX_PLUGINS: usize = 1000;

impl RegistryConfig {
    /// Defaults for everything but the data directory.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        RegistryConfig {
            data_dir: data_dir.into(),
            runtime: RuntimeConfig::default(),
            default_limits: Limits::default(),
            max_hooks: DEFAULT_MAX_HOOKS,
            max_plugins: DEFAULT_MAX_PLUGINS,
            compiler: Compiler::default(),
            compile_limits: CompileLimits::default(),
        }
    }
}

/// Why a registry operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The component was refused.
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// A limit override is out of range.
    #[error(transparent)]
    Limits(#[from] LimitError),
    /// No plugin has this id.
    #[error("no plugin with id {0}")]
    PluginNotFound(String),
    /// No hook has this id.
    #[error("no hook with id {0}")]
    HookNotFound(String),
    /// Only INACTIVE hooks may be deleted.
    #[error("hook {0} is ACTIVE; deactivate it before deleting it")]
    HookActive(String),
    /// A count limit is reached.
    #[error("at most {limit} {what} can be stored")]
    TooMany {
        /// `hooks` or `plugins`.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A new hook needs its auth secret.
    #[error("a new hook needs an auth secret")]
    MissingSecret,
    /// The plugin is still used by hooks.
    #[error("plugin {plugin} is used by hook(s) {}", hooks.join(", "))]
    PluginInUse {
        /// The plugin.
        plugin: String,
        /// The hooks that use it.
        hooks: Vec<String>,
    },
}

/// What a hook is made of, as given when creating or replacing it.
/// Its `Debug` output leaves out the secret.
#[derive(Clone)]
pub struct HookSpec {
    /// Human name.
    pub name: String,
    /// The hook object's version string (Okta's `version`, usually "1.0.0").
    pub version: String,
    /// The hook type.
    pub hook_type: HookType,
    /// The plugin that handles calls (must be registered).
    pub plugin_id: String,
    /// Settings passed to the plugin.
    pub settings: Settings,
    /// Limit overrides.
    pub limits: LimitOverrides,
    /// Failure-policy options.
    pub failure_policy: FailurePolicy,
    /// Header name Okta sends the secret in.
    pub auth_key: String,
    /// The secret header value (only its hash is kept). Required to create
    /// a hook; when replacing, `None` keeps the current secret.
    pub auth_secret: Option<String>,
    /// Keep request and answer bodies, redacted, in the execution journal.
    pub record_bodies: bool,
}

impl std::fmt::Debug for HookSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HookSpec")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("hook_type", &self.hook_type)
            .field("plugin_id", &self.plugin_id)
            .field("settings", &self.settings)
            .field("limits", &self.limits)
            .field("failure_policy", &self.failure_policy)
            .field("auth_key", &self.auth_key)
            .field("record_bodies", &self.record_bodies)
            .field(
                "auth_secret",
                &self.auth_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// A hook as served: its record and everything a call needs, resolved once.
#[derive(Debug, Clone)]
pub struct LiveHook {
    /// The stored record.
    pub record: HookRecord,
    /// Plugin, settings, limits and policy for calls.
    pub run: HookRun,
    /// The auth check for Okta's calls.
    pub auth: HookAuth,
}

/// A stored hook that could not be made servable when the registry opened
/// (its plugin is missing or no longer compiles, its limits no longer fit
/// the defaults, ...). It is never called (a call gets what a call to an
/// INACTIVE hook gets), but it is listed with its error, counts against the
/// hook limit, keeps its plugin from being deleted, and can be deleted, or
/// replaced by a version that loads.
#[derive(Debug, Clone)]
pub(crate) struct BrokenHook {
    /// The stored record.
    pub record: HookRecord,
    /// Why it could not be loaded.
    pub error: String,
}

/// A hook's auth check, resolved once when the hook goes live: the header
/// to read and the secret's SHA-256.
#[derive(Clone)]
pub struct HookAuth {
    header: Option<HeaderName>,
    sha256: Option<[u8; 32]>,
}

impl std::fmt::Debug for HookAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HookAuth")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl HookAuth {
    /// The check for `scheme`. A header name or digest that does not parse
    /// (a damaged record) makes a check that refuses everything.
    pub fn new(scheme: &AuthScheme) -> Self {
        HookAuth {
            header: HeaderName::from_bytes(scheme.key.as_bytes()).ok(),
            sha256: hex::decode(&scheme.value_sha256)
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok()),
        }
    }

    /// Whether exactly one header of the configured name carries the
    /// secret, comparing digests in constant time.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let (Some(header), Some(expected)) = (&self.header, &self.sha256) else {
            return false;
        };
        let mut values = headers.get_all(header).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return false;
        };
        Sha256::digest(value.as_bytes()).ct_eq(expected).into()
    }
}

/// Stored registrations plus their compiled, ready-to-run form.
pub struct Registry {
    runtime: Arc<Runtime>,
    store: Store,
    config: RegistryConfig,
    plugins: RwLock<HashMap<String, Arc<Plugin>>>,
    hooks: RwLock<HashMap<String, Arc<LiveHook>>>,
    /// Stored hooks that failed to load at start, by id.
    broken: RwLock<HashMap<String, BrokenHook>>,
    /// Serializes changes, so checks (a plugin in use, a count limit) and
    /// the writes they guard cannot interleave.
    changes: tokio::sync::Mutex<()>,
    /// Compiles happen outside `changes`, bounded by this.
    compilation: Compilation,
    compiled: AtomicU64,
    loaded: AtomicU64,
    metrics: Arc<Metrics>,
}

/// How plugins were made ready since the registry opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompileStats {
    /// Plugins compiled from their component bytes.
    pub compiled: u64,
    /// Plugins loaded from the compiled-code cache without compiling.
    pub loaded_from_cache: u64,
}

/// `sha256:<hex>` of `bytes`: a plugin's id.
pub fn plugin_id(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// A new hook id: `cal` and 17 random letters and digits, like Okta's.
fn new_hook_id() -> String {
    crate::ids::random("cal", 17)
}

impl Registry {
    /// Opens the store, compiles every stored plugin and loads every hook.
    ///
    /// A stored plugin that no longer compiles is logged and skipped; a hook
    /// that cannot be served (its plugin skipped or missing, its limits
    /// invalid) is logged and kept, listed with its load error and deletable,
    /// but never called; the rest is served. Plugins without usable cached
    /// code compile with the configured [`Compiler`] and its limits, one
    /// turn at a time; compiled code of other engines, and of plugins no
    /// longer stored, is removed first.
    ///
    /// # Errors
    ///
    /// Fails if the engine or the store cannot be opened.
    pub async fn open(
        config: RegistryConfig,
        store: Store,
        runtime: Arc<Runtime>,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Arc<Registry>> {
        config.default_limits.validate()?;
        runtime.remove_stale_artifacts(&config.data_dir.join("compiled"));
        let registry = Registry {
            runtime,
            store,
            compilation: Compilation::new(config.compiler.clone(), config.compile_limits),
            config,
            plugins: RwLock::default(),
            hooks: RwLock::default(),
            broken: RwLock::default(),
            changes: tokio::sync::Mutex::new(()),
            compiled: AtomicU64::new(0),
            loaded: AtomicU64::new(0),
            metrics,
        };
        let stored = registry.store.plugins().await?;
        registry.runtime.remove_unstored_artifacts(
            &registry.config.data_dir.join("compiled"),
            &stored
                .iter()
                .map(|record| record.id.trim_start_matches("sha256:").to_owned())
                .collect(),
        );
        for record in stored {
            let Some(bytes) = registry.store.plugin_bytes(&record.id).await? else {
                tracing::error!(plugin = %record.id, "plugin bytes missing from the store; skipped");
                continue;
            };
            match registry.compile(&record.id, bytes.to_vec()).await {
                Ok(plugin) => {
                    registry.plugins_mut().insert(record.id.clone(), plugin);
                }
                Err(e) => {
                    tracing::error!(plugin = %record.id, error = %e, "stored plugin does not compile; skipped")
                }
            }
        }
        for record in registry.store.hooks().await? {
            let id = record.id.clone();
            match registry.live(record.clone()) {
                Ok(live) => {
                    registry.hooks_mut().insert(id, Arc::new(live));
                }
                Err(e) => {
                    tracing::error!(hook = %id, error = %e, "hook cannot be served; listed with its load error");
                    let broken = BrokenHook {
                        record,
                        error: e.to_string(),
                    };
                    registry.broken_mut().insert(id, broken);
                }
            }
        }
        Ok(Arc::new(registry))
    }

    fn plugins_mut(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Arc<Plugin>>> {
        self.plugins.write().unwrap_or_else(|e| e.into_inner())
    }

    fn broken_mut(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, BrokenHook>> {
        self.broken.write().unwrap_or_else(|e| e.into_inner())
    }

    fn hooks_mut(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Arc<LiveHook>>> {
        self.hooks.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The limits of hooks that override nothing.
    pub(crate) fn default_limits(&self) -> Limits {
        self.config.default_limits
    }

    /// Compiles a plugin (with the configured [`Compiler`] and its
    /// limits), or loads it from the compiled-code cache when a verified
    /// artifact for this engine exists. Takes no lock: compiles run beside
    /// admin changes and calls.
    async fn compile(&self, id: &str, bytes: Vec<u8>) -> Result<Arc<Plugin>, RegistryError> {
        let runtime = self.runtime.clone();
        let engine = runtime.engine_key();
        let digest = id.trim_start_matches("sha256:").to_owned();
        let artifact = runtime.artifact_path(&self.config.data_dir.join("compiled"), &digest);
        let expected = self.store.artifact_sha256(&engine, id).await?;
        let started = std::time::Instant::now();
        let loaded = match expected {
            Some(expected) => {
                let (runtime, artifact) = (runtime.clone(), artifact.clone());
                tokio::task::spawn_blocking(move || runtime.load_cached(&artifact, &expected))
                    .await
                    .ok()
                    .flatten()
            }
            None => None,
        };
        if let Some(plugin) = loaded {
            self.metrics.compiled(started.elapsed());
            self.loaded.fetch_add(1, Ordering::Relaxed);
            return Ok(Arc::new(plugin));
        }
        let code = self
            .compilation
            .precompile(&runtime, Arc::new(bytes))
            .await?;
        let cached =
            tokio::task::spawn_blocking(move || runtime.plugin_from_artifact(&code, &artifact))
                .await
                .unwrap_or_else(|e| Err(CompileError::Worker(format!("loading crashed: {e}"))))?;
        self.metrics.compiled(started.elapsed());
        self.compiled.fetch_add(1, Ordering::Relaxed);
        if let Some(sha) = &cached.artifact_sha256 {
            self.store.set_artifact_sha256(&engine, id, sha).await?;
        }
        Ok(Arc::new(cached.plugin))
    }

    /// How many plugins were compiled and how many loaded from the cache
    /// since the registry opened.
    pub fn compile_stats(&self) -> CompileStats {
        CompileStats {
            compiled: self.compiled.load(Ordering::Relaxed),
            loaded_from_cache: self.loaded.load(Ordering::Relaxed),
        }
    }

    /// Validates, compiles and stores a component. Adding the same bytes
    /// again returns the existing record.
    ///
    /// The compile runs before the change lock is taken, so a slow compile
    /// does not hold up other admin changes; the existence and count checks
    /// are made again under the lock (two uploads of the same bytes at once
    /// both compile, and the second returns the first's record).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Compile`] if the component is refused (including
    /// past a compile limit), [`RegistryError::TooMany`], or a store error.
    pub async fn add_plugin(&self, bytes: Vec<u8>) -> Result<PluginRecord, RegistryError> {
        let id = plugin_id(&bytes);
        if let Some(existing) = self.existing_plugin(&id).await? {
            return Ok(existing);
        }
        // Refuse early what the lock would refuse anyway, before compiling.
        self.check_plugin_count().await?;
        let plugin = self.compile(&id, bytes.clone()).await?;
        let _changes = self.changes.lock().await;
        if let Some(existing) = self.existing_plugin(&id).await? {
            return Ok(existing);
        }
        self.check_plugin_count().await?;
        let record = PluginRecord {
            id: id.clone(),
            size: bytes.len() as u64,
            created: now_timestamp(),
            world: plugin.world().into(),
        };
        let record = self.store.put_plugin(&record, &bytes).await?;
        self.plugins_mut().insert(id, plugin);
        Ok(record)
    }

    /// The record of plugin `id` if it is stored and live.
    async fn existing_plugin(&self, id: &str) -> Result<Option<PluginRecord>, RegistryError> {
        Ok(self
            .store
            .plugin(id)
            .await?
            .filter(|_| self.plugin(id).is_some()))
    }

    /// [`RegistryError::TooMany`] when no more plugins may be stored.
    async fn check_plugin_count(&self) -> Result<(), RegistryError> {
        if self.store.plugins().await?.len() >= self.config.max_plugins {
            return Err(RegistryError::TooMany {
                what: "plugins",
                limit: self.config.max_plugins,
            });
        }
        Ok(())
    }

    /// The stored record of plugin `id`, if stored.
    ///
    /// # Errors
    ///
    /// A store error.
    pub(crate) async fn plugin_record(
        &self,
        id: &str,
    ) -> Result<Option<PluginRecord>, RegistryError> {
        Ok(self.store.plugin(id).await?)
    }

    /// The compiled plugin with `id`, if registered.
    pub fn plugin(&self, id: &str) -> Option<Arc<Plugin>> {
        self.plugins
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    /// Every stored plugin.
    ///
    /// # Errors
    ///
    /// A store error.
    pub async fn plugins(&self) -> Result<Vec<PluginRecord>, RegistryError> {
        Ok(self.store.plugins().await?)
    }

    /// Deletes a plugin no hook uses.
    ///
    /// # Errors
    ///
    /// [`RegistryError::PluginInUse`], [`RegistryError::PluginNotFound`] or a store error.
    pub async fn delete_plugin(&self, id: &str) -> Result<(), RegistryError> {
        let _changes = self.changes.lock().await;
        let users: Vec<String> = self
            .records()
            .into_iter()
            .filter(|(record, _)| record.plugin_id == id)
            .map(|(record, _)| record.id)
            .collect();
        if !users.is_empty() {
            return Err(RegistryError::PluginInUse {
                plugin: id.into(),
                hooks: users,
            });
        }
        if !self.store.delete_plugin(id).await? {
            return Err(RegistryError::PluginNotFound(id.into()));
        }
        self.plugins_mut().remove(id);
        // Its compiled code goes too. A recorded digest without a file is
        // harmless: uploading the plugin again recompiles and re-records.
        let digest = id.trim_start_matches("sha256:");
        let artifact = self
            .runtime
            .artifact_path(&self.config.data_dir.join("compiled"), digest);
        if let Err(e) = std::fs::remove_file(&artifact)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %artifact.display(), error = %e, "could not remove compiled code");
        }
        Ok(())
    }

    /// Resolves a record into a servable hook.
    fn live(&self, record: HookRecord) -> Result<LiveHook, RegistryError> {
        let plugin = self
            .plugin(&record.plugin_id)
            .ok_or_else(|| RegistryError::PluginNotFound(record.plugin_id.clone()))?;
        let limits = record.limits.resolve(self.config.default_limits)?;
        let run = HookRun {
            id: record.id.clone(),
            plugin_id: record.plugin_id.clone(),
            record_bodies: record.record_bodies,
            hook_type: record.hook_type,
            plugin,
            settings: Arc::new(record.settings.clone()),
            limits,
            failure_policy: record.failure_policy.clone(),
            // An updated hook keeps its bound on calls in flight.
            gate: self
                .hook(&record.id)
                .map(|live| live.run.gate.clone())
                .unwrap_or_else(|| self.runtime.call_gate()),
        };
        let auth = HookAuth::new(&record.auth_scheme);
        Ok(LiveHook { record, run, auth })
    }

    /// Stores `record` and makes it live; the next call uses it.
    async fn commit(&self, record: HookRecord) -> Result<HookRecord, RegistryError> {
        let live = self.live(record.clone())?;
        self.store.put_hook(&record).await?;
        self.hooks_mut().insert(record.id.clone(), Arc::new(live));
        self.broken_mut().remove(&record.id);
        Ok(record)
    }

    /// Creates an ACTIVE hook.
    ///
    /// # Errors
    ///
    /// [`RegistryError::PluginNotFound`], [`RegistryError::Limits`] or a store error.
    pub async fn create_hook(&self, spec: HookSpec) -> Result<HookRecord, RegistryError> {
        let _changes = self.changes.lock().await;
        if self.hooks().len() + self.broken_hooks().len() >= self.config.max_hooks {
            return Err(RegistryError::TooMany {
                what: "hooks",
                limit: self.config.max_hooks,
            });
        }
        let secret = spec
            .auth_secret
            .as_deref()
            .ok_or(RegistryError::MissingSecret)?;
        let now = now_timestamp();
        let record = HookRecord {
            id: new_hook_id(),
            name: spec.name,
            hook_type: spec.hook_type,
            status: HookStatus::Active,
            version: spec.version,
            created: now.clone(),
            last_updated: now,
            plugin_id: spec.plugin_id,
            settings: spec.settings,
            limits: spec.limits,
            failure_policy: spec.failure_policy,
            auth_scheme: AuthScheme::new(spec.auth_key, secret),
            record_bodies: spec.record_bodies,
        };
        self.commit(record).await
    }

    /// Replaces a hook's name, plugin, settings, limits, policy and auth;
    /// its type, status and creation time stay. Calls in flight finish
    /// with the old version; the next call uses the new one.
    ///
    /// # Errors
    ///
    /// [`RegistryError::HookNotFound`], [`RegistryError::PluginNotFound`],
    /// [`RegistryError::Limits`] or a store error.
    pub(crate) async fn replace_hook(
        &self,
        id: &str,
        spec: HookSpec,
    ) -> Result<HookRecord, RegistryError> {
        let _changes = self.changes.lock().await;
        let current = self
            .record(id)
            .ok_or_else(|| RegistryError::HookNotFound(id.into()))?;
        let auth_scheme = match &spec.auth_secret {
            Some(secret) => AuthScheme::new(spec.auth_key, secret),
            None => AuthScheme {
                key: spec.auth_key,
                ..current.auth_scheme.clone()
            },
        };
        let record = HookRecord {
            name: spec.name,
            version: spec.version,
            last_updated: now_timestamp(),
            plugin_id: spec.plugin_id,
            settings: spec.settings,
            limits: spec.limits,
            failure_policy: spec.failure_policy,
            auth_scheme,
            record_bodies: spec.record_bodies,
            ..current
        };
        self.commit(record).await
    }

    /// Activates or deactivates a hook.
    ///
    /// # Errors
    ///
    /// [`RegistryError::HookNotFound`] or a store error.
    pub async fn set_hook_status(
        &self,
        id: &str,
        status: HookStatus,
    ) -> Result<HookRecord, RegistryError> {
        let _changes = self.changes.lock().await;
        // A hook that failed to load is found, and fails again to load.
        let current = self
            .record(id)
            .ok_or_else(|| RegistryError::HookNotFound(id.into()))?;
        let record = HookRecord {
            status,
            last_updated: now_timestamp(),
            ..current
        };
        self.commit(record).await
    }

    /// Deletes an INACTIVE hook, or a hook that failed to load (whatever
    /// its status: it is not served).
    ///
    /// # Errors
    ///
    /// [`RegistryError::HookNotFound`], [`RegistryError::HookActive`] or a
    /// store error.
    pub(crate) async fn delete_hook(&self, id: &str) -> Result<(), RegistryError> {
        let _changes = self.changes.lock().await;
        let (current, broken) = self
            .records()
            .into_iter()
            .find(|(record, _)| record.id == id)
            .ok_or_else(|| RegistryError::HookNotFound(id.into()))?;
        if current.status == HookStatus::Active && broken.is_none() {
            return Err(RegistryError::HookActive(id.into()));
        }
        if !self.store.delete_hook(id).await? {
            return Err(RegistryError::HookNotFound(id.into()));
        }
        self.hooks_mut().remove(id);
        self.broken_mut().remove(id);
        Ok(())
    }

    /// The stored hook `id`, servable or not, with its load error if it
    /// failed to load.
    pub(crate) fn stored_hook(&self, id: &str) -> Option<(HookRecord, Option<String>)> {
        if let Some(live) = self.hook(id) {
            return Some((live.record.clone(), None));
        }
        self.broken
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .map(|b| (b.record.clone(), Some(b.error.clone())))
    }

    /// The stored record of the hook `id`, servable or not.
    fn record(&self, id: &str) -> Option<HookRecord> {
        self.hook(id).map(|h| h.record.clone()).or_else(|| {
            self.broken
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .get(id)
                .map(|b| b.record.clone())
        })
    }

    /// Every stored hook, servable or not, ordered by id, each with its
    /// load error if it failed to load.
    pub(crate) fn records(&self) -> Vec<(HookRecord, Option<String>)> {
        let mut all: Vec<_> = self
            .hooks()
            .into_iter()
            .map(|h| (h.record.clone(), None))
            .chain(
                self.broken_hooks()
                    .into_iter()
                    .map(|b| (b.record, Some(b.error))),
            )
            .collect();
        all.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        all
    }

    /// The hooks that failed to load at start, ordered by id.
    pub(crate) fn broken_hooks(&self) -> Vec<BrokenHook> {
        sorted_by_id(&self.broken, |b| &b.record.id)
    }

    /// The hook with `id`, whatever its status.
    pub fn hook(&self, id: &str) -> Option<Arc<LiveHook>> {
        self.hooks
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    /// Every servable hook, ordered by id.
    pub fn hooks(&self) -> Vec<Arc<LiveHook>> {
        sorted_by_id(&self.hooks, |h| &h.record.id)
    }
}

/// The values of `map`, ordered by the id `id` reads from each.
fn sorted_by_id<T: Clone>(map: &RwLock<HashMap<String, T>>, id: impl Fn(&T) -> &String) -> Vec<T> {
    let mut all: Vec<T> = map
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .values()
        .cloned()
        .collect();
    all.sort_by(|a, b| id(a).cmp(id(b)));
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn authorize_needs_exactly_one_matching_header() {
        let auth = HookAuth::new(&AuthScheme::new("Authorization", "Basic s3cret"));
        let mut h = HeaderMap::new();
        assert!(!auth.allows(&h));
        h.insert("authorization", HeaderValue::from_static("Basic s3cret"));
        assert!(auth.allows(&h));
        h.append("authorization", HeaderValue::from_static("Basic s3cret"));
        assert!(!auth.allows(&h), "duplicate headers are refused");
        let mut wrong = HeaderMap::new();
        wrong.insert("authorization", HeaderValue::from_static("Basic s3creT"));
        assert!(!auth.allows(&wrong));
    }

    #[test]
    fn a_hook_specs_debug_output_hides_the_secret() {
        let spec = HookSpec {
            name: "n".into(),
            version: "1.0.0".into(),
            hook_type: HookType::Token,
            plugin_id: "sha256:00".into(),
            settings: Settings::new(),
            limits: LimitOverrides::default(),
            failure_policy: FailurePolicy::default(),
            auth_key: "Authorization".into(),
            auth_secret: Some("Basic dG9wLXNlY3JldA==".into()),
            record_bodies: false,
        };
        let shown = format!("{spec:?}");
        assert!(!shown.contains("dG9wLXNlY3JldA"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
