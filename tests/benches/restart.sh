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
. tests/benches/lib.sh restart.sh
PLUGINS=${PLUGINS:-50}
RESTARTS=${RESTARTS:-3}
PORT=${PORT:-18090}
OUT=${OUT:-$(mktemp -d -t hookwarden-restart.XXXXXX)}
mkdir -p "$OUT"
PLUGIN=$(example_plugin token_claims)
BASE="http://127.0.0.1:$PORT"
DATA=$OUT/data
BODY=$ROOT/host/src/samples/token.json

trap stop_server EXIT
start() { start_server "$PORT" "$DATA" "$1"; } # LOG
call() { # HOOK_ID: prints the HTTP status of one hook call (000: no answer)
    curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $HOOK_SECRET" \
        -H 'Content-Type: application/json' --data-binary @"$BODY" "$BASE/hooks/$1" || true
}

echo "== $PLUGINS distinct components" >&2
[ "$PLUGINS" -le 1000 ] || die "at most 1000 plugins (the server's limit)"
for i in $(seq 1 "$PLUGINS"); do
    # A custom section appended to the component: id 0, 26 bytes of
    # content: the name's length (16), the name, then `copy-NNNN`.
    { cat "$PLUGIN"; printf '\000\032\020hookwarden-bench'; printf 'copy-%04d' "$i"; } >"$OUT/plugin-$i.wasm"
done

echo "== registering them (each is compiled at upload)" >&2
start "$OUT/setup.log"
wait_http "$BASE/"
HOOKS=()
t0=$(now_ms)
for i in $(seq 1 "$PLUGINS"); do
    plugin_id=$(upload_plugin "$BASE" "$OUT/plugin-$i.wasm")
    hook_id=$(create_hook "$BASE" "restart benchmark $i" com.okta.oauth2.tokens.transform "$plugin_id" \
        '{"access.display_name": "{firstName} {lastName}"}')
    HOOKS+=("$hook_id")
done
register_ms=$(($(now_ms) - t0))
plugin_count=$(curl -s -H "$ADMIN" "$BASE/api/v1/plugins" | grep -o '"id":"sha256:' | wc -l)
echo "   $plugin_count plugins and ${#HOOKS[@]} hooks registered in ${register_ms} ms" >&2
[ "$(call "${HOOKS[-1]}")" = 200 ] || die "the last hook does not answer 200"
stop_server

restart() { # LABEL: prints one Markdown row
    local t0 first all status
    t0=$(now_ms)
    start "$OUT/restart-$1.log"
    while :; do
        status=$(call "${HOOKS[-1]}")
        [ "$status" = 200 ] && break
        [ "$status" = 000 ] || die "hook call answered $status"
        kill -0 "$SERVER" 2>/dev/null || die "the server died; see $OUT/restart-$1.log"
        sleep 0.005
    done
    first=$(($(now_ms) - t0))
    for hook in "${HOOKS[@]}"; do
        [ "$(call "$hook")" = 200 ] || die "hook $hook does not answer 200"
    done
    all=$(($(now_ms) - t0))
    stop_server
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
