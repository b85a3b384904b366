"""hookwarden: a thin, typed helper for writing Hookwarden handlers in Python.

A handler is a Python module built into a WebAssembly component with
componentize-py against the `hook-handler` world of wit/hook-handler.wit.
This module wraps the world's host imports and adds what the Rust guest SDK
(guest-sdk/) gives Rust handlers, with the same behaviour:

* ``export(handle)``: turns a function ``handle(request) -> Response`` into
  the ``WitWorld`` class componentize-py exports; ``HandlerError`` (or
  ``fail``) fails the call with a message;
* ``log`` lines at levels and the hook's ``settings``;
* the request: hook types, typed import and registration data checked like
  the Rust SDK's serde models (same failure messages, positions included),
  untyped ``data``;
* JSON read and written exactly like serde_json (member order kept, numbers
  read with serde_json's algorithm and written the way it writes them),
  Rust's ``str::trim`` and ``{:?}`` quoting;
* builders for patches, errors and the answer.

How componentize-py maps the WIT types (see plugins/python/README.md): the
world's own items live in the generated package ``wit_world``; interfaces
under ``wit_world.imports`` (``types``, ``log``, ``settings``). Records are
dataclasses with snake_case fields (``%type`` becomes ``type``), enums are
``enum.Enum`` classes with UPPER_CASE members, variants are one dataclass
per case (``Command_UserUpdate(value=...)``) and a ``Union`` of them,
``option<T>`` is ``Optional[T]`` (``None`` or the value), ``list<T>`` a
``list``, ``tuple<A, B>`` a ``tuple``, and the export's
``result<response, string>`` is the returned response, or
``componentize_py_types.Err(message)`` raised. Any other exception that
escapes ``handle`` traps the component (like a Rust panic).

Everything here is plain Python 3 and runs in the CPython 3.14 that
componentize-py 0.25.1 embeds; the only other modules are the generated
bindings and ``rust_debug_escapes`` (a generated table next to this file).
"""

from __future__ import annotations

import enum
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, NoReturn, Optional, Tuple, Union

import wit_world
from componentize_py_types import Err
from wit_world.imports import log as _wit_log
from wit_world.imports import settings as _wit_settings
from wit_world.imports.types import (
    ActionUpdate_Credential,
    ActionUpdate_ImportResult,
    ActionUpdate_Registration,
    Command,
    Command_AccessPatch,
    Command_ActionUpdate,
    Command_AppUserProfileUpdate,
    Command_AssertionPatch,
    Command_IdentityPatch,
    Command_ProgressiveProfileUpdate,
    Command_Raw,
    Command_UserProfileUpdate,
    Command_UserUpdate,
    CredentialVerdict,
    ErrorCause,
    HookError,
    ImportResult,
    PatchOp,
    PatchOperation,
    RawCommand,
    RegistrationAction,
    Request,
    Response,
)
from rust_debug_escapes import RUST_DEBUG_ESCAPED

Level = _wit_log.Level

__all__ = [
    "AppUser", "Application", "HandlerError", "HookError", "HookType", "ErrorCause",
    "ImportAction", "ImportContext", "ImportData", "ImportJob", "ImportUser", "JsonError",
    "Level", "Patch", "RegistrationContext", "RegistrationData", "RegistrationKind",
    "Request", "RequestContext", "Response", "ResponseBuilder", "Url", "User",
    "LIFETIME_PATH", "ascii_lowercase", "claim_path", "data_value", "debug_string",
    "end_user_error", "error_cause", "escape_token", "expect_hook_type", "export", "fail",
    "format_f64", "get_str",
    "hook_error", "import_data", "log", "lowercase", "parse_json", "registration_data",
    "registration_kind", "settings", "to_json", "trim",
]

# ---------------------------------------------------------------------------
# Errors and the export
# ---------------------------------------------------------------------------


class HandlerError(Exception):
    """Fails the call: the component returns ``err(message)``, the host logs
    the message and sends the hook type's safe failure answer (the Rust
    SDK's ``Error``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def context(self, context: str) -> "HandlerError":
        """A new error whose message is ``<context>: <this message>``."""
        return HandlerError(f"{context}: {self.message}")

    def __str__(self) -> str:
        return self.message


def fail(message: str) -> NoReturn:
    """Fails the call with ``message`` (raises :class:`HandlerError`)."""
    raise HandlerError(message)


def export(handle: Callable[[Request], Union[Response, "ResponseBuilder"]]) -> type:
    """The ``WitWorld`` class componentize-py exports, calling ``handle``.

    In the handler module (the one named on componentize-py's command line)::

        WitWorld = hookwarden.export(handle)

    ``handle(request)`` returns a :class:`ResponseBuilder` or a WIT
    ``Response``. A :class:`HandlerError` it raises becomes ``err(message)``;
    any other exception traps the component, like a Rust panic (the host
    then sends the safe failure answer too, with outcome ``trap``).
    """

    class WitWorld(wit_world.WitWorld):
        def handle(self, request: Request) -> Response:
            try:
                answer = handle(request)
            except HandlerError as e:
                raise Err(e.message) from None
            if isinstance(answer, ResponseBuilder):
                return answer.build()
            return answer

    WitWorld.__doc__ = handle.__doc__
    return WitWorld


# ---------------------------------------------------------------------------
# Logging and settings
# ---------------------------------------------------------------------------


class _Log:
    """Log lines for the host's log of this call. The host bounds each
    message (4 KiB by default) and the lines of a call (64); lines past the
    bound are dropped and counted, never an error. Never log secrets or
    personal data you do not need."""

    @staticmethod
    def log(level: Level, message: str) -> None:
        """Writes one line at ``level`` (a :data:`Level` member)."""
        _wit_log.log(level, message)

    @staticmethod
    def trace(message: str) -> None:
        """Very detailed diagnostics."""
        _wit_log.log(Level.TRACE, message)

    @staticmethod
    def debug(message: str) -> None:
        """Diagnostics."""
        _wit_log.log(Level.DEBUG, message)

    @staticmethod
    def info(message: str) -> None:
        """Normal events."""
        _wit_log.log(Level.INFO, message)

    @staticmethod
    def warn(message: str) -> None:
        """Something unexpected that the handler coped with."""
        _wit_log.log(Level.WARN, message)

    @staticmethod
    def error(message: str) -> None:
        """Something failed."""
        _wit_log.log(Level.ERROR, message)


class _Settings:
    """The hook's read-only settings: string keys, string values."""

    @staticmethod
    def get(key: str) -> Optional[str]:
        """The value of setting ``key``, or ``None`` if the hook has none."""
        return _wit_settings.get(key)

    @staticmethod
    def get_or(key: str, default: str) -> str:
        """The value of setting ``key``, or ``default`` if it is not set."""
        value = _wit_settings.get(key)
        return default if value is None else value

    @staticmethod
    def list() -> List[Tuple[str, str]]:
        """Every setting as ``(key, value)`` pairs, sorted by key (by UTF-8
        bytes, as the host sorts them)."""
        return _wit_settings.entries()

    @staticmethod
    def with_prefix(prefix: str) -> List[Tuple[str, str]]:
        """The settings whose key starts with ``prefix``, as ``(rest of key,
        value)`` pairs sorted by key; a key equal to ``prefix`` is left out."""
        return [
            (key[len(prefix):], value)
            for key, value in _wit_settings.entries()
            if key.startswith(prefix) and len(key) > len(prefix)
        ]


log = _Log()
settings = _Settings()

# ---------------------------------------------------------------------------
# Rust-compatible text helpers
# ---------------------------------------------------------------------------

# Unicode White_Space: what Rust's `str::trim` strips. (Python's `str.strip()`
# differs: it also strips U+001C..U+001F.)
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def trim(text: str) -> str:
    """``text`` without leading and trailing Unicode white space, like Rust's
    ``str::trim``."""
    return text.strip(_WHITE_SPACE)


def ascii_lowercase(text: str) -> str:
    """``text`` with ASCII letters lower-cased and everything else kept, like
    Rust's ``to_ascii_lowercase``."""
    return text.translate(_ASCII_LOWER)


def lowercase(text: str) -> str:
    """``text`` lower-cased by Unicode's full case mapping (with the final
    sigma rule), like Rust's ``str::to_lowercase``. (Python's ``str.lower``
    does exactly that; the name documents the intent.)"""
    return text.lower()


_DEBUG_SHORT = {"\0": "\\0", "\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_ESCAPED_LOWS = RUST_DEBUG_ESCAPED[0::2]
_ESCAPED_HIGHS = RUST_DEBUG_ESCAPED[1::2]


def _rust_escapes(cp: int) -> bool:
    index = bisect_right(_ESCAPED_LOWS, cp) - 1
    return index >= 0 and cp <= _ESCAPED_HIGHS[index]


def debug_string(text: str) -> str:
    """``text`` quoted exactly like Rust's ``format!("{:?}", text)``:
    ``\\0 \\t \\n \\r \\" \\\\`` escaped, control, non-printable and
    grapheme-extending characters as ``\\u{hex}``, everything else as it is."""
    out = ['"']
    for ch in text:
        short = _DEBUG_SHORT.get(ch)
        if short is not None:
            out.append(short)
            continue
        cp = ord(ch)
        if cp < 0x20 or cp == 0x7F or (cp >= 0x80 and _rust_escapes(cp)):
            out.append(f"\\u{{{cp:x}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# ---------------------------------------------------------------------------
# JSON exactly like serde_json
# ---------------------------------------------------------------------------
#
# JSON values are plain Python values: dict (member order kept; of duplicate
# members the last wins in the first one's place, as serde_json's
# `preserve_order` maps do), list, str, bool, None, int (serde_json's u64 and
# i64) and float (serde_json's f64: integers outside u64/i64, numbers with a
# fraction or exponent, and -0).

_U64_MAX = (1 << 64) - 1
_I64_MIN_MAGNITUDE = 1 << 63
# serde_json's POW10 table: 1e0 ..= 1e308, each the correctly rounded double.
_POW10 = tuple(float(f"1e{i}") for i in range(309))


class JsonError(Exception):
    """A JSON syntax or data-model error, with serde_json's message and
    position (``... at line L column C``, C counted in UTF-8 bytes)."""


def _shortest_digits(x: float) -> Tuple[str, int]:
    """The shortest round-trip digits of finite, non-zero |x| and the
    decimal exponent of the first digit (x = d.ddd * 10**exponent)."""
    text = repr(abs(x))
    mantissa, _, exp = text.partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = int_part + frac_part
    point = len(int_part) + int(exp or "0")
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return stripped.rstrip("0"), point - 1


def format_f64(x: float) -> str:
    """An f64 as serde_json writes it: shortest round-trip digits, plain for
    decimal exponents -5 to 15 with ``.0`` on whole numbers (``1.0``,
    ``0.00001``), otherwise scientific (``1e+16``, ``1e-6``, ``1.5e+300``);
    NaN and infinities as ``null``."""
    if x != x or x in (float("inf"), float("-inf")):
        return "null"
    sign = "-" if x < 0 or (x == 0 and str(x).startswith("-")) else ""
    if x == 0:
        return f"{sign}0.0"
    digits, exponent = _shortest_digits(x)
    if -5 <= exponent <= 15:
        if exponent < 0:
            return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
        if len(digits) <= exponent + 1:
            return f"{sign}{digits}{'0' * (exponent + 1 - len(digits))}.0"
        return f"{sign}{digits[:exponent + 1]}.{digits[exponent + 1:]}"
    mantissa = f"{digits[0]}.{digits[1:]}" if len(digits) > 1 else digits
    return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent)}"


def _json_string(text: str) -> str:
    # json.dumps escapes exactly what serde_json escapes: `"`, `\` and
    # control characters (short forms \b \t \n \f \r, else \u00xx).
    return json.dumps(text, ensure_ascii=False)


def to_json(value: Any) -> str:
    """The compact JSON text of ``value``, exactly as serde_json writes it:
    dicts in their order (keys must be strings), lists and tuples as arrays,
    ints as integers, floats as :func:`format_f64` writes them, strings with
    only ``"``, ``\\`` and control characters escaped."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return format_f64(value)
    if isinstance(value, dict):
        parts = []
        for key, member in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")
            parts.append(f"{_json_string(key)}:{to_json(member)}")
        return "{" + ",".join(parts) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    raise TypeError(f"{type(value).__name__} is not JSON")


def _f64_from_parts(positive: bool, significand: int, exponent: int) -> Optional[float]:
    """serde_json's f64 (without its float_roundtrip feature): the
    significand as f64 times or divided by a power of ten, which may be one
    unit in the last place off the nearest double, as in Rust. ``None`` if
    out of range."""
    f = float(significand)
    while True:
        magnitude = abs(exponent)
        if magnitude < len(_POW10):
            if exponent >= 0:
                f *= _POW10[magnitude]
                if f == float("inf"):
                    return None
            else:
                f /= _POW10[magnitude]
            break
        if f == 0:
            break
        if exponent >= 0:
            return None
        f /= 1e308
        exponent += 308
    return f if positive else -f


def _number_from_text(text: str) -> Union[int, float]:
    """A valid JSON number's text as serde_json reads it (u64 / i64 as
    int, else float); raises ``ValueError`` if serde_json would refuse it
    (out of range)."""
    positive = not text.startswith("-")
    body = text if positive else text[1:]
    mantissa, e, exp_text = body.replace("E", "e").partition("e")
    int_part, dot, frac_part = mantissa.partition(".")
    significand = 0
    exponent = 0
    overflowed = False
    for ch in int_part:
        if not overflowed and significand * 10 + (ord(ch) - 48) > _U64_MAX:
            overflowed = True
        if overflowed:
            exponent += 1
        else:
            significand = significand * 10 + (ord(ch) - 48)
    is_float = exponent != 0 or bool(dot) or bool(e)
    overflowed = False
    for ch in frac_part:
        if not overflowed and significand * 10 + (ord(ch) - 48) > _U64_MAX:
            overflowed = True
        if not overflowed:
            significand = significand * 10 + (ord(ch) - 48)
            exponent -= 1
    if e:
        exp = int(exp_text)
        if abs(exp) > 2147483647:
            # The exponent overflows i32: zero, or out of range.
            if significand != 0 and exp > 0:
                raise ValueError("number out of range")
            return 0.0 if positive else -0.0
        exponent += exp
    if not is_float:
        if positive:
            return significand
        if significand != 0 and significand <= _I64_MIN_MAGNITUDE:
            return -significand
        return -float(significand)
    f = _f64_from_parts(positive, significand, exponent)
    if f is None:
        raise ValueError("number out of range")
    return f


def _fast_decoder_number(text: str) -> Union[int, float]:
    try:
        return _number_from_text(text)
    except ValueError:
        raise _SlowPath() from None


class _SlowPath(Exception):
    """Raised inside the C JSON decoder: let the slow parser report."""


# The standard library's decoder, with numbers read as serde_json reads them;
# used for values of any shape (fast), with the slow parser below reporting
# errors at serde_json's positions.
_DECODER = json.JSONDecoder(parse_int=_fast_decoder_number, parse_float=_fast_decoder_number)

# Data-model descriptions for the schema-directed parser: the same shapes and
# rules as the Rust SDK's serde models.


class _Schema:
    kind = "any"


class _Simple(_Schema):
    def __init__(self, kind: str) -> None:
        self.kind = kind


class _Of(_Schema):
    def __init__(self, kind: str, of: _Schema) -> None:
        self.kind = kind
        self.of = of


class _Struct(_Schema):
    kind = "struct"

    def __init__(self, cls: type, fields: List[Tuple[str, _Schema, str]]) -> None:
        self.name = cls.__name__
        self.cls = cls
        self.fields = fields
        self.by_name = {f[0]: f for f in fields}


_ANY = _Simple("any")
_STR = _Simple("str")
_U64 = _Simple("u64")
_BOOL = _Simple("bool")


def _option(of: _Schema) -> _Schema:
    return _Of("option", of)


def _null_as_default(of: _Schema) -> _Schema:
    return _Of("nulldef", of)


def _map_of(of: _Schema) -> _Schema:
    return _Of("map", of)


def _seq_of(of: _Schema) -> _Schema:
    return _Of("seq", of)


def _default_of(schema: _Schema) -> Any:
    kind = schema.kind
    if kind == "option":
        return None
    if kind == "nulldef":
        return _default_of(schema.of)  # type: ignore[attr-defined]
    if kind == "map":
        return {}
    if kind == "seq":
        return []
    if kind == "struct":
        return schema.cls()  # type: ignore[attr-defined]
    raise AssertionError(f"no default for {kind}")


def _expecting(schema: _Schema) -> str:
    kind = schema.kind
    if kind in ("option", "nulldef"):
        return _expecting(schema.of)  # type: ignore[attr-defined]
    return {
        "str": "a string",
        "u64": "u64",
        "bool": "a boolean",
        "map": "a map",
        "seq": "a sequence",
        "struct": f"struct {getattr(schema, 'name', '')}",
    }.get(kind, "any valid JSON value")


_WS = re.compile(r"[ \t\n\r]*")
_PLAIN_STRING = re.compile(r'"([^"\\\x00-\x1f]*)"')
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class _Parser:
    """serde_json's parser and its data-model errors, for the schemas above."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    # serde_json positions: line and column (in bytes) of the character
    # before index `at`; `error` reports after what was consumed,
    # `peek_error` at the character looked at.
    def error_at(self, at: int, message: str) -> JsonError:
        before = self.s[: min(at, len(self.s))]
        line_start = before.rfind("\n") + 1
        line = before.count("\n") + 1
        column = len(before[line_start:].encode("utf-8", "surrogatepass"))
        return JsonError(f"{message} at line {line} column {column}")

    def error(self, message: str) -> JsonError:
        return self.error_at(self.i, message)

    def peek_error(self, message: str) -> JsonError:
        return self.error_at(self.i + 1, message)

    def skip_ws(self) -> Optional[str]:
        self.i = _WS.match(self.s, self.i).end()  # type: ignore[union-attr]
        return self.s[self.i] if self.i < len(self.s) else None

    def ident(self, word: str) -> None:
        if self.s.startswith(word, self.i):
            self.i += len(word)
            return
        # Consume what matches, as serde_json does, then report.
        while self.i < len(self.s) and word and self.s[self.i] == word[0]:
            self.i += 1
            word = word[1:]
        if self.i >= len(self.s):
            raise self.error("EOF while parsing a value")
        raise self.peek_error("expected ident")

    def string(self) -> str:
        m = _PLAIN_STRING.match(self.s, self.i)
        if m:
            self.i = m.end()
            return m.group(1)
        s = self.s
        self.i += 1
        out: List[str] = []
        start = self.i
        while True:
            if self.i >= len(s):
                raise self.error("EOF while parsing a string")
            c = s[self.i]
            if c == '"':
                out.append(s[start:self.i])
                self.i += 1
                return "".join(out)
            if c < " ":
                self.i += 1
                raise self.error("control character (\\u0000-\\u001F) found while parsing a string")
            if c != "\\":
                self.i += 1
                continue
            out.append(s[start:self.i])
            self.i += 1
            e = s[self.i] if self.i < len(s) else ""
            self.i += 1
            if e in _ESCAPES:
                out.append(_ESCAPES[e])
            elif e == "u":
                unit = self.hex4()
                if 0xDC00 <= unit <= 0xDFFF:
                    raise self.error("lone leading surrogate in hex escape")
                if 0xD800 <= unit <= 0xDBFF:
                    if not s.startswith("\\u", self.i):
                        raise self.error("unexpected end of hex escape")
                    self.i += 2
                    low = self.hex4()
                    if not 0xDC00 <= low <= 0xDFFF:
                        raise self.error("lone leading surrogate in hex escape")
                    out.append(chr(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)))
                else:
                    out.append(chr(unit))
            else:
                raise self.error("invalid escape")
            start = self.i

    def hex4(self) -> int:
        if not _HEX4.match(self.s, self.i):
            raise self.error("invalid escape")
        self.i += 4
        return int(self.s[self.i - 4:self.i], 16)

    def number(self) -> Union[int, float]:
        """serde_json's number parsing: int for u64 / i64, else float."""
        s = self.s
        start = self.i
        if s.startswith("-", self.i):
            self.i += 1

        def digit(at: int) -> bool:
            return at < len(s) and "0" <= s[at] <= "9"

        if not digit(self.i):
            if self.i >= len(s):
                raise self.error("EOF while parsing a value")
            self.i += 1
            raise self.error("invalid number")
        if s[self.i] == "0":
            self.i += 1
            if digit(self.i):
                raise self.peek_error("invalid number")
        else:
            while digit(self.i):
                self.i += 1
        if s.startswith(".", self.i):
            self.i += 1
            if not digit(self.i):
                if self.i >= len(s):
                    raise self.error("EOF while parsing a value")
                raise self.peek_error("invalid number")
            while digit(self.i):
                self.i += 1
        if self.i < len(s) and s[self.i] in "eE":
            self.i += 1
            if self.i < len(s) and s[self.i] in "+-":
                self.i += 1
            if not digit(self.i):
                if self.i >= len(s):
                    raise self.error("EOF while parsing a value")
                self.i += 1
                raise self.error("invalid number")
            while digit(self.i):
                self.i += 1
        try:
            return _number_from_text(s[start:self.i])
        except ValueError:
            raise self.error("number out of range") from None

    def unexpected(self) -> str:
        """What serde_json calls the value here (serde's `Unexpected`; floats
        written as serde_json writes them), consuming it."""
        c = self.s[self.i]
        if c == "n":
            self.ident("null")
            return "null"
        if c == "t":
            self.ident("true")
            return "boolean `true`"
        if c == "f":
            self.ident("false")
            return "boolean `false`"
        if c == '"':
            return f"string {debug_string(self.string())}"
        if c == "[":
            return "sequence"
        if c == "{":
            return "map"
        if c == "-" or "0" <= c <= "9":
            n = self.number()
            if isinstance(n, float):
                return f"floating point `{format_f64(n)}`"
            return f"integer `{n}`"
        raise self.peek_error("expected value")

    def invalid_type(self, schema: _Schema) -> JsonError:
        what = self.unexpected()
        return self.error(f"invalid type: {what}, expected {_expecting(schema)}")

    def value(self, schema: _Schema) -> Any:
        """One value with ``schema`` (after leading white space)."""
        c = self.skip_ws()
        if c is None:
            raise self.error("EOF while parsing a value")
        kind = schema.kind
        if kind == "any":
            return self.any_value(c)
        if kind in ("option", "nulldef"):
            if c == "n":
                self.ident("null")
                return _default_of(schema)
            return self.value(schema.of)  # type: ignore[attr-defined]
        if kind == "str":
            if c == '"':
                return self.string()
            raise self.invalid_type(schema)
        if kind == "bool":
            if c == "t":
                self.ident("true")
                return True
            if c == "f":
                self.ident("false")
                return False
            raise self.invalid_type(schema)
        if kind == "u64":
            if c == "-" or "0" <= c <= "9":
                n = self.number()
                if isinstance(n, float):
                    raise self.error(
                        f"invalid type: floating point `{format_f64(n)}`, expected u64"
                    )
                if n < 0:
                    raise self.error(f"invalid value: integer `{n}`, expected u64")
                return n
            raise self.invalid_type(schema)
        if kind == "map":
            if c == "{":
                of = schema.of  # type: ignore[attr-defined]
                return self.any_value(c) if of is _ANY else self.object(of)
            raise self.invalid_type(schema)
        if kind == "seq":
            if c == "[":
                return self.array(schema.of)  # type: ignore[attr-defined]
            raise self.invalid_type(schema)
        if kind == "struct":
            if c == "{":
                return self.struct_from_object(schema)  # type: ignore[arg-type]
            if c == "[":
                return self.struct_from_array(schema)  # type: ignore[arg-type]
            raise self.invalid_type(schema)
        raise AssertionError(f"unknown schema {kind}")

    def any_value(self, c: str) -> Any:
        """A value of any shape: the standard library's decoder when it can,
        else the slow parser (which reports errors where serde_json does)."""
        start = self.i
        try:
            value, end = _DECODER.raw_decode(self.s, start)
        except (ValueError, _SlowPath):
            return self.any(c)
        self.i = end
        return value

    def any(self, c: str) -> Any:
        if c == "n":
            self.ident("null")
            return None
        if c == "t":
            self.ident("true")
            return True
        if c == "f":
            self.ident("false")
            return False
        if c == '"':
            return self.string()
        if c == "[":
            return self.array(_ANY)
        if c == "{":
            return self.object(_ANY)
        if c == "-" or "0" <= c <= "9":
            return self.number()
        raise self.peek_error("expected value")

    def members(self, member: Callable[[str, Callable[[], None]], None]) -> None:
        """Members one by one: ``member(key, colon)``; ``colon()`` moves to the value."""
        self.i += 1  # '{'
        c = self.skip_ws()
        if c == "}":
            self.i += 1
            return
        while True:
            if c is None:
                raise self.error("EOF while parsing an object")
            if c != '"':
                raise self.peek_error("key must be a string")
            key = self.string()

            def colon() -> None:
                c = self.skip_ws()
                if c != ":":
                    raise (self.error("EOF while parsing an object") if c is None
                           else self.peek_error("expected `:`"))
                self.i += 1

            member(key, colon)
            c = self.skip_ws()
            if c == ",":
                self.i += 1
                c = self.skip_ws()
                if c == "}":
                    raise self.peek_error("trailing comma")
                continue
            if c == "}":
                self.i += 1
                return
            raise (self.error("EOF while parsing an object") if c is None
                   else self.peek_error("expected `,` or `}`"))

    def object(self, value_schema: _Schema) -> Dict[str, Any]:
        out: Dict[str, Any] = {}

        def member(key: str, colon: Callable[[], None]) -> None:
            colon()
            out[key] = self.value(value_schema)

        self.members(member)
        return out

    def array(self, element_schema: _Schema) -> List[Any]:
        out: List[Any] = []
        self.i += 1  # '['
        c = self.skip_ws()
        if c == "]":
            self.i += 1
            return out
        while True:
            out.append(self.value(element_schema))
            c = self.skip_ws()
            if c == ",":
                self.i += 1
                c = self.skip_ws()
                if c == "]":
                    raise self.peek_error("trailing comma")
                continue
            if c == "]":
                self.i += 1
                return out
            raise (self.error("EOF while parsing a list") if c is None
                   else self.peek_error("expected `,` or `]`"))

    def struct_from_object(self, schema: _Struct) -> Any:
        out = schema.cls()
        seen = set()

        def member(key: str, colon: Callable[[], None]) -> None:
            f = schema.by_name.get(key)
            if f is not None and key in seen:
                raise self.error(f"duplicate field `{key}`")
            colon()
            if f is None:
                c = self.skip_ws()
                if c is None:
                    raise self.error("EOF while parsing a value")
                self.any_value(c)
                return
            seen.add(key)
            setattr(out, f[2], self.value(f[1]))

        self.members(member)
        return out

    def struct_from_array(self, schema: _Struct) -> Any:
        # serde's sequence form of a struct: members in declaration order;
        # missing ones keep their defaults (the models are `#[serde(default)]`).
        out = schema.cls()
        self.i += 1  # '['
        c = self.skip_ws()
        n = 0
        count = len(schema.fields)
        while True:
            if c == "]":
                self.i += 1
                return out
            if n > 0:
                if c == ",":
                    self.i += 1
                    c = self.skip_ws()
                    if n == count:
                        raise self.peek_error("trailing comma" if c == "]" else "trailing characters")
                    if c == "]":
                        raise self.peek_error("trailing comma")
                else:
                    raise (self.error("EOF while parsing a list") if c is None
                           else self.peek_error("expected `,` or `]`"))
            if n == count:
                raise self.peek_error("trailing characters")
            f = schema.fields[n]
            n += 1
            setattr(out, f[2], self.value(f[1]))
            c = self.skip_ws()

    def end(self) -> None:
        if self.skip_ws() is not None:
            raise self.peek_error("trailing characters")


def _parse_with(schema: _Schema, text: str) -> Any:
    parser = _Parser(text)
    value = parser.value(schema)
    parser.end()
    return value


def parse_json(text: str) -> Any:
    """Parses JSON text like serde_json into plain Python values (see above).

    Raises :class:`JsonError` with serde_json's message if ``text`` is not
    JSON."""
    return _parse_with(_ANY, text)


# ---------------------------------------------------------------------------
# The request
# ---------------------------------------------------------------------------


class HookType:
    """Okta's ``eventType`` of each hook type."""

    TOKEN = "com.okta.oauth2.tokens.transform"
    SAML = "com.okta.saml.tokens.transform"
    IMPORT = "com.okta.import.transform"
    REGISTRATION = "com.okta.user.pre-registration"
    PASSWORD_IMPORT = "com.okta.user.credential.password.import"
    TELEPHONY = "com.okta.telephony.provider"


class RegistrationKind(enum.Enum):
    """Which flow fired a registration hook (Okta's ``requestType``)."""

    #: ``self.service.registration``, or no ``requestType`` (Classic
    #: Engine): a new user; the form is in ``data.userProfile``.
    SELF_SERVICE = "self.service.registration"
    #: ``progressive.profile``: an existing user adds or changes attributes;
    #: the changes are in ``data.userProfileUpdate``.
    PROGRESSIVE_PROFILE = "progressive.profile"


def expect_hook_type(request: Request, event_type: str) -> None:
    """Fails the call unless ``request`` is of hook type ``event_type`` (a
    :class:`HookType` value), with the Rust SDK's message."""
    if request.event_type != event_type:
        fail(f"expected a `{event_type}` request, got eventType `{request.event_type}`")


def data_value(request: Request) -> Any:
    """Okta's ``data`` as untyped JSON (a dict), for hook types or members
    the typed models do not cover. Fails the call if it is not JSON (the
    host never sends such a request)."""
    try:
        return parse_json(request.data)
    except JsonError as e:
        fail(f"data: {e}")


def get_str(profile: Optional[Dict[str, Any]], name: str) -> Optional[str]:
    """Attribute ``name`` of a profile if it is a JSON string, else ``None``
    (the Rust SDK's ``Profile::get_str``)."""
    if profile is None:
        return None
    value = profile.get(name)
    return value if isinstance(value, str) else None


# The Rust SDK's models (guest-sdk/src/data/), as dataclasses. As there,
# every member may be missing, unknown members are ignored, `null` counts as
# missing for optional members (but not for the structs `context`,
# `appUser`, `user`), and open-ended attribute sets (profiles) are dicts.
# Member names are Okta's, in snake_case.


@dataclass
class Url:
    """A URL as Okta wraps it: ``{"value": "..."}``."""

    value: Optional[str] = None


@dataclass
class RequestContext:
    """``data.context.request``: the request that made Okta call the hook."""

    id: Optional[str] = None
    method: Optional[str] = None
    url: Optional[Url] = None
    ip_address: Optional[str] = None


@dataclass
class User:
    """``data.context.user``: the Okta user the flow is about."""

    id: Optional[str] = None
    password_changed: Optional[str] = None
    profile: Dict[str, Any] = field(default_factory=dict)
    links: Any = None  # Okta's `_links`, as JSON


@dataclass
class RegistrationContext:
    """``data.context`` of a registration hook."""

    request: Optional[RequestContext] = None
    user: Optional[User] = None  # progressive profiling only


@dataclass
class RegistrationData:
    """``data`` of a registration hook (both flows; see
    :func:`registration_kind`)."""

    context: RegistrationContext = field(default_factory=RegistrationContext)
    #: The registration form (self-service registration).
    user_profile: Optional[Dict[str, Any]] = None
    #: Only the attributes being changed (progressive profiling).
    user_profile_update: Optional[Dict[str, Any]] = None
    #: Okta's default decision, the string ``ALLOW``.
    action: Optional[str] = None


@dataclass
class Application:
    """``data.context.application`` of an import hook."""

    name: Optional[str] = None
    id: Optional[str] = None
    label: Optional[str] = None
    status: Optional[str] = None


@dataclass
class ImportJob:
    """``data.context.job`` of an import hook."""

    id: Optional[str] = None
    type: Optional[str] = None


@dataclass
class ImportContext:
    """``data.context`` of an import hook."""

    conflicts: List[str] = field(default_factory=list)
    application: Optional[Application] = None
    job: Optional[ImportJob] = None
    matches: List[Any] = field(default_factory=list)
    policy: List[str] = field(default_factory=list)


@dataclass
class ImportAction:
    """``data.action``: Okta's default decision."""

    result: Optional[str] = None  # CREATE_USER or LINK_USER


@dataclass
class AppUser:
    """``data.appUser``."""

    profile: Dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportUser:
    """``data.user``: the Okta user to create, or the matched one (then with
    an ``id``)."""

    id: Optional[str] = None
    profile: Dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportData:
    """``data`` of a user-import hook."""

    context: ImportContext = field(default_factory=ImportContext)
    action: Optional[ImportAction] = None
    app_user: AppUser = field(default_factory=AppUser)
    user: ImportUser = field(default_factory=ImportUser)


_PROFILE = _null_as_default(_map_of(_ANY))
_REQUEST_CONTEXT = _Struct(RequestContext, [
    ("id", _option(_STR), "id"),
    ("method", _option(_STR), "method"),
    ("url", _option(_Struct(Url, [("value", _option(_STR), "value")])), "url"),
    ("ipAddress", _option(_STR), "ip_address"),
])
_USER = _Struct(User, [
    ("id", _option(_STR), "id"),
    ("passwordChanged", _option(_STR), "password_changed"),
    ("profile", _PROFILE, "profile"),
    ("_links", _option(_ANY), "links"),
])
_REGISTRATION_DATA = _Struct(RegistrationData, [
    ("context", _Struct(RegistrationContext, [
        ("request", _option(_REQUEST_CONTEXT), "request"),
        ("user", _option(_USER), "user"),
    ]), "context"),
    ("userProfile", _option(_PROFILE), "user_profile"),
    ("userProfileUpdate", _option(_PROFILE), "user_profile_update"),
    ("action", _option(_STR), "action"),
])
_IMPORT_DATA = _Struct(ImportData, [
    ("context", _Struct(ImportContext, [
        ("conflicts", _null_as_default(_seq_of(_STR)), "conflicts"),
        ("application", _option(_Struct(Application, [
            ("name", _option(_STR), "name"),
            ("id", _option(_STR), "id"),
            ("label", _option(_STR), "label"),
            ("status", _option(_STR), "status"),
        ])), "application"),
        ("job", _option(_Struct(ImportJob, [
            ("id", _option(_STR), "id"),
            ("type", _option(_STR), "type"),
        ])), "job"),
        ("matches", _null_as_default(_seq_of(_ANY)), "matches"),
        ("policy", _null_as_default(_seq_of(_STR)), "policy"),
    ]), "context"),
    ("action", _option(_Struct(ImportAction, [("result", _option(_STR), "result")])), "action"),
    ("appUser", _Struct(AppUser, [("profile", _PROFILE, "profile")]), "app_user"),
    ("user", _Struct(ImportUser, [
        ("id", _option(_STR), "id"),
        ("profile", _PROFILE, "profile"),
    ]), "user"),
])


def _typed_data(request: Request, event_type: str, schema: _Schema) -> Any:
    expect_hook_type(request, event_type)
    try:
        return _parse_with(schema, request.data)
    except JsonError as e:
        fail(f"data: {e}")


def registration_data(request: Request) -> RegistrationData:
    """``data`` of a registration hook, checked like the Rust SDK's
    ``registration_data()``: fails the call if ``eventType`` is not
    ``com.okta.user.pre-registration`` or ``data`` does not have the
    registration hook's shape."""
    return _typed_data(request, HookType.REGISTRATION, _REGISTRATION_DATA)


def import_data(request: Request) -> ImportData:
    """``data`` of a user-import hook, checked like the Rust SDK's
    ``import_data()``."""
    return _typed_data(request, HookType.IMPORT, _IMPORT_DATA)


def registration_kind(request: Request) -> RegistrationKind:
    """Which registration flow fired a registration hook, from
    ``requestType`` (none means self-service, as Classic Engine sends it).
    Fails the call for other hook types and unknown request types, like the
    Rust SDK."""
    expect_hook_type(request, HookType.REGISTRATION)
    if request.request_type is None or request.request_type == "self.service.registration":
        return RegistrationKind.SELF_SERVICE
    if request.request_type == "progressive.profile":
        return RegistrationKind.PROGRESSIVE_PROFILE
    fail(f"unknown registration requestType `{request.request_type}`")


# ---------------------------------------------------------------------------
# Patches
# ---------------------------------------------------------------------------


def escape_token(token: str) -> str:
    """Escapes one RFC 6901 reference token: ``~`` becomes ``~0``, ``/``
    becomes ``~1``."""
    return token.replace("~", "~0").replace("/", "~1")


def claim_path(name: str) -> str:
    """The patch path of claim (or SAML attribute) ``name``:
    ``/claims/<name>``, escaped."""
    return f"/claims/{escape_token(name)}"


LIFETIME_PATH = "/token/lifetime/expiration"


class Patch:
    """The operations of one token or assertion patch, in order. Values are
    JSON values (see :func:`to_json`). Okta's rules are checked by the host:
    token patches may ``add``/``replace``/``remove`` under ``/claims/`` and
    ``replace`` the lifetime; assertion patches only ``add`` and
    ``replace``; reserved claims are refused."""

    def __init__(self) -> None:
        self.operations: List[PatchOperation] = []

    def __len__(self) -> int:
        return len(self.operations)

    def push(self, operation: PatchOperation) -> "Patch":
        """Appends a ready-made operation."""
        self.operations.append(operation)
        return self

    def add(self, path: str, value: Any) -> "Patch":
        """``add`` ``value`` at ``path`` (on an existing claim it overwrites)."""
        return self.push(PatchOperation(op=PatchOp.ADD, path=path, value=to_json(value)))

    def replace(self, path: str, value: Any) -> "Patch":
        """``replace`` what is at ``path``."""
        return self.push(PatchOperation(op=PatchOp.REPLACE, path=path, value=to_json(value)))

    def remove(self, path: str) -> "Patch":
        """``remove`` what is at ``path`` (token patches only)."""
        return self.push(PatchOperation(op=PatchOp.REMOVE, path=path, value=None))

    def add_claim(self, name: str, value: Any) -> "Patch":
        """Adds (or overwrites) claim ``name``."""
        return self.add(claim_path(name), value)

    def replace_claim(self, name: str, value: Any) -> "Patch":
        """Replaces the existing claim ``name``."""
        return self.replace(claim_path(name), value)

    def remove_claim(self, name: str) -> "Patch":
        """Removes the existing claim ``name``."""
        return self.remove(claim_path(name))

    def append_to_claim(self, name: str, value: Any) -> "Patch":
        """Appends ``value`` to array claim ``name`` (``/claims/<name>/-``)."""
        return self.add(f"{claim_path(name)}/-", value)

    def set_lifetime(self, seconds: int) -> "Patch":
        """The token's lifetime in seconds (``replace
        /token/lifetime/expiration``); Okta accepts 300 to 86400."""
        return self.push(PatchOperation(op=PatchOp.REPLACE, path=LIFETIME_PATH, value=str(int(seconds))))


# ---------------------------------------------------------------------------
# Errors for Okta, and the answer
# ---------------------------------------------------------------------------


def error_cause(error_summary: Optional[str], reason: Optional[str] = None,
                location_type: Optional[str] = None, location: Optional[str] = None,
                domain: Optional[str] = None) -> ErrorCause:
    """A cause of Okta's ``error`` object; members left ``None`` are omitted,
    ``error_summary`` included (every member of a cause is optional).
    Every member is a free-form string: Okta lists ``body``, ``header``,
    ``url`` and ``query`` for ``location_type`` but sets no restriction."""
    return ErrorCause(error_summary=error_summary, reason=reason,
                      location_type=location_type, location=location, domain=domain)


def error_cause_without_summary(reason: Optional[str] = None,
                                location_type: Optional[str] = None,
                                location: Optional[str] = None,
                                domain: Optional[str] = None) -> ErrorCause:
    """A cause without ``errorSummary`` (the Rust SDK's
    ``ErrorCause::without_summary`` with its other members)."""
    return error_cause(None, reason=reason, location_type=location_type,
                       location=location, domain=domain)


def hook_error(error_summary: Optional[str], causes: Optional[List[ErrorCause]] = None) -> HookError:
    """Okta's ``error`` object. ``error_summary`` may be ``None``: the answer
    then has no ``errorSummary`` and Okta shows its default text where the
    hook type shows the summary (token: error_description "The callback
    service returned an error"; registration still fails and the widget
    shows the causes)."""
    return HookError(error_summary=error_summary, error_causes=list(causes or []))


def hook_error_without_summary(causes: Optional[List[ErrorCause]] = None) -> HookError:
    """Okta's ``error`` object without ``errorSummary`` (the Rust SDK's
    ``HookError::without_summary`` with its causes)."""
    return hook_error(None, causes)


def end_user_error(message: str, reason: str, location: str) -> HookError:
    """The error a registration hook shows the end user next to a form field:
    summary ``message`` and one cause with the same message, ``reason``
    (e.g. ``INVALID_EMAIL_DOMAIN``), ``location_type`` ``body``, ``location``
    (e.g. ``data.userProfile.email``) and ``domain`` ``end-user`` (the Rust
    SDK's ``HookError::end_user``)."""
    return hook_error(message, [error_cause(message, reason=reason, location_type="body",
                                            location=location, domain="end-user")])


def _object_json(what: str, value: Any) -> str:
    if not isinstance(value, dict):
        fail(f"{what} must be a JSON object, not {to_json(value)}")
    return to_json(value)


class ResponseBuilder:
    """Builds the answer. Commands keep the order they are added in (Okta
    applies them in that order); every method returns the builder.
    :meth:`build` gives the WIT ``Response`` (``export`` calls it for you)."""

    def __init__(self) -> None:
        self.commands: List[Command] = []
        self.error: Optional[HookError] = None
        self.debug_context: Optional[str] = None

    def push(self, command: Command) -> "ResponseBuilder":
        """Appends any command (a ``Command_*`` of the bindings)."""
        self.commands.append(command)
        return self

    def identity_patch(self, patch: Patch) -> "ResponseBuilder":
        """``com.okta.identity.patch`` (token hooks); an empty patch adds nothing."""
        return self.push(Command_IdentityPatch(patch.operations)) if len(patch) else self

    def access_patch(self, patch: Patch) -> "ResponseBuilder":
        """``com.okta.access.patch`` (token hooks); an empty patch adds nothing."""
        return self.push(Command_AccessPatch(patch.operations)) if len(patch) else self

    def assertion_patch(self, patch: Patch) -> "ResponseBuilder":
        """``com.okta.assertion.patch`` (SAML hooks); an empty patch adds nothing."""
        return self.push(Command_AssertionPatch(patch.operations)) if len(patch) else self

    def allow_registration(self) -> "ResponseBuilder":
        """Registration hooks: ``{"registration": "ALLOW"}``."""
        return self.push(Command_ActionUpdate(ActionUpdate_Registration(RegistrationAction.ALLOW)))

    def deny_registration(self) -> "ResponseBuilder":
        """Registration hooks: ``{"registration": "DENY"}`` (Okta's generic message)."""
        return self.push(Command_ActionUpdate(ActionUpdate_Registration(RegistrationAction.DENY)))

    def deny_registration_with(self, error: HookError) -> "ResponseBuilder":
        """Registration hooks: deny and tell the end user why (see
        :func:`end_user_error`)."""
        return self.deny_registration().set_error(error)

    def create_user(self) -> "ResponseBuilder":
        """Import hooks: ``{"result": "CREATE_USER"}``."""
        return self.push(Command_ActionUpdate(ActionUpdate_ImportResult(ImportResult.CREATE_USER)))

    def link_user(self, user_id: str) -> "ResponseBuilder":
        """Import hooks: link to the existing Okta user ``user_id``
        (``{"result": "LINK_USER"}`` and ``com.okta.user.update``)."""
        self.push(Command_ActionUpdate(ActionUpdate_ImportResult(ImportResult.LINK_USER)))
        return self.push(Command_UserUpdate(user_id))

    def verify_password(self) -> "ResponseBuilder":
        """Password-import hooks: ``{"credential": "VERIFIED"}``."""
        return self.push(Command_ActionUpdate(ActionUpdate_Credential(CredentialVerdict.VERIFIED)))

    def reject_password(self) -> "ResponseBuilder":
        """Password-import hooks: ``{"credential": "UNVERIFIED"}``."""
        return self.push(Command_ActionUpdate(ActionUpdate_Credential(CredentialVerdict.UNVERIFIED)))

    def update_user_profile(self, attributes: Dict[str, Any]) -> "ResponseBuilder":
        """``com.okta.user.profile.update`` (import hooks and self-service
        registration) with ``attributes`` (a dict)."""
        return self.push(Command_UserProfileUpdate(_object_json("user profile update", attributes)))

    def update_app_user_profile(self, attributes: Dict[str, Any]) -> "ResponseBuilder":
        """``com.okta.appUser.profile.update`` (import hooks)."""
        return self.push(Command_AppUserProfileUpdate(
            _object_json("app-user profile update", attributes)))

    def update_progressive_profile(self, attributes: Dict[str, Any]) -> "ResponseBuilder":
        """``com.okta.user.progressive.profile.update`` (progressive profiling only)."""
        return self.push(Command_ProgressiveProfileUpdate(
            _object_json("progressive profile update", attributes)))

    def raw(self, command_type: str, value: Any) -> "ResponseBuilder":
        """A command by Okta type name and JSON value, for commands without a
        typed variant; the host checks it like the typed command."""
        return self.push(Command_Raw(RawCommand(type=command_type, value=to_json(value))))

    def set_error(self, error: HookError) -> "ResponseBuilder":
        """Sets Okta's ``error`` object (replacing an earlier one)."""
        self.error = error
        return self

    def set_debug_context(self, value: Dict[str, Any]) -> "ResponseBuilder":
        """Sets ``debugContext`` (a dict; Okta copies it into its System Log:
        never put secrets or personal data in it)."""
        self.debug_context = _object_json("debugContext", value)
        return self

    def build(self) -> Response:
        """The WIT ``Response`` for the host."""
        return Response(commands=list(self.commands), error=self.error,
                        debug_context=self.debug_context)
