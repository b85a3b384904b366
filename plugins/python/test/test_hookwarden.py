#!/usr/bin/env python3
"""Unit tests of the helper (plugins/python/hookwarden.py) with the
machine's python3; the expected texts come from the Rust SDK (serde_json
1.0.154, rustc 1.95). Needs plugins/python/install.sh (for the generated
bindings):

    python3 plugins/python/test/test_hookwarden.py
"""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
REPO = os.path.abspath(os.path.join(PYTHON_DIR, "..", ".."))
TOOLS = os.path.join(os.environ.get("HOOKWARDEN_GUEST_TOOLS", os.path.join(REPO, "target", "guest-tools")), "python")
bindings = tempfile.mkdtemp(prefix="hookwarden-py-bindings-")
subprocess.run([os.path.join(TOOLS, "venv", "bin", "componentize-py"), "-d", os.path.join(REPO, "wit"),
                "-w", "hook-handler", "bindings", bindings], check=True)
sys.path[:0] = [bindings, PYTHON_DIR]

import hookwarden as h  # noqa: E402
from wit_world.imports import types as T  # noqa: E402


class Json(unittest.TestCase):
    def test_numbers_read_and_written_like_serde_json(self):
        # Okta's text -> the host (serde_json) -> data text -> the guest.
        cases = {
            "1e16": "1e+16", "1e-7": "1e-7", "1.5e300": "1.5e+300", "0.1": "0.1", "100.0": "100.0",
            "1e15": "1000000000000000.0", "123456789012345678901": "1.2345678901234568e+20",
            "-0": "-0.0", "-0.0": "-0.0", "0.00001": "0.00001",
            "1.2345678901234567e-5": "0.000012345678901234568",  # serde_json's rounding, not Python's
            "18446744073709551615": "18446744073709551615", "-9223372036854775808": "-9223372036854775808",
            "-9223372036854775809": "-9.223372036854776e+18",
        }
        for text, rust in cases.items():
            host = h.to_json(h.parse_json(text))
            self.assertEqual(h.to_json(h.parse_json(host)), rust, text)

    def test_objects_keep_order_and_the_last_duplicate(self):
        value = h.parse_json('{"b":1,"a":[true,null,"x"],"b":2}')
        self.assertEqual(list(value.items()), [("b", 2), ("a", [True, None, "x"])])
        self.assertEqual(h.to_json({"é": "\u0000\u001f\t\"\\/\u2028"}), '{"é":"\\u0000\\u001f\\t\\"\\\\/\u2028"}')

    def test_errors_like_serde_json(self):
        for text, message in [("[1,]", "trailing comma at line 1 column 4"),
                              ('{"a" 1}', "expected `:` at line 1 column 6"),
                              ("[1e400]", "number out of range at line 1 column 6"),
                              ("\n  nul", "EOF while parsing a value at line 2 column 5")]:
            with self.assertRaises(h.JsonError) as e:
                h.parse_json(text)
            self.assertEqual(str(e.exception), message)


def request(event_type, data, request_type=None):
    return T.Request(event_type=event_type, event_type_version="1.0", cloud_event_version="0.1",
                     content_type="application/json", event_id="e1", event_time="", source="",
                     request_type=request_type, data=data)


class Data(unittest.TestCase):
    def test_models_refuse_what_the_rust_sdk_refuses(self):
        for data, message in [
            ('{"context":null}', "data: invalid type: null, expected struct ImportContext at line 1 column 15"),
            ('{"user":{"id":1.5}}', "data: invalid type: floating point `1.5`, expected a string at line 1 column 17"),
            ('{"context":{"policy":"a\\tb\u0301"}}',
             'data: invalid type: string "a\\tb\\u{301}", expected a sequence at line 1 column 29'),
            ('{"appUser":{"profile":[]}}', "data: invalid type: sequence, expected a map at line 1 column 22"),
            ('{"action":["A","B"]}', "data: trailing characters at line 1 column 16"),
        ]:
            with self.assertRaises(h.HandlerError) as e:
                h.import_data(request(h.HookType.IMPORT, data))
            self.assertEqual(str(e.exception), message, data)

    def test_defaults_and_nulls(self):
        d = h.import_data(request(h.HookType.IMPORT, '{"context":{"conflicts":null},"action":["LINK_USER"],"user":{"profile":null}}'))
        self.assertEqual((d.context.conflicts, d.action.result, d.user.profile, d.user.id, d.app_user.profile),
                         ([], "LINK_USER", {}, None, {}))
        with self.assertRaises(h.HandlerError) as e:
            h.registration_data(request(h.HookType.IMPORT, "{}"))
        self.assertEqual(str(e.exception), "expected a `com.okta.user.pre-registration` request, "
                                           "got eventType `com.okta.import.transform`")
        with self.assertRaises(h.HandlerError) as e:
            h.registration_kind(request(h.HookType.REGISTRATION, "{}", "x"))
        self.assertEqual(str(e.exception), "unknown registration requestType `x`")


class Text(unittest.TestCase):
    def test_rust_text_functions(self):
        self.assertEqual(h.trim("\u0085\u3000 a b\t\u001f"), "a b\t\u001f")
        self.assertEqual(h.trim("\ufeffa"), "\ufeffa")
        self.assertEqual(h.ascii_lowercase("ÉXAMPLE.Com"), "Éxample.com")
        self.assertEqual(h.lowercase("ΟΔΟΣ \u0130"), "οδος i\u0307")
        self.assertEqual(h.debug_string('a\u0301\t"\\\x7f\u200b\u00e9\ufeff\0'),
                         '"a\\u{301}\\t\\"\\\\\\u{7f}\\u{200b}é\\u{feff}\\0"')
        self.assertEqual(h.claim_path("a~b/c"), "/claims/a~0b~1c")


class Answer(unittest.TestCase):
    def test_builders(self):
        r = (h.ResponseBuilder().link_user("00u1")
             .deny_registration_with(h.end_user_error("m", "R", "data.userProfile.email")).build())
        self.assertEqual([type(c).__name__ for c in r.commands],
                         ["Command_ActionUpdate", "Command_UserUpdate", "Command_ActionUpdate"])
        self.assertEqual(r.error.error_causes[0], T.ErrorCause("m", "R", "body", "data.userProfile.email", "end-user"))
        p = h.Patch().add_claim("x/y", 1.0).set_lifetime(300).remove_claim("z")
        self.assertEqual([(o.op, o.path, o.value) for o in p.operations],
                         [(T.PatchOp.ADD, "/claims/x~1y", "1.0"), (T.PatchOp.REPLACE, "/token/lifetime/expiration", "300"),
                          (T.PatchOp.REMOVE, "/claims/z", None)])
        with self.assertRaises(h.HandlerError) as e:
            h.ResponseBuilder().set_debug_context([1])
        self.assertEqual(str(e.exception), "debugContext must be a JSON object, not [1]")

    def test_an_error_may_have_no_summary(self):
        cause = h.error_cause("why", location_type="cookie")
        r = h.ResponseBuilder().set_error(h.hook_error_without_summary([cause])).build()
        self.assertIsNone(r.error.error_summary)
        self.assertEqual(r.error.error_causes, [T.ErrorCause("why", None, "cookie", None, None)])
        self.assertEqual(h.hook_error("s").error_summary, "s")

    def test_a_cause_may_have_no_summary(self):
        cause = h.error_cause_without_summary(reason="INVALID_EMAIL_DOMAIN", location="data.userProfile.email")
        self.assertEqual(cause, T.ErrorCause(None, "INVALID_EMAIL_DOMAIN", None, "data.userProfile.email", None))
        self.assertEqual(h.error_cause(None, domain="end-user"), h.error_cause_without_summary(domain="end-user"))
        r = h.ResponseBuilder().deny_registration_with(h.hook_error_without_summary([cause])).build()
        self.assertEqual(r.error.error_causes, [cause])


if __name__ == "__main__":
    unittest.main()
