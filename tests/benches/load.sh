#!/usr/bin/env bash
# Load benchmark: Hookwarden against a native axum server running the same
# handler, on loopback, with tests/benches/loadgen.rs. See BENCHMARKS.md.
#
#   tests/benches/load.sh
#
# It builds the release binaries, starts `hookwarden serve` (temporary data
# directory) and registers the token_claims example plugin as a token hook
# through the admin API, starts the native baseline (the same handler linked
# natively; also a second one that runs Hookwarden's envelope parser and
# answer checker), checks that all answer byte for byte the same, then loads
# each in turn: closed loop (capacity), then open loop at a fixed rate
# (latency). It prints one Markdown table; the raw results (one JSON line per
# run) stay in $OUT/results.jsonl.
#
# Knobs (environment):
#   DURATION=10       measured seconds per run (after WARMUP=2 s)
#   CONNECTIONS=50    closed-loop connections
#   RATE=1000         open-loop requests/s (RATE_CONNECTIONS=16 connections)
#   ROUNDS=1          repeat the whole set of runs
#   CLIENT_THREADS=1  load generator threads
#   SERVERS="native native+checks hookwarden"   which servers, in this order
#   WASMTIME_SERVE=1  also load `wasmtime serve` (from PATH, or WASMTIME=FILE)
#                     running tests/benches/wasi-http-token, the same work as
#                     a wasi:http component; install the CLI first with
#                     `cargo install wasmtime-cli --version 48.0.8 --locked`
#   BASE_PORT=18080   ports BASE_PORT..BASE_PORT+3 on 127.0.0.1
#   OUT=DIR           where results and server logs go (default: a temp dir)
#   PROFILE=1         also record `perf record` of Hookwarden during one
#                     extra closed-loop run ($OUT/perf.data, $OUT/perf.txt)
#   RUST_LOG          passed to Hookwarden (default: its default, `info`)
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/benches/lib.sh load.sh

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-50}
RATE=${RATE:-1000}
RATE_CONNECTIONS=${RATE_CONNECTIONS:-16}
ROUNDS=${ROUNDS:-1}
CLIENT_THREADS=${CLIENT_THREADS:-1}
SERVERS=${SERVERS:-native native+checks hookwarden}
BASE_PORT=${BASE_PORT:-18080}
OUT=${OUT:-$(mktemp -d -t hookwarden-load.XXXXXX)}
mkdir -p "$OUT"

cargo build --release --locked -p hookwarden-tests --example native-baseline --example loadgen >&2
NATIVE=$TARGET/release/examples/native-baseline
LOADGEN=$TARGET/release/examples/loadgen
PLUGIN=$(example_plugin token_claims)

# The hook's settings, the same for every server (the criterion plugin
# bench uses these too).
SETTINGS=(
    "access.display_name={firstName} {lastName}"
    "access.lifetime=3600"
    "identity.locale_tag={locale}"
)
BODY=$ROOT/host/src/samples/token.json

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

declare -A URL PID

start_hookwarden() {
    local port=$BASE_PORT base="http://127.0.0.1:$BASE_PORT"
    "$HOOKWARDEN" serve --listen "127.0.0.1:$port" --data-dir "$OUT/hookwarden-data" \
        >"$OUT/hookwarden.log" 2>&1 &
    PIDS+=($!)
    PID[hookwarden]=$!
    wait_http "$base/"
    local plugin_id settings="" hook_id
    plugin_id=$(upload_plugin "$base" "$PLUGIN")
    for kv in "${SETTINGS[@]}"; do
        settings+="${settings:+,}\"${kv%%=*}\":\"${kv#*=}\""
    done
    hook_id=$(create_hook "$base" "load benchmark" com.okta.oauth2.tokens.transform "$plugin_id" "{$settings}")
    URL[hookwarden]="$base/hooks/$hook_id"
}

start_native() { # LABEL PORT [--checks]
    local label=$1 port=$2
    shift 2
    local args=()
    for kv in "${SETTINGS[@]}"; do args+=(--setting "$kv"); done
    "$NATIVE" "127.0.0.1:$port" "${args[@]}" "$@" >"$OUT/$label.log" 2>&1 &
    PIDS+=($!)
    PID[$label]=$!
    URL[$label]="http://127.0.0.1:$port/hooks/native"
    wait_http "${URL[$label]}"
}

start_wasmtime() {
    local port=$((BASE_PORT + 3)) manifest=tests/benches/wasi-http-token/Cargo.toml
    local component=$TARGET/wasi-http-token/wasm32-wasip2/release/wasi_http_token.wasm
    cargo build --release --locked --target wasm32-wasip2 --manifest-path "$manifest" \
        --target-dir "$TARGET/wasi-http-token" >&2
    # The hook's secret and settings reach the component as environment
    # variables (wasi:cli/environment); the rest is `wasmtime serve`'s
    # defaults, as it ships.
    local env=(--env "HOOK_SECRET=$HOOK_SECRET")
    for kv in "${SETTINGS[@]}"; do env+=(--env "HOOK_SETTING_$kv"); done
    "$WASMTIME" serve --addr "127.0.0.1:$port" -S cli "${env[@]}" "$component" \
        >"$OUT/wasmtime.log" 2>&1 &
    PIDS+=($!)
    PID[wasmtime-serve]=$!
    URL[wasmtime-serve]="http://127.0.0.1:$port/"
    wait_http "${URL[wasmtime-serve]}"
}

for server in $SERVERS; do
    case $server in
        hookwarden) start_hookwarden ;;
        native) start_native native $((BASE_PORT + 1)) ;;
        native+checks) start_native native+checks $((BASE_PORT + 2)) --checks ;;
        *) echo "load.sh: unknown server $server" >&2; exit 1 ;;
    esac
done
if [ "${WASMTIME_SERVE:-0}" = 1 ]; then
    WASMTIME=${WASMTIME:-$(command -v wasmtime || true)}
    [ -x "$WASMTIME" ] || die "WASMTIME_SERVE=1 needs \`wasmtime\` on PATH (or WASMTIME=FILE): cargo install wasmtime-cli --version 48.0.8 --locked"
    echo "== $("$WASMTIME" --version)" >&2
    start_wasmtime
    SERVERS="$SERVERS wasmtime-serve"
fi

# Same request, same answer: every server must send the same bytes.
echo "== checking that every server answers the same bytes" >&2
"$LOADGEN" compact "$BODY" >"$OUT/request.json"
reference=""
for server in $SERVERS; do
    status=$(curl -s -o "$OUT/answer-$server.json" -w '%{http_code}' -H "Authorization: $HOOK_SECRET" \
        -H 'Content-Type: application/json' --data-binary @"$OUT/request.json" "${URL[$server]}")
    [ "$status" = 200 ] || die "$server answered $status"
    if [ -z "$reference" ]; then
        reference=$server
    elif ! cmp -s "$OUT/answer-$reference.json" "$OUT/answer-$server.json"; then
        echo "load.sh: $server answers differently from $reference:" >&2
        diff <(cat "$OUT/answer-$reference.json"; echo) <(cat "$OUT/answer-$server.json"; echo) >&2 || true
        exit 1
    fi
done
echo "   $(wc -c <"$OUT/answer-$reference.json") bytes each: $(cat "$OUT/answer-$reference.json")" >&2

load() { # SERVER ROUND [loadgen options]
    local server=$1 round=$2
    shift 2
    "$LOADGEN" run --url "${URL[$server]}" --body "$BODY" --header "Authorization: $HOOK_SECRET" \
        --label "$server" --round "$round" --server-pid "${PID[$server]}" --duration "$DURATION" \
        --warmup "$WARMUP" --threads "$CLIENT_THREADS" "$@"
}

RESULTS=$OUT/results.jsonl
: >"$RESULTS"
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs" >&2
for round in $(seq 1 "$ROUNDS"); do
    for server in $SERVERS; do
        echo "-- round $round: $server, closed loop, $CONNECTIONS connections, ${DURATION}s" >&2
        load "$server" "$round" --connections "$CONNECTIONS" | tee -a "$RESULTS" >&2
    done
    for server in $SERVERS; do
        echo "-- round $round: $server, open loop, $RATE req/s, ${DURATION}s" >&2
        load "$server" "$round" --connections "$RATE_CONNECTIONS" --rate "$RATE" | tee -a "$RESULTS" >&2
    done
done
echo "== load average $(cut -d' ' -f1-3 /proc/loadavg) after the runs" >&2

if [ "${PROFILE:-0}" = 1 ] && [[ " $SERVERS " == *" hookwarden "* ]]; then
    command -v perf >/dev/null || die "PROFILE=1 needs perf (apt-get install -y linux-perf)"
    echo "-- profile: perf record (DWARF call graphs) of hookwarden under a closed-loop run" >&2
    perf record -F 499 --call-graph dwarf,16384 -o "$OUT/perf.data" -p "${PID[hookwarden]}" \
        -- sleep "$DURATION" 2>"$OUT/perf-record.log" &
    perf_pid=$!
    load hookwarden 0 --connections "$CONNECTIONS" --warmup 0 --label hookwarden-profiled >/dev/null
    wait "$perf_pid"
    report() { perf report -i "$OUT/perf.data" --stdio -g none "$@" 2>/dev/null | grep -v '^#' | grep -v '^$' | cut -c1-200; }
    {
        echo "== samples by binary (self)"; report --no-children --sort dso
        echo "== symbols by self time"; report --no-children --sort dso,symbol | sed -n '1,60p'
        echo "== symbols by inclusive time (children)"; report --children --sort symbol | sed -n '1,200p'
    } >"$OUT/perf.txt"
    echo "   $OUT/perf.txt" >&2
fi

echo
echo "Ratios are to \`native\` in the same mode, within this run. Results: $RESULTS"
echo
"$LOADGEN" table "$RESULTS" native
