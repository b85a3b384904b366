//! Builds the example plugins (`plugins/`, a workspace of its own) for
//! `wasm32-wasip2`, so `hookwarden demo` and the tests have real components.
//!
//! They build into `<repo>/target/plugins` with their own cargo lock, so
//! this does not fight the outer build. If the build fails (most often: the
//! `wasm32-wasip2` target is not installed), the host still builds and
//! `hookwarden demo` explains what is missing.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest_dir.parent().unwrap().to_path_buf();
    let target_dir = root.join("target").join("plugins");
    for watched in [
        "guest-sdk",
        "wit",
        "host/wit-0.1",
        "plugins/Cargo.toml",
        "plugins/Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    // Only the Rust crates: the other languages' examples (and their
    // node_modules) live beside them but are built by their own scripts.
    for entry in std::fs::read_dir(root.join("plugins"))
        .into_iter()
        .flatten()
    {
        let dir = entry.map(|e| e.path()).unwrap_or_default();
        if dir.join("Cargo.toml").is_file() {
            println!("cargo:rerun-if-changed={}", dir.display());
        }
    }
    let out = target_dir.join("wasm32-wasip2").join("release");
    println!("cargo:rustc-env=HOOKWARDEN_PLUGIN_DIR={}", out.display());

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--release",
        "--target",
        "wasm32-wasip2",
        "--manifest-path",
    ])
    .arg(root.join("plugins").join("Cargo.toml"))
    .arg("--target-dir")
    .arg(&target_dir);
    // Flags meant for the outer (native) build must not leak into the guests'.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
    ] {
        cmd.env_remove(var);
    }
    match cmd.status() {
        Ok(status) if status.success() => {}
        _ => println!(
            "cargo:warning=the example plugins did not build (is the target installed? `rustup target add wasm32-wasip2`); `hookwarden demo` will not work"
        ),
    }
}
