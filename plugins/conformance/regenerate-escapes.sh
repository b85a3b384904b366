#!/usr/bin/env bash
# Regenerates the C, JavaScript and Python helpers' tables of the characters
# Rust's `{:?}` escapes (see rust_debug_escapes.rs) with the installed rustc,
# the one that builds the Rust examples. Run it when that toolchain changes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
plugins="$(cd "$here/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
RUSTC_VERSION="$(rustc --version)" rustc -O --edition 2021 "$here/rust_debug_escapes.rs" -o "$tmp/gen"
"$tmp/gen" c >"$plugins/c/rust-debug-escapes.h"
"$tmp/gen" js >"$plugins/js/rust-debug-escapes.js"
"$tmp/gen" py >"$plugins/python/rust_debug_escapes.py"
echo "regenerated plugins/c/rust-debug-escapes.h, plugins/js/rust-debug-escapes.js, plugins/python/rust_debug_escapes.py"
