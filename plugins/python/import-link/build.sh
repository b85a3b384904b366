#!/usr/bin/env bash
# Builds the import-link example into a component:
#
#   plugins/python/import-link/build.sh [OUT.wasm]     (default: import_link.wasm next to this script)
#
# Needs plugins/python/install.sh to have run; needs no network. Exit status
# 127 means the toolchain is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/import_link.wasm}"
exec "$here/../build-component.sh" "$out" "$here/import_link.py"
