#!/usr/bin/env python3
"""Runs the conformance cases against guest components and their Rust
siblings with `hookwarden invoke`, and checks that both give the same
outcome, answer, log lines and (for failures) reason.

    plugins/conformance/compare.py [--cases FILE] [--hookwarden BIN]
                                   [--rust-dir DIR] PLUGIN=GUEST.wasm...

e.g. plugins/conformance/compare.py token_claims=plugins/c/token-claims/token_claims.wasm

Only the cases of the PLUGINs named run. Defaults: the cases in
plugins/conformance/cases.json, target/release/hookwarden, and the Rust
examples in target/plugins/wasm32-wasip2/release (both built by
`cargo build --release -p hookwarden`).

A case is {"name", "plugin", "type", "request" (path from the repo root, or
null for the type's sample), "request_type", "settings": {key: value}}.
Cases may add "expect_outcome" (default "ok"): the outcome both must have,
and "compare_reason": false where only the failure message may differ.
Prints one line per case and "N passed, N failed"; exits 1 on a failure.
"""
import argparse
import json
import os
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def invoke(binary, plugin, case):
    args = [binary, "invoke", plugin, "--type", case["type"], "--json"]
    if case.get("request"):
        args += ["--request", os.path.join(REPO, case["request"])]
    if case.get("request_type"):
        args += ["--request-type", case["request_type"]]
    for key, value in case.get("settings", {}).items():
        args += ["--setting", f"{key}={value}"]
    run = subprocess.run(args, capture_output=True, text=True, cwd=REPO)
    if run.returncode not in (0, 2):
        raise RuntimeError(f"hookwarden invoke failed ({run.returncode}): {run.stderr.strip()}")
    return json.loads(run.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=os.path.join(REPO, "plugins", "conformance", "cases.json"))
    parser.add_argument("--hookwarden", default=os.path.join(REPO, "target", "release", "hookwarden"))
    parser.add_argument("--rust-dir", default=os.path.join(REPO, "target", "plugins", "wasm32-wasip2", "release"))
    parser.add_argument("guests", nargs="+", metavar="PLUGIN=GUEST.wasm")
    opts = parser.parse_args()
    guests = dict(g.split("=", 1) for g in opts.guests)
    cases = json.load(open(opts.cases))
    passed = failed = 0
    for case in cases:
        if case["plugin"] not in guests:
            continue
        rust = invoke(opts.hookwarden, os.path.join(opts.rust_dir, case["plugin"] + ".wasm"), case)
        guest = invoke(opts.hookwarden, guests[case["plugin"]], case)
        expect = case.get("expect_outcome", "ok")
        problems = []
        if rust["outcome"] != expect:
            problems.append(f"the Rust plugin's outcome is {rust['outcome']}, not {expect}: {rust['reason']}")
        for part in ("outcome", "answer", "logs", "droppedLogLines"):
            if rust[part] != guest[part]:
                problems.append(f"{part} differs:\n    rust:  {json.dumps(rust[part])[:2000]}\n    guest: {json.dumps(guest[part])[:2000]}")
        if rust["reason"] != guest["reason"] and case.get("compare_reason", True):
            problems.append(f"reason differs:\n    rust:  {rust['reason']}\n    guest: {guest['reason']}")
        if problems:
            failed += 1
            print(f"FAIL {case['name']}")
            for p in problems:
                print("  " + p)
        else:
            passed += 1
            print(f"ok   {case['name']} ({rust['outcome']}; rust {rust['fuelConsumed']} fuel, guest {guest['fuelConsumed']} fuel)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
