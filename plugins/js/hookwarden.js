// hookwarden.js: a thin, typed helper for writing Hookwarden handlers in
// JavaScript (componentize-js). It wraps the host imports of the
// `hook-handler` world (wit/hook-handler.wit) and adds what the Rust guest
// SDK (guest-sdk/) gives Rust handlers, with the same behaviour:
//
//   * log lines at levels, settings;
//   * the request: hook types, typed token and registration data checked
//     like the Rust SDK's serde models, untyped `data`;
//   * JSON read and written exactly like serde_json (member order kept,
//     numbers kept as u64 / i64 / f64 and written the way serde_json
//     writes them), and Rust's `{:?}` quoting for log lines;
//   * `{attr}` templates (guest-sdk/src/template.rs);
//   * builders for patches, errors and the answer.
//
// How componentize-js maps the WIT types (checked against the bindings it
// generates and `jco guest-types`): records are objects with camelCase
// fields; enums are their case names as strings ('add', 'info'); variants
// are `{tag: 'case-name', val}`; `option<T>` is `undefined` or the value;
// `list<T>` is an Array; `tuple<A, B>` is a two-element Array; the
// export's `result<response, string>` is the returned response, or `err`
// when the handler throws a value that is not an `Error` (a string, or an
// object with an own `payload`). A thrown `Error` without `payload` traps
// the component, like a Rust panic. `HandlerError` below carries a
// `payload`, so `throw new HandlerError('why')` returns `err('why')`.
//
// Everything here is plain ES2022 and runs in the StarlingMonkey engine
// inside the component; the only imports are the host interfaces and the
// generated Unicode table next to this file.

import { log as hostLog } from 'hookwarden:inline-hook/log@0.2.0';
import { get as hostGet, entries as hostEntries } from 'hookwarden:inline-hook/settings@0.2.0';
import { RUST_DEBUG_ESCAPED } from './rust-debug-escapes.js';

// ---------------------------------------------------------------------------
// Keep a leading U+FEFF in strings from the host
// ---------------------------------------------------------------------------

// The bindings componentize-js 0.23.0 generates decode every string the
// host passes in (the request's fields, setting keys and values) with one
// `new TextDecoder()`, which by the Encoding standard drops a leading
// U+FEFF (byte-order mark): a setting "\uFEFF3600" would arrive as "3600",
// where Rust sees the mark. Make the decoders created before this module
// (the bindings' one) keep it, as `ignoreBOM: true` does; decoders created
// later (yours) behave as the standard says.
if (typeof TextDecoder === 'function' && !globalThis[Symbol.for('hookwarden.keepsBom')]) {
  const OriginalDecoder = TextDecoder;
  const originalDecode = OriginalDecoder.prototype.decode;
  const keepBom = new OriginalDecoder('utf-8', { ignoreBOM: true });
  const later = new WeakSet([keepBom]);
  OriginalDecoder.prototype.decode = function decode(input, options) {
    if (!later.has(this) && this.encoding === 'utf-8' && !this.ignoreBOM && !(options && options.stream)) {
      return originalDecode.call(keepBom, input);
    }
    return originalDecode.call(this, input, options);
  };
  globalThis.TextDecoder = class TextDecoder extends OriginalDecoder {
    constructor(...args) {
      super(...args);
      later.add(this);
    }
  };
  globalThis[Symbol.for('hookwarden.keepsBom')] = true;
}

// ---------------------------------------------------------------------------
// WIT types as componentize-js maps them (see wit/hook-handler.wit)
// ---------------------------------------------------------------------------

/**
 * Okta's request envelope (WIT `request`).
 * @typedef {object} Request
 * @property {string} eventType  the hook type, e.g. "com.okta.oauth2.tokens.transform"
 * @property {string} eventTypeVersion
 * @property {string} cloudEventVersion
 * @property {string} contentType
 * @property {string} eventId
 * @property {string} eventTime
 * @property {string} source
 * @property {string | undefined} requestType  registration and telephony hooks only
 * @property {string} data  Okta's `data` object as JSON text
 */
/** @typedef {'add' | 'replace' | 'remove'} PatchOp */
/**
 * @typedef {object} PatchOperation
 * @property {PatchOp} op
 * @property {string} path  an RFC 6901 pointer
 * @property {string | undefined} value  JSON text; undefined for 'remove'
 */
/** @typedef {'create-user' | 'link-user'} ImportResult */
/** @typedef {'allow' | 'deny'} RegistrationAction */
/** @typedef {'verified' | 'unverified'} CredentialVerdict */
/**
 * @typedef {{tag: 'import-result', val: ImportResult}
 *   | {tag: 'registration', val: RegistrationAction}
 *   | {tag: 'credential', val: CredentialVerdict}} ActionUpdate
 */
/** @typedef {'successful' | 'pending' | 'failed'} TelephonyStatus */
/**
 * @typedef {object} TelephonyResult
 * @property {TelephonyStatus} status
 * @property {string | undefined} provider
 * @property {string | undefined} transactionId
 * @property {string | undefined} transactionMetadata
 */
/**
 * WIT `raw-command` (its field `%type` is `type`).
 * @typedef {object} RawCommand
 * @property {string} type
 * @property {string} value  JSON text
 */
/**
 * @typedef {{tag: 'identity-patch', val: PatchOperation[]}
 *   | {tag: 'access-patch', val: PatchOperation[]}
 *   | {tag: 'assertion-patch', val: PatchOperation[]}
 *   | {tag: 'app-user-profile-update', val: string}
 *   | {tag: 'user-profile-update', val: string}
 *   | {tag: 'progressive-profile-update', val: string}
 *   | {tag: 'action-update', val: ActionUpdate}
 *   | {tag: 'user-update', val: string}
 *   | {tag: 'telephony-action', val: TelephonyResult[]}
 *   | {tag: 'raw', val: RawCommand}} Command
 */
/**
 * One cause of Okta's `error` object (WIT `error-cause`). Every member is
 * optional (Okta documents it so), `errorSummary` included: `undefined`
 * leaves a member out of the answer.
 * @typedef {object} ErrorCause
 * @property {string | undefined} errorSummary
 * @property {string | undefined} reason
 * @property {string | undefined} locationType
 * @property {string | undefined} location
 * @property {string | undefined} domain
 */
/**
 * Okta's `error` object (WIT `hook-error`). `errorSummary` is optional
 * (Okta documents it so): `undefined` leaves it out of the answer.
 * @typedef {object} HookErrorRecord
 * @property {string | undefined} errorSummary
 * @property {ErrorCause[]} errorCauses
 */
/**
 * The handler's answer (WIT `response`).
 * @typedef {object} Response
 * @property {Command[]} commands
 * @property {HookErrorRecord | undefined} error
 * @property {string | undefined} debugContext  a JSON object as text
 */
/** @typedef {'trace' | 'debug' | 'info' | 'warn' | 'error'} Level */

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/**
 * The error a handler throws to fail the call: the component returns
 * `err(message)`, the host logs the message and sends the hook type's safe
 * failure answer. (componentize-js returns an own `payload` property of a
 * thrown value as the `err`.)
 */
export class HandlerError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'HandlerError';
    /** @type {string} what the host receives as `err` */
    this.payload = message;
  }

  /**
   * A new error whose message is `context: <this message>`.
   * @param {string} context
   * @returns {HandlerError}
   */
  context(context) {
    return new HandlerError(`${context}: ${this.message}`);
  }
}

/**
 * Fails the call with `message` (throws a {@link HandlerError}).
 * @param {string} message
 * @returns {never}
 */
export function fail(message) {
  throw new HandlerError(message);
}

// ---------------------------------------------------------------------------
// Logging and settings
// ---------------------------------------------------------------------------

/**
 * Log lines for the host's log of this call. The host bounds each message
 * (4 KiB by default) and the lines of a call (64); lines past the bound are
 * dropped and counted, never an error. Never log secrets or personal data.
 */
export const log = {
  /** @param {Level} level @param {string} message */
  log(level, message) { hostLog(level, String(message)); },
  /** Very detailed diagnostics. @param {string} message */
  trace(message) { hostLog('trace', String(message)); },
  /** Diagnostics. @param {string} message */
  debug(message) { hostLog('debug', String(message)); },
  /** Normal events. @param {string} message */
  info(message) { hostLog('info', String(message)); },
  /** Something unexpected that the handler coped with. @param {string} message */
  warn(message) { hostLog('warn', String(message)); },
  /** Something failed. @param {string} message */
  error(message) { hostLog('error', String(message)); },
};

/** The hook's read-only settings (string keys, string values). */
export const settings = {
  /**
   * The value of setting `key`, or `undefined` if the hook has none.
   * @param {string} key
   * @returns {string | undefined}
   */
  get(key) { return hostGet(key); },
  /**
   * The value of setting `key`, or `fallback` if it is not set.
   * @param {string} key
   * @param {string} fallback
   * @returns {string}
   */
  getOr(key, fallback) {
    const value = hostGet(key);
    return value === undefined ? fallback : value;
  },
  /**
   * Every setting as `[key, value]` pairs, sorted by key (byte order, as
   * the host sorts them).
   * @returns {Array<[string, string]>}
   */
  list() { return hostEntries(); },
  /**
   * The settings whose key starts with `prefix`, as `[rest of key, value]`
   * pairs sorted by key; a key equal to `prefix` is left out.
   * @param {string} prefix
   * @returns {Array<[string, string]>}
   */
  withPrefix(prefix) {
    /** @type {Array<[string, string]>} */
    const out = [];
    const all = hostEntries();
    for (let i = 0; i < all.length; i++) {
      const key = all[i][0];
      if (key.startsWith(prefix) && key.length > prefix.length) out.push([key.slice(prefix.length), all[i][1]]);
    }
    return out;
  },
};

// ---------------------------------------------------------------------------
// Rust-compatible text helpers
// ---------------------------------------------------------------------------

// Unicode White_Space, which Rust's `str::trim` strips. (JavaScript's
// `trim` differs: it strips U+FEFF and keeps U+0085.)
const RUST_WHITE_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
  0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/**
 * `text` without leading and trailing Unicode white space, like Rust's
 * `str::trim`.
 * @param {string} text
 * @returns {string}
 */
export function trimWhiteSpace(text) {
  let start = 0;
  let end = text.length;
  while (start < end && RUST_WHITE_SPACE.has(text.charCodeAt(start))) start++;
  while (end > start && RUST_WHITE_SPACE.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * `text` with ASCII letters lower-cased and everything else unchanged, like
 * Rust's `to_ascii_lowercase`.
 * @param {string} text
 * @returns {string}
 */
export function asciiLowercase(text) {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * `text` parsed as a u32 the way Rust's `str::parse::<u32>` does (an
 * optional `+`, then ASCII digits only, at most 4294967295); `undefined`
 * if it does not parse. Trim first if white space is allowed.
 * @param {string} text
 * @returns {number | undefined}
 */
export function parseU32(text) {
  if (!/^\+?[0-9]+$/.test(text)) return undefined;
  const value = Number(text.replace(/^\+?0*/, '') || '0');
  return value <= 0xffffffff ? value : undefined;
}

function rustEscaped(cp) {
  // Binary search in the flattened [lo, hi, lo, hi, ...] table.
  let lo = 0;
  let hi = RUST_DEBUG_ESCAPED.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < RUST_DEBUG_ESCAPED[2 * mid]) hi = mid - 1;
    else if (cp > RUST_DEBUG_ESCAPED[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * `text` quoted exactly like Rust's `format!("{:?}", text)`: `\0 \t \n \r
 * \" \\` escaped, control, non-printable and grapheme-extending characters
 * as `\u{hex}`, everything else as it is. Use it to keep log lines
 * identical to the Rust examples'.
 * @param {string} text
 * @returns {string}
 */
export function debugString(text) {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    switch (ch) {
      case '\0': out += '\\0'; continue;
      case '\t': out += '\\t'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      default: break;
    }
    if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && rustEscaped(cp))) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

// ---------------------------------------------------------------------------
// JSON exactly like serde_json
// ---------------------------------------------------------------------------

const U64_MAX = 18446744073709551615n;
const I64_MIN_MAGNITUDE = 9223372036854775808n;
// serde_json's POW10 table: 1e0 ..= 1e308, each the correctly rounded double.
const POW10 = Array.from({ length: 309 }, (_, i) => Number(`1e${i}`));

/**
 * A JSON number as serde_json keeps it: an unsigned integer that fits u64,
 * a negative integer that fits i64 (both exact, as BigInt), or else an f64.
 */
export class JsonNumber {
  /**
   * @param {'u64' | 'i64' | 'f64'} kind
   * @param {bigint | number} value  BigInt for u64 and i64, number for f64
   */
  constructor(kind, value) {
    /** @type {'u64' | 'i64' | 'f64'} */
    this.kind = kind;
    /** @type {bigint | number} */
    this.value = value;
  }

  /** The value as a JavaScript number (may round big integers). */
  toNumber() { return Number(this.value); }

  /** The JSON text serde_json writes for this number. */
  toString() { return this.kind === 'f64' ? formatF64(/** @type {number} */ (this.value)) : String(this.value); }

  /** @returns {boolean} whether it is an integer that fits u64 */
  isU64() { return this.kind === 'u64'; }
}

/**
 * A JSON value as {@link parseJson} returns it and {@link toJson} writes
 * it: objects are `Map`s (member order kept, the last of duplicate members
 * wins in the first one's place, as serde_json's `preserve_order` maps do),
 * numbers are {@link JsonNumber}s. `toJson` also takes plain objects and
 * numbers.
 * @typedef {null | boolean | string | JsonNumber | JsonValue[] | Map<string, JsonValue>} JsonValue
 */

/** The digits and decimal exponent of a finite, non-zero |x|, shortest round trip. */
function shortestDigits(x) {
  // Number#toString gives the shortest digits that read back to x (the
  // same digits Rust's float formatting picks); only the layout differs.
  const text = String(Math.abs(x));
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exp = e < 0 ? '0' : text.slice(e + 1);
  const dot = mantissa.indexOf('.');
  const intPart = dot < 0 ? mantissa : mantissa.slice(0, dot);
  const fracPart = dot < 0 ? '' : mantissa.slice(dot + 1);
  let digits = intPart + fracPart;
  let pointPos = intPart.length + Number(exp); // digits[0..pointPos] is the integer part
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead);
  pointPos -= lead;
  digits = digits.replace(/0+$/, '');
  return { digits, exponent: pointPos - 1 }; // value = d.ddd * 10^exponent
}

/**
 * An f64 as serde_json writes it: shortest round-trip digits, plain for
 * decimal exponents -5 to 15 with `.0` on whole numbers (`1.0`,
 * `0.00001`), otherwise scientific (`1e+16`, `1e-6`, `1.5e+300`).
 * @param {number} x  a finite number
 * @returns {string}
 */
export function formatF64(x) {
  if (!Number.isFinite(x)) return 'null'; // serde_json writes NaN and infinities as null
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const { digits, exponent } = shortestDigits(x);
  if (exponent >= -5 && exponent <= 15) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
    return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
}

/**
 * The compact JSON text of `value`, exactly as serde_json writes it:
 * strings with only `"`, `\` and control characters escaped (short forms
 * `\b \t \n \f \r`, else `\u00XX` in lower case), `Map`s and plain objects
 * in their member order, {@link JsonNumber}s as serde_json writes them. A
 * plain JavaScript number is written as an integer if it is a safe
 * integer, otherwise like an f64 (`1.5`, `1e+100`); `undefined` members
 * are left out.
 * @param {unknown} value
 * @returns {string}
 */
export function toJson(value) {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string': return JSON.stringify(value);
    case 'boolean': return value ? 'true' : 'false';
    case 'number': return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : formatF64(value);
    case 'bigint': return String(value);
    default: break;
  }
  if (value instanceof JsonNumber) return value.toString();
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  let out = '';
  const add = (member, key) => {
    if (member !== undefined) out += `${out ? ',' : ''}${JSON.stringify(String(key))}:${toJson(member)}`;
  };
  if (value instanceof Map) value.forEach(add);
  else for (const key of Object.keys(/** @type {object} */ (value))) add(value[key], key);
  return `{${out}}`;
}

/** A JSON syntax or data-model error, with serde_json's message and position. */
export class JsonError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'JsonError';
  }
}

// Data-model descriptions for the schema-directed parser below: the same
// shapes and rules as the Rust SDK's serde models.
const ANY = { k: 'any' };
const STR = { k: 'str' };
const U64 = { k: 'u64' };
const BOOL = { k: 'bool' };
const option = (of) => ({ k: 'option', of });
const nullAsDefault = (of) => ({ k: 'nulldef', of });
const mapOf = (of) => ({ k: 'map', of });
const seqOf = (of) => ({ k: 'seq', of });
/** fields: [json name, schema, js property] */
const struct = (name, fields) => ({
  k: 'struct',
  name,
  fields: fields.map((f) => ({ name: f[0], schema: f[1], prop: f[2] })),
  byName: new Map(fields.map((f, i) => [f[0], i])),
});

function defaultOf(schema) {
  switch (schema.k) {
    case 'option': return undefined;
    case 'nulldef': return defaultOf(schema.of);
    case 'map': return new Map();
    case 'seq': return [];
    case 'struct': {
      const out = {};
      for (let i = 0; i < schema.fields.length; i++) out[schema.fields[i].prop] = defaultOf(schema.fields[i].schema);
      return out;
    }
    default: throw new Error(`no default for ${schema.k}`);
  }
}

function expecting(schema) {
  switch (schema.k) {
    case 'str': return 'a string';
    case 'u64': return 'u64';
    case 'bool': return 'a boolean';
    case 'map': return 'a map';
    case 'seq': return 'a sequence';
    case 'struct': return `struct ${schema.name}`;
    case 'option': case 'nulldef': return expecting(schema.of);
    default: return 'any valid JSON value';
  }
}

function utf8Length(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; } else n += 3;
  }
  return n;
}

const WHITE_SPACE = /[ \t\n\r]*/y;
const PLAIN_STRING = /"([^"\\\u0000-\u001f]*)"/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![0-9.eE+-])/y;
const STRING = '"[^"\\\\]*(?:\\\\.[^"\\\\]*)*"';
const SCALAR = new RegExp(`${STRING}|-?[0-9][-+.0-9eE]*|true|false|null`, 'y');
// What lies between brackets (outside strings), for skipping values.
const BETWEEN_BRACKETS = new RegExp(`[^"{}\\[\\]]*(?:${STRING}[^"{}\\[\\]]*)*`, 'y');
// A key JSON.parse would move to the front: an integer, perhaps written
// with escapes ("\u0031"); any \u003X escape counts, to be safe.
const INTEGER_KEY = /"(?:0|[1-9][0-9]*)"[ \t\n\r]*:|\\u003[0-9]/i;

// Whether JSON.parse gives revivers the source text of numbers (ES2025
// "JSON.parse source text access"; StarlingMonkey has it, Node.js 20 only
// with --harmony-json-parse-with-source). Without it every value is built
// by the slower parser.
const HAS_SOURCE_TEXT = (() => {
  let seen = false;
  JSON.parse('[1.0]', (key, value, context) => {
    if (key === '0') seen = context !== undefined && context.source === '1.0';
    return value;
  });
  return seen;
})();

/** JSON.parse reviver: numbers as serde_json reads them, objects as Maps. */
function revive(key, value, context) {
  if (typeof value === 'number') return numberFromText(context.source);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const map = new Map();
    for (const k in value) map.set(k, value[k]);
    return map;
  }
  return value;
}

/** A JSON number's text (valid JSON) as serde_json reads it. */
function numberFromText(text) {
  const fast = fastNumber(text);
  return fast === undefined ? new Parser(text).parseNumberSlow() : fast;
}

// The common numbers, without the exact algorithm: an integer of at most
// 15 digits, or a decimal whose digits form a significand below 10^15 with
// a power of ten of at most 22 either way; serde_json's result is then the
// correctly rounded double, which Number() gives. `undefined` otherwise.
// (Written with indexOf and slices: regular expressions and destructuring
// are slow in the component's interpreter.)
function fastNumber(text) {
  let e = text.indexOf('e');
  if (e < 0) e = text.indexOf('E');
  const dot = text.indexOf('.');
  const negative = text.charCodeAt(0) === 45;
  const intStart = negative ? 1 : 0;
  if (e < 0 && dot < 0) {
    if (text.length - intStart > 15) return undefined;
    if (!negative) return new JsonNumber('u64', BigInt(text));
    return text === '-0' ? new JsonNumber('f64', -0) : new JsonNumber('i64', BigInt(text));
  }
  const mantissaEnd = e < 0 ? text.length : e;
  const intEnd = dot < 0 ? mantissaEnd : dot;
  const fracLength = dot < 0 ? 0 : mantissaEnd - dot - 1;
  let digits = intEnd - intStart + fracLength;
  // Leading zeros do not count: "0.000123" has 3 significant digits.
  for (let i = intStart; i < mantissaEnd && digits > 0; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) continue;
    if (c !== 48) break;
    digits--;
  }
  const power = (e < 0 ? 0 : Number(text.slice(e + 1))) - fracLength;
  if (digits > 15 || !(power >= -22 && power <= 22)) return undefined;
  return new JsonNumber('f64', Number(text));
}

class Parser {
  constructor(text) {
    this.s = text;
    this.i = 0;
  }

  // serde_json positions: line and column (in bytes) of the character
  // before index `at`; `error` reports after what was consumed, `peekError`
  // at the character looked at.
  errorAt(at, message) {
    const before = this.s.slice(0, Math.min(at, this.s.length));
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = (before.match(/\n/g) || []).length + 1;
    return new JsonError(`${message} at line ${line} column ${utf8Length(before.slice(lineStart))}`);
  }

  error(message) { return this.errorAt(this.i, message); }

  peekError(message) { return this.errorAt(this.i + 1, message); }

  // The hot paths use sticky regular expressions: the engine's regex code
  // is native, while a character loop is interpreted (slow in a component).
  skipWhiteSpace() {
    WHITE_SPACE.lastIndex = this.i;
    WHITE_SPACE.test(this.s);
    this.i = WHITE_SPACE.lastIndex;
    return this.i < this.s.length ? this.s[this.i] : undefined;
  }

  ident(word, unexpected) {
    if (this.s.startsWith(word, this.i)) {
      this.i += word.length;
      return;
    }
    // Consume what matches, as serde_json does, then report.
    while (this.i < this.s.length && this.s[this.i] === word[0]) { this.i++; word = word.slice(1); }
    throw this.i >= this.s.length ? this.error('EOF while parsing a value') : this.peekError(unexpected);
  }

  parseString() {
    // At the opening quote. Fast path: no escapes, no control characters.
    PLAIN_STRING.lastIndex = this.i;
    const m = PLAIN_STRING.exec(this.s);
    if (m) {
      this.i = PLAIN_STRING.lastIndex;
      return m[1];
    }
    const s = this.s;
    this.i++;
    let out = '';
    let start = this.i;
    for (;;) {
      if (this.i >= s.length) throw this.error('EOF while parsing a string');
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(start, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) {
        this.i++;
        throw this.error('control character (\\u0000-\\u001F) found while parsing a string');
      }
      if (c !== 0x5c) { this.i++; continue; }
      out += s.slice(start, this.i);
      this.i++;
      const e = s[this.i++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const unit = this.hex4();
          if (unit >= 0xdc00 && unit <= 0xdfff) throw this.error('lone leading surrogate in hex escape');
          if (unit >= 0xd800 && unit <= 0xdbff) {
            if (s[this.i] !== '\\' || s[this.i + 1] !== 'u') throw this.error('unexpected end of hex escape');
            this.i += 2;
            const low = this.hex4();
            if (low < 0xdc00 || low > 0xdfff) throw this.error('lone leading surrogate in hex escape');
            out += String.fromCharCode(unit, low);
          } else {
            out += String.fromCharCode(unit);
          }
          break;
        }
        default: throw this.error('invalid escape');
      }
      start = this.i;
    }
  }

  hex4() {
    const digits = this.s.slice(this.i, this.i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw this.error('invalid escape');
    this.i += 4;
    return parseInt(digits, 16);
  }

  // serde_json's number parsing (without its `float_roundtrip` and
  // `arbitrary_precision` features): u64 / i64 when the text is an integer
  // in range, else an f64 built as significand (its first 19-20 digits,
  // what fits u64) times a power of ten, which may be one unit in the last
  // place off the nearest double, as in Rust.
  parseNumber() {
    NUMBER.lastIndex = this.i;
    if (!NUMBER.test(this.s)) return this.parseNumberSlow();
    const end = NUMBER.lastIndex;
    const fast = fastNumber(this.s.slice(this.i, end));
    if (fast === undefined) return this.parseNumberSlow();
    this.i = end;
    return fast;
  }

  parseNumberSlow() {
    const s = this.s;
    let positive = true;
    if (s[this.i] === '-') { positive = false; this.i++; }
    const isDigit = (at) => at < s.length && s.charCodeAt(at) >= 0x30 && s.charCodeAt(at) <= 0x39;
    if (!isDigit(this.i)) {
      if (this.i >= s.length) throw this.error('EOF while parsing a value');
      this.i++;
      throw this.error('invalid number');
    }
    let significand = 0n;
    let exponent = 0;
    if (s[this.i] === '0') {
      this.i++;
      if (isDigit(this.i)) throw this.peekError('invalid number');
    } else {
      let overflowed = false;
      while (isDigit(this.i)) {
        const digit = BigInt(s.charCodeAt(this.i) - 0x30);
        if (!overflowed && significand * 10n + digit > U64_MAX) overflowed = true;
        if (overflowed) exponent += 1;
        else significand = significand * 10n + digit;
        this.i++;
      }
    }
    let isFloat = exponent !== 0;
    if (s[this.i] === '.') {
      isFloat = true;
      this.i++;
      let fractionDigits = 0;
      let overflowed = false;
      while (isDigit(this.i)) {
        const digit = BigInt(s.charCodeAt(this.i) - 0x30);
        if (!overflowed && significand * 10n + digit > U64_MAX) overflowed = true;
        if (!overflowed) { significand = significand * 10n + digit; exponent -= 1; }
        fractionDigits++;
        this.i++;
      }
      if (fractionDigits === 0) {
        if (this.i >= s.length) throw this.error('EOF while parsing a value');
        throw this.peekError('invalid number');
      }
    }
    if (s[this.i] === 'e' || s[this.i] === 'E') {
      isFloat = true;
      this.i++;
      let positiveExp = true;
      if (s[this.i] === '+') this.i++;
      else if (s[this.i] === '-') { positiveExp = false; this.i++; }
      if (!isDigit(this.i)) {
        if (this.i >= s.length) throw this.error('EOF while parsing a value');
        this.i++;
        throw this.error('invalid number');
      }
      let exp = 0;
      while (isDigit(this.i)) {
        const digit = s.charCodeAt(this.i) - 0x30;
        this.i++;
        if (exp >= 214748364 && (exp > 214748364 || digit > 7)) {
          // Exponent overflows i32: zero, or out of range.
          if (significand !== 0n && positiveExp) throw this.error('number out of range');
          while (isDigit(this.i)) this.i++;
          return new JsonNumber('f64', positive ? 0 : -0);
        }
        exp = exp * 10 + digit;
      }
      exponent = positiveExp ? exponent + exp : exponent - exp;
    }
    if (!isFloat) {
      if (positive) return new JsonNumber('u64', significand);
      if (significand !== 0n && significand <= I64_MIN_MAGNITUDE) return new JsonNumber('i64', -significand);
      return new JsonNumber('f64', -Number(significand));
    }
    return new JsonNumber('f64', this.f64FromParts(positive, significand, exponent));
  }

  f64FromParts(positive, significand, exponent) {
    let f = Number(significand);
    for (;;) {
      const abs = Math.abs(exponent);
      if (abs < POW10.length) {
        if (exponent >= 0) {
          f *= POW10[abs];
          if (!Number.isFinite(f)) throw this.error('number out of range');
        } else {
          f /= POW10[abs];
        }
        break;
      }
      if (f === 0) break;
      if (exponent >= 0) throw this.error('number out of range');
      f /= 1e308;
      exponent += 308;
    }
    return positive ? f : -f;
  }

  // What serde's `Unexpected` calls the value here, consuming it.
  unexpected() {
    const c = this.s[this.i];
    switch (c) {
      case 'n': this.ident('null', 'expected ident'); return 'null';
      case 't': this.ident('true', 'expected ident'); return 'boolean `true`';
      case 'f': this.ident('false', 'expected ident'); return 'boolean `false`';
      case '"': return `string ${debugString(this.parseString())}`;
      case '[': return 'sequence';
      case '{': return 'map';
      default: {
        if (c === '-' || (c >= '0' && c <= '9')) {
          const n = this.parseNumber();
          return n.kind === 'f64' ? `floating point \`${formatF64(/** @type {number} */ (n.value))}\`` : `integer \`${n.value}\``;
        }
        throw this.peekError('expected value');
      }
    }
  }

  invalidType(schema) {
    const what = this.unexpected();
    return this.error(`invalid type: ${what}, expected ${expecting(schema)}`);
  }

  /** Parses one value with `schema` (after leading white space). */
  value(schema) {
    const c = this.skipWhiteSpace();
    if (c === undefined) throw this.error('EOF while parsing a value');
    switch (schema.k) {
      case 'any': return this.anyValue(c);
      case 'option':
      case 'nulldef':
        if (c === 'n') {
          this.ident('null', 'expected ident');
          return defaultOf(schema);
        }
        return this.value(schema.of);
      case 'str':
        if (c === '"') return this.parseString();
        throw this.invalidType(schema);
      case 'bool':
        if (c === 't') { this.ident('true', 'expected ident'); return true; }
        if (c === 'f') { this.ident('false', 'expected ident'); return false; }
        throw this.invalidType(schema);
      case 'u64': {
        if (c === '-' || (c >= '0' && c <= '9')) {
          const n = this.parseNumber();
          if (n.kind === 'u64') return n;
          if (n.kind === 'i64') return this.throwNow(`invalid value: integer \`${n.value}\`, expected u64`);
          return this.throwNow(`invalid type: floating point \`${formatF64(/** @type {number} */ (n.value))}\`, expected u64`);
        }
        throw this.invalidType(schema);
      }
      case 'map':
        if (c === '{') return schema.of === ANY ? this.anyValue(c) : this.object(schema.of);
        throw this.invalidType(schema);
      case 'seq':
        if (c === '[') return this.array(schema.of);
        throw this.invalidType(schema);
      case 'struct':
        if (c === '{') return this.structFromObject(schema);
        if (c === '[') return this.structFromArray(schema);
        throw this.invalidType(schema);
      default: throw new Error(`unknown schema ${schema.k}`);
    }
  }

  throwNow(message) { throw this.error(message); }

  // A value of any shape. Objects and arrays go to the engine's native
  // JSON.parse, with a reviver that keeps numbers as serde_json reads them
  // (from their source text) and makes objects Maps. JSON.parse would put
  // integer-like keys ("1") first, so a value with such a key is built by
  // the slower code below instead, which keeps the text's order.
  anyValue(c) {
    if ((c !== '{' && c !== '[') || !HAS_SOURCE_TEXT) return this.any(c);
    const start = this.i;
    try {
      this.skipValue();
      const text = this.s.slice(start, this.i);
      if (!INTEGER_KEY.test(text)) return JSON.parse(text, revive);
    } catch {
      // Not JSON, or a number serde_json refuses: let the code below
      // report it as serde_json does.
    }
    this.i = start;
    return this.any(c);
  }

  // Moves past one value (at its first character) without building it; the
  // host has checked that `data` is JSON.
  skipValue() {
    const s = this.s;
    const first = s.charCodeAt(this.i);
    if (first !== 0x7b && first !== 0x5b) {
      SCALAR.lastIndex = this.i;
      if (!SCALAR.test(s)) throw this.i >= s.length ? this.error('EOF while parsing a value') : this.peekError('expected value');
      this.i = SCALAR.lastIndex;
      return;
    }
    let depth = 0;
    for (;;) {
      if (this.i >= s.length) throw this.error('EOF while parsing a value');
      const ch = s.charCodeAt(this.i);
      if (ch === 0x7b || ch === 0x5b) {
        depth++;
      } else if (ch === 0x7d || ch === 0x5d) {
        depth--;
        if (depth === 0) {
          this.i++;
          return;
        }
      } else {
        // Everything up to the next bracket outside a string, in one go.
        BETWEEN_BRACKETS.lastIndex = this.i;
        BETWEEN_BRACKETS.test(s);
        if (BETWEEN_BRACKETS.lastIndex === this.i) throw this.peekError('expected value');
        this.i = BETWEEN_BRACKETS.lastIndex;
        continue;
      }
      this.i++;
    }
  }

  any(c) {
    switch (c) {
      case 'n': this.ident('null', 'expected ident'); return null;
      case 't': this.ident('true', 'expected ident'); return true;
      case 'f': this.ident('false', 'expected ident'); return false;
      case '"': return this.parseString();
      case '[': return this.array(ANY);
      case '{': return this.object(ANY);
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.parseNumber();
        throw this.peekError('expected value');
    }
  }

  // Members one by one: calls `member(key)` with the index at the value.
  members(member) {
    this.i++; // '{'
    let c = this.skipWhiteSpace();
    if (c === '}') { this.i++; return; }
    for (;;) {
      if (c === undefined) throw this.error('EOF while parsing an object');
      if (c !== '"') throw this.peekError('key must be a string');
      const key = this.parseString();
      member(key, () => {
        c = this.skipWhiteSpace();
        if (c !== ':') throw c === undefined ? this.error('EOF while parsing an object') : this.peekError('expected `:`');
        this.i++;
      });
      c = this.skipWhiteSpace();
      if (c === ',') {
        this.i++;
        c = this.skipWhiteSpace();
        if (c === '}') throw this.peekError('trailing comma');
        continue;
      }
      if (c === '}') { this.i++; return; }
      throw c === undefined ? this.error('EOF while parsing an object') : this.peekError('expected `,` or `}`');
    }
  }

  object(valueSchema) {
    const out = new Map();
    this.members((key, colon) => {
      colon();
      out.set(key, this.value(valueSchema));
    });
    return out;
  }

  array(elementSchema) {
    const out = [];
    this.i++; // '['
    let c = this.skipWhiteSpace();
    if (c === ']') { this.i++; return out; }
    for (;;) {
      out.push(this.value(elementSchema));
      c = this.skipWhiteSpace();
      if (c === ',') {
        this.i++;
        c = this.skipWhiteSpace();
        if (c === ']') throw this.peekError('trailing comma');
        continue;
      }
      if (c === ']') { this.i++; return out; }
      throw c === undefined ? this.error('EOF while parsing a list') : this.peekError('expected `,` or `]`');
    }
  }

  structFromObject(schema) {
    const out = defaultOf(schema);
    const seen = new Set();
    this.members((key, colon) => {
      const index = schema.byName.get(key);
      const field = index === undefined ? undefined : schema.fields[index];
      if (field && seen.has(key)) throw this.error(`duplicate field \`${key}\``);
      colon();
      if (!field) {
        this.skipWhiteSpace();
        this.skipValue();
        return;
      }
      seen.add(key);
      out[field.prop] = this.value(field.schema);
    });
    return out;
  }

  structFromArray(schema) {
    const out = defaultOf(schema);
    this.i++; // '['
    let c = this.skipWhiteSpace();
    let n = 0;
    for (;;) {
      if (c === ']') { this.i++; return out; }
      if (n > 0) {
        if (c === ',') {
          this.i++;
          c = this.skipWhiteSpace();
          if (n === schema.fields.length) throw this.peekError(c === ']' ? 'trailing comma' : 'trailing characters');
          if (c === ']') throw this.peekError('trailing comma');
        } else {
          throw c === undefined ? this.error('EOF while parsing a list') : this.peekError('expected `,` or `]`');
        }
      }
      if (n === schema.fields.length) throw this.peekError('trailing characters');
      const field = schema.fields[n++];
      out[field.prop] = this.value(field.schema);
      c = this.skipWhiteSpace();
    }
  }

  end() {
    if (this.skipWhiteSpace() !== undefined) throw this.peekError('trailing characters');
  }
}

/**
 * Parses JSON text like serde_json into a {@link JsonValue} (objects as
 * `Map`s, numbers as {@link JsonNumber}s).
 * @param {string} text
 * @returns {JsonValue}
 * @throws {JsonError} with serde_json's message, if `text` is not JSON
 */
export function parseJson(text) {
  const p = new Parser(text);
  const value = p.value(ANY);
  p.end();
  return value;
}

function parseWith(schema, text) {
  const p = new Parser(text);
  const value = p.value(schema);
  p.end();
  return value;
}

/**
 * Member `path[0]`, then `path[1]` of that, ... of a parsed JSON value
 * (`Map` keys or array indexes); `undefined` where a step is missing.
 * @param {JsonValue | undefined} value
 * @param {...(string | number)} path
 * @returns {JsonValue | undefined}
 */
export function jsonGet(value, ...path) {
  let v = value;
  for (const step of path) {
    if (v instanceof Map) v = v.get(String(step));
    else if (Array.isArray(v) && typeof step === 'number') v = v[step];
    else return undefined;
  }
  return v;
}

// ---------------------------------------------------------------------------
// The request
// ---------------------------------------------------------------------------

/** Okta's `eventType` of each hook type. */
export const HookType = Object.freeze({
  TOKEN: 'com.okta.oauth2.tokens.transform',
  SAML: 'com.okta.saml.tokens.transform',
  IMPORT: 'com.okta.import.transform',
  REGISTRATION: 'com.okta.user.pre-registration',
  PASSWORD_IMPORT: 'com.okta.user.credential.password.import',
  TELEPHONY: 'com.okta.telephony.provider',
});

/**
 * Fails the call unless `request` is of hook type `eventType` (one of
 * {@link HookType}), with the Rust SDK's message.
 * @param {Request} request
 * @param {string} eventType
 */
export function expectHookType(request, eventType) {
  if (request.eventType !== eventType) {
    fail(`expected a \`${eventType}\` request, got eventType \`${request.eventType}\``);
  }
}

/**
 * Okta's `data` as an untyped {@link JsonValue} (a `Map`).
 * @param {Request} request
 * @returns {JsonValue}
 */
export function dataValue(request) {
  try {
    return parseJson(request.data);
  } catch (e) {
    if (e instanceof JsonError) fail(`data: ${e.message}`);
    throw e;
  }
}

// The Rust SDK's models (guest-sdk/src/data/), as schemas. Every member
// may be missing; unknown members are ignored; structs may also be given
// as arrays of their members (serde's sequence form).
const PROFILE = nullAsDefault(mapOf(ANY));
const REQUEST_CONTEXT = struct('RequestContext', [
  ['id', option(STR), 'id'],
  ['method', option(STR), 'method'],
  ['url', option(struct('Url', [['value', option(STR), 'value']])), 'url'],
  ['ipAddress', option(STR), 'ipAddress'],
]);
const USER = struct('User', [
  ['id', option(STR), 'id'],
  ['passwordChanged', option(STR), 'passwordChanged'],
  ['profile', PROFILE, 'profile'],
  ['_links', option(ANY), 'links'],
]);
const SESSION = struct('Session', [
  ['id', option(STR), 'id'],
  ['userId', option(STR), 'userId'],
  ['login', option(STR), 'login'],
  ['createdAt', option(STR), 'createdAt'],
  ['expiresAt', option(STR), 'expiresAt'],
  ['status', option(STR), 'status'],
  ['lastPasswordVerification', option(STR), 'lastPasswordVerification'],
  ['lastFactorVerification', option(STR), 'lastFactorVerification'],
  ['amr', nullAsDefault(seqOf(STR)), 'amr'],
  ['idp', option(struct('SessionIdp', [['id', option(STR), 'id'], ['type', option(STR), 'type']])), 'idp'],
  ['mfaActive', option(BOOL), 'mfaActive'],
]);
const TOKEN_INFO = struct('TokenInfo', [
  ['lifetime', option(struct('Lifetime', [['expiration', option(U64), 'expiration']])), 'lifetime'],
]);
const TOKEN_DATA = struct('TokenData', [
  ['context', struct('TokenContext', [
    ['request', option(REQUEST_CONTEXT), 'request'],
    ['protocol', option(struct('OAuthProtocol', [
      ['type', option(STR), 'type'],
      ['request', option(struct('OAuthRequest', [
        ['client_id', option(STR), 'clientId'],
        ['grant_type', option(STR), 'grantType'],
        ['redirect_uri', option(STR), 'redirectUri'],
        ['response_mode', option(STR), 'responseMode'],
        ['response_type', option(STR), 'responseType'],
        ['scope', option(STR), 'scope'],
        ['state', option(STR), 'state'],
      ])), 'request'],
      ['issuer', option(struct('Issuer', [
        ['id', option(STR), 'id'], ['name', option(STR), 'name'], ['uri', option(STR), 'uri'],
      ])), 'issuer'],
      ['client', option(struct('OAuthClient', [
        ['id', option(STR), 'id'], ['name', option(STR), 'name'], ['type', option(STR), 'type'],
      ])), 'client'],
      ['OriginalGrant', option(ANY), 'originalGrant'],
    ])), 'protocol'],
    ['session', option(SESSION), 'session'],
    ['user', option(USER), 'user'],
    ['policy', option(struct('TokenPolicy', [
      ['id', option(STR), 'id'],
      ['rule', option(struct('PolicyRule', [['id', option(STR), 'id']])), 'rule'],
    ])), 'policy'],
  ]), 'context'],
  ['identity', option(struct('IdentityToken', [
    ['claims', nullAsDefault(mapOf(ANY)), 'claims'],
    ['token', TOKEN_INFO, 'token'],
  ])), 'identity'],
  ['access', option(struct('AccessToken', [
    ['claims', nullAsDefault(mapOf(ANY)), 'claims'],
    ['token', TOKEN_INFO, 'token'],
    ['scopes', nullAsDefault(mapOf(struct('Scope', [
      ['id', option(STR), 'id'], ['action', option(STR), 'action'],
    ]))), 'scopes'],
  ])), 'access'],
  ['refresh_token', option(struct('RefreshToken', [['jti', option(STR), 'jti']])), 'refreshToken'],
]);
const REGISTRATION_DATA = struct('RegistrationData', [
  ['context', struct('RegistrationContext', [
    ['request', option(REQUEST_CONTEXT), 'request'],
    ['user', option(USER), 'user'],
  ]), 'context'],
  ['userProfile', option(PROFILE), 'userProfile'],
  ['userProfileUpdate', option(PROFILE), 'userProfileUpdate'],
  ['action', option(STR), 'action'],
]);

function typedData(request, eventType, schema) {
  expectHookType(request, eventType);
  try {
    return parseWith(schema, request.data);
  } catch (e) {
    if (e instanceof JsonError) fail(`data: ${e.message}`);
    throw e;
  }
}

/**
 * A user profile: attribute name to JSON value, in Okta's order.
 * @typedef {Map<string, JsonValue>} Profile
 */
/**
 * `data` of a token hook (the Rust SDK's `TokenData`; members as in
 * Okta's JSON, camelCase). Only the members handlers usually need are
 * typed here; see the schema in hookwarden.js for all.
 * @typedef {object} TokenData
 * @property {{user: ({id?: string, profile: Profile} | undefined)} & Record<string, any>} context
 * @property {{claims: Map<string, JsonValue>, token: object} | undefined} identity  present only if an ID token is being minted
 * @property {{claims: Map<string, JsonValue>, token: object, scopes: Map<string, object>} | undefined} access  present only if an access token is being minted
 * @property {{jti?: string} | undefined} refreshToken
 */

/**
 * `data` of a token hook, checked like the Rust SDK's `token_data()`: fails
 * the call if `eventType` is not the token hook's or `data` does not have
 * the token hook's shape.
 * @param {Request} request
 * @returns {TokenData}
 */
export function tokenData(request) {
  return typedData(request, HookType.TOKEN, TOKEN_DATA);
}

/**
 * The user's profile in token data, if there is a user.
 * @param {TokenData} data
 * @returns {Profile | undefined}
 */
export function tokenUserProfile(data) {
  return data.context.user ? data.context.user.profile : undefined;
}

/**
 * `data` of a registration hook (the Rust SDK's `RegistrationData`).
 * @typedef {object} RegistrationData
 * @property {{request: object | undefined, user: ({id?: string, profile: Profile} | undefined)}} context
 * @property {Profile | undefined} userProfile  self-service registration: the form
 * @property {Profile | undefined} userProfileUpdate  progressive profiling: the changes
 * @property {string | undefined} action
 */

/**
 * `data` of a registration hook, checked like the Rust SDK's
 * `registration_data()`.
 * @param {Request} request
 * @returns {RegistrationData}
 */
export function registrationData(request) {
  return typedData(request, HookType.REGISTRATION, REGISTRATION_DATA);
}

/**
 * Which registration flow fired a registration hook: `'self-service'`
 * (`requestType` `self.service.registration`, or none as on Classic
 * Engine) or `'progressive-profile'` (`progressive.profile`). Fails the
 * call for other hook types or request types, like the Rust SDK.
 * @param {Request} request
 * @returns {'self-service' | 'progressive-profile'}
 */
export function registrationKind(request) {
  expectHookType(request, HookType.REGISTRATION);
  if (request.requestType === undefined || request.requestType === 'self.service.registration') return 'self-service';
  if (request.requestType === 'progressive.profile') return 'progressive-profile';
  return fail(`unknown registration requestType \`${request.requestType}\``);
}

// ---------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------

/** Why a template could not be rendered; thrown by {@link renderTemplate}. */
export class TemplateError extends HandlerError {
  /**
   * @param {'missing-attribute' | 'malformed'} kind
   * @param {string} message
   */
  constructor(kind, message) {
    super(message);
    this.name = 'TemplateError';
    /** @type {'missing-attribute' | 'malformed'} */
    this.kind = kind;
  }
}

/**
 * Renders `template`, replacing each `{name}` with profile attribute `name`
 * (a string as it is, any other value as its JSON text); `{{` and `}}` are
 * literal braces and a lone `}` stays as it is. Exactly the Rust SDK's
 * `template::render`.
 * @param {string} template
 * @param {Profile} profile
 * @returns {string}
 * @throws {TemplateError} `the profile has no attribute \`name\`` for the
 *   first attribute that is absent or null; `malformed template: ...` for
 *   an unclosed `{` or an empty `{}`
 */
export function renderTemplate(template, profile) {
  let out = '';
  let rest = template;
  for (;;) {
    const m = /[{}]/.exec(rest);
    if (!m) break;
    const i = m.index;
    out += rest.slice(0, i);
    const brace = rest[i];
    const after = rest.slice(i + 1);
    if (after.startsWith(brace)) {
      out += brace;
      rest = after.slice(1);
    } else if (brace === '}') {
      out += '}';
      rest = after;
    } else {
      const end = after.indexOf('}');
      if (end < 0) throw new TemplateError('malformed', `malformed template: unclosed \`{\` in ${debugString(template)}`);
      const name = after.slice(0, end);
      if (name === '') throw new TemplateError('malformed', `malformed template: empty \`{}\` in ${debugString(template)}`);
      const value = profile.get(name);
      if (value === undefined || value === null) {
        throw new TemplateError('missing-attribute', `the profile has no attribute \`${name}\``);
      }
      out += typeof value === 'string' ? value : toJson(value);
      rest = after.slice(end + 1);
    }
  }
  return out + rest;
}

// ---------------------------------------------------------------------------
// Patches
// ---------------------------------------------------------------------------

/**
 * Escapes one RFC 6901 reference token: `~` becomes `~0`, `/` becomes `~1`.
 * @param {string} token
 * @returns {string}
 */
export function escapeToken(token) {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The patch path of claim (or SAML attribute) `name`: `/claims/<name>`,
 * escaped.
 * @param {string} name
 * @returns {string}
 */
export function claimPath(name) {
  return `/claims/${escapeToken(name)}`;
}

/** The lifetime path of a token patch. */
export const LIFETIME_PATH = '/token/lifetime/expiration';

/**
 * The operations of one token or assertion patch, in order. Values are
 * JavaScript or {@link JsonValue} values, written with {@link toJson}.
 * Okta's rules (checked by the host, not here): token patches may `add`,
 * `replace` and `remove` under `/claims/` and `replace` the lifetime;
 * assertion patches only `add` and `replace`; reserved claims are refused.
 */
export class Patch {
  constructor() {
    /** @type {PatchOperation[]} */
    this.operations = [];
  }

  /** @returns {number} the number of operations */
  get length() { return this.operations.length; }

  /** @returns {boolean} whether there are no operations */
  isEmpty() { return this.operations.length === 0; }

  /**
   * Appends a ready-made operation.
   * @param {PatchOperation} operation
   * @returns {this}
   */
  push(operation) {
    this.operations.push(operation);
    return this;
  }

  /**
   * `add` `value` at `path` (a pointer; on an existing claim it overwrites).
   * @param {string} path @param {unknown} value @returns {this}
   */
  add(path, value) { return this.push({ op: 'add', path, value: toJson(value) }); }

  /** `replace` what is at `path`. @param {string} path @param {unknown} value @returns {this} */
  replace(path, value) { return this.push({ op: 'replace', path, value: toJson(value) }); }

  /** `remove` what is at `path` (token patches only). @param {string} path @returns {this} */
  remove(path) { return this.push({ op: 'remove', path, value: undefined }); }

  /** Adds (or overwrites) claim `name`. @param {string} name @param {unknown} value @returns {this} */
  addClaim(name, value) { return this.add(claimPath(name), value); }

  /** Replaces the existing claim `name`. @param {string} name @param {unknown} value @returns {this} */
  replaceClaim(name, value) { return this.replace(claimPath(name), value); }

  /** Removes the existing claim `name`. @param {string} name @returns {this} */
  removeClaim(name) { return this.remove(claimPath(name)); }

  /** Appends `value` to array claim `name` (`/claims/<name>/-`). @param {string} name @param {unknown} value @returns {this} */
  appendToClaim(name, value) { return this.add(`${claimPath(name)}/-`, value); }

  /**
   * Sets the token's lifetime (`replace /token/lifetime/expiration`); Okta
   * accepts 300 to 86400 seconds.
   * @param {number} seconds @returns {this}
   */
  setLifetime(seconds) { return this.push({ op: 'replace', path: LIFETIME_PATH, value: String(seconds) }); }
}

// ---------------------------------------------------------------------------
// Errors for Okta, and the answer
// ---------------------------------------------------------------------------

/**
 * A cause of Okta's `error` object; unset members are left out.
 * `errorSummary` may be `undefined` too: every member of a cause is
 * optional (Okta's own SDK tests send causes without it).
 * @param {string | undefined} errorSummary
 * @param {{reason?: string, locationType?: string, location?: string, domain?: string}} [more]
 * @returns {ErrorCause}
 */
export function errorCause(errorSummary, more = {}) {
  return {
    errorSummary,
    reason: more.reason,
    locationType: more.locationType,
    location: more.location,
    domain: more.domain,
  };
}

/**
 * A cause without `errorSummary` (the Rust SDK's
 * `ErrorCause::without_summary` with its other members).
 * @param {{reason?: string, locationType?: string, location?: string, domain?: string}} [more]
 * @returns {ErrorCause}
 */
export function errorCauseWithoutSummary(more = {}) {
  return errorCause(undefined, more);
}

/**
 * Okta's `error` object. `errorSummary` may be `undefined`: the answer then
 * has no `errorSummary` and Okta shows its default text where the hook type
 * shows the summary (token: error_description "The callback service
 * returned an error"; registration still fails and the widget shows the
 * causes).
 * @param {string | undefined} errorSummary
 * @param {ErrorCause[]} [causes]
 * @returns {HookErrorRecord}
 */
export function hookError(errorSummary, causes = []) {
  return { errorSummary, errorCauses: causes };
}

/**
 * Okta's `error` object without `errorSummary` (the Rust SDK's
 * `HookError::without_summary` with its causes).
 * @param {ErrorCause[]} [causes]
 * @returns {HookErrorRecord}
 */
export function hookErrorWithoutSummary(causes = []) {
  return hookError(undefined, causes);
}

/**
 * The error a registration hook shows the end user next to a form field:
 * summary `message` and one cause with the same message, `reason` (e.g.
 * `INVALID_EMAIL_DOMAIN`), `locationType` `body`, `location` (e.g.
 * `data.userProfile.email`) and `domain` `end-user` (the Rust SDK's
 * `HookError::end_user`).
 * @param {string} message
 * @param {string} reason
 * @param {string} location
 * @returns {HookErrorRecord}
 */
export function endUserError(message, reason, location) {
  return hookError(message, [errorCause(message, { reason, locationType: 'body', location, domain: 'end-user' })]);
}

/**
 * Builds the answer. Commands keep the order they are added in; Okta
 * applies them in that order. `build()` gives the WIT `response`.
 */
export class ResponseBuilder {
  constructor() {
    /** @type {Command[]} */
    this.commands = [];
    /** @type {HookErrorRecord | undefined} */
    this.error = undefined;
    /** @type {string | undefined} */
    this.debugContext = undefined;
  }

  /** Appends any command. @param {Command} command @returns {this} */
  push(command) {
    this.commands.push(command);
    return this;
  }

  /** `com.okta.identity.patch` (token hooks); an empty patch adds nothing. @param {Patch} patch @returns {this} */
  identityPatch(patch) { return patch.isEmpty() ? this : this.push({ tag: 'identity-patch', val: patch.operations }); }

  /** `com.okta.access.patch` (token hooks); an empty patch adds nothing. @param {Patch} patch @returns {this} */
  accessPatch(patch) { return patch.isEmpty() ? this : this.push({ tag: 'access-patch', val: patch.operations }); }

  /** `com.okta.assertion.patch` (SAML hooks); an empty patch adds nothing. @param {Patch} patch @returns {this} */
  assertionPatch(patch) { return patch.isEmpty() ? this : this.push({ tag: 'assertion-patch', val: patch.operations }); }

  /** Registration hooks: `{"registration": "ALLOW"}`. @returns {this} */
  allowRegistration() { return this.push({ tag: 'action-update', val: { tag: 'registration', val: 'allow' } }); }

  /** Registration hooks: `{"registration": "DENY"}` (Okta's generic message). @returns {this} */
  denyRegistration() { return this.push({ tag: 'action-update', val: { tag: 'registration', val: 'deny' } }); }

  /**
   * Registration hooks: deny and tell the end user why (see
   * {@link endUserError}).
   * @param {HookErrorRecord} error @returns {this}
   */
  denyRegistrationWith(error) { return this.denyRegistration().setError(error); }

  /** Import hooks: `{"result": "CREATE_USER"}`. @returns {this} */
  createUser() { return this.push({ tag: 'action-update', val: { tag: 'import-result', val: 'create-user' } }); }

  /**
   * Import hooks: link to the existing Okta user `userId` (`LINK_USER` and
   * `com.okta.user.update`).
   * @param {string} userId @returns {this}
   */
  linkUser(userId) {
    this.push({ tag: 'action-update', val: { tag: 'import-result', val: 'link-user' } });
    return this.push({ tag: 'user-update', val: userId });
  }

  /**
   * A command by Okta type name and JSON value, for commands without a
   * typed variant; the host checks it like the typed command.
   * @param {string} type @param {unknown} value @returns {this}
   */
  raw(type, value) { return this.push({ tag: 'raw', val: { type, value: toJson(value) } }); }

  /** Sets Okta's `error` object. @param {HookErrorRecord} error @returns {this} */
  setError(error) {
    this.error = error;
    return this;
  }

  /**
   * Sets `debugContext` (a JSON object; Okta copies it into its System
   * Log: never put secrets in it).
   * @param {Map<string, unknown> | Record<string, unknown>} value @returns {this}
   */
  setDebugContext(value) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof JsonNumber) {
      fail(`debugContext must be a JSON object, not ${toJson(value)}`);
    }
    this.debugContext = toJson(value);
    return this;
  }

  /** @returns {Response} the answer for the host */
  build() {
    return { commands: this.commands, error: this.error, debugContext: this.debugContext };
  }
}
