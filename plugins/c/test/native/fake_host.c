/*
 * A stand-in for the Hookwarden host, for native test builds of C handlers
 * (plugins/c/test/native/run.sh compiles everything for the build machine
 * with AddressSanitizer and UndefinedBehaviorSanitizer).
 *
 * The generated hook_handler.c is compiled natively too, so the handlers
 * use its real *_free functions; only its three import wrappers are
 * renamed away (-D...=generated_unused_...) and defined here instead. Like
 * the real host, the fake allocates what it returns with malloc: the
 * handler owns it.
 */
#include "fake_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char **fake_settings; /* key, value, key, value, ..., NULL */
static fake_log_line *fake_logs;
static size_t fake_log_count;

void fake_host_reset(const char **settings) {
    fake_host_free_logs();
    fake_settings = settings;
}

const fake_log_line *fake_host_logs(size_t *count) {
    *count = fake_log_count;
    return fake_logs;
}

void fake_host_free_logs(void) {
    for (size_t i = 0; i < fake_log_count; i++) free(fake_logs[i].message);
    free(fake_logs);
    fake_logs = NULL;
    fake_log_count = 0;
}

static hook_handler_string_t owned(const char *s) {
    hook_handler_string_t out = {NULL, strlen(s)};
    if (out.len) {
        out.ptr = malloc(out.len);
        if (!out.ptr) abort();
        memcpy(out.ptr, s, out.len);
    }
    return out;
}

void hookwarden_inline_hook_log_log(hookwarden_inline_hook_log_level_t level,
                                    hook_handler_string_t *message) {
    fake_logs = realloc(fake_logs, (fake_log_count + 1) * sizeof *fake_logs);
    if (!fake_logs) abort();
    char *copy = malloc(message->len + 1);
    if (!copy) abort();
    if (message->len) memcpy(copy, message->ptr, message->len);
    copy[message->len] = '\0';
    fake_logs[fake_log_count++] = (fake_log_line){level, copy, message->len};
}

bool hookwarden_inline_hook_settings_get(hook_handler_string_t *key, hook_handler_string_t *ret) {
    for (const char **s = fake_settings; s && *s; s += 2) {
        if (strlen(s[0]) == key->len && memcmp(s[0], key->ptr, key->len) == 0) {
            *ret = owned(s[1]);
            return true;
        }
    }
    return false; /* like the generated code, *ret is left alone */
}

static int by_key(const void *a, const void *b) {
    const hook_handler_tuple2_string_string_t *x = a, *y = b;
    size_t n = x->f0.len < y->f0.len ? x->f0.len : y->f0.len;
    int c = n ? memcmp(x->f0.ptr, y->f0.ptr, n) : 0;
    return c ? c : (x->f0.len > y->f0.len) - (x->f0.len < y->f0.len);
}

void hookwarden_inline_hook_settings_entries(hook_handler_list_tuple2_string_string_t *ret) {
    size_t n = 0;
    for (const char **s = fake_settings; s && *s; s += 2) n++;
    ret->len = n;
    ret->ptr = NULL;
    if (!n) return;
    ret->ptr = malloc(n * sizeof *ret->ptr);
    if (!ret->ptr) abort();
    for (size_t i = 0; i < n; i++) {
        ret->ptr[i].f0 = owned(fake_settings[2 * i]);
        ret->ptr[i].f1 = owned(fake_settings[2 * i + 1]);
    }
    qsort(ret->ptr, n, sizeof *ret->ptr, by_key); /* sorted by key, as the host sends them */
}

/* Referenced by the generated code; only meaningful in a wasm build. */
void __component_type_object_force_link_hook_handler(void) {}
void __wasm_import_hookwarden_inline_hook_log_log(int32_t level, uint8_t *ptr, size_t len) {
    (void)level, (void)ptr, (void)len;
    abort();
}
void __wasm_import_hookwarden_inline_hook_settings_get(uint8_t *ptr, size_t len, uint8_t *ret) {
    (void)ptr, (void)len, (void)ret;
    abort();
}
void __wasm_import_hookwarden_inline_hook_settings_entries(uint8_t *ret) {
    (void)ret;
    abort();
}
