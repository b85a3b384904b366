//! The compiled-code cache: machine code for each plugin on disk, so a restart does not recompile.
//!
//! Artifacts live in `<data dir>/compiled/<engine key>/<plugin digest>.cwasm`.
//! The engine key is a SHA-256 over wasmtime's own compatibility hash (its
//! version and every setting that affects code generation), so a different
//! wasmtime or engine configuration looks in another directory and
//! recompiles; at start, directories of other keys are removed
//! ([`Runtime::remove_stale_artifacts`]).
//!
//! Deserializing machine code is only sound for bytes this host produced.
//! The SHA-256 of every artifact is recorded (by the caller, in sled) when
//! it is written and checked before it is loaded; a file that does not
//! match, or is missing, is recompiled.

use super::{CompileError, Plugin, Runtime};
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;

/// A plugin just compiled, plus what the cache must remember about it.
pub(crate) struct Cached {
    /// The ready-to-run plugin.
    pub plugin: Plugin,
    /// SHA-256 (hex) of the artifact now on disk, to record. `None` if the
    /// artifact could not be written (the plugin still works; the next
    /// start compiles again).
    pub artifact_sha256: Option<String>,
}

/// A [`Hasher`] that feeds SHA-256, so a `Hash` value gives the same key
/// with every Rust release (`DefaultHasher`'s algorithm is unspecified and
/// may change between releases, which would orphan every cached artifact).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_be_bytes(digest[..8].try_into().expect("SHA-256 has 32 bytes"))
    }
}

/// The engine key of `engine`: the first 16 hex digits (64 bits) of a
/// SHA-256 over its `precompile_compatibility_hash`.
pub(super) fn engine_key(engine: &Engine) -> String {
    let mut hasher = Sha256Hasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hex::encode(&hasher.0.finalize()[..8])
}

impl Runtime {
    /// A short key for this engine's code (16 hex digits, stable across
    /// Rust releases): artifacts from another key are never loaded.
    pub fn engine_key(&self) -> String {
        self.engine_key.clone()
    }

    /// The artifact path for the component with SHA-256 `digest` (hex).
    pub(crate) fn artifact_path(&self, cache_dir: &Path, digest: &str) -> PathBuf {
        cache_dir
            .join(&self.engine_key)
            .join(format!("{digest}.cwasm"))
    }

    /// Loads the plugin from its artifact when `expected_sha256` matches the
    /// file; `None` (logged) when it is missing, does not match or no
    /// longer loads, and the caller compiles.
    pub(crate) fn load_cached(&self, artifact: &Path, expected_sha256: &str) -> Option<Plugin> {
        let code = std::fs::read(artifact).ok()?;
        if hex::encode(Sha256::digest(&code)) != expected_sha256 {
            tracing::warn!(path = %artifact.display(), "compiled code does not match its recorded digest; recompiling");
            return None;
        }
        let component = deserialize_own_artifact(self, &code)
            .map_err(|e| tracing::warn!(path = %artifact.display(), error = %format!("{e:#}"), "compiled code could not be loaded; recompiling"))
            .ok()?;
        self.pre_instantiate(&component)
            .map_err(|e| tracing::warn!(error = %e, "cached plugin no longer links; recompiling"))
            .ok()
    }

    /// Turns machine code just compiled for this engine (by
    /// [`Runtime::precompile`] or the compile worker) into a plugin, checks
    /// that it fits the world, and writes it to `artifact`.
    ///
    /// # Errors
    ///
    /// [`CompileError::WrongWorld`] if it does not fit, or
    /// [`CompileError::Worker`] if the code does not load (which would be
    /// a worker built with other settings).
    pub(crate) fn plugin_from_artifact(
        &self,
        code: &[u8],
        artifact: &Path,
    ) -> Result<Cached, CompileError> {
        // Loading checks the component against the pooling allocator's
        // per-plugin share, which the worker's engine does not have.
        let component =
            deserialize_own_artifact(self, code).map_err(|e| match self.refusal(&e) {
                CompileError::Invalid(text) => {
                    CompileError::Worker(format!("its machine code does not load: {text}"))
                }
                refusal => refusal,
            })?;
        let plugin = self.pre_instantiate(&component)?;
        let artifact_sha256 = match write_artifact(code, artifact) {
            Ok(digest) => Some(digest),
            Err(e) => {
                tracing::warn!(path = %artifact.display(), error = %e, "could not write compiled code; it will be recompiled at the next start");
                None
            }
        };
        Ok(Cached {
            plugin,
            artifact_sha256,
        })
    }

    /// Removes what under `cache_dir` this engine will never load: the
    /// directories of other engine keys (another wasmtime or other
    /// settings) and temporary files a crash left in this key's directory.
    /// Each removal is logged; failures are logged and skipped.
    pub(crate) fn remove_stale_artifacts(&self, cache_dir: &Path) {
        let Ok(entries) = std::fs::read_dir(cache_dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let removed = if name.to_str() == Some(self.engine_key.as_str()) {
                remove_temporary_files(&path);
                continue;
            } else if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            match removed {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "removed compiled code of another engine")
                }
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "could not remove compiled code of another engine")
                }
            }
        }
    }
}

impl Runtime {
    /// Removes this engine's artifacts of plugins not in `stored` (SHA-256
    /// digests, hex), logging each: code of plugins deleted while their
    /// artifact could not be removed, or whose store entry is gone.
    pub(crate) fn remove_unstored_artifacts(
        &self,
        cache_dir: &Path,
        stored: &std::collections::HashSet<String>,
    ) {
        let Ok(entries) = std::fs::read_dir(cache_dir.join(&self.engine_key)) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(digest) = path
                .file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.strip_suffix(".cwasm"))
            else {
                continue;
            };
            if stored.contains(digest) {
                continue;
            }
            match std::fs::remove_file(&path) {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "removed compiled code of a plugin no longer stored")
                }
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "could not remove compiled code of a plugin no longer stored")
                }
            }
        }
    }
}

/// Removes the `.tmp*` files `write_artifact` leaves when it is killed.
fn remove_temporary_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Loads machine code this host produced.
///
/// # Safety argument
///
/// `Component::deserialize` trusts its input to be wasmtime's own output.
/// Callers pass only (1) bytes whose SHA-256 equals the digest recorded in
/// the store when this host wrote them (`write_artifact`), or (2) bytes
/// just produced by this host's compiler: `Engine::precompile_component` in
/// this process, or the compile worker, which is this same program
/// (`std::env::current_exe()`, or the path the operator configured)
/// started by this process and answering over a pipe only this process
/// holds. Either way the bytes are the compiler's output for a component
/// this host was given, never bytes an uploader supplied directly;
/// wasmtime itself still refuses artifacts from another version or
/// configuration, and checks them against the pooling allocator's limits.
#[allow(unsafe_code)]
fn deserialize_own_artifact(runtime: &Runtime, code: &[u8]) -> wasmtime::Result<Component> {
    // SAFETY: see the function's documentation.
    unsafe { Component::deserialize(&runtime.engine, code) }
}

/// Writes machine code atomically (a uniquely named temporary file in the
/// same directory, then rename, so two writers of one artifact cannot
/// interleave) and returns its SHA-256 (hex).
fn write_artifact(code: &[u8], artifact: &Path) -> std::io::Result<String> {
    use std::io::Write;
    let dir = artifact.parent().expect("artifact paths have a parent");
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(code)?;
    tmp.persist(artifact).map_err(|e| e.error)?;
    Ok(hex::encode(Sha256::digest(code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_key_is_stable_hex_and_not_the_default_hasher() {
        let runtime = crate::runtime::Runtime::new(crate::runtime::RuntimeConfig {
            max_instances: 2,
            ..Default::default()
        })
        .unwrap();
        let key = runtime.engine_key();
        assert_eq!(key, engine_key(&runtime.engine), "same engine, same key");
        assert_eq!(key.len(), 16);
        assert!(
            key.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
            "{key}"
        );
        // The key is SHA-256's, not DefaultHasher's.
        let mut default = std::collections::hash_map::DefaultHasher::new();
        runtime
            .engine
            .precompile_compatibility_hash()
            .hash(&mut default);
        assert_ne!(key, format!("{:016x}", default.finish()));
        // And SHA-256 over exactly what the hash feeds.
        let mut sha = Sha256Hasher(Sha256::new());
        runtime
            .engine
            .precompile_compatibility_hash()
            .hash(&mut sha);
        assert_eq!(key, format!("{:016x}", sha.finish()));
        // An engine with the same code settings but the on-demand allocator
        // (the compile worker's) has the same key.
        let worker = Engine::new(&crate::runtime::engine_config()).unwrap();
        assert_eq!(engine_key(&worker), key);
    }
}
