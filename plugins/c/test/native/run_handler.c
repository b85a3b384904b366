/*
 * Runs a C handler natively on one request, as the host would:
 *
 *   run_handler REQUEST.json [KEY=VALUE...]
 *
 * builds the WIT request from Okta's envelope (data re-serialised compactly,
 * as the host does), calls exports_hook_handler_handle with owned (malloc'ed)
 * arguments, prints what it answered as one JSON line
 *   {"ok": true, "response": {...}, "logs": [...]}  or
 *   {"ok": false, "error": "...", "logs": [...]}
 * and frees the answer with the generated free functions, as the generated
 * post-return function does in the component. Built with AddressSanitizer,
 * a leak, double free or use after free makes it fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_host.h"
#include "hookwarden.h"

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    hw_buf b = HW_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) hw_buf_put(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.ptr; /* NUL-terminated by hw_buf */
}

static hw_string member(yyjson_val *obj, const char *key, const char *fallback) {
    yyjson_val *v = hw_json_get(obj, key);
    if (yyjson_is_str(v)) return hw_string_copy(yyjson_get_str(v), yyjson_get_len(v));
    return hw_string_from(fallback);
}

/* A version member as the host passes it: a string as is, a number as its
   JSON text (`1` -> "1", `0.1` -> "0.1"). */
static hw_string version(yyjson_val *obj, const char *key, const char *fallback) {
    yyjson_val *v = hw_json_get(obj, key);
    if (yyjson_is_num(v)) {
        hw_buf text = HW_BUF_INIT;
        hw_buf_put_json(&text, v);
        return hw_buf_take(&text);
    }
    return member(obj, key, fallback);
}

static void put_string(hw_buf *out, const hw_string *s) {
    hw_buf_put_json_string(out, (const char *)s->ptr, s->len);
}

static void put_option(hw_buf *out, const hook_handler_option_string_t *o) {
    if (o->is_some) put_string(out, &o->val);
    else hw_buf_puts(out, "null");
}

static const char *COMMANDS[] = {"identity-patch", "access-patch", "assertion-patch",
                                 "app-user-profile-update", "user-profile-update",
                                 "progressive-profile-update", "action-update", "user-update",
                                 "telephony-action", "raw"};

static void put_response(hw_buf *out, const hw_response *r) {
    hw_buf_puts(out, "{\"commands\":[");
    for (size_t i = 0; i < r->commands.len; i++) {
        const hw_command *c = &r->commands.ptr[i];
        hw_buf_printf(out, "%s{\"tag\":\"%s\"", i ? "," : "", COMMANDS[c->tag]);
        switch (c->tag) {
        case HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_IDENTITY_PATCH:
        case HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_ACCESS_PATCH:
        case HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_ASSERTION_PATCH: {
            const hookwarden_inline_hook_types_list_patch_operation_t *ops = &c->val.identity_patch;
            hw_buf_puts(out, ",\"ops\":[");
            for (size_t j = 0; j < ops->len; j++) {
                static const char *OPS[] = {"add", "replace", "remove"};
                hw_buf_printf(out, "%s{\"op\":\"%s\",\"path\":", j ? "," : "", OPS[ops->ptr[j].op]);
                put_string(out, &ops->ptr[j].path);
                hw_buf_puts(out, ",\"value\":");
                put_option(out, &ops->ptr[j].value);
                hw_buf_putc(out, '}');
            }
            hw_buf_putc(out, ']');
            break;
        }
        case HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_ACTION_UPDATE:
            hw_buf_printf(out, ",\"kind\":%d,\"value\":%d", c->val.action_update.tag,
                          c->val.action_update.val.registration);
            break;
        case HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_RAW:
            hw_buf_puts(out, ",\"type\":");
            put_string(out, &c->val.raw.type);
            hw_buf_puts(out, ",\"value\":");
            put_string(out, &c->val.raw.value);
            break;
        case HOOKWARDEN_INLINE_HOOK_TYPES_COMMAND_TELEPHONY_ACTION:
            break;
        default: /* the string-valued commands */
            hw_buf_puts(out, ",\"value\":");
            put_string(out, &c->val.user_update);
            break;
        }
        hw_buf_putc(out, '}');
    }
    hw_buf_puts(out, "],\"error\":");
    if (r->error.is_some) {
        hw_buf_puts(out, "{\"errorSummary\":");
        put_option(out, &r->error.val.error_summary);
        hw_buf_puts(out, ",\"errorCauses\":[");
        for (size_t i = 0; i < r->error.val.error_causes.len; i++) {
            const hookwarden_inline_hook_types_error_cause_t *e = &r->error.val.error_causes.ptr[i];
            hw_buf_puts(out, i ? ",{\"errorSummary\":" : "{\"errorSummary\":");
            put_option(out, &e->error_summary);
            hw_buf_puts(out, ",\"reason\":");
            put_option(out, &e->reason);
            hw_buf_puts(out, ",\"locationType\":");
            put_option(out, &e->location_type);
            hw_buf_puts(out, ",\"location\":");
            put_option(out, &e->location);
            hw_buf_puts(out, ",\"domain\":");
            put_option(out, &e->domain);
            hw_buf_putc(out, '}');
        }
        hw_buf_puts(out, "]}");
    } else {
        hw_buf_puts(out, "null");
    }
    hw_buf_puts(out, ",\"debugContext\":");
    put_option(out, &r->debug_context);
    hw_buf_putc(out, '}');
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s REQUEST.json [KEY=VALUE...]\n", argv[0]);
        return 2;
    }
    size_t len;
    char *text = read_file(argv[1], &len);
    hw_json envelope;
    hw_buf why = HW_BUF_INIT;
    if (!hw_json_parse(text, len, &envelope, &why)) {
        fprintf(stderr, "%s: %s\n", argv[1], hw_buf_cstr(&why));
        return 2;
    }
    hw_buf_free(&why);

    /* The request, owned by the handler, as the generated glue passes it. */
    hw_request request;
    yyjson_val *root = envelope.root;
    request.event_type = member(root, "eventType", "");
    request.event_type_version = version(root, "eventTypeVersion", "1.0");
    request.cloud_event_version = version(root, "cloudEventVersion", "0.1");
    request.content_type = member(root, "contentType", "application/json");
    request.event_id = member(root, "eventId", "");
    request.event_time = member(root, "eventTime", "");
    request.source = member(root, "source", "");
    yyjson_val *rt = hw_json_get(root, "requestType");
    request.request_type.is_some = yyjson_is_str(rt);
    request.request_type.val = request.request_type.is_some ? member(root, "requestType", "")
                                                            : (hw_string){NULL, 0};
    hw_buf data = HW_BUF_INIT;
    hw_buf_put_json(&data, hw_json_get(root, "data"));
    request.data = hw_buf_take(&data);
    hw_json_free(&envelope);
    free(text);

    /* Settings: KEY=VALUE arguments, split at the first '='. */
    size_t n = (size_t)argc - 2;
    const char **settings = calloc(2 * n + 1, sizeof *settings);
    char **copies = calloc(n + 1, sizeof *copies);
    if (!settings || !copies) abort();
    for (size_t i = 0; i < n; i++) {
        size_t arg_len = strlen(argv[2 + i]);
        copies[i] = hw_malloc(arg_len + 1);
        memcpy(copies[i], argv[2 + i], arg_len + 1);
        char *eq = strchr(copies[i], '=');
        if (!eq) {
            fprintf(stderr, "not KEY=VALUE: %s\n", argv[2 + i]);
            return 2;
        }
        *eq = '\0';
        settings[2 * i] = copies[i];
        settings[2 * i + 1] = eq + 1;
    }
    fake_host_reset(settings);

    hw_response response;
    hw_string err;
    bool ok = exports_hook_handler_handle(&request, &response, &err);

    hw_buf out = HW_BUF_INIT;
    if (ok) {
        hw_buf_puts(&out, "{\"ok\":true,\"response\":");
        put_response(&out, &response);
        hook_handler_response_free(&response); /* what cabi_post_handle does */
    } else {
        hw_buf_puts(&out, "{\"ok\":false,\"error\":");
        put_string(&out, &err);
        hook_handler_string_free(&err);
    }
    hw_buf_puts(&out, ",\"logs\":[");
    size_t count;
    const fake_log_line *logs = fake_host_logs(&count);
    static const char *LEVELS[] = {"trace", "debug", "info", "warn", "error"};
    for (size_t i = 0; i < count; i++) {
        hw_buf_printf(&out, "%s{\"level\":\"%s\",\"message\":", i ? "," : "", LEVELS[logs[i].level]);
        hw_buf_put_json_string(&out, logs[i].message, logs[i].len);
        hw_buf_putc(&out, '}');
    }
    hw_buf_puts(&out, "]}\n");
    fwrite(out.ptr, 1, out.len, stdout);
    hw_buf_free(&out);
    fake_host_free_logs();
    for (size_t i = 0; i < n; i++) free(copies[i]);
    free(copies);
    free(settings);
    return 0;
}
