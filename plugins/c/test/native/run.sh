#!/usr/bin/env bash
# Native checks of the C helper and examples, with AddressSanitizer (leaks,
# double frees, use after free, overflows) and UndefinedBehaviorSanitizer:
#
#   plugins/c/test/native/run.sh
#
# Compiles hookwarden.c, the generated bindings (wit-bindgen c), yyjson, the
# token-claims handler and a stand-in for the host (fake_host.c) for the
# build machine with gcc, then runs
#   1. unit: the helper's unit tests;
#   2. every token_claims case of plugins/conformance/cases.json through
#      run_handler, checking the answer and
#      log lines against the Rust component's (`hookwarden invoke`, needs
#      target/release/hookwarden and the Rust examples built).
# Needs gcc with libasan/libubsan and the toolchain of plugins/c/install.sh
# (for wit-bindgen and yyjson); exits 127 if that is missing.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
c_dir=$(cd "$here/../.." && pwd)
repo=$(cd "$c_dir/../.." && pwd)
tools="${HOOKWARDEN_GUEST_TOOLS:-$repo/target/guest-tools}/c"
[[ -x $tools/bin/wit-bindgen && -f $tools/yyjson/yyjson.c ]] || {
    echo "hookwarden: missing toolchain: wit-bindgen and yyjson (run plugins/c/install.sh)" >&2
    exit 127
}
CC=${CC:-gcc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$tools/bin/wit-bindgen" c "$repo/wit" --world hook-handler --out-dir "$work/gen" >/dev/null 2>&1
san=(-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
inc=(-std=c17 -I "$c_dir" -I "$work/gen" -I "$tools/yyjson" -I "$here")
strict=(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes)
# The generated glue's import wrappers are replaced by fake_host.c.
rename=(-Dhookwarden_inline_hook_log_log=generated_unused_log_log
    -Dhookwarden_inline_hook_settings_get=generated_unused_settings_get
    -Dhookwarden_inline_hook_settings_entries=generated_unused_settings_entries)
"$CC" "${san[@]}" "${inc[@]}" -w "${rename[@]}" -c "$work/gen/hook_handler.c" -o "$work/bindings.o"
"$CC" "${san[@]}" "${inc[@]}" -w -DYYJSON_DISABLE_UTILS=1 -DYYJSON_DISABLE_NON_STANDARD=1 \
    -c "$tools/yyjson/yyjson.c" -o "$work/yyjson.o"
for src in "$c_dir/hookwarden.c" "$here/fake_host.c" "$here/unit.c" "$here/run_handler.c" \
    "$c_dir/token-claims/token_claims.c"; do
    "$CC" "${san[@]}" "${inc[@]}" "${strict[@]}" -c "$src" -o "$work/$(basename "$src" .c).o"
done
common=("$work/hookwarden.o" "$work/fake_host.o" "$work/bindings.o" "$work/yyjson.o" -lm)
"$CC" "${san[@]}" "$work/unit.o" "$work/token_claims.o" "${common[@]}" -o "$work/unit"
"$CC" "${san[@]}" "$work/run_handler.o" "$work/token_claims.o" "${common[@]}" -o "$work/token_claims"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
"$work/unit"
python3 "$here/check_cases.py" token_claims="$work/token_claims" \
    "$repo/plugins/conformance/cases.json"
