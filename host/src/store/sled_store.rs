//! The embedded default backend: registrations in a sled database.
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

use super::{HookRecord, PluginRecord, Storage, StoreError};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::ConflictableTransactionError;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long [`SledStore::open`] waits for the database's file lock: 2 s.
pub(crate) const LOCK_WAIT: Duration = Duration::from_secs(2);

/// The sled database of registrations (see the module documentation).
#[derive(Clone)]
pub struct SledStore {
    db: sled::Db,
    plugins: sled::Tree,
    plugin_bytes: sled::Tree,
    hooks: sled::Tree,
    meta: sled::Tree,
}

/// Monotonic ids that survive restarts (sled's `generate_id`).
#[derive(Clone)]
pub(crate) struct IdSource(sled::Db);

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

impl SledStore {
    /// Opens (or creates) the database under `data_dir/db`.
    ///
    /// sled's file lock can outlive a closed database for a moment (its
    /// background flushes finish on their own threads), so a lock that is
    /// taken is tried again for up to 2 s before giving up.
    ///
    /// # Errors
    ///
    /// Fails if the directory cannot be created or the database opened
    /// (for example when another process holds it for more than 2 s).
    pub fn open(data_dir: &Path) -> Result<SledStore, StoreError> {
        let config = sled::Config::new().path(data_dir.join("db"));
        let started = Instant::now();
        let db = loop {
            match config.open() {
                Err(sled::Error::Io(e))
                    if e.to_string().contains("could not acquire lock")
                        && started.elapsed() < LOCK_WAIT =>
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                opened => break opened?,
            }
        };
        Ok(SledStore {
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
    pub(crate) fn tree(&self, name: &str) -> Result<(sled::Tree, IdSource), StoreError> {
        Ok((self.db.open_tree(name)?, IdSource(self.db.clone())))
    }

    async fn flush(&self) -> Result<(), StoreError> {
        self.db.flush_async().await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl Storage for SledStore {
    async fn put_plugin(
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

    async fn plugin(&self, id: &str) -> Result<Option<PluginRecord>, StoreError> {
        self.plugins
            .get(id)?
            .map(|v| decode(id.as_bytes(), &v))
            .transpose()
    }

    async fn plugin_bytes(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.plugin_bytes.get(id)?.map(|v| v.to_vec()))
    }

    async fn plugins(&self) -> Result<Vec<PluginRecord>, StoreError> {
        decode_all(&self.plugins)
    }

    async fn delete_plugin(&self, id: &str) -> Result<bool, StoreError> {
        let existed = (&self.plugins, &self.plugin_bytes).transaction(|(meta, data)| {
            data.remove(id.as_bytes())?;
            Ok::<_, ConflictableTransactionError<()>>(meta.remove(id.as_bytes())?.is_some())
        })?;
        self.flush().await?;
        Ok(existed)
    }

    async fn put_hook(&self, record: &HookRecord) -> Result<(), StoreError> {
        self.hooks.insert(record.id.as_bytes(), encode(record))?;
        self.flush().await
    }

    async fn hook(&self, id: &str) -> Result<Option<HookRecord>, StoreError> {
        self.hooks
            .get(id)?
            .map(|v| decode(id.as_bytes(), &v))
            .transpose()
    }

    async fn hooks(&self) -> Result<Vec<HookRecord>, StoreError> {
        decode_all(&self.hooks)
    }

    async fn delete_hook(&self, id: &str) -> Result<bool, StoreError> {
        let existed = self.hooks.remove(id)?.is_some();
        self.flush().await?;
        Ok(existed)
    }

    async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .meta
            .get(key)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.meta.insert(key, value.as_bytes())?;
        self.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_sled_store_keeps_the_storage_contract() {
        let dir = tempfile::tempdir().unwrap();
        super::super::tests::check_backend(&SledStore::open(dir.path()).unwrap()).await;
    }

    #[test]
    fn a_database_held_open_is_refused_after_the_lock_wait() {
        let dir = tempfile::tempdir().unwrap();
        let _held = SledStore::open(dir.path()).unwrap();
        let started = Instant::now();
        let refused = SledStore::open(dir.path()).err().expect("the lock is held");
        assert!(started.elapsed() >= LOCK_WAIT, "{:?}", started.elapsed());
        assert!(
            refused.to_string().contains("could not acquire lock"),
            "{refused}"
        );
    }

    #[tokio::test]
    async fn records_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = SledStore::open(dir.path()).unwrap();
            super::super::tests::fill(&store).await;
        }
        let store = SledStore::open(dir.path()).unwrap();
        super::super::tests::check_filled(&store).await;
    }
}
