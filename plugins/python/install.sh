#!/usr/bin/env bash
# Installs the toolchain that builds Hookwarden's Python plugins
# (plugins/python/*): componentize-py 0.25.1 from PyPI, in a virtual
# environment at $HOOKWARDEN_GUEST_TOOLS/python/venv (default:
# <repo>/target/guest-tools/python/venv). componentize-py is one prebuilt
# wheel that carries everything a build needs (CPython 3.14 compiled to
# WebAssembly, its standard library, wasi-libc, the component tooling), so
# builds need no network afterwards.
#
# Needs python3 (3.8 or newer) with the venv module; installs the Debian
# package python3-venv only if `python3 -m venv` does not work (that needs
# root). Idempotent: an existing venv with componentize-py 0.25.1 is kept.
#
#   plugins/python/install.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
tools="${HOOKWARDEN_GUEST_TOOLS:-$repo/target/guest-tools}/python"
venv="$tools/venv"

COMPONENTIZE_PY_VERSION=0.25.1

step() { printf 'hookwarden: python install: %s\n' "$*"; }
die() { printf 'hookwarden: python install: %s\n' "$*" >&2; exit 1; }
started=$SECONDS

command -v python3 >/dev/null 2>&1 || die "python3 is missing: apt-get install -y --no-install-recommends python3 python3-venv"

# Already there, at the right version?
have=$("$venv/bin/componentize-py" --version 2>/dev/null || true)
if [[ $have == "componentize-py $COMPONENTIZE_PY_VERSION" ]]; then
    step "componentize-py $COMPONENTIZE_PY_VERSION present in $venv"
    step "done in $((SECONDS - started)) s"
    exit 0
fi

# --- 1. python3 -m venv works? ----------------------------------------------
venv_works() {
    local probe
    probe=$(mktemp -d)
    local ok=0
    python3 -m venv "$probe/v" >/dev/null 2>&1 || ok=1
    rm -rf "$probe"
    return "$ok"
}
if venv_works; then
    step "python3 -m venv works ($(python3 --version))"
else
    if [[ $(id -u) -ne 0 ]]; then
        die "python3 -m venv does not work; run as root, or: sudo apt-get install -y --no-install-recommends python3-venv"
    fi
    export DEBIAN_FRONTEND=noninteractive
    step "apt-get install python3-venv (python3 -m venv does not work)"
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null \
        || ! apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 python3-venv; then
        step "apt-get update (package lists missing or stale)"
        apt-get update -o DPkg::Lock::Timeout=600
        apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 python3-venv
    fi
    venv_works || die "python3 -m venv still does not work after installing python3-venv"
fi

# --- 2. the venv and componentize-py ------------------------------------------
if [[ -n $have ]]; then
    step "found $have; installing $COMPONENTIZE_PY_VERSION over it"
fi
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$venv"
    step "python3 -m venv $venv"
    mkdir -p "$tools"
    python3 -m venv "$venv"
fi
step "pip install componentize-py==$COMPONENTIZE_PY_VERSION (from PyPI)"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
    "componentize-py==$COMPONENTIZE_PY_VERSION"

have=$("$venv/bin/componentize-py" --version 2>/dev/null || true)
[[ $have == "componentize-py $COMPONENTIZE_PY_VERSION" ]] \
    || die "componentize-py --version says '${have}', expected 'componentize-py $COMPONENTIZE_PY_VERSION'"
step "installed $have ($(du -sh "$venv" | cut -f1) in $venv)"
step "done in $((SECONDS - started)) s"
