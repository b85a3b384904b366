#!/usr/bin/env bash
# Large components, per language: upload-to-ready, the first calls, and a
# restart from the compiled-code cache, with the release server. See
# BENCHMARKS.md.
#
#   tests/benches/guests.sh
#
# For each example component (the Rust ones, and the C, JavaScript and
# Python ones that `cargo test --workspace` or their build.sh put in
# target/plugins/guests/<lang>/), it starts `hookwarden serve` on an empty
# data directory, uploads the component and times the upload (the admin API
# answers once the component is validated, compiled and stored: ready),
# creates a hook, calls it once and then CALLS times with the hook type's
# sample request (curl's total time per call), notes the server's resident
# memory, then restarts the server and times process start to the first
# answer.
#
# Knobs (environment): CALLS=20, PORT=18095, OUT=DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/benches/lib.sh guests.sh
CALLS=${CALLS:-20}
PORT=${PORT:-18095}
OUT=${OUT:-$(mktemp -d -t hookwarden-guests.XXXXXX)}
mkdir -p "$OUT"
BASE="http://127.0.0.1:$PORT"
trap stop_server EXIT
call() { # HOOK BODY: prints status and seconds; a fresh eventId each time,
    # so no call is answered from the replay cache
    sed "s/\"eventId\": *\"[^\"]*\"/\"eventId\": \"bench-$RANDOM$RANDOM$RANDOM\"/" "$2" |
        curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: $HOOK_SECRET" \
            -H 'Content-Type: application/json' --data-binary @- "$BASE/hooks/$1" || printf '000 0'
    echo
}
rss_mib() { echo $(($(awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status") / 1024)); }

# plugin name -> hook type, Okta type name, settings
declare -A TYPE=([token_claims]=token [registration_allowlist]=registration [import_link]=import)
declare -A OKTA=([token]=com.okta.oauth2.tokens.transform [registration]=com.okta.user.pre-registration
    [import]=com.okta.import.transform)
declare -A SETTINGS=([token_claims]='{"access.display_name": "{firstName} {lastName}"}'
    [registration_allowlist]='{"allowed_domains": "example.com"}' [import_link]='{}')

components=()
for name in token_claims registration_allowlist import_link; do
    components+=("rust:$(example_plugin "$name")")
done
for file in "$TARGET"/plugins/guests/*/*.wasm; do
    [ -f "$file" ] && components+=("$(basename "$(dirname "$file")"):$file")
done

echo "| language | plugin | size | upload to ready | first call | median of $CALLS calls (curl) | server RSS after upload and calls | restart to first answer | server RSS after restart and a call |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for entry in "${components[@]}"; do
    lang=${entry%%:*}
    file=${entry#*:}
    name=$(basename "$file" .wasm)
    type=${TYPE[$name]:-}
    [ -n "$type" ] || continue
    data=$OUT/data-$lang-$name
    body=$OUT/$type.json
    "$HOOKWARDEN" sample "$type" >"$body"
    start_server "$PORT" "$data" "$OUT/$lang-$name.log"
    wait_http "$BASE/"
    t0=$(now_ms)
    plugin_id=$(upload_plugin "$BASE" "$file")
    upload=$(($(now_ms) - t0))
    hook=$(create_hook "$BASE" "$lang $name" "${OKTA[$type]}" "$plugin_id" "${SETTINGS[$name]}")
    read -r status first < <(call "$hook" "$body")
    [ "$status" = 200 ] || [ "$status" = 204 ] || die "$lang/$name answered $status"
    times=()
    for _ in $(seq 1 "$CALLS"); do
        read -r _ t < <(call "$hook" "$body")
        times+=("$t")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    rss=$(rss_mib)
    stop_server
    t0=$(now_ms)
    start_server "$PORT" "$data" "$OUT/$lang-$name-restart.log"
    while :; do
        read -r status _ < <(call "$hook" "$body")
        [ "$status" = 200 ] || [ "$status" = 204 ] && break
        kill -0 "$SERVER" 2>/dev/null || die "the server died; see $OUT"
        sleep 0.005
    done
    restart=$(($(now_ms) - t0))
    rss_restarted=$(rss_mib)
    stop_server
    rm -rf "$data" # tens of MB of compiled code per large component
    printf '| %s | %s | %s KB | %s ms | %.1f ms | %.1f ms | %s MiB | %s ms | %s MiB |\n' "$lang" "$name" \
        "$(($(stat -c %s "$file") / 1000))" "$upload" "$(awk "BEGIN {print $first * 1000}")" \
        "$(awk "BEGIN {print $median * 1000}")" "$rss" "$restart" "$rss_restarted"
done
