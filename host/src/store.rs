//! Durable registrations in sled: plugins (component bytes) and hooks.
//!
//! Layout under the data directory's `db/`:
//! - tree `plugins`: plugin id → [`PluginRecord`] (JSON)
//! - tree `plugin_bytes`: plugin id → the component's bytes
//! - tree `hooks`: hook id → [`HookRecord`] (JSON)
//! - tree `meta`: the admin token's SHA-256 (`admin_token_sha256`) and the
//!   SHA-256 of every compiled-code artifact (`artifact/<engine>/<plugin>`)
//! - tree `executions`: the execution journal, written by
//!   [`crate::journal`] (not flushed per write; bounded by its retention)
//!
//! Writes that touch two trees are one sled transaction, and every write is
//! flushed before it is acknowledged, so a crash leaves each registration
//! either fully old or fully new.

use crate::hook_type::HookType;
use crate::limits::LimitOverrides;
use crate::policy::FailurePolicy;
use crate::runtime::Settings;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use std::path::Path;

/// A failure of the store itself (disk, corruption).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled reported an error.
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    /// A stored record did not decode; the data directory is damaged or
    /// from an incompatible version.
    #[error("stored record {key} is unreadable: {source}")]
    Corrupt {
        /// The record's key.
        key: String,
        /// The decoding error.
        source: serde_json::Error,
    },
}

impl From<TransactionError<()>> for StoreError {
    fn from(e: TransactionError<()>) -> Self {
        match e {
            TransactionError::Storage(e) => StoreError::Sled(e),
            // Our transactions never abort on purpose.
            TransactionError::Abort(()) => {
                StoreError::Sled(sled::Error::Unsupported("transaction aborted".into()))
            }
        }
    }
}

/// A stored plugin's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PluginRecord {
    /// `sha256:<hex>` of the component's bytes.
    pub id: String,
    /// Size of the component in bytes.
    pub size: u64,
    /// When it was first uploaded (RFC 3339, milliseconds).
    pub created: String,
    /// The WIT world it implements.
    pub world: String,
}

/// Whether Okta's calls to a hook are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HookStatus {
    /// Calls are served.
    Active,
    /// Calls get 404.
    Inactive,
}

/// How Okta authenticates its calls to a hook: the header `key` must carry
/// the secret. Only the secret's SHA-256 is stored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthScheme {
    /// The header name, e.g. `Authorization` (matched case-insensitively).
    pub key: String,
    /// SHA-256 of the secret header value, hex.
    pub value_sha256: String,
}

impl AuthScheme {
    /// An auth scheme for header `key` carrying `secret`.
    pub fn new(key: impl Into<String>, secret: &str) -> Self {
        AuthScheme {
            key: key.into(),
            value_sha256: hex::encode(Sha256::digest(secret.as_bytes())),
        }
    }
}

impl std::fmt::Debug for AuthScheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthScheme")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// A stored hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HookRecord {
    /// `cal` followed by 17 letters and digits, as Okta's ids.
    pub id: String,
    /// Human name.
    pub name: String,
    /// The hook type.
    #[serde(rename = "type")]
    pub hook_type: HookType,
    /// ACTIVE or INACTIVE.
    pub status: HookStatus,
    /// The hook object's version string (Okta's `version`, "1.0.0").
    pub version: String,
    /// Creation time (RFC 3339, milliseconds).
    pub created: String,
    /// Last change (RFC 3339, milliseconds).
    pub last_updated: String,
    /// The plugin that handles calls.
    pub plugin_id: String,
    /// Settings passed to the plugin.
    pub settings: Settings,
    /// Limit overrides for this hook.
    pub limits: LimitOverrides,
    /// Failure-policy options.
    pub failure_policy: FailurePolicy,
    /// How Okta authenticates.
    pub auth_scheme: AuthScheme,
    /// Whether the execution journal keeps this hook's request and answer
    /// bodies (redacted). Default false.
    #[serde(default)]
    pub record_bodies: bool,
}

/// The sled database of registrations.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    plugins: sled::Tree,
    plugin_bytes: sled::Tree,
    hooks: sled::Tree,
    meta: sled::Tree,
}

/// Monotonic ids that survive restarts (sled's `generate_id`).
#[derive(Clone)]
pub struct IdSource(sled::Db);

impl IdSource {
    /// The next id, greater than every id handed out before.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if sled cannot persist its id counter.
    pub fn next(&self) -> Result<u64, StoreError> {
        Ok(self.0.generate_id()?)
    }
}

const ADMIN_TOKEN_KEY: &str = "admin_token_sha256";

fn decode<T: for<'de> Deserialize<'de>>(key: &[u8], bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        source,
    })
}

/// Every record of `tree`, in key order.
fn decode_all<T: for<'de> Deserialize<'de>>(tree: &sled::Tree) -> Result<Vec<T>, StoreError> {
    tree.iter()
        .map(|kv| {
            let (k, v) = kv?;
            decode(&k, &v)
        })
        .collect()
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("records always serialize")
}

impl Store {
    /// Opens (or creates) the database under `data_dir/db`.
    ///
    /// # Errors
    ///
    /// Fails if the directory cannot be created or the database opened
    /// (for example when another process holds it).
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        let db = sled::Config::new().path(data_dir.join("db")).open()?;
        Ok(Store {
            plugins: db.open_tree("plugins")?,
            plugin_bytes: db.open_tree("plugin_bytes")?,
            hooks: db.open_tree("hooks")?,
            meta: db.open_tree("meta")?,
            db,
        })
    }

    /// Another tree of the same database (e.g. the execution journal's),
    /// with a fresh monotonic id source.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the tree cannot be opened.
    pub fn tree(&self, name: &str) -> Result<(sled::Tree, IdSource), StoreError> {
        Ok((self.db.open_tree(name)?, IdSource(self.db.clone())))
    }

    async fn flush(&self) -> Result<(), StoreError> {
        self.db.flush_async().await?;
        Ok(())
    }

    /// Stores a plugin and its bytes atomically; storing the same id again
    /// keeps the first record.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write or flush fails.
    pub async fn put_plugin(
        &self,
        record: &PluginRecord,
        bytes: &[u8],
    ) -> Result<PluginRecord, StoreError> {
        let key = record.id.as_bytes();
        let stored = (&self.plugins, &self.plugin_bytes).transaction(|(meta, data)| {
            if let Some(existing) = meta.get(key)? {
                return Ok(existing);
            }
            data.insert(key, bytes)?;
            meta.insert(key, encode(record))?;
            Ok::<_, ConflictableTransactionError<()>>(sled::IVec::from(encode(record)))
        })?;
        self.flush().await?;
        decode(key, &stored)
    }

    /// The plugin with `id`, if stored.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure or an unreadable record.
    pub fn plugin(&self, id: &str) -> Result<Option<PluginRecord>, StoreError> {
        self.plugins
            .get(id)?
            .map(|v| decode(id.as_bytes(), &v))
            .transpose()
    }

    /// The component bytes of plugin `id`, if stored.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure.
    pub fn plugin_bytes(&self, id: &str) -> Result<Option<sled::IVec>, StoreError> {
        Ok(self.plugin_bytes.get(id)?)
    }

    /// Every stored plugin, ordered by id.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure or an unreadable record.
    pub fn plugins(&self) -> Result<Vec<PluginRecord>, StoreError> {
        decode_all(&self.plugins)
    }

    /// Deletes plugin `id` and its bytes atomically. Returns whether it existed.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write or flush fails.
    pub async fn delete_plugin(&self, id: &str) -> Result<bool, StoreError> {
        let existed = (&self.plugins, &self.plugin_bytes).transaction(|(meta, data)| {
            data.remove(id.as_bytes())?;
            Ok::<_, ConflictableTransactionError<()>>(meta.remove(id.as_bytes())?.is_some())
        })?;
        self.flush().await?;
        Ok(existed)
    }

    fn meta_string(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .meta
            .get(key)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    async fn set_meta_string(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.meta.insert(key, value.as_bytes())?;
        self.flush().await
    }

    /// The SHA-256 (hex) of the admin token, once one was generated.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure.
    pub fn admin_token_sha256(&self) -> Result<Option<String>, StoreError> {
        self.meta_string(ADMIN_TOKEN_KEY)
    }

    /// Records the SHA-256 (hex) of a generated admin token.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write or flush fails.
    pub async fn set_admin_token_sha256(&self, digest: &str) -> Result<(), StoreError> {
        self.set_meta_string(ADMIN_TOKEN_KEY, digest).await
    }

    /// The recorded SHA-256 (hex) of a compiled-code artifact.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure.
    pub fn artifact_sha256(
        &self,
        engine: &str,
        plugin: &str,
    ) -> Result<Option<String>, StoreError> {
        self.meta_string(&format!("artifact/{engine}/{plugin}"))
    }

    /// Records the SHA-256 (hex) of a compiled-code artifact just written.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write or flush fails.
    pub async fn set_artifact_sha256(
        &self,
        engine: &str,
        plugin: &str,
        digest: &str,
    ) -> Result<(), StoreError> {
        self.set_meta_string(&format!("artifact/{engine}/{plugin}"), digest)
            .await
    }

    /// Inserts or replaces a hook.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write or flush fails.
    pub async fn put_hook(&self, record: &HookRecord) -> Result<(), StoreError> {
        self.hooks.insert(record.id.as_bytes(), encode(record))?;
        self.flush().await
    }

    /// The hook with `id`, if stored.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure or an unreadable record.
    pub fn hook(&self, id: &str) -> Result<Option<HookRecord>, StoreError> {
        self.hooks
            .get(id)?
            .map(|v| decode(id.as_bytes(), &v))
            .transpose()
    }

    /// Every stored hook, ordered by id.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure or an unreadable record.
    pub fn hooks(&self) -> Result<Vec<HookRecord>, StoreError> {
        decode_all(&self.hooks)
    }

    /// Deletes hook `id`. Returns whether it existed.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write or flush fails.
    pub async fn delete_hook(&self, id: &str) -> Result<bool, StoreError> {
        let existed = self.hooks.remove(id)?.is_some();
        self.flush().await?;
        Ok(existed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plugin(id: &str) -> PluginRecord {
        PluginRecord {
            id: id.into(),
            size: 3,
            created: "2026-01-01T00:00:00.000Z".into(),
            world: "hookwarden:inline-hook/hook-handler@0.1.0".into(),
        }
    }

    fn hook(id: &str) -> HookRecord {
        HookRecord {
            id: id.into(),
            name: "n".into(),
            hook_type: HookType::Token,
            status: HookStatus::Active,
            version: "1.0.0".into(),
            created: "2026-01-01T00:00:00.000Z".into(),
            last_updated: "2026-01-01T00:00:00.000Z".into(),
            plugin_id: "sha256:00".into(),
            settings: [("k".to_string(), "v".to_string())].into(),
            limits: LimitOverrides::default(),
            failure_policy: FailurePolicy::default(),
            auth_scheme: AuthScheme::new("Authorization", "secret"),
            record_bodies: false,
        }
    }

    #[tokio::test]
    async fn records_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            store
                .put_plugin(&plugin("sha256:aa"), b"abc")
                .await
                .unwrap();
            store.put_hook(&hook("cal1")).await.unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(
            store.plugin("sha256:aa").unwrap(),
            Some(plugin("sha256:aa"))
        );
        assert_eq!(
            store.plugin_bytes("sha256:aa").unwrap().unwrap().as_ref(),
            b"abc"
        );
        assert_eq!(store.hooks().unwrap(), vec![hook("cal1")]);
    }

    #[tokio::test]
    async fn storing_a_plugin_twice_keeps_the_first_record() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let first = store
            .put_plugin(&plugin("sha256:aa"), b"abc")
            .await
            .unwrap();
        let mut later = plugin("sha256:aa");
        later.created = "2027-01-01T00:00:00.000Z".into();
        let second = store.put_plugin(&later, b"abc").await.unwrap();
        assert_eq!(first, second);
        assert_eq!(store.plugins().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn deleting_removes_metadata_and_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .put_plugin(&plugin("sha256:aa"), b"abc")
            .await
            .unwrap();
        assert!(store.delete_plugin("sha256:aa").await.unwrap());
        assert!(!store.delete_plugin("sha256:aa").await.unwrap());
        assert_eq!(store.plugin_bytes("sha256:aa").unwrap(), None);
        store.put_hook(&hook("cal1")).await.unwrap();
        assert!(store.delete_hook("cal1").await.unwrap());
        assert_eq!(store.hook("cal1").unwrap(), None);
    }

    #[test]
    fn the_secret_is_never_stored_or_printed() {
        let scheme = AuthScheme::new("Authorization", "Basic c2VjcmV0");
        let json = serde_json::to_string(&scheme).unwrap();
        assert!(!json.contains("c2VjcmV0"));
        assert!(!format!("{scheme:?}").contains("c2VjcmV0"));
        assert!(!format!("{scheme:?}").contains(&scheme.value_sha256));
    }
}
