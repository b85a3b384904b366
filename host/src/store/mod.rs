//! Durable registrations: the records (plugins, hooks, metadata) and the [`Storage`] trait every backend implements.
//!
//! The registry and the admin token reach the store only through
//! [`Storage`] (as a shared [`Store`]); [`SledStore`] is the embedded
//! default. A backend must make every write durable before it returns and
//! keep each registration either fully old or fully new across a crash.

use crate::hook_type::HookType;
use crate::limits::LimitOverrides;
use crate::policy::FailurePolicy;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sled::transaction::TransactionError;
use std::collections::BTreeMap;
use std::sync::Arc;

mod sled_store;

pub(crate) use sled_store::IdSource;
pub use sled_store::SledStore;

/// The settings an administrator attached to a hook, passed read-only to its plugin.
pub type Settings = BTreeMap<String, String>;

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

/// The store every part of the server shares.
pub(crate) type Store = Arc<dyn Storage>;

/// A backend that keeps registrations: plugins (metadata and component
/// bytes), hooks and a few metadata strings. Every write is durable when
/// it returns.
#[async_trait::async_trait]
pub trait Storage: Send + Sync {
    /// Stores a plugin and its bytes atomically; storing the same id again
    /// keeps (and returns) the first record.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write fails.
    async fn put_plugin(
        &self,
        record: &PluginRecord,
        bytes: &[u8],
    ) -> Result<PluginRecord, StoreError>;

    /// The plugin with `id`, if stored.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure or an unreadable record.
    async fn plugin(&self, id: &str) -> Result<Option<PluginRecord>, StoreError>;

    /// The component bytes of plugin `id`, if stored.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure.
    async fn plugin_bytes(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Every stored plugin, ordered by id.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure or an unreadable record.
    async fn plugins(&self) -> Result<Vec<PluginRecord>, StoreError>;

    /// Deletes plugin `id` and its bytes atomically. Returns whether it
    /// existed.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write fails.
    async fn delete_plugin(&self, id: &str) -> Result<bool, StoreError>;

    /// Inserts or replaces a hook.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write fails.
    async fn put_hook(&self, record: &HookRecord) -> Result<(), StoreError>;

    /// The hook with `id`, if stored.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure or an unreadable record.
    async fn hook(&self, id: &str) -> Result<Option<HookRecord>, StoreError>;

    /// Every stored hook, ordered by id.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure or an unreadable record.
    async fn hooks(&self) -> Result<Vec<HookRecord>, StoreError>;

    /// Deletes hook `id`. Returns whether it existed.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write fails.
    async fn delete_hook(&self, id: &str) -> Result<bool, StoreError>;

    /// The metadata string under `key` (the admin token's digest, the
    /// digests of compiled-code artifacts), if set.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure.
    async fn meta(&self, key: &str) -> Result<Option<String>, StoreError>;

    /// Sets the metadata string under `key`.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write fails.
    async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError>;

    /// The SHA-256 (hex) of the admin token, once one was generated.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure.
    async fn admin_token_sha256(&self) -> Result<Option<String>, StoreError> {
        self.meta(ADMIN_TOKEN_KEY).await
    }

    /// Records the SHA-256 (hex) of a generated admin token.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write fails.
    async fn set_admin_token_sha256(&self, digest: &str) -> Result<(), StoreError> {
        self.set_meta(ADMIN_TOKEN_KEY, digest).await
    }

    /// The recorded SHA-256 (hex) of plugin `plugin`'s compiled code for
    /// engine `engine`.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] on a storage failure.
    async fn artifact_sha256(
        &self,
        engine: &str,
        plugin: &str,
    ) -> Result<Option<String>, StoreError> {
        self.meta(&artifact_key(engine, plugin)).await
    }

    /// Records the SHA-256 (hex) of a compiled-code artifact just written.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the write fails.
    async fn set_artifact_sha256(
        &self,
        engine: &str,
        plugin: &str,
        digest: &str,
    ) -> Result<(), StoreError> {
        self.set_meta(&artifact_key(engine, plugin), digest).await
    }
}

const ADMIN_TOKEN_KEY: &str = "admin_token_sha256";

fn artifact_key(engine: &str, plugin: &str) -> String {
    format!("artifact/{engine}/{plugin}")
}

#[cfg(test)]
pub(crate) mod tests {
    //! The storage contract, checked against every backend.

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

    /// Stores one plugin and one hook (for [`check_filled`] after a reopen).
    pub(crate) async fn fill(store: &dyn Storage) {
        store
            .put_plugin(&plugin("sha256:aa"), b"abc")
            .await
            .unwrap();
        store.put_hook(&hook("cal1")).await.unwrap();
        store.set_admin_token_sha256("00ff").await.unwrap();
    }

    /// What [`fill`] stored is all there.
    pub(crate) async fn check_filled(store: &dyn Storage) {
        assert_eq!(
            store.plugin("sha256:aa").await.unwrap(),
            Some(plugin("sha256:aa"))
        );
        assert_eq!(
            store.plugin_bytes("sha256:aa").await.unwrap().as_deref(),
            Some(&b"abc"[..])
        );
        assert_eq!(store.hooks().await.unwrap(), vec![hook("cal1")]);
        assert_eq!(
            store.admin_token_sha256().await.unwrap().as_deref(),
            Some("00ff")
        );
    }

    /// Every rule of [`Storage`], on an empty backend.
    pub(crate) async fn check_backend(store: &dyn Storage) {
        // Storing a plugin twice keeps the first record.
        let first = store
            .put_plugin(&plugin("sha256:aa"), b"abc")
            .await
            .unwrap();
        let mut later = plugin("sha256:aa");
        later.created = "2027-01-01T00:00:00.000Z".into();
        let second = store.put_plugin(&later, b"abc").await.unwrap();
        assert_eq!(first, second);
        assert_eq!(store.plugins().await.unwrap(), vec![plugin("sha256:aa")]);

        // Listings are ordered by id.
        store.put_plugin(&plugin("sha256:00"), b"x").await.unwrap();
        let ids: Vec<_> = store
            .plugins()
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(ids, ["sha256:00", "sha256:aa"]);

        // Deleting removes metadata and bytes.
        assert!(store.delete_plugin("sha256:aa").await.unwrap());
        assert!(!store.delete_plugin("sha256:aa").await.unwrap());
        assert_eq!(store.plugin_bytes("sha256:aa").await.unwrap(), None);
        assert_eq!(store.plugin("sha256:aa").await.unwrap(), None);

        // Hooks are replaced whole and deleted.
        store.put_hook(&hook("cal2")).await.unwrap();
        store.put_hook(&hook("cal1")).await.unwrap();
        let mut renamed = hook("cal1");
        renamed.name = "renamed".into();
        store.put_hook(&renamed).await.unwrap();
        assert_eq!(store.hook("cal1").await.unwrap(), Some(renamed.clone()));
        assert_eq!(store.hooks().await.unwrap(), vec![renamed, hook("cal2")]);
        assert!(store.delete_hook("cal1").await.unwrap());
        assert!(!store.delete_hook("cal1").await.unwrap());
        assert_eq!(store.hook("cal1").await.unwrap(), None);

        // Metadata strings.
        assert_eq!(
            store.artifact_sha256("e1", "sha256:00").await.unwrap(),
            None
        );
        store
            .set_artifact_sha256("e1", "sha256:00", "abcd")
            .await
            .unwrap();
        assert_eq!(
            store
                .artifact_sha256("e1", "sha256:00")
                .await
                .unwrap()
                .as_deref(),
            Some("abcd")
        );
        assert_eq!(
            store.artifact_sha256("e2", "sha256:00").await.unwrap(),
            None
        );
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
