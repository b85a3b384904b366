#!/usr/bin/env bash
# Builds a Python handler into a Hookwarden component.
#
#   plugins/python/build-component.sh OUT.wasm HANDLER.py
#
# HANDLER.py is the handler module (it defines `WitWorld`, usually as
# `WitWorld = hookwarden.export(handle)`), in a directory of its own
# (anywhere); other .py modules and packages of that directory can be
# imported too. Runs componentize-py 0.25.1 from the venv that
# plugins/python/install.sh made ($HOOKWARDEN_GUEST_TOOLS/python/venv,
# default <repo>/target/guest-tools/python/venv) against the WIT in
# <repo>/wit, world `hook-handler`, and bundles the helper
# (plugins/python/hookwarden.py and its table rust_debug_escapes.py) via
# componentize-py's -p (module search path) option. Needs no network.
#
# Exit status 127 with "hookwarden: missing toolchain: ..." when
# componentize-py is missing; any other failure exits with another
# non-zero status.
set -euo pipefail

python_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$python_dir/../.." && pwd)"
COMPONENTIZE_PY_VERSION=0.25.1

missing() {
    echo "hookwarden: missing toolchain: $1 (run plugins/python/install.sh)" >&2
    exit 127
}

if [ "$#" -ne 2 ]; then
    echo "usage: $0 OUT.wasm HANDLER.py" >&2
    exit 2
fi
out="$1"
source_file="$2"

tools="${HOOKWARDEN_GUEST_TOOLS:-$repo/target/guest-tools}/python"
cpy="$tools/venv/bin/componentize-py"
[ -x "$cpy" ] || missing "componentize-py"
version="$("$cpy" --version 2>/dev/null || true)"
[ "$version" = "componentize-py $COMPONENTIZE_PY_VERSION" ] \
    || missing "componentize-py $COMPONENTIZE_PY_VERSION (found: ${version:-an unusable one})"

[ -f "$source_file" ] || { echo "build-component.sh: no such file: $source_file" >&2; exit 1; }
case "$source_file" in
    *.py) ;;
    *) echo "build-component.sh: not a .py file: $source_file" >&2; exit 1 ;;
esac
source_dir="$(cd "$(dirname "$source_file")" && pwd)"
module="$(basename "$source_file" .py)"
mkdir -p "$(dirname "$out")"
out_abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"

# Stage what goes on componentize-py's module path, so that nothing is
# written next to the sources (componentize-py leaves __pycache__ directories
# in every path directory):
#   <stage>/helper/   hookwarden.py and rust_debug_escapes.py (only these two
#                     from plugins/python, not the examples, tools or tests)
#   <stage>/app/      the handler's directory: its .py files and packages
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/helper" "$stage/app"
cp "$python_dir/hookwarden.py" "$python_dir/rust_debug_escapes.py" "$stage/helper/"
(cd "$source_dir" && find . -name __pycache__ -prune -o -type f -name '*.py' -print0 \
    | xargs -0 -r cp --parents -t "$stage/app")

tmp_out="$stage/out.wasm"
"$cpy" -d "$repo/wit" -w hook-handler componentize \
    -p "$stage/app" -p "$stage/helper" "$module" -o "$tmp_out"
[ -s "$tmp_out" ] || { echo "build-component.sh: componentize-py wrote no component" >&2; exit 1; }
mv "$tmp_out" "$out_abs"
echo "built $out_abs ($(wc -c < "$out_abs") bytes)"
