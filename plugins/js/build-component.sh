#!/usr/bin/env bash
# Builds a JavaScript handler into a Hookwarden component.
#
#   plugins/js/build-component.sh OUT.wasm HANDLER.js
#
# HANDLER.js is an ES module that exports `handle(request)`, in a directory
# of its own (anywhere). It imports the helper as '../hookwarden.js' and may
# import .js/.mjs/.json files of its own directory by relative path. Runs
# componentize-js 0.23.0 from
# plugins/js/node_modules (installed by plugins/js/install.sh) against the
# WIT in <repo>/wit, world `hook-handler`. Needs no network.
#
# Exit status 127 with "hookwarden: missing toolchain: ..." when node or
# componentize-js is missing; any other failure exits with another non-zero
# status.
set -euo pipefail

js_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$js_dir/../.." && pwd)"

missing() {
    echo "hookwarden: missing toolchain: $1 (run plugins/js/install.sh)" >&2
    exit 127
}

if [ "$#" -ne 2 ]; then
    echo "usage: $0 OUT.wasm HANDLER.js" >&2
    exit 2
fi
out="$1"
source_file="$2"

# The node that install.sh installed, if it did; else the machine's.
tools="${HOOKWARDEN_GUEST_TOOLS:-$repo/target/guest-tools}"
if [ -x "$tools/js/node/bin/node" ]; then export PATH="$tools/js/node/bin:$PATH"; fi
command -v node >/dev/null 2>&1 || missing "node (Node.js 20 or newer)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || missing "node 20 or newer (found $(node --version))"
cli="$js_dir/node_modules/@bytecodealliance/componentize-js/src/cli.js"
[ -f "$cli" ] || missing "componentize-js in plugins/js/node_modules"
[ -x "$js_dir/node_modules/@bytecodealliance/wizer-linux-x64/wizer" ] \
    || missing "wizer (@bytecodealliance/wizer-linux-x64) in plugins/js/node_modules"

[ -f "$source_file" ] || { echo "build-component.sh: no such file: $source_file" >&2; exit 1; }
source_dir="$(cd "$(dirname "$source_file")" && pwd)"
source_name="$(basename "$source_file")"
handler_dir_name="$(basename "$source_dir")"
mkdir -p "$(dirname "$out")"
out_abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"

# componentize-js evaluates the module inside wizer with the current
# directory mapped as the file system root, and resolves relative imports
# there. Stage what the handler may import in a temporary directory:
#   <tmp>/hookwarden.js, <tmp>/rust-debug-escapes.js   (the helper)
#   <tmp>/<handler dir>/...                              (the handler's .js/.mjs/.json files)
# so `import ... from '../hookwarden.js'` works wherever the handler lives.
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$js_dir/hookwarden.js" "$js_dir/rust-debug-escapes.js" "$stage/"
mkdir "$stage/$handler_dir_name"
(cd "$source_dir" && find . -path ./node_modules -prune -o -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.json' \) -print0 \
    | xargs -0 -r cp --parents -t "$stage/$handler_dir_name")

#   -d stdio       console.* write nowhere (the host discards output anyway);
#                  drops the stdin/stdout/terminal/filesystem imports.
#   -d http fetch-event
#                  no wasi:http (the host grants none; instantiation would fail).
# clocks and random stay: disabled, Date.now() and Math.random() /
# crypto.getRandomValues() would return values frozen at build time.
tmp_out="$stage/out.wasm"
(cd "$stage" && node "$cli" "$handler_dir_name/$source_name" \
    --wit "$repo/wit" --world-name hook-handler \
    --disable stdio http fetch-event \
    --out "$tmp_out")
[ -s "$tmp_out" ] || { echo "build-component.sh: componentize-js wrote no component" >&2; exit 1; }
mv "$tmp_out" "$out_abs"
echo "built $out_abs ($(wc -c < "$out_abs") bytes)"
