#!/usr/bin/env bash
# Builds the token-claims C example into a Hookwarden component:
#   plugins/c/token-claims/build.sh [OUT.wasm]   (default: token_claims.wasm here)
# Needs the toolchain from plugins/c/install.sh; exits 127 if it is missing.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/token_claims.wasm}
exec "$here/../build-component.sh" "$out" "$here/token_claims.c"
