#!/usr/bin/env python3
"""Runs the Python examples natively (with the machine's python3, no
component, no host) over the cases of a cases file and compares each with
the Rust sibling run by `hookwarden invoke`: a quick check while you work on
the helper or an example (seconds, where compiling the 18 MB components for
every case takes minutes). The real comparison is
plugins/conformance/compare.py on the built components, and the
end-to-end tests.

    python3 plugins/python/test/run_native.py [--cases FILE] [NAME-SUBSTRING]

The generated bindings come from `componentize-py bindings` (the venv of
plugins/python/install.sh); the host imports are replaced by an in-memory
stand-in, and the request is turned into the WIT record the way the host
does it (data re-serialized compactly, as serde_json writes it).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
REPO = os.path.abspath(os.path.join(PYTHON_DIR, "..", ".."))
HOOKWARDEN = os.path.join(REPO, "target", "release", "hookwarden")
RUST_DIR = os.path.join(REPO, "target", "plugins", "wasm32-wasip2", "release")
TOOLS = os.path.join(os.environ.get("HOOKWARDEN_GUEST_TOOLS", os.path.join(REPO, "target", "guest-tools")), "python")
EXAMPLES = {"registration_allowlist": "registration-allowlist", "import_link": "import-link"}
TYPES = {"token": "com.okta.oauth2.tokens.transform", "saml": "com.okta.saml.tokens.transform",
         "import": "com.okta.import.transform", "registration": "com.okta.user.pre-registration",
         "password-import": "com.okta.user.credential.password.import",
         "telephony": "com.okta.telephony.provider"}

bindings = tempfile.mkdtemp(prefix="hookwarden-py-bindings-")
subprocess.run([os.path.join(TOOLS, "venv", "bin", "componentize-py"), "-d", os.path.join(REPO, "wit"),
                "-w", "hook-handler", "bindings", bindings], check=True)
sys.path[:0] = [bindings, PYTHON_DIR] + [os.path.join(PYTHON_DIR, d) for d in EXAMPLES.values()]

import wit_world.imports.log as wit_log  # noqa: E402
import wit_world.imports.settings as wit_settings  # noqa: E402
from componentize_py_types import Err  # noqa: E402
from wit_world.imports import types as T  # noqa: E402

import hookwarden  # noqa: E402

LOGS = []
SETTINGS = {}
wit_log.log = lambda level, message: LOGS.append({"level": level.name.lower(), "message": message})
wit_settings.get = lambda key: SETTINGS.get(key)
wit_settings.entries = lambda: sorted(SETTINGS.items(), key=lambda kv: kv[0].encode())


def request_body(case):
    if case.get("request"):
        with open(os.path.join(REPO, case["request"]), "rb") as f:
            return f.read().decode()
    args = [HOOKWARDEN, "sample", case["type"]]
    if case.get("request_type"):
        args += ["--request-type", case["request_type"]]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def version(value, default):
    """A version member as the host passes it: a number as its JSON text."""
    if value is None:
        return default
    return value if isinstance(value, str) else hookwarden.to_json(value)


def wit_request(body):
    env = hookwarden.parse_json(body)
    return T.Request(
        event_type=env["eventType"], event_type_version=version(env.get("eventTypeVersion"), "1.0"),
        cloud_event_version=version(env.get("cloudEventVersion"), "0.1"),
        content_type=env.get("contentType") or "application/json", event_id=env.get("eventId") or "",
        event_time=env.get("eventTime") or "", source=env.get("source") or "",
        request_type=env.get("requestType"), data=hookwarden.to_json(env["data"]))


def enum_text(e):
    return e.name


def command_json(c):
    if isinstance(c, T.Command_ActionUpdate):
        v = c.value
        key = {T.ActionUpdate_ImportResult: "result", T.ActionUpdate_Registration: "registration",
               T.ActionUpdate_Credential: "credential"}[type(v)]
        return {"type": "com.okta.action.update", "value": {key: enum_text(v.value)}}
    if isinstance(c, T.Command_UserUpdate):
        return {"type": "com.okta.user.update", "value": {"id": c.value}}
    if isinstance(c, T.Command_Raw):
        return {"type": c.value.type, "value": json.loads(c.value.value)}
    raise NotImplementedError(type(c).__name__)


def answer_json(r):
    out = {}
    if r.commands:
        out["commands"] = [command_json(c) for c in r.commands]
    if r.error is not None:
        causes = []
        for c in r.error.error_causes:
            cause = {}
            for k, v in (("errorSummary", c.error_summary), ("reason", c.reason),
                         ("locationType", c.location_type),
                         ("location", c.location), ("domain", c.domain)):
                if v is not None:
                    cause[k] = v
            causes.append(cause)
        error = {} if r.error.error_summary is None else {"errorSummary": r.error.error_summary}
        error["errorCauses"] = causes
        out["error"] = error
    if r.debug_context is not None:
        out["debugContext"] = json.loads(r.debug_context)
    return out or None


def run_python(case, modules):
    LOGS.clear()
    SETTINGS.clear()
    SETTINGS.update(case.get("settings", {}))
    request = wit_request(request_body(case))
    try:
        response = modules[case["plugin"]].WitWorld().handle(request)
    except Err as e:
        return {"outcome": "plugin_error", "reason": f"plugin returned an error: {e.value}", "logs": list(LOGS)}
    return {"outcome": "ok", "answer": answer_json(response), "logs": list(LOGS)}


def run_rust(case):
    args = [HOOKWARDEN, "invoke", os.path.join(RUST_DIR, case["plugin"] + ".wasm"), "--type", case["type"], "--json"]
    if case.get("request"):
        args += ["--request", os.path.join(REPO, case["request"])]
    if case.get("request_type"):
        args += ["--request-type", case["request_type"]]
    for k, v in case.get("settings", {}).items():
        args += ["--setting", f"{k}={v}"]
    run = subprocess.run(args, capture_output=True, text=True, cwd=REPO)
    if run.returncode not in (0, 2):
        raise RuntimeError(run.stderr)
    return json.loads(run.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", default=os.path.join(REPO, "plugins", "conformance", "cases.json"))
    parser.add_argument("filter", nargs="?", default="")
    args = parser.parse_args()
    import importlib
    modules = {p: importlib.import_module(p) for p in EXAMPLES}
    with open(args.cases) as f:
        cases = [c for c in json.load(f) if c["plugin"] in EXAMPLES and args.filter in c["name"]]
    failed = 0
    for case in cases:
        rust = run_rust(case)
        py = run_python(case, modules)
        problems = []
        expect = case.get("expect_outcome", "ok")
        if rust["outcome"] != expect:
            problems.append(f"the Rust plugin's outcome is {rust['outcome']}, not {expect}: {rust['reason']}")
        if py["outcome"] != rust["outcome"]:
            problems.append(f"outcome: rust {rust['outcome']} python {py['outcome']}")
        if rust["outcome"] == "ok" and py.get("answer") != rust["answer"]:
            problems.append(f"answer:\n    rust:   {json.dumps(rust['answer'])}\n    python: {json.dumps(py.get('answer'))}")
        if rust["outcome"] == "plugin_error" and py.get("reason") != rust["reason"]:
            problems.append(f"reason:\n    rust:   {rust['reason']}\n    python: {py.get('reason')}")
        if py["logs"] != rust["logs"]:
            problems.append(f"logs:\n    rust:   {rust['logs']}\n    python: {py['logs']}")
        print(("FAIL " if problems else "ok   ") + case["name"])
        for p in problems:
            print("  " + p)
        failed += bool(problems)
    print(f"{len(cases) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
