//! The compiled-code cache: machine code for each plugin on disk, so a restart does not recompile.
//!
//! Artifacts live in `<data dir>/compiled/<engine key>/<plugin digest>.cwasm`.
//! The engine key hashes wasmtime's own compatibility hash (its version and
//! every setting that affects code generation), so a different wasmtime or
//! engine configuration looks in another directory and recompiles.
//!
//! Deserializing machine code is only sound for bytes this host produced.
//! The SHA-256 of every artifact is recorded (by the caller, in sled) when
//! it is written and checked before it is loaded; a file that does not
//! match, or is missing, is recompiled.

use super::{CompileError, Plugin, Runtime};
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::component::Component;

/// How a plugin was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    /// Compiled from its component bytes (and written to the cache).
    Compiled,
    /// Loaded from a verified artifact, without compiling.
    Loaded,
}

/// A compiled plugin plus what the cache must remember about it.
pub struct Cached {
    /// The ready-to-run plugin.
    pub plugin: Plugin,
    /// Whether it was compiled or loaded.
    pub source: CacheUse,
    /// SHA-256 (hex) of the artifact now on disk, to record. `None` if the
    /// artifact could not be written (the plugin still works; the next
    /// start compiles again).
    pub artifact_sha256: Option<String>,
}

impl Runtime {
    /// A short key for this engine's code: artifacts from another key are
    /// never loaded.
    pub fn engine_key(&self) -> String {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.engine
            .precompile_compatibility_hash()
            .hash(&mut hasher);
        format!("{:016x}", hasher.finish())
    }

    /// The artifact path for the component with SHA-256 `digest` (hex).
    pub fn artifact_path(&self, cache_dir: &Path, digest: &str) -> PathBuf {
        cache_dir
            .join(self.engine_key())
            .join(format!("{digest}.cwasm"))
    }

    /// Loads the plugin from its artifact when `expected_sha256` matches the
    /// file, otherwise compiles `bytes` and writes a new artifact.
    ///
    /// # Errors
    ///
    /// A [`CompileError`] if the component is refused.
    pub fn compile_cached(
        &self,
        bytes: &[u8],
        artifact: &Path,
        expected_sha256: Option<&str>,
    ) -> Result<Cached, CompileError> {
        if let Some(expected) = expected_sha256
            && let Some(plugin) = self.load_artifact(artifact, expected)
        {
            return Ok(Cached {
                plugin,
                source: CacheUse::Loaded,
                artifact_sha256: Some(expected.to_owned()),
            });
        }
        let (plugin, component) = self.compile_component(bytes)?;
        let artifact_sha256 = match write_artifact(&component, artifact) {
            Ok(digest) => Some(digest),
            Err(e) => {
                tracing::warn!(path = %artifact.display(), error = %e, "could not write compiled code; it will be recompiled at the next start");
                None
            }
        };
        Ok(Cached {
            plugin,
            source: CacheUse::Compiled,
            artifact_sha256,
        })
    }

    fn load_artifact(&self, artifact: &Path, expected_sha256: &str) -> Option<Plugin> {
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
}

/// Loads machine code this host wrote earlier.
///
/// # Safety argument
///
/// `Component::deserialize` trusts its input to be wasmtime's own output.
/// The only caller passes bytes whose SHA-256 equals the digest recorded
/// in the store when this host serialized them (`write_artifact`), so the
/// bytes are ones this host produced; wasmtime itself still refuses
/// artifacts from another version or configuration.
#[allow(unsafe_code)]
fn deserialize_own_artifact(runtime: &Runtime, code: &[u8]) -> wasmtime::Result<Component> {
    // SAFETY: see the function's documentation.
    unsafe { Component::deserialize(&runtime.engine, code) }
}

/// Writes the component's machine code atomically (temporary file, then
/// rename) and returns its SHA-256 (hex).
fn write_artifact(component: &Component, artifact: &Path) -> std::io::Result<String> {
    let code = component
        .serialize()
        .map_err(|e| std::io::Error::other(format!("{e:#}")))?;
    let dir = artifact.parent().expect("artifact paths have a parent");
    std::fs::create_dir_all(dir)?;
    let tmp = artifact.with_extension("cwasm.tmp");
    std::fs::write(&tmp, &code)?;
    std::fs::rename(&tmp, artifact)?;
    Ok(hex::encode(Sha256::digest(&code)))
}
