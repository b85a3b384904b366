#!/usr/bin/env python3
"""Runs cases through a natively built C handler (run_handler, under
AddressSanitizer) and compares its answer and log lines with the Rust
component's, from `hookwarden invoke`.

    check_cases.py PLUGIN=NATIVE_BINARY... CASES.json...

The native run has no host around it, so it checks the handler, not the
host: its WIT response is turned into Okta's JSON the way the host does for
patch commands, and cases whose expected outcome is a host refusal
(invalid_answer) only have to run cleanly. A sanitizer report fails the case.
"""
import json
import os
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
HOOKWARDEN = os.path.join(REPO, "target", "release", "hookwarden")
RUST_DIR = os.path.join(REPO, "target", "plugins", "wasm32-wasip2", "release")
SAMPLES = {"token": "token", "saml": "saml", "import": "import", "registration": "registration",
           "password-import": "password-import", "telephony": "telephony"}
PATCH_TYPES = {"identity-patch": "com.okta.identity.patch", "access-patch": "com.okta.access.patch",
               "assertion-patch": "com.okta.assertion.patch"}


def request_file(case):
    if case.get("request"):
        return os.path.join(REPO, case["request"])
    name = SAMPLES[case["type"]]
    if case.get("request_type") == "progressive.profile":
        name += "-progressive"
    return os.path.join(REPO, "host", "src", "samples", name + ".json")


def okta_answer(response):
    """The host's translation of a WIT response, for the commands token hooks use."""
    answer = {}
    commands = []
    for c in response["commands"]:
        if c["tag"] not in PATCH_TYPES:
            raise ValueError(f"check_cases.py cannot translate {c['tag']}")
        ops = []
        for op in c["ops"]:
            o = {"op": op["op"], "path": op["path"]}
            if op["value"] is not None:
                o["value"] = json.loads(op["value"])
            ops.append(o)
        commands.append({"type": PATCH_TYPES[c["tag"]], "value": ops})
    if commands:
        answer["commands"] = commands
    if response["error"] is not None or response["debugContext"] is not None:
        raise ValueError("check_cases.py does not translate error or debugContext")
    return answer or None  # no changes: the host answers 204, `invoke` shows null


def main():
    natives = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
    files = [a for a in sys.argv[1:] if "=" not in a]
    passed = failed = 0
    for path in files:
        for case in json.load(open(path)):
            if case["plugin"] not in natives:
                continue
            args = [natives[case["plugin"]], request_file(case)]
            args += [f"{k}={v}" for k, v in case["settings"].items()]
            native = subprocess.run(args, capture_output=True, text=True)
            problems = []
            if native.returncode != 0:
                problems.append(f"exit status {native.returncode}:\n{native.stderr[-3000:]}")
            else:
                got = json.loads(native.stdout)
                inv = [HOOKWARDEN, "invoke", os.path.join(RUST_DIR, case["plugin"] + ".wasm"),
                       "--type", case["type"], "--request", request_file(case), "--json"]
                for k, v in case["settings"].items():
                    inv += ["--setting", f"{k}={v}"]
                rust = json.loads(subprocess.run(inv, capture_output=True, text=True).stdout)
                logs = [{"level": l["level"], "message": l["message"]} for l in rust["logs"]]
                if got["logs"] != logs:
                    problems.append(f"logs differ:\n  rust:   {logs}\n  native: {got['logs']}")
                if rust["outcome"] == "plugin_error":
                    if got["ok"]:
                        problems.append("the Rust plugin failed, the native run did not")
                elif not got["ok"]:
                    problems.append(f"the native run failed: {got['error']}")
                elif rust["outcome"] == "ok" and okta_answer(got["response"]) != rust["answer"]:
                    problems.append(f"answers differ:\n  rust:   {rust['answer']}\n  native: {okta_answer(got['response'])}")
            if problems:
                failed += 1
                print(f"FAIL {case['name']}")
                for p in problems:
                    print("  " + p)
            else:
                passed += 1
    print(f"native cases: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
