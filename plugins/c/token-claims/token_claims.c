/*
 * token-claims (C): a token hook that adds claims to the access and ID
 * tokens, rendered from the user's profile. The same behaviour, answers and
 * log lines as the Rust example plugins/token-claims.
 *
 * Settings:
 *  - access.<claim> / identity.<claim>: a template for claim <claim> of the
 *    access / ID token, e.g. access.display_name = {firstName} {lastName}.
 *    Each {attr} becomes data.context.user.profile.<attr> (strings as they
 *    are, other values as JSON text; {{ and }} are literal braces). The
 *    claim is added (add /claims/<claim>) only if Okta is minting that
 *    token; a template naming an attribute the profile lacks (or holds
 *    null) skips the claim with a warning.
 *  - access.lifetime: not a claim but the access token's lifetime in
 *    seconds (replace /token/lifetime/expiration), a whole number from 300
 *    to 86400; anything else is skipped with a warning.
 * Settings apply in key order. With nothing to add the answer is empty.
 */
#include <string.h>

#include "hookwarden.h"

/* Rust's str::trim: strips Unicode White_Space from both ends. */
static size_t white_space_at(const unsigned char *s, size_t len) {
    if (len == 0) return 0;
    if (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')) return 1;
    if (len >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0)) return 2;
    if (len >= 3 && s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) return 3; /* U+1680 */
    if (len >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
        (s[2] <= 0x8a || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
        return 3; /* U+2000..U+200A, U+2028, U+2029, U+202F */
    if (len >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) return 3; /* U+205F */
    if (len >= 3 && s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80) return 3; /* U+3000 */
    return 0;
}

static void trim(const char **s, size_t *len) {
    const unsigned char *p = (const unsigned char *)*s;
    size_t n = *len, w;
    while ((w = white_space_at(p, n)) > 0) p += w, n -= w;
    for (;;) { /* from the end: find a white space character ending at n */
        size_t back = 0;
        for (size_t k = 1; k <= 3 && k <= n && !back; k++)
            if (white_space_at(p + n - k, k) == k) back = k;
        if (!back) break;
        n -= back;
    }
    *s = (const char *)p;
    *len = n;
}

/* Rust's "<u32>::from_str" on the trimmed text: an optional '+', then
   ASCII digits, the value fitting in 32 bits. */
static bool parse_u32(const char *s, size_t len, uint32_t *out) {
    trim(&s, &len);
    if (len > 0 && s[0] == '+') s++, len--;
    if (len == 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > UINT32_MAX) return false;
    }
    *out = (uint32_t)v;
    return true;
}

bool exports_hook_handler_handle(hook_handler_request_t *request, hook_handler_response_t *ret,
                                 hook_handler_string_t *err) {
    hw_json data = HW_JSON_INIT;
    hw_token_data token;
    bool ok = hw_request_expect(request, HW_EVENT_TOKEN, err) &&
              hw_request_data(request, &data, err) && hw_token_data_read(data.root, &token, err);
    hook_handler_request_free(request); /* the request is ours to free */
    if (!ok) {
        hw_json_free(&data);
        return false;
    }

    hw_patch access = HW_PATCH_INIT, identity = HW_PATCH_INIT;
    hw_buf rendered = HW_BUF_INIT, why = HW_BUF_INIT;
    int added = 0;
    hw_settings settings;
    hw_settings_list(&settings);
    for (size_t i = 0; i < settings.len; i++) {
        const char *key = (const char *)settings.ptr[i].f0.ptr;
        size_t key_len = settings.ptr[i].f0.len;
        const char *value = (const char *)settings.ptr[i].f1.ptr;
        size_t value_len = settings.ptr[i].f1.len;

        const char *dot = key_len ? memchr(key, '.', key_len) : NULL;
        if (!dot) continue;
        size_t prefix_len = (size_t)(dot - key);
        const char *claim = dot + 1;
        size_t claim_len = key_len - prefix_len - 1;
        hw_patch *patch;
        bool minted;
        if (prefix_len == 6 && memcmp(key, "access", 6) == 0) {
            patch = &access;
            minted = token.access != NULL;
        } else if (prefix_len == 8 && memcmp(key, "identity", 8) == 0) {
            patch = &identity;
            minted = token.identity != NULL;
        } else {
            continue;
        }
        if (!minted || claim_len == 0) continue;

        if (key_len == 15 && memcmp(key, "access.lifetime", 15) == 0) {
            uint32_t seconds;
            if (parse_u32(value, value_len, &seconds) && seconds >= 300 && seconds <= 86400) {
                hw_patch_set_lifetime(patch, seconds);
            } else {
                hw_buf_clear(&why);
                hw_buf_puts(&why, "access.lifetime = ");
                hw_buf_put_debug_string(&why, value, value_len);
                hw_buf_puts(&why, " is not 300 to 86400 seconds; lifetime unchanged");
                hw_log_bytes(HW_WARN, why.ptr, why.len);
            }
            continue;
        }

        hw_buf_clear(&rendered);
        hw_buf_clear(&why);
        hw_buf_puts(&why, "claim `");
        hw_buf_put(&why, claim, claim_len);
        hw_buf_puts(&why, "` (");
        hw_buf_put(&why, key, key_len);
        hw_buf_puts(&why, ") skipped: ");
        if (hw_template_render(value, value_len, token.profile, &rendered, &why) == HW_TEMPLATE_OK) {
            hw_patch_add_claim_string(patch, claim, claim_len, rendered.ptr, rendered.len);
            added++;
        } else {
            hw_log_bytes(HW_WARN, why.ptr, why.len);
        }
    }
    hw_info("added %d claim(s)", added);

    *ret = HW_RESPONSE_INIT;
    hw_response_identity_patch(ret, &identity);
    hw_response_access_patch(ret, &access);

    hw_buf_free(&rendered);
    hw_buf_free(&why);
    hw_settings_free(&settings);
    hw_json_free(&data);
    return true;
}
