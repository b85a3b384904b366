#!/usr/bin/env python3
"""Writes the generated requests in plugins/conformance/requests/ (the
registration and import ones, from the host's samples in
host/src/samples/, and the token ones full of numbers); the other token
requests there are hand-written. Rerun after changing this file:
python3 plugins/conformance/make_requests.py"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
SAMPLES = os.path.join(REPO, "host", "src", "samples")


def load(name):
    with open(os.path.join(SAMPLES, name)) as f:
        return json.load(f)


def write(name, body, raw=None):
    with open(os.path.join(HERE, "requests", name), "w") as f:
        f.write(raw if raw is not None else json.dumps(body, indent=2, ensure_ascii=False) + "\n")


SELF = load("registration.json")
PROGRESSIVE = load("registration-progressive.json")


def self_service(email=..., profile=..., request_type=...):
    body = copy.deepcopy(SELF)
    if request_type is None:
        body.pop("requestType")
    elif request_type is not ...:
        body["requestType"] = request_type
    if profile is not ...:
        if profile is None:
            body["data"]["userProfile"] = None
        elif profile == "absent":
            body["data"].pop("userProfile")
        else:
            body["data"]["userProfile"] = profile
    if email is not ...:
        if email == "absent":
            body["data"]["userProfile"].pop("email")
        else:
            body["data"]["userProfile"]["email"] = email
    return body


def progressive(update):
    body = copy.deepcopy(PROGRESSIVE)
    if update == "absent":
        body["data"].pop("userProfileUpdate")
    else:
        body["data"]["userProfileUpdate"] = update
    return body


emails = {
    "upper": "Isaac.Brock@EXAMPLE.COM",
    "spaces": " \t isaac@example.com \n",
    "unicode-space": "\u0085isaac@example.com\u3000",
    "bom": "\ufeffisaac@example.com",
    "no-at": "isaac.example.com",
    "empty-local": "@example.com",
    "empty-domain": "isaac@",
    "two-ats": "isaac@evil.net@example.com",
    "sub": "isaac@eng.example.org",
    "subsub": "isaac@a.b.example.org",
    "wild-root": "isaac@example.org",
    "suffix-trick": "isaac@badexample.com",
    "non-ascii-upper": "isaac@ÉXAMPLE.com",
    "empty": "",
    "dot-domain": "isaac@.",
}
for name, email in emails.items():
    write(f"registration-email-{name}.json", self_service(email=email))
write("registration-email-null.json", self_service(email=None))
write("registration-email-number.json", self_service(email=42))
write("registration-email-absent.json", self_service(email="absent"))
write("registration-profile-null.json", self_service(profile=None))
write("registration-profile-absent.json", self_service(profile="absent"))
write("registration-classic.json", self_service(request_type=None))
write("registration-classic-denied.json", self_service(email="isaac@elsewhere.net", request_type=None))
write("registration-unknown-request-type.json", self_service(request_type="something.else"))
write("registration-progressive-email.json", progressive({"email": "ike@example.com", "department": "Sales"}))
write("registration-progressive-email-denied.json", progressive({"email": "ike@elsewhere.net"}))
write("registration-progressive-email-null.json", progressive({"email": None}))
write("registration-progressive-email-number.json", progressive({"email": 7}))
write("registration-progressive-update-absent.json", progressive("absent"))
write("registration-progressive-update-null.json", progressive(None))
# (`data` in serde's array form is not here: the host refuses a `data` that
# is not an object before any plugin runs.)
# A duplicate member: the host's parser keeps the last one, so every
# language sees the same data.
raw = json.dumps(self_service(), indent=2).replace('"action": "ALLOW"', '"action": "ALLOW",\n    "userProfile": {"email": "x@example.com"}')
write("registration-duplicate-member.json", None, raw=raw)
# Refused by the Rust SDK's model (the call fails):
body = self_service()
body["data"]["context"] = None
write("registration-bad-context-null.json", body)
body = self_service()
body["data"]["userProfile"] = ["isaac@example.com"]
write("registration-bad-profile-array.json", body)
body = self_service()
body["data"]["action"] = 1
write("registration-bad-action-number.json", body)
# Floats in error messages are written as serde_json writes them (`1e+16`).
body = self_service()
body["data"]["action"] = 1e16
write("registration-bad-action-big-float.json", body)
body = self_service()
body["data"]["action"] = 1.5e-7
write("registration-bad-action-small-float.json", body)

# Token requests with many numbers in the profile: every JSON number form
# serde_json reads (long integers, long fractions, exponents, limits) and
# random doubles, rendered by the "numbers" cases.
import random
import struct

rng = random.Random(5)
numbers = ["0", "-0", "1", "-1", "0.0", "-0.0", "1e0", "1E+2", "1e-2", "123456789012345678901234567890",
           "18446744073709551615", "18446744073709551616", "18446744073709551616.5", "-9223372036854775808",
           "-9223372036854775809", "9007199254740993", "0.1", "0.30000000000000004", "2.2250738585072014e-308",
           "4.9e-324", "1.7976931348623157e308", "1e-400", "-1e-400", "1e15", "1e16", "123456789012345.6",
           "1234567890123456.7", "0.00001", "0.000001", "0.000012345", "1.0000000000000002", "9.999999999999999e22",
           "1e23", "8.98846567431158e307", "0.1e1", "100e-2", "1.23456789012345678901234567890e5",
           "3.141592653589793238462643383279", "2.718281828459045235360287", "1e22", "1e21", "1e-5", "1e-6",
           "5e-324", "1.5", "-2.5e-3", "4503599627370496.5", "72057594037927928", "0.1e-6", "7e-10"]
while len(numbers) < 400:
    bits = rng.getrandbits(64)
    x = struct.unpack("<d", struct.pack("<Q", bits))[0]
    if x != x or x in (float("inf"), float("-inf")):
        continue
    form = rng.randrange(4)
    if form == 0:
        numbers.append(repr(x))
    elif form == 1:
        numbers.append("%.25e" % x)
    elif form == 2:
        numbers.append("%.17g" % x)
    else:
        numbers.append(str(rng.randrange(-10**25, 10**25)) + ("." + str(rng.randrange(10**12)) if rng.random() < 0.5 else ""))
token = json.load(open(os.path.join(SAMPLES, "token.json")))
token["data"]["context"]["user"]["profile"] = {"PLACEHOLDER": 0}
members = ", ".join(f'"n{i}": {n}' for i, n in enumerate(numbers))
write("token-numbers.json", None, raw=json.dumps(token, indent=2).replace('"PLACEHOLDER": 0', members) + "\n")
# The "numbers" cases render them with access.n0 = "{n0}|{n1}|...|{n99}", access.n1 = "{n100}|...", ...

# Integer-like member names (which JavaScript objects would put first),
# written plainly and with escapes, and "__proto__".
token = json.load(open(os.path.join(SAMPLES, "token.json")))
token["data"]["context"]["user"]["profile"] = {"PLACEHOLDER": 0}
members = ('"firstName": "Isaac", "x": {"b": 1, "10": [1, {"z": 0, "3": 3}], "a": 2}, "2": "two", '
           '"\\u0031": "one", "__proto__": {"polluted": true}, "y": {"k": "v", "\\u0030": 0}')
write("token-integer-keys.json", None, raw=json.dumps(token, indent=2).replace('"PLACEHOLDER": 0', members) + "\n")


# User import (import_link): variations of the import sample.
IMPORT = load("import.json")


def write_import(name, body=None, raw=None):
    write(f"import-{name}.json", body, raw=raw)


def variant(edit):
    body = copy.deepcopy(IMPORT)
    edit(body["data"])
    return body


def app_email(value):
    def edit(data):
        if value is ...:
            del data["appUser"]["profile"]["email"]
        else:
            data["appUser"]["profile"]["email"] = value
    return variant(edit)


def both(app, user):
    def edit(data):
        data["appUser"]["profile"]["email"] = app
        data["user"]["profile"]["email"] = user
    return variant(edit)


def setter(*path, value=...):
    def edit(data):
        node = data
        for step in path[:-1]:
            node = node[step]
        if value is ...:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return edit


# The app user's email: matching, different, missing, empty, not a string.
write_import("app-email-spaces-case", app_email(" \t ISAAC.brock@EXAMPLE.com\u3000\u0085"))
write_import("app-email-differs", app_email("someone.else@example.com"))
write_import("app-email-absent", app_email(...))
write_import("app-email-null", app_email(None))
write_import("app-email-empty", app_email(""))
write_import("app-email-blank", app_email(" \u2003\t"))
write_import("app-email-number", app_email(42))
write_import("app-email-unit-separator", app_email("isaac.brock@example.com\u001f"))
write_import("app-email-bom", app_email("\ufeffisaac.brock@example.com"))
# Unicode case mapping (Rust's to_lowercase): non-ASCII letters, the final
# sigma, and U+0130 (which lower-cases to two characters).
write_import("unicode-match", both("\u00c9LODIE@EXAMPLE.COM", "\u00e9lodie@example.com"))
write_import("final-sigma-match", both("\u039f\u0394\u039f\u03a3@EXAMPLE.COM", "\u03bf\u03b4\u03bf\u03c2@example.com"))
write_import("final-sigma-differs", both("\u039f\u0394\u039f\u03a3@EXAMPLE.COM", "\u03bf\u03b4\u03bf\u03c3@example.com"))
write_import("dotted-i", both("\u0130SAAC@EXAMPLE.COM", "i\u0307saac@example.com"))
write_import("kelvin-sign", both("\u212aate@example.com", "kate@example.com"))
# The Okta user: without id, id null, without the attribute, a number there,
# no `user` at all.
write_import("user-id-absent", variant(setter("user", "id")))
write_import("user-id-null", variant(setter("user", "id", value=None)))
write_import("user-email-absent", variant(setter("user", "profile", "email")))
write_import("user-email-number", variant(setter("user", "profile", "email", value=7)))
write_import("user-absent", variant(setter("user")))
write_import("user-profile-null", variant(setter("user", "profile", value=None)))
write_import("app-profile-null", variant(setter("appUser", "profile", value=None)))
write_import("context-nulls", variant(lambda d: d["context"].update(conflicts=None, matches=None, policy=None, application=None, job=None)))
write_import("action-as-array", variant(setter("action", value=["LINK_USER"])))
write_import("extra-members", variant(lambda d: (d.update(extra={"a": [1, 2.5, None]}), d["context"].update(more="x"))))
# Data the Rust SDK's model refuses: the failure message (with its position)
# must be the same.
write_import("bad-user-id-number", variant(setter("user", "id", value=5)))
write_import("bad-user-id-negative", variant(setter("user", "id", value=-12)))
write_import("bad-user-id-float", variant(setter("user", "id", value=1.5)))
write_import("bad-user-id-big-float", variant(setter("user", "id", value=1e16)))
write_import("bad-user-id-true", variant(setter("user", "id", value=True)))
write_import("bad-app-user-null", variant(setter("appUser", value=None)))
write_import("bad-app-user-string", variant(setter("appUser", value="ibrock")))
write_import("bad-user-profile-array", variant(setter("user", "profile", value=["a"])))
write_import("bad-context-null", variant(setter("context", value=None)))
write_import("bad-policy-string", variant(setter("context", "policy", value="E\u0301MAIL\t\"\\\u200b\u00e9")))
write_import("bad-conflicts-number", variant(setter("context", "conflicts", value=[1])))
write_import("bad-action-string", variant(setter("action", value="LINK_USER")))
write_import("bad-action-long-array", variant(setter("action", value=["LINK_USER", "x"])))
write_import("bad-application-name", variant(setter("context", "application", "name", value={"x": 1})))
# `-0` is a float for serde_json; written by hand (json.dumps writes 0).
raw = json.dumps(variant(setter("user", "id", value="__ID__")), indent=2, ensure_ascii=False)
write_import("bad-user-id-minus-zero", raw=raw.replace('"__ID__"', "-0") + "\n")
# A duplicate member in Okta's JSON: the last one wins (in the first one's
# place), as for the Rust plugin.
raw = json.dumps(IMPORT, indent=2, ensure_ascii=False)
raw = raw.replace('"profile": {\n        "userName"', '"profile": {\n        "email": "nobody@example.com",\n        "userName"', 1)
write_import("duplicate-member", raw=raw + "\n")

# Two registration requests the shared registration cases lack: failure
# messages that quote a string (Rust's `{:?}`) and a float.
with open(os.path.join(REPO, "host", "src", "samples", "registration.json")) as f:
    REGISTRATION = json.load(f)
body = copy.deepcopy(REGISTRATION)
body["data"]["userProfile"] = "isaac\u00e9\u0301\t\"x\"\\@example.com\u00ad"
with open(os.path.join(HERE, "requests", "registration-bad-profile-string.json"), "w") as f:
    f.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
body = copy.deepcopy(REGISTRATION)
body["data"]["context"]["request"]["url"] = 0.000012345678901234567
with open(os.path.join(HERE, "requests", "registration-bad-url-float.json"), "w") as f:
    f.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
