/*
 * hookwarden.c - the helper declared in hookwarden.h. See that file for
 * the API and the ownership rules, and plugins/c/README.md for a guide.
 */
#include "hookwarden.h"
#include "rust-debug-escapes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================
 * Memory and strings
 * ==================================================================== */

void *hw_malloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) abort();
    return p;
}

void *hw_realloc(void *ptr, size_t size) {
    void *p = realloc(ptr, size ? size : 1);
    if (!p) abort();
    return p;
}

hw_string hw_string_copy(const char *s, size_t len) {
    /* The generated free functions only free a string whose len > 0: an
       empty string must not own memory. */
    hw_string out = {NULL, 0};
    if (len > 0) {
        out.ptr = hw_malloc(len);
        memcpy(out.ptr, s, len);
        out.len = len;
    }
    return out;
}

hw_string hw_string_from(const char *s) { return hw_string_copy(s, strlen(s)); }

bool hw_string_eq(const hw_string *s, const char *text) {
    size_t n = strlen(text);
    return s->len == n && (n == 0 || memcmp(s->ptr, text, n) == 0);
}

void hw_string_free(hw_string *s) { hook_handler_string_free(s); }

/* ======================================================================
 * hw_buf
 * ==================================================================== */

static void buf_reserve(hw_buf *b, size_t extra) {
    if (extra > SIZE_MAX - b->len - 1) abort();
    size_t need = b->len + extra + 1; /* + NUL */
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 32;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    b->ptr = hw_realloc(b->ptr, cap);
    b->cap = cap;
}

void hw_buf_put(hw_buf *b, const void *bytes, size_t len) {
    buf_reserve(b, len);
    if (len) memcpy(b->ptr + b->len, bytes, len);
    b->len += len;
    b->ptr[b->len] = '\0';
}

void hw_buf_puts(hw_buf *b, const char *text) { hw_buf_put(b, text, strlen(text)); }

void hw_buf_putc(hw_buf *b, char c) { hw_buf_put(b, &c, 1); }

void hw_buf_vprintf(hw_buf *b, const char *format, va_list args) {
    va_list again;
    va_copy(again, args);
    int n = vsnprintf(NULL, 0, format, args);
    if (n < 0) abort();
    buf_reserve(b, (size_t)n);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, format, again);
    va_end(again);
    b->len += (size_t)n;
}

void hw_buf_printf(hw_buf *b, const char *format, ...) {
    va_list args;
    va_start(args, format);
    hw_buf_vprintf(b, format, args);
    va_end(args);
}

const char *hw_buf_cstr(const hw_buf *b) { return b->ptr ? b->ptr : ""; }

void hw_buf_clear(hw_buf *b) {
    b->len = 0;
    if (b->ptr) b->ptr[0] = '\0';
}

hw_string hw_buf_take(hw_buf *b) {
    hw_string out = {NULL, 0};
    if (b->len > 0) {
        out.ptr = (uint8_t *)b->ptr; /* keeps its spare capacity: free() does not mind */
        out.len = b->len;
    } else {
        free(b->ptr);
    }
    *b = HW_BUF_INIT;
    return out;
}

void hw_buf_free(hw_buf *b) {
    free(b->ptr);
    *b = HW_BUF_INIT;
}

static const char HEX_LOWER[] = "0123456789abcdef";

void hw_buf_put_json_string(hw_buf *b, const char *s, size_t len) {
    hw_buf_putc(b, '"');
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\f': esc = "\\f"; break;
        case '\r': esc = "\\r"; break;
        default:
            if (c >= 0x20) continue;
        }
        hw_buf_put(b, s + start, i - start);
        if (esc) {
            hw_buf_puts(b, esc);
        } else {
            char u[6] = {'\\', 'u', '0', '0', HEX_LOWER[c >> 4], HEX_LOWER[c & 15]};
            hw_buf_put(b, u, sizeof u);
        }
        start = i + 1;
    }
    hw_buf_put(b, s + start, len - start);
    hw_buf_putc(b, '"');
}

static bool rust_escapes(uint32_t cp) {
    size_t lo = 0, hi = sizeof RUST_DEBUG_ESCAPED / sizeof RUST_DEBUG_ESCAPED[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < RUST_DEBUG_ESCAPED[mid][0]) hi = mid;
        else if (cp > RUST_DEBUG_ESCAPED[mid][1]) lo = mid + 1;
        else return true;
    }
    return false;
}

/* Length of the UTF-8 sequence at s[0] (1 for a stray byte) and its code point. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp) {
    size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
    if (n > len) n = 1;
    uint32_t c = n == 1 ? s[0] : (uint32_t)(s[0] & (0x7f >> n));
    for (size_t k = 1; k < n; k++) c = (c << 6) | (s[k] & 0x3f);
    *cp = c;
    return n;
}

void hw_buf_put_debug_string(hw_buf *b, const char *s, size_t len) {
    const unsigned char *u = (const unsigned char *)s;
    hw_buf_putc(b, '"');
    size_t i = 0;
    while (i < len) {
        const char *esc = NULL;
        switch (u[i]) {
        case '\0': esc = "\\0"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        default: break;
        }
        if (esc) {
            hw_buf_puts(b, esc);
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(u + i, len - i, &cp);
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && rust_escapes(cp))) hw_buf_printf(b, "\\u{%x}", (unsigned)cp);
        else hw_buf_put(b, s + i, n);
        i += n;
    }
    hw_buf_putc(b, '"');
}

void hw_buf_put_pointer_token(hw_buf *b, const char *s, size_t len) {
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '~' && s[i] != '/') continue;
        hw_buf_put(b, s + start, i - start);
        hw_buf_puts(b, s[i] == '~' ? "~0" : "~1");
        start = i + 1;
    }
    hw_buf_put(b, s + start, len - start);
}

/* ======================================================================
 * Logging and settings
 * ==================================================================== */

void hw_log_bytes(hw_level level, const char *message, size_t len) {
    hw_string m = {(uint8_t *)message, len}; /* borrowed: imports do not take ownership */
    hookwarden_inline_hook_log_log(level, &m);
}

void hw_log(hw_level level, const char *format, ...) {
    hw_buf b = HW_BUF_INIT;
    va_list args;
    va_start(args, format);
    hw_buf_vprintf(&b, format, args);
    va_end(args);
    hw_log_bytes(level, hw_buf_cstr(&b), b.len);
    hw_buf_free(&b);
}

bool hw_setting_get(const char *key, hw_string *value) {
    hw_string k = {(uint8_t *)key, strlen(key)};
    if (hookwarden_inline_hook_settings_get(&k, value)) return true;
    /* the generated function leaves *ret undefined for `none` */
    value->ptr = NULL;
    value->len = 0;
    return false;
}

void hw_settings_list(hw_settings *list) { hookwarden_inline_hook_settings_entries(list); }

void hw_settings_free(hw_settings *list) {
    hook_handler_list_tuple2_string_string_free(list);
    list->ptr = NULL;
    list->len = 0;
}

/* ======================================================================
 * JSON
 * ==================================================================== */

bool hw_json_parse(const char *text, size_t len, hw_json *out, hw_buf *error) {
    yyjson_read_err err;
    /* yyjson does not write to the input without YYJSON_READ_INSITU. */
    out->doc = yyjson_read_opts((char *)(uintptr_t)text, len, YYJSON_READ_NUMBER_AS_RAW, NULL, &err);
    if (!out->doc) {
        if (err.code == YYJSON_READ_ERROR_MEMORY_ALLOCATION) abort();
        out->root = NULL;
        hw_buf_printf(error, "%s at byte %zu", err.msg ? err.msg : "invalid JSON", err.pos);
        return false;
    }
    out->root = yyjson_doc_get_root(out->doc);
    return true;
}

void hw_json_free(hw_json *json) {
    yyjson_doc_free(json->doc);
    json->doc = NULL;
    json->root = NULL;
}

yyjson_val *hw_json_getn(yyjson_val *obj, const char *key, size_t key_len) {
    if (!yyjson_is_obj(obj)) return NULL;
    yyjson_val *found = NULL, *k, *v;
    yyjson_obj_iter it = yyjson_obj_iter_with(obj);
    while ((k = yyjson_obj_iter_next(&it))) {
        v = yyjson_obj_iter_get_val(k);
        if (yyjson_equals_strn(k, key, key_len)) found = v;
    }
    return found;
}

yyjson_val *hw_json_get(yyjson_val *obj, const char *key) {
    return hw_json_getn(obj, key, strlen(key));
}

yyjson_val *hw_json_path(yyjson_val *v, ...) {
    va_list keys;
    va_start(keys, v);
    const char *key;
    while (v && (key = va_arg(keys, const char *))) v = hw_json_get(v, key);
    va_end(keys);
    return v;
}

/* --- numbers, the serde_json way ---------------------------------------
 * serde_json 1.0 (without its float_roundtrip feature, which Hookwarden
 * does not enable) reads a number as u64 if it is a non-negative integer
 * that fits, as i64 if it is a negative integer that fits (but -0 is a
 * float), and otherwise as f64 computed as (double)significand, then ONE
 * multiplication or division by an exact power of ten. That is fast but
 * may be one unit in the last place off the correctly rounded value;
 * mirroring it here is what makes the C examples' JSON text identical to
 * the Rust ones'. Significand digits past 2^64 are dropped, not rounded. */

static const double POW10[309] = {
    1e0,   1e1,   1e2,   1e3,   1e4,   1e5,   1e6,   1e7,   1e8,   1e9,   1e10,  1e11,  1e12,
    1e13,  1e14,  1e15,  1e16,  1e17,  1e18,  1e19,  1e20,  1e21,  1e22,  1e23,  1e24,  1e25,
    1e26,  1e27,  1e28,  1e29,  1e30,  1e31,  1e32,  1e33,  1e34,  1e35,  1e36,  1e37,  1e38,
    1e39,  1e40,  1e41,  1e42,  1e43,  1e44,  1e45,  1e46,  1e47,  1e48,  1e49,  1e50,  1e51,
    1e52,  1e53,  1e54,  1e55,  1e56,  1e57,  1e58,  1e59,  1e60,  1e61,  1e62,  1e63,  1e64,
    1e65,  1e66,  1e67,  1e68,  1e69,  1e70,  1e71,  1e72,  1e73,  1e74,  1e75,  1e76,  1e77,
    1e78,  1e79,  1e80,  1e81,  1e82,  1e83,  1e84,  1e85,  1e86,  1e87,  1e88,  1e89,  1e90,
    1e91,  1e92,  1e93,  1e94,  1e95,  1e96,  1e97,  1e98,  1e99,  1e100, 1e101, 1e102, 1e103,
    1e104, 1e105, 1e106, 1e107, 1e108, 1e109, 1e110, 1e111, 1e112, 1e113, 1e114, 1e115, 1e116,
    1e117, 1e118, 1e119, 1e120, 1e121, 1e122, 1e123, 1e124, 1e125, 1e126, 1e127, 1e128, 1e129,
    1e130, 1e131, 1e132, 1e133, 1e134, 1e135, 1e136, 1e137, 1e138, 1e139, 1e140, 1e141, 1e142,
    1e143, 1e144, 1e145, 1e146, 1e147, 1e148, 1e149, 1e150, 1e151, 1e152, 1e153, 1e154, 1e155,
    1e156, 1e157, 1e158, 1e159, 1e160, 1e161, 1e162, 1e163, 1e164, 1e165, 1e166, 1e167, 1e168,
    1e169, 1e170, 1e171, 1e172, 1e173, 1e174, 1e175, 1e176, 1e177, 1e178, 1e179, 1e180, 1e181,
    1e182, 1e183, 1e184, 1e185, 1e186, 1e187, 1e188, 1e189, 1e190, 1e191, 1e192, 1e193, 1e194,
    1e195, 1e196, 1e197, 1e198, 1e199, 1e200, 1e201, 1e202, 1e203, 1e204, 1e205, 1e206, 1e207,
    1e208, 1e209, 1e210, 1e211, 1e212, 1e213, 1e214, 1e215, 1e216, 1e217, 1e218, 1e219, 1e220,
    1e221, 1e222, 1e223, 1e224, 1e225, 1e226, 1e227, 1e228, 1e229, 1e230, 1e231, 1e232, 1e233,
    1e234, 1e235, 1e236, 1e237, 1e238, 1e239, 1e240, 1e241, 1e242, 1e243, 1e244, 1e245, 1e246,
    1e247, 1e248, 1e249, 1e250, 1e251, 1e252, 1e253, 1e254, 1e255, 1e256, 1e257, 1e258, 1e259,
    1e260, 1e261, 1e262, 1e263, 1e264, 1e265, 1e266, 1e267, 1e268, 1e269, 1e270, 1e271, 1e272,
    1e273, 1e274, 1e275, 1e276, 1e277, 1e278, 1e279, 1e280, 1e281, 1e282, 1e283, 1e284, 1e285,
    1e286, 1e287, 1e288, 1e289, 1e290, 1e291, 1e292, 1e293, 1e294, 1e295, 1e296, 1e297, 1e298,
    1e299, 1e300, 1e301, 1e302, 1e303, 1e304, 1e305, 1e306, 1e307, 1e308,
};

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* serde_json's overflow! check: would a * 10 + d exceed max? */
static bool u64_overflows(uint64_t a, unsigned d) {
    return a >= UINT64_MAX / 10 && (a > UINT64_MAX / 10 || d > UINT64_MAX % 10);
}

hw_number hw_parse_number(const char *s, size_t len) {
    hw_number n = {HW_NUMBER_NOT_A_NUMBER, 0, 0, 0.0};
    const char *end = s + len;
    bool positive = true;
    if (s < end && *s == '-') positive = false, s++;
    if (s >= end || !is_digit(*s)) return n;
    uint64_t sig = 0;
    int64_t exp = 0; /* kept within int32 like serde_json's, see below */
    bool is_float = false;
    if (*s == '0') {
        s++;
    } else {
        while (s < end && is_digit(*s)) {
            unsigned d = (unsigned)(*s - '0');
            if (u64_overflows(sig, d)) { /* a long integer: drop the rest */
                is_float = true;
                while (s < end && is_digit(*s)) s++, exp++;
                break;
            }
            sig = sig * 10 + d;
            s++;
        }
    }
    if (s < end && *s == '.') {
        is_float = true;
        s++;
        bool overflowed = false;
        while (s < end && is_digit(*s)) {
            unsigned d = (unsigned)(*s - '0');
            if (!overflowed && u64_overflows(sig, d)) overflowed = true;
            if (!overflowed) sig = sig * 10 + d, exp--;
            s++;
        }
    }
    if (s < end && (*s == 'e' || *s == 'E')) {
        is_float = true;
        s++;
        bool positive_exp = true;
        if (s < end && (*s == '+' || *s == '-')) positive_exp = *s++ == '+';
        int32_t e = 0;
        bool e_overflowed = false;
        while (s < end && is_digit(*s)) {
            int32_t d = *s - '0';
            if (!e_overflowed && e >= INT32_MAX / 10 && (e > INT32_MAX / 10 || d > INT32_MAX % 10))
                e_overflowed = true;
            if (!e_overflowed) e = e * 10 + d;
            s++;
        }
        if (e_overflowed) {
            if (sig != 0 && positive_exp) {
                n.kind = HW_NUMBER_OUT_OF_RANGE;
            } else {
                n.kind = HW_NUMBER_F64;
                n.f64 = positive ? 0.0 : -0.0;
            }
            return n;
        }
        exp = positive_exp ? exp + e : exp - e; /* saturating, as serde_json's */
        if (exp > INT32_MAX) exp = INT32_MAX;
        if (exp < INT32_MIN) exp = INT32_MIN;
    }
    if (s != end) return n; /* not a number after all */
    if (!is_float) {
        if (positive) {
            n.kind = HW_NUMBER_U64;
            n.u64 = sig;
            return n;
        }
        if (sig != 0 && sig <= (uint64_t)INT64_MAX + 1) {
            n.kind = HW_NUMBER_I64;
            n.i64 = sig == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)sig;
            return n;
        }
        n.kind = HW_NUMBER_F64; /* -0, or below -2^63 */
        n.f64 = -(double)sig;
        return n;
    }
    double f = (double)sig;
    int32_t e32 = (int32_t)exp;
    for (;;) {
        uint32_t a = e32 < 0 ? 0u - (uint32_t)e32 : (uint32_t)e32;
        if (a <= 308) {
            if (e32 >= 0) {
                f *= POW10[a];
                if (isinf(f)) {
                    n.kind = HW_NUMBER_OUT_OF_RANGE;
                    return n;
                }
            } else {
                f /= POW10[a];
            }
            break;
        }
        if (f == 0.0) break;
        if (e32 >= 0) {
            n.kind = HW_NUMBER_OUT_OF_RANGE;
            return n;
        }
        f /= 1e308;
        e32 += 308;
    }
    n.kind = HW_NUMBER_F64;
    n.f64 = positive ? f : -f;
    return n;
}

hw_number hw_json_number(yyjson_val *v) {
    if (yyjson_is_raw(v)) return hw_parse_number(yyjson_get_raw(v), yyjson_get_len(v));
    hw_number n = {HW_NUMBER_NOT_A_NUMBER, 0, 0, 0.0};
    if (yyjson_is_uint(v)) n.kind = HW_NUMBER_U64, n.u64 = yyjson_get_uint(v);
    else if (yyjson_is_sint(v)) n.kind = HW_NUMBER_I64, n.i64 = yyjson_get_sint(v);
    else if (yyjson_is_real(v)) n.kind = HW_NUMBER_F64, n.f64 = yyjson_get_real(v);
    if (n.kind == HW_NUMBER_I64 && n.i64 >= 0) n.kind = HW_NUMBER_U64, n.u64 = (uint64_t)n.i64;
    return n;
}

/* The shortest decimal digits that read back as `d` (finite, > 0), and
   among several the closest to `d`: what serde_json's float writer (zmij)
   picks. yyjson's writer picks the same digits (checked against an exact
   printf/strtod search on 2 million doubles, powers of two and subnormals
   included) but lays them out differently (1e100, 1e21 threshold), so only
   the digits are taken from it. `digits` gets no leading or trailing zeros;
   returns their count and sets *sci so that d = d.ddd... x 10^sci. */
static int shortest_digits(double d, hw_buf *digits, int *sci) {
    yyjson_val v;
    memset(&v, 0, sizeof v);
    yyjson_set_real(&v, d);
    size_t len = 0;
    char *text = yyjson_val_write(&v, YYJSON_WRITE_NOFLAG, &len);
    if (!text) abort(); /* out of memory */
    /* text: int[.frac][e[-]exp], e.g. 0.00123, 1234.5, 1.5e-7, 1e100 */
    hw_buf_clear(digits);
    size_t i = 0, point = SIZE_MAX;
    for (; i < len && text[i] != 'e' && text[i] != 'E'; i++) {
        if (text[i] == '.') point = digits->len;
        else hw_buf_putc(digits, text[i]);
    }
    if (point == SIZE_MAX) point = digits->len;
    int exp10 = i < len ? atoi(text + i + 1) : 0;
    free(text);
    size_t lead = 0, end = digits->len;
    while (lead + 1 < end && digits->ptr[lead] == '0') lead++;
    while (end > lead + 1 && digits->ptr[end - 1] == '0') end--;
    memmove(digits->ptr, digits->ptr + lead, end - lead);
    digits->len = end - lead;
    digits->ptr[digits->len] = '\0';
    *sci = (int)point - (int)lead - 1 + exp10;
    return (int)digits->len;
}

/* serde_json's layout (zmij's, for f64): plain digits for decimal
   exponents -5 to 15, 1234e7 -> 12340000000.0, 1234e-2 -> 12.34,
   1234e-6 -> 0.001234; otherwise 1e+30, 1.234e+33, 1.5e-7. */
static void put_f64(hw_buf *b, double d) {
    if (!isfinite(d)) { /* serde_json writes non-finite floats as null */
        hw_buf_puts(b, "null");
        return;
    }
    if (signbit(d)) hw_buf_putc(b, '-'), d = -d;
    if (d == 0) {
        hw_buf_puts(b, "0.0");
        return;
    }
    hw_buf digits = HW_BUF_INIT;
    int e, n = shortest_digits(d, &digits, &e);
    const char *dig = digits.ptr;
    if (e >= -5 && e <= 15) {
        if (n - 1 <= e) {
            hw_buf_put(b, dig, (size_t)n);
            for (int i = n; i <= e; i++) hw_buf_putc(b, '0');
            hw_buf_puts(b, ".0");
        } else if (e >= 0) {
            hw_buf_put(b, dig, (size_t)e + 1);
            hw_buf_putc(b, '.');
            hw_buf_puts(b, dig + e + 1);
        } else {
            hw_buf_puts(b, "0.");
            for (int i = 0; i < -e - 1; i++) hw_buf_putc(b, '0');
            hw_buf_puts(b, dig);
        }
    } else {
        hw_buf_putc(b, dig[0]);
        if (n > 1) {
            hw_buf_putc(b, '.');
            hw_buf_puts(b, dig + 1);
        }
        hw_buf_printf(b, "e%c%d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    }
    hw_buf_free(&digits);
}

void hw_buf_put_number(hw_buf *b, hw_number n) {
    switch (n.kind) {
    case HW_NUMBER_U64: hw_buf_printf(b, "%llu", (unsigned long long)n.u64); break;
    case HW_NUMBER_I64: hw_buf_printf(b, "%lld", (long long)n.i64); break;
    case HW_NUMBER_F64: put_f64(b, n.f64); break;
    default: hw_buf_puts(b, "null"); break;
    }
}

/* Writes `v` with yyjson's writer, after two adjustments so the text is
   exactly serde_json's:
    1. numbers (raw text, see hw_json_parse) are replaced for the write by
       their serde_json form (hw_buf_put_number), then restored;
    2. yyjson writes \u escapes with uppercase hex (\u001F), serde_json
       with lowercase (\u001f): the output is lowercased after each "\u".
   Everything else already agrees: compact, members in document order,
   only `"` `\` and control characters escaped, \b \t \n \f \r short, no
   escaping of `/` or non-ASCII. */
typedef struct saved_raw {
    yyjson_val *val;
    const char *raw;
    size_t len;
    size_t offset; /* of the replacement in the arena */
    size_t new_len;
} saved_raw;

void hw_buf_put_json(hw_buf *b, yyjson_val *v) {
    if (!v) {
        hw_buf_puts(b, "null");
        return;
    }
    /* An immutable yyjson document keeps its values in one array, in
       document order; a container's descendants follow it up to
       unsafe_yyjson_get_next (yyjson doc/DataStructure.md). */
    yyjson_val *end = unsafe_yyjson_get_next(v);
    hw_buf arena = HW_BUF_INIT;
    saved_raw *saved = NULL;
    size_t n_saved = 0, cap_saved = 0;
    for (yyjson_val *p = v; p < end; p++) {
        if (!yyjson_is_raw(p)) continue;
        size_t offset = arena.len;
        hw_buf_put_number(&arena, hw_json_number(p));
        if (arena.len - offset == yyjson_get_len(p) &&
            memcmp(arena.ptr + offset, yyjson_get_raw(p), arena.len - offset) == 0) {
            arena.len = offset; /* already in serde_json's form */
            continue;
        }
        if (n_saved == cap_saved) {
            cap_saved = cap_saved ? cap_saved * 2 : 8;
            saved = hw_realloc(saved, cap_saved * sizeof *saved);
        }
        saved[n_saved++] = (saved_raw){p, yyjson_get_raw(p), yyjson_get_len(p), offset,
                                       arena.len - offset};
    }
    /* The arena no longer moves: point the values into it. */
    for (size_t i = 0; i < n_saved; i++)
        yyjson_set_raw(saved[i].val, arena.ptr + saved[i].offset, saved[i].new_len);

    size_t len = 0;
    yyjson_write_err err;
    char *text = yyjson_val_write_opts(v, YYJSON_WRITE_NOFLAG, NULL, &len, &err);

    for (size_t i = 0; i < n_saved; i++) yyjson_set_raw(saved[i].val, saved[i].raw, saved[i].len);
    free(saved);
    hw_buf_free(&arena);
    if (!text) abort(); /* out of memory: strings read by yyjson are valid UTF-8 */

    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '\\') continue;
        if (i + 5 < len && text[i + 1] == 'u') {
            hw_buf_put(b, text + start, i + 2 - start);
            for (size_t j = i + 2; j < i + 6; j++)
                hw_buf_putc(b, (char)(text[j] >= 'A' && text[j] <= 'F' ? text[j] - 'A' + 'a' : text[j]));
            i += 5;
            start = i + 1;
        } else {
            i++; /* skip the escaped character: it may be a backslash */
        }
    }
    hw_buf_put(b, text + start, len - start);
    free(text);
}

/* ======================================================================
 * Requests
 * ==================================================================== */

bool hw_request_expect(const hw_request *request, const char *event_type, hw_string *err) {
    if (hw_string_eq(&request->event_type, event_type)) return true;
    hw_buf b = HW_BUF_INIT;
    hw_buf_printf(&b, "expected a `%s` request, got eventType `", event_type);
    hw_buf_put(&b, request->event_type.ptr, request->event_type.len);
    hw_buf_putc(&b, '`');
    *err = hw_buf_take(&b);
    return false;
}

bool hw_request_data(const hw_request *request, hw_json *data, hw_string *err) {
    hw_buf why = HW_BUF_INIT;
    hw_buf_puts(&why, "data: ");
    if (hw_json_parse((const char *)request->data.ptr, request->data.len, data, &why)) {
        hw_buf_free(&why);
        return true;
    }
    *err = hw_buf_take(&why);
    return false;
}

/* --- the token hook's data model ---------------------------------------
 * The Rust SDK deserializes `data` with serde into typed structs
 * (guest-sdk/src/data/token.rs and mod.rs) and fails the call if a member
 * it models has the wrong JSON type. The table below is that model, so a C
 * handler accepts and refuses exactly the same requests. serde's rules:
 *  - unknown members are ignored; a known member given twice is an error;
 *  - a struct is read from an object, or from an array of its members in
 *    declaration order (missing trailing ones take their defaults, extra
 *    ones are an error); a struct that is not an Option refuses null;
 *  - Option<T> accepts null (= absent) or a T;
 *  - null_as_default maps and lists accept null as empty;
 *  - a u64 must be a JSON integer 0..=2^64-1 (no fraction, no exponent);
 *  - serde_json::Value accepts anything but a number out of f64 range.
 */

typedef enum field_kind {
    F_STRING,     /* Option<String> */
    F_BOOL,       /* Option<bool> */
    F_U64,        /* Option<u64> */
    F_VALUE,      /* Option<Value> */
    F_MAP,        /* Map<String, Value>, null = empty */
    F_STRINGS,    /* Vec<String>, null = empty */
    F_STRUCT,     /* a struct (not optional) */
    F_OPT_STRUCT, /* Option<struct> */
    F_STRUCT_MAP, /* BTreeMap<String, struct>, null = empty */
} field_kind;

typedef struct shape shape;
typedef struct field {
    const char *name;
    field_kind kind;
    const shape *of; /* for the struct kinds */
} field;
struct shape {
    const char *name;
    const field *fields;
    size_t count;
};

#define SHAPE(var, rust_name, ...)                                                        \
    static const field var##_fields[] = {__VA_ARGS__};                                    \
    static const shape var = {rust_name, var##_fields, sizeof var##_fields / sizeof(field)}

SHAPE(SCOPE, "Scope", {"id", F_STRING, NULL}, {"action", F_STRING, NULL});
SHAPE(LIFETIME, "Lifetime", {"expiration", F_U64, NULL});
SHAPE(TOKEN_INFO, "TokenInfo", {"lifetime", F_OPT_STRUCT, &LIFETIME});
SHAPE(IDENTITY_TOKEN, "IdentityToken", {"claims", F_MAP, NULL},
      {"token", F_STRUCT, &TOKEN_INFO});
SHAPE(ACCESS_TOKEN, "AccessToken", {"claims", F_MAP, NULL}, {"token", F_STRUCT, &TOKEN_INFO},
      {"scopes", F_STRUCT_MAP, &SCOPE});
SHAPE(REFRESH_TOKEN, "RefreshToken", {"jti", F_STRING, NULL});
SHAPE(URL, "Url", {"value", F_STRING, NULL});
SHAPE(REQUEST_CONTEXT, "RequestContext", {"id", F_STRING, NULL}, {"method", F_STRING, NULL},
      {"url", F_OPT_STRUCT, &URL}, {"ipAddress", F_STRING, NULL});
SHAPE(OAUTH_REQUEST, "OAuthRequest", {"client_id", F_STRING, NULL},
      {"grant_type", F_STRING, NULL}, {"redirect_uri", F_STRING, NULL},
      {"response_mode", F_STRING, NULL}, {"response_type", F_STRING, NULL},
      {"scope", F_STRING, NULL}, {"state", F_STRING, NULL});
SHAPE(ISSUER, "Issuer", {"id", F_STRING, NULL}, {"name", F_STRING, NULL},
      {"uri", F_STRING, NULL});
SHAPE(OAUTH_CLIENT, "OAuthClient", {"id", F_STRING, NULL}, {"name", F_STRING, NULL},
      {"type", F_STRING, NULL});
SHAPE(OAUTH_PROTOCOL, "OAuthProtocol", {"type", F_STRING, NULL},
      {"request", F_OPT_STRUCT, &OAUTH_REQUEST}, {"issuer", F_OPT_STRUCT, &ISSUER},
      {"client", F_OPT_STRUCT, &OAUTH_CLIENT}, {"OriginalGrant", F_VALUE, NULL});
SHAPE(SESSION_IDP, "SessionIdp", {"id", F_STRING, NULL}, {"type", F_STRING, NULL});
SHAPE(SESSION, "Session", {"id", F_STRING, NULL}, {"userId", F_STRING, NULL},
      {"login", F_STRING, NULL}, {"createdAt", F_STRING, NULL}, {"expiresAt", F_STRING, NULL},
      {"status", F_STRING, NULL}, {"lastPasswordVerification", F_STRING, NULL},
      {"lastFactorVerification", F_STRING, NULL}, {"amr", F_STRINGS, NULL},
      {"idp", F_OPT_STRUCT, &SESSION_IDP}, {"mfaActive", F_BOOL, NULL});
SHAPE(USER, "User", {"id", F_STRING, NULL}, {"passwordChanged", F_STRING, NULL},
      {"profile", F_MAP, NULL}, {"_links", F_VALUE, NULL});
SHAPE(POLICY_RULE, "PolicyRule", {"id", F_STRING, NULL});
SHAPE(TOKEN_POLICY, "TokenPolicy", {"id", F_STRING, NULL},
      {"rule", F_OPT_STRUCT, &POLICY_RULE});
SHAPE(TOKEN_CONTEXT, "TokenContext", {"request", F_OPT_STRUCT, &REQUEST_CONTEXT},
      {"protocol", F_OPT_STRUCT, &OAUTH_PROTOCOL}, {"session", F_OPT_STRUCT, &SESSION},
      {"user", F_OPT_STRUCT, &USER}, {"policy", F_OPT_STRUCT, &TOKEN_POLICY});
SHAPE(TOKEN_DATA, "TokenData", {"context", F_STRUCT, &TOKEN_CONTEXT},
      {"identity", F_OPT_STRUCT, &IDENTITY_TOKEN}, {"access", F_OPT_STRUCT, &ACCESS_TOKEN},
      {"refresh_token", F_OPT_STRUCT, &REFRESH_TOKEN});

/* Where a check failed, for the message: a stack of member names. */
typedef struct where {
    const struct where *up;
    const char *name;
    size_t index; /* for array elements when name is NULL */
} where;

static void put_where(hw_buf *b, const where *w) {
    if (!w) return;
    put_where(b, w->up);
    if (w->name) {
        if (w->up) hw_buf_putc(b, '.');
        hw_buf_puts(b, w->name);
    } else {
        hw_buf_printf(b, "[%zu]", w->index);
    }
}

static bool fail_struct(hw_buf *why, const where *w, const char *expected, const char *rust_type) {
    hw_buf_puts(why, "data");
    if (w) hw_buf_putc(why, '.');
    put_where(why, w);
    hw_buf_printf(why, ": expected %s", expected);
    if (rust_type) hw_buf_printf(why, " (struct %s)", rust_type);
    return false;
}

static bool fail(hw_buf *why, const where *w, const char *expected) {
    return fail_struct(why, w, expected, NULL);
}

/* serde_json refuses a number out of f64 range wherever it builds a Value. */
static bool check_value(yyjson_val *v, const where *w, hw_buf *why) {
    yyjson_val *end = unsafe_yyjson_get_next(v);
    for (yyjson_val *p = v; p < end; p++)
        if (yyjson_is_raw(p) && hw_json_number(p).kind == HW_NUMBER_OUT_OF_RANGE)
            return fail(why, w, "a number in range (number out of range)");
    return true;
}

static bool check_struct(yyjson_val *v, const shape *s, const where *w, hw_buf *why);

static bool check_field(yyjson_val *v, const field *f, const where *w, hw_buf *why) {
    bool null = yyjson_is_null(v);
    switch (f->kind) {
    case F_STRING:
        return null || yyjson_is_str(v) || fail(why, w, "a string or null");
    case F_BOOL:
        return null || yyjson_is_bool(v) || fail(why, w, "a boolean or null");
    case F_U64:
        return null || hw_json_number(v).kind == HW_NUMBER_U64 ||
               fail(why, w, "an integer 0 to 2^64-1, or null");
    case F_VALUE:
        return check_value(v, w, why);
    case F_MAP:
        if (null) return true;
        return (yyjson_is_obj(v) || fail(why, w, "an object or null")) && check_value(v, w, why);
    case F_STRINGS: {
        if (null) return true;
        if (!yyjson_is_arr(v)) return fail(why, w, "an array of strings or null");
        size_t i, n;
        yyjson_val *item;
        yyjson_arr_foreach(v, i, n, item) {
            where here = {w, NULL, i};
            if (!yyjson_is_str(item)) return fail(why, &here, "a string");
        }
        return true;
    }
    case F_OPT_STRUCT:
        return null || check_struct(v, f->of, w, why);
    case F_STRUCT:
        return check_struct(v, f->of, w, why);
    case F_STRUCT_MAP: {
        if (null) return true;
        if (!yyjson_is_obj(v)) return fail(why, w, "an object or null");
        size_t i, n;
        yyjson_val *key, *item;
        yyjson_obj_foreach(v, i, n, key, item) {
            where here = {w, yyjson_get_str(key), 0};
            if (!check_struct(item, f->of, &here, why)) return false;
        }
        return true;
    }
    }
    return false;
}

static bool check_struct(yyjson_val *v, const shape *s, const where *w, hw_buf *why) {
    if (yyjson_is_arr(v)) {
        if (yyjson_arr_size(v) > s->count)
            return fail_struct(why, w, "at most as many array items as members", s->name);
        size_t i, n;
        yyjson_val *item;
        yyjson_arr_foreach(v, i, n, item) {
            where here = {w, s->fields[i].name, 0};
            if (!check_field(item, &s->fields[i], &here, why)) return false;
        }
        return true;
    }
    if (!yyjson_is_obj(v)) return fail_struct(why, w, "an object or array", s->name);
    uint32_t seen = 0; /* no model struct has more than 32 members */
    size_t i, n;
    yyjson_val *key, *item;
    yyjson_obj_foreach(v, i, n, key, item) {
        for (size_t f = 0; f < s->count; f++) {
            if (!yyjson_equals_str(key, s->fields[f].name)) continue;
            where here = {w, s->fields[f].name, 0};
            if (seen & (1u << f)) return fail(why, &here, "no duplicate member");
            seen |= 1u << f;
            if (!check_field(item, &s->fields[f], &here, why)) return false;
        }
    }
    return true;
}

/* The member `name` of a model struct read from an object or an array. */
static yyjson_val *member(yyjson_val *v, const shape *s, const char *name) {
    if (yyjson_is_obj(v)) return hw_json_get(v, name);
    for (size_t f = 0; f < s->count; f++)
        if (strcmp(s->fields[f].name, name) == 0) return yyjson_arr_get(v, f);
    return NULL;
}

static yyjson_val *non_null(yyjson_val *v) { return yyjson_is_null(v) ? NULL : v; }

bool hw_token_data_read(yyjson_val *data, hw_token_data *out, hw_string *err) {
    hw_buf why = HW_BUF_INIT;
    *out = (hw_token_data){NULL, NULL, NULL, NULL};
    if (!yyjson_is_obj(data)) {
        fail(&why, NULL, "an object");
        *err = hw_buf_take(&why);
        return false;
    }
    if (!check_struct(data, &TOKEN_DATA, NULL, &why)) {
        *err = hw_buf_take(&why);
        return false;
    }
    hw_buf_free(&why);
    out->context = non_null(member(data, &TOKEN_DATA, "context"));
    out->identity = non_null(member(data, &TOKEN_DATA, "identity"));
    out->access = non_null(member(data, &TOKEN_DATA, "access"));
    yyjson_val *user = out->context ? non_null(member(out->context, &TOKEN_CONTEXT, "user")) : NULL;
    out->profile = user ? non_null(member(user, &USER, "profile")) : NULL;
    return true;
}

/* ======================================================================
 * Templates (guest-sdk/src/template.rs)
 * ==================================================================== */

hw_template_result hw_template_render(const char *template, size_t len, yyjson_val *profile,
                                      hw_buf *out, hw_buf *error) {
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && template[j] != '{' && template[j] != '}') j++;
        hw_buf_put(out, template + i, j - i);
        if (j == len) break;
        char brace = template[j];
        if (j + 1 < len && template[j + 1] == brace) { /* `{{` or `}}` */
            hw_buf_putc(out, brace);
            i = j + 2;
            continue;
        }
        if (brace == '}') { /* a lone `}` is kept */
            hw_buf_putc(out, '}');
            i = j + 1;
            continue;
        }
        const char *name = template + j + 1;
        const char *close = memchr(name, '}', len - (j + 1));
        if (!close || close == name) {
            hw_buf_printf(error, "malformed template: %s `%s` in ", close ? "empty" : "unclosed",
                          close ? "{}" : "{");
            hw_buf_put_debug_string(error, template, len);
            return HW_TEMPLATE_MALFORMED;
        }
        size_t name_len = (size_t)(close - name);
        yyjson_val *v = hw_json_getn(profile, name, name_len);
        if (!v || yyjson_is_null(v)) {
            hw_buf_puts(error, "the profile has no attribute `");
            hw_buf_put(error, name, name_len);
            hw_buf_putc(error, '`');
            return HW_TEMPLATE_MISSING_ATTRIBUTE;
        }
        if (yyjson_is_str(v)) hw_buf_put(out, yyjson_get_str(v), yyjson_get_len(v));
        else hw_buf_put_json(out, v);
        i = (size_t)(close - template) + 1;
    }
    return HW_TEMPLATE_OK;
}

/* ======================================================================
 * Patches
 * ==================================================================== */

static void patch_push(hw_patch *p, hookwarden_inline_hook_types_patch_op_t op, hw_buf *path,
                       const char *value_json, size_t value_len, bool has_value) {
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4;
        p->ptr = hw_realloc(p->ptr, p->cap * sizeof *p->ptr);
    }
    hw_patch_operation *o = &p->ptr[p->len++];
    o->op = op;
    o->path = hw_buf_take(path);
    o->value.is_some = has_value;
    o->value.val = has_value ? hw_string_copy(value_json, value_len) : (hw_string){NULL, 0};
}

void hw_buf_put_claim_path(hw_buf *b, const char *name, size_t name_len) {
    hw_buf_puts(b, "/claims/");
    hw_buf_put_pointer_token(b, name, name_len);
}

void hw_patch_add(hw_patch *p, const char *path, const char *value_json, size_t value_len) {
    hw_buf b = HW_BUF_INIT;
    hw_buf_puts(&b, path);
    patch_push(p, HOOKWARDEN_INLINE_HOOK_TYPES_PATCH_OP_ADD, &b, value_json, value_len, true);
}

void hw_patch_replace(hw_patch *p, const char *path, const char *value_json, size_t value_len) {
    hw_buf b = HW_BUF_INIT;
    hw_buf_puts(&b, path);
    patch_push(p, HOOKWARDEN_INLINE_HOOK_TYPES_PATCH_OP_REPLACE, &b, value_json, value_len, true);
}

void hw_patch_remove(hw_patch *p, const char *path) {
    hw_buf b = HW_BUF_INIT;
    hw_buf_puts(&b, path);
    patch_push(p, HOOKWARDEN_INLINE_HOOK_TYPES_PATCH_OP_REMOVE, &b, NULL, 0, false);
}

void hw_patch_add_claim(hw_patch *p, const char *name, size_t name_len, const char *value_json,
                        size_t value_len) {
    hw_buf b = HW_BUF_INIT;
    hw_buf_put_claim_path(&b, name, name_len);
    patch_push(p, HOOKWARDEN_INLINE_HOOK_TYPES_PATCH_OP_ADD, &b, value_json, value_len, true);
}

void hw_patch_add_claim_string(hw_patch *p, const char *name, size_t name_len, const char *text,
                               size_t text_len) {
    hw_buf value = HW_BUF_INIT;
    hw_buf_put_json_string(&value, text, text_len);
    hw_patch_add_claim(p, name, name_len, value.ptr, value.len);
    hw_buf_free(&value);
}

void hw_patch_replace_claim(hw_patch *p, const char *name, size_t name_len,
                            const char *value_json, size_t value_len) {
    hw_buf b = HW_BUF_INIT;
    hw_buf_put_claim_path(&b, name, name_len);
    patch_push(p, HOOKWARDEN_INLINE_HOOK_TYPES_PATCH_OP_REPLACE, &b, value_json, value_len, true);
}

void hw_patch_remove_claim(hw_patch *p, const char *name, size_t name_len) {
    hw_buf b = HW_BUF_INIT;
    hw_buf_put_claim_path(&b, name, name_len);
    patch_push(p, HOOKWARDEN_INLINE_HOOK_TYPES_PATCH_OP_REMOVE, &b, NULL, 0, false);
}

void hw_patch_set_lifetime(hw_patch *p, uint32_t seconds) {
    hw_buf value = HW_BUF_INIT;
    hw_buf_printf(&value, "%u", (unsigned)seconds);
    hw_patch_replace(p, HW_LIFETIME_PATH, value.ptr, value.len);
    hw_buf_free(&value);
}

void hw_patch_free(hw_patch *p) {
    for (size_t i = 0; i < p->len; i++) hookwarden_inline_hook_types_patch_operation_free(&p->ptr[i]);
    free(p->ptr);
    *p = HW_PATCH_INIT;
}

/* ======================================================================
 * The answer
 * ==================================================================== */

/* Lists in the answer carry no capacity: grow to powers of two. */
static void *grow(void *ptr, size_t len, size_t size) {
    if (len == 0) return hw_malloc(size);
    if ((len & (len - 1)) == 0) return hw_realloc(ptr, 2 * len * size);
    return ptr;
}

void hw_response_push(hw_response *r, hw_command command) {
    r->commands.ptr = grow(r->commands.ptr, r->commands.len, sizeof command);
    r->commands.ptr[r->commands.len++] = command;
}

static void push_patch(hw_response *r, uint8_t tag, hw_patch *patch) {
    if (patch->len == 0) {
        hw_patch_free(patch);
        return;
    }
    hw_command c = {.tag = tag};
    hookwarden_inline_hook_types_list_patch_operation_t ops = {patch->ptr, patch->len};
    switch (tag) {
    case HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_IDENTITY_PATCH: c.val.identity_patch = ops; break;
    case HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_ACCESS_PATCH: c.val.access_patch = ops; break;
    default: c.val.assertion_patch = ops; break;
    }
    *patch = HW_PATCH_INIT; /* moved */
    hw_response_push(r, c);
}

void hw_response_identity_patch(hw_response *r, hw_patch *patch) {
    push_patch(r, HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_IDENTITY_PATCH, patch);
}

void hw_response_access_patch(hw_response *r, hw_patch *patch) {
    push_patch(r, HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_ACCESS_PATCH, patch);
}

void hw_response_assertion_patch(hw_response *r, hw_patch *patch) {
    push_patch(r, HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_ASSERTION_PATCH, patch);
}

void hw_response_registration(hw_response *r, bool allow) {
    hw_command c = {.tag = HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_ACTION_UPDATE};
    c.val.action_update.tag = HOOKWARDEN_INLINE_HOOK_TYPES_ACTION_UPDATE_REGISTRATION;
    c.val.action_update.val.registration = allow ? HOOKWARDEN_INLINE_HOOK_TYPES_REGISTRATION_ACTION_ALLOW
                                                 : HOOKWARDEN_INLINE_HOOK_TYPES_REGISTRATION_ACTION_DENY;
    hw_response_push(r, c);
}

void hw_response_raw(hw_response *r, const char *type, const char *value_json) {
    hw_command c = {.tag = HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_RAW};
    c.val.raw.type = hw_string_from(type);
    c.val.raw.value = hw_string_from(value_json);
    hw_response_push(r, c);
}

static hook_handler_option_string_t opt(const char *s) {
    hook_handler_option_string_t o = {s != NULL, {NULL, 0}};
    if (s) o.val = hw_string_from(s);
    return o;
}

void hw_response_error(hw_response *r, const char *summary) {
    hookwarden_inline_hook_types_option_hook_error_free(&r->error);
    r->error.is_some = true;
    r->error.val.error_summary = opt(summary);
    r->error.val.error_causes.ptr = NULL;
    r->error.val.error_causes.len = 0;
}

void hw_response_error_cause(hw_response *r, const char *summary, const char *reason,
                             const char *location_type, const char *location,
                             const char *domain) {
    if (!r->error.is_some) hw_response_error(r, summary);
    hookwarden_inline_hook_types_list_error_cause_t *causes = &r->error.val.error_causes;
    causes->ptr = grow(causes->ptr, causes->len, sizeof *causes->ptr);
    causes->ptr[causes->len++] = (hookwarden_inline_hook_types_error_cause_t){
        opt(summary), opt(reason), opt(location_type), opt(location), opt(domain)};
}

void hw_response_debug_context(hw_response *r, const char *json) {
    hook_handler_option_string_free(&r->debug_context);
    r->debug_context = opt(json);
}

void hw_response_free(hw_response *r) {
    hookwarden_inline_hook_types_response_free(r);
    *r = HW_RESPONSE_INIT;
}
