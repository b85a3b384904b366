//! The example plugins of `plugins/`, built for `wasm32-wasip2` with the host (by its build script).

use std::path::PathBuf;

/// Where the build script put the example plugins' `.wasm` files.
pub const DIR: &str = env!("HOOKWARDEN_PLUGIN_DIR");

/// The path of example plugin `name` (its crate name with underscores,
/// e.g. `token_claims`).
pub fn path(name: &str) -> PathBuf {
    PathBuf::from(DIR).join(format!("{name}.wasm"))
}

/// The bytes of example plugin `name`.
///
/// # Errors
///
/// An error naming the file and the likely cause when it is missing.
pub fn bytes(name: &str) -> anyhow::Result<Vec<u8>> {
    let path = path(name);
    std::fs::read(&path).map_err(|e| {
        anyhow::anyhow!(
            "cannot read example plugin {} ({e}); it is built with the host: install the target with `rustup target add wasm32-wasip2` and build again",
            path.display()
        )
    })
}
