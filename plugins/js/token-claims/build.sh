#!/usr/bin/env bash
# Builds the token-claims example into a component:
#
#   plugins/js/token-claims/build.sh [OUT.wasm]     (default: token_claims.wasm next to this script)
#
# Needs plugins/js/install.sh to have run; needs no network. Exit status 127
# means the toolchain is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/token_claims.wasm}"
exec "$here/../build-component.sh" "$out" "$here/token_claims.js"
