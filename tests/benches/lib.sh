# What the benchmark scripts (load.sh, restart.sh, guests.sh) share: the
# release build, the secrets, and talking to a Hookwarden server with curl.
# Source it after `cd` to the repository root:
#
#   . tests/benches/lib.sh NAME     (NAME prefixes error messages)
#
# Sets ROOT, TARGET, HOOKWARDEN (the release binary, built here, or the
# binary HOOKWARDEN_BIN names, to compare two builds), HOOK_SECRET
# and HOOKWARDEN_ADMIN_TOKEN (exported, random unless already set) and ADMIN
# (the admin Authorization header).

BENCH_NAME=$1
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "needs \`$1\` ($2)"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

need cargo "https://rustup.rs"
need curl "apt-get install -y curl"
if [ -n "${HOOKWARDEN_BIN:-}" ]; then
    HOOKWARDEN=$HOOKWARDEN_BIN
else
    echo "== building (release)" >&2
    cargo build --release --locked -p hookwarden --bin hookwarden >&2
    HOOKWARDEN=$TARGET/release/hookwarden
fi

export HOOK_SECRET=${HOOK_SECRET:-"Basic $(head -c 18 /dev/urandom | base64)"}
export HOOKWARDEN_ADMIN_TOKEN=${HOOKWARDEN_ADMIN_TOKEN:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}
ADMIN="Authorization: SSWS $HOOKWARDEN_ADMIN_TOKEN"

# The Rust example plugin NAME (built with the host).
example_plugin() {
    local file=$TARGET/plugins/wasm32-wasip2/release/$1.wasm
    [ -f "$file" ] || die "$file was not built (rustup target add wasm32-wasip2, then see the cargo warnings)"
    echo "$file"
}

# wait_http URL: waits until something answers HTTP there (30 s at most).
wait_http() {
    for _ in $(seq 1 300); do
        curl -s -o /dev/null "$1" && return 0
        sleep 0.1
    done
    die "nothing answers at $1"
}

# upload_plugin BASE FILE: uploads a component; prints its id.
upload_plugin() {
    local answer id
    answer=$(curl -s -H "$ADMIN" -H 'Content-Type: application/wasm' --data-binary @"$2" "$1/api/v1/plugins")
    id=$(grep -o '"id":"sha256:[0-9a-f]*"' <<<"$answer" | cut -d'"' -f4) || true
    [ -n "$id" ] || die "upload of $2 refused: $answer"
    echo "$id"
}

# create_hook BASE NAME OKTA_TYPE PLUGIN_ID SETTINGS_JSON: creates an active
# hook authenticated by HOOK_SECRET; prints its id.
create_hook() {
    local id
    id=$(curl -sf -H "$ADMIN" -H 'Content-Type: application/json' "$1/api/v1/inlineHooks" -d "{
      \"name\": \"$2\", \"type\": \"$3\",
      \"channel\": {\"type\": \"WASM\", \"version\": \"1.0.0\", \"config\": {
        \"pluginId\": \"$4\", \"settings\": $5,
        \"authScheme\": {\"type\": \"HEADER\", \"key\": \"Authorization\", \"value\": \"$HOOK_SECRET\"}}}}" |
        grep -o '"id":"[A-Za-z0-9]*"' | head -1 | cut -d'"' -f4) || true
    [ -n "$id" ] || die "could not create the hook $2"
    echo "$id"
}

# One server at a time (restart.sh, guests.sh): start_server PORT DATA_DIR
# LOG starts `hookwarden serve` in the background (its pid in SERVER);
# stop_server stops it (SIGTERM: it drains) and waits.
SERVER=""
start_server() {
    "$HOOKWARDEN" serve --listen "127.0.0.1:$1" --data-dir "$2" >"$3" 2>&1 &
    SERVER=$!
}
stop_server() {
    [ -n "$SERVER" ] || return 0
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
}
