#!/usr/bin/env bash
# Builds the registration-allowlist example into a component:
#
#   plugins/python/registration-allowlist/build.sh [OUT.wasm]     (default: registration_allowlist.wasm next to this script)
#
# Needs plugins/python/install.sh to have run; needs no network. Exit status
# 127 means the toolchain is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/registration_allowlist.wasm}"
exec "$here/../build-component.sh" "$out" "$here/registration_allowlist.py"
