#!/usr/bin/env bash
# Restart benchmark: how soon a restarted Hookwarden with 50 registered
# plugins (50 hooks) answers its first hook call. See BENCHMARKS.md.
#
#   tests/benches/restart.sh
#
# It builds the release `hookwarden`, makes 50 distinct components (the
# token_claims example with a custom section `hookwarden-bench` naming the
# copy appended, so each has its own bytes, id and compiled code), uploads
# them through the admin API (each is compiled once, at upload, into the
# compiled-code cache under the data directory), creates a token hook per
# plugin, stops the server, then RESTARTS times: starts it and measures the
# time from starting the process to the first 200 answer of a hook call
# (curl, polling), and to the first answer of every hook. Then once more
# with the compiled-code cache deleted, to show what the cache saves.
#
# Knobs (environment): PLUGINS=50, RESTARTS=3, PORT=18090, OUT=DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PLUGINS=${PLUGINS:-50}
RESTARTS=${RESTARTS:-3}
PORT=${PORT:-18090}
OUT=${OUT:-$(mktemp -d -t hookwarden-restart.XXXXXX)}
mkdir -p "$OUT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
command -v curl >/dev/null || { echo "restart.sh: needs curl" >&2; exit 1; }

echo "== building (release)" >&2
cargo build --release --locked -p hookwarden --bin hookwarden >&2
HOOKWARDEN=$TARGET/release/hookwarden
PLUGIN=$TARGET/plugins/wasm32-wasip2/release/token_claims.wasm
[ -f "$PLUGIN" ] || { echo "restart.sh: $PLUGIN was not built (rustup target add wasm32-wasip2)" >&2; exit 1; }

export HOOK_SECRET="Basic $(head -c 18 /dev/urandom | base64)"
export HOOKWARDEN_ADMIN_TOKEN=${HOOKWARDEN_ADMIN_TOKEN:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}
ADMIN="Authorization: SSWS $HOOKWARDEN_ADMIN_TOKEN"
BASE="http://127.0.0.1:$PORT"
DATA=$OUT/data
BODY=$ROOT/host/src/samples/token.json

SERVER=""
cleanup() { [ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true; }
trap cleanup EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
start() { # LOG
    "$HOOKWARDEN" serve --listen "127.0.0.1:$PORT" --data-dir "$DATA" >"$1" 2>&1 &
    SERVER=$!
}
stop() {
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
}
call() { # HOOK_ID: prints the HTTP status of one hook call (000: no answer)
    curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $HOOK_SECRET" \
        -H 'Content-Type: application/json' --data-binary @"$BODY" "$BASE/hooks/$1" || true
}

echo "== $PLUGINS distinct components" >&2
[ "$PLUGINS" -le 1000 ] || { echo "restart.sh: at most 1000 plugins (the server's limit)" >&2; exit 1; }
for i in $(seq 1 "$PLUGINS"); do
    # A custom section appended to the component: id 0, 26 bytes of
    # content: the name's length (16), the name, then `copy-NNNN`.
    { cat "$PLUGIN"; printf '\000\032\020hookwarden-bench'; printf 'copy-%04d' "$i"; } >"$OUT/plugin-$i.wasm"
done

echo "== registering them (each is compiled at upload)" >&2
start "$OUT/setup.log"
for _ in $(seq 1 300); do curl -s -o /dev/null "$BASE/" && break; sleep 0.1; done
HOOKS=()
t0=$(now_ms)
for i in $(seq 1 "$PLUGINS"); do
    answer=$(curl -s -H "$ADMIN" -H 'Content-Type: application/wasm' \
        --data-binary @"$OUT/plugin-$i.wasm" "$BASE/api/v1/plugins")
    plugin_id=$(grep -o '"id":"sha256:[0-9a-f]*"' <<<"$answer" | cut -d'"' -f4) || true
    [ -n "$plugin_id" ] || { echo "restart.sh: upload $i refused: $answer" >&2; exit 1; }
    hook_id=$(curl -sf -H "$ADMIN" -H 'Content-Type: application/json' "$BASE/api/v1/inlineHooks" -d "{
      \"name\": \"restart benchmark $i\", \"type\": \"com.okta.oauth2.tokens.transform\",
      \"channel\": {\"type\": \"WASM\", \"version\": \"1.0.0\", \"config\": {
        \"pluginId\": \"$plugin_id\", \"settings\": {\"access.display_name\": \"{firstName} {lastName}\"},
        \"authScheme\": {\"type\": \"HEADER\", \"key\": \"Authorization\", \"value\": \"$HOOK_SECRET\"}}}}" |
        grep -o '"id":"[A-Za-z0-9]*"' | head -1 | cut -d'"' -f4)
    HOOKS+=("$hook_id")
done
register_ms=$(($(now_ms) - t0))
plugin_count=$(curl -s -H "$ADMIN" "$BASE/api/v1/plugins" | grep -o '"id":"sha256:' | wc -l)
echo "   $plugin_count plugins and ${#HOOKS[@]} hooks registered in ${register_ms} ms" >&2
[ "$(call "${HOOKS[-1]}")" = 200 ] || { echo "restart.sh: the last hook does not answer 200" >&2; exit 1; }
stop

restart() { # LABEL: prints one Markdown row
    local t0 first all status
    t0=$(now_ms)
    start "$OUT/restart-$1.log"
    while :; do
        status=$(call "${HOOKS[-1]}")
        [ "$status" = 200 ] && break
        [ "$status" = 000 ] || { echo "restart.sh: hook call answered $status" >&2; exit 1; }
        kill -0 "$SERVER" 2>/dev/null || { echo "restart.sh: the server died; see $OUT/restart-$1.log" >&2; exit 1; }
        sleep 0.005
    done
    first=$(($(now_ms) - t0))
    for hook in "${HOOKS[@]}"; do
        [ "$(call "$hook")" = 200 ] || { echo "restart.sh: hook $hook does not answer 200" >&2; exit 1; }
    done
    all=$(($(now_ms) - t0))
    stop
    echo "| $1 | $first ms | $all ms |"
}

echo
echo "$PLUGINS plugins, $PLUGINS hooks; registered (compiled) in $register_ms ms; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| restart | first hook call answered | all $PLUGINS hooks answered once (sequential curl) |"
echo "|---|---:|---:|"
for r in $(seq 1 "$RESTARTS"); do
    restart "with compiled-code cache, #$r"
done
rm -rf "$DATA/compiled"
restart "compiled-code cache deleted"
