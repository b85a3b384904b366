/*
 * Unit tests of the helper (hookwarden.c), built natively with
 * AddressSanitizer and UndefinedBehaviorSanitizer by run.sh. Expected texts
 * come from the Rust guest SDK (serde_json 1.0.154 with zmij, Rust 1.95's
 * {:?}), checked with the Rust token-claims component through
 * `hookwarden invoke`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_host.h"
#include "hookwarden.h"

static int passed, failed;

static void check_str(const char *what, const char *got, size_t got_len, const char *want) {
    if (got_len == strlen(want) && memcmp(got, want, got_len) == 0) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s\n  got:  %.*s\n  want: %s\n", what, (int)got_len, got, want);
}

static void check(const char *what, bool ok) {
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s\n", what);
    }
}

static void test_json_string(void) {
    hw_buf b = HW_BUF_INIT;
    const char s[] = "a\"b\\c/d\b\f\n\r\t\x01\x1f\x7f\0\xc3\xa9\xe2\x80\xa8";
    hw_buf_put_json_string(&b, s, sizeof s - 1);
    check_str("json string", b.ptr, b.len,
              "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\\u0000\xc3\xa9\xe2\x80\xa8\"");
    hw_buf_free(&b);
}

static void test_debug_string(void) {
    hw_buf b = HW_BUF_INIT;
    const char s[] = "\"1\\2\x01\x7f\xc2\x85\xc3\xa9\xc2\xad\t'\0\xcc\x81\xf0\x9f\x98\x80";
    hw_buf_put_debug_string(&b, s, sizeof s - 1);
    check_str("debug string", b.ptr, b.len,
              "\"\\\"1\\\\2\\u{1}\\u{7f}\\u{85}\xc3\xa9\\u{ad}\\t'\\0\\u{301}\xf0\x9f\x98\x80\"");
    hw_buf_free(&b);
}

static void test_pointer(void) {
    hw_buf b = HW_BUF_INIT;
    hw_buf_put_claim_path(&b, "https://example.com/a~b", 23);
    check_str("claim path", b.ptr, b.len, "/claims/https:~1~1example.com~1a~0b");
    hw_buf_free(&b);
}

static void test_numbers(void) {
    static const char *cases[][2] = {
        {"0", "0"},
        {"-0", "-0.0"},
        {"1.0", "1.0"},
        {"-0.0", "-0.0"},
        {"1e100", "1e+100"},
        {"1E15", "1000000000000000.0"},
        {"1e16", "1e+16"},
        {"0.00001", "0.00001"},
        {"0.000001", "1e-6"},
        {"1.5e-7", "1.5e-7"},
        {"12345678901234567890123", "1.2345678901234568e+22"},
        {"18446744073709551615", "18446744073709551615"},
        {"18446744073709551616", "1.8446744073709552e+19"},
        {"18446744073709551619.5", "1.8446744073709552e+19"},
        {"-9223372036854775808", "-9223372036854775808"},
        {"-9223372036854775809", "-9.223372036854776e+18"},
        {"9007199254740993", "9007199254740993"},
        {"5e-324", "5e-324"},
        {"1.7976931348623157e308", "1.7976931348623157e+308"},
        {"1e-400", "0.0"},
        {"-1e-400", "-0.0"},
        {"0e99999999999", "0.0"},
        {"1e-290", "9.999999999999999e-291"}, /* serde_json's one-multiply read */
        {"1.5432835417340557e88", "1.5432835417340556e+88"},
        {"3.14159265358979323846264338327950288", "3.141592653589793"},
        {"1e400", "null"},
        {"1e99999999999", "null"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hw_buf b = HW_BUF_INIT;
        hw_buf_put_number(&b, hw_parse_number(cases[i][0], strlen(cases[i][0])));
        check_str(cases[i][0], b.ptr, b.len, cases[i][1]);
        hw_buf_free(&b);
    }
    check("1e400 is out of range", hw_parse_number("1e400", 5).kind == HW_NUMBER_OUT_OF_RANGE);
    check("-1 is i64", hw_parse_number("-1", 2).kind == HW_NUMBER_I64);
    check("-0 is f64", hw_parse_number("-0", 2).kind == HW_NUMBER_F64);
    check("1.0 is f64", hw_parse_number("1.0", 3).kind == HW_NUMBER_F64);
    check("x is no number", hw_parse_number("x", 1).kind == HW_NUMBER_NOT_A_NUMBER);
}

static void test_render(void) {
    const char *text = "{\"a\":\"\\u001F\\u00e9\",\"b\":[1.0,-0,1e100,2],\"c\":{},\"a\":5,"
                       "\"d\":{\"e\":[true,false,null,\"x\\\"y\"]}}";
    hw_json j;
    hw_buf why = HW_BUF_INIT;
    check("parse", hw_json_parse(text, strlen(text), &j, &why));
    for (int round = 0; round < 2; round++) { /* rendering restores the document */
        hw_buf b = HW_BUF_INIT;
        hw_buf_put_json(&b, j.root);
        check_str("render", b.ptr, b.len,
                  "{\"a\":\"\\u001f\xc3\xa9\",\"b\":[1.0,-0.0,1e+100,2],\"c\":{},\"a\":5,"
                  "\"d\":{\"e\":[true,false,null,\"x\\\"y\"]}}");
        hw_buf_free(&b);
    }
    yyjson_val *b1 = yyjson_arr_get(hw_json_get(j.root, "b"), 1);
    check_str("raw kept", yyjson_get_raw(b1), yyjson_get_len(b1), "-0");
    check("duplicate keys: the last wins", hw_json_number(hw_json_get(j.root, "a")).u64 == 5);
    check("path", yyjson_is_arr(hw_json_path(j.root, "d", "e", NULL)));
    check("path to nothing", hw_json_path(j.root, "d", "x", "y", NULL) == NULL);
    hw_json_free(&j);
    check("bad JSON", !hw_json_parse("{\"a\":", 5, &j, &why) && why.len > 0);
    hw_buf_free(&why);
}

static void test_templates(void) {
    const char *profile = "{\"firstName\":\"Isaac\",\"level\":3,\"nick\":null,\"a{b\":\"brace\","
                          "\"tags\":[\"x\",1.50]}";
    hw_json p;
    hw_buf why = HW_BUF_INIT;
    check("parse profile", hw_json_parse(profile, strlen(profile), &p, &why));
    static const char *ok[][2] = {
        {"{firstName} L{level}", "Isaac L3"},
        {"{{x}} }} } alone", "{x} } } alone"},
        {"}{firstName}}}{{", "}Isaac}{"},
        {"{a{b}", "brace"},
        {"{tags}", "[\"x\",1.5]"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        hw_buf out = HW_BUF_INIT, err = HW_BUF_INIT;
        hw_template_result r = hw_template_render(ok[i][0], strlen(ok[i][0]), p.root, &out, &err);
        check(ok[i][0], r == HW_TEMPLATE_OK && err.len == 0);
        check_str(ok[i][0], hw_buf_cstr(&out), out.len, ok[i][1]);
        hw_buf_free(&out);
        hw_buf_free(&err);
    }
    static const char *bad[][2] = {
        {"{department}", "the profile has no attribute `department`"},
        {"{nick}", "the profile has no attribute `nick`"},
        {"x{firstName", "malformed template: unclosed `{` in \"x{firstName\""},
        {"x{}y", "malformed template: empty `{}` in \"x{}y\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hw_buf out = HW_BUF_INIT, err = HW_BUF_INIT;
        hw_template_result r = hw_template_render(bad[i][0], strlen(bad[i][0]), p.root, &out, &err);
        check(bad[i][0], r != HW_TEMPLATE_OK);
        check_str(bad[i][0], hw_buf_cstr(&err), err.len, bad[i][1]);
        hw_buf_free(&out);
        hw_buf_free(&err);
    }
    hw_buf out = HW_BUF_INIT, err = HW_BUF_INIT;
    check("no profile", hw_template_render("{x}", 3, NULL, &out, &err) ==
                            HW_TEMPLATE_MISSING_ATTRIBUTE);
    hw_buf_free(&out);
    hw_buf_free(&err);
    hw_json_free(&p);
}

/* Builds an answer with every helper, then frees it the way the generated
   post-return function would: AddressSanitizer reports any leak. */
static void test_response(void) {
    hw_response r = HW_RESPONSE_INIT;
    hw_patch p = HW_PATCH_INIT;
    hw_patch_add_claim_string(&p, "a/b", 3, "x\ny", 3);
    hw_patch_add_claim(&p, "n", 1, "[1,2]", 5);
    hw_patch_replace_claim(&p, "r", 1, "true", 4);
    hw_patch_remove_claim(&p, "gone", 4);
    hw_patch_add(&p, "/claims/list/-", "1", 1);
    hw_patch_set_lifetime(&p, 300);
    check("6 operations", p.len == 6);
    check_str("escaped path", (const char *)p.ptr[0].path.ptr, p.ptr[0].path.len, "/claims/a~1b");
    check_str("string value", (const char *)p.ptr[0].value.val.ptr, p.ptr[0].value.val.len,
              "\"x\\ny\"");
    check("remove has no value", !p.ptr[3].value.is_some);
    check_str("lifetime", (const char *)p.ptr[5].value.val.ptr, p.ptr[5].value.val.len, "300");
    hw_response_access_patch(&r, &p);
    check("patch moved", p.len == 0 && p.ptr == NULL);
    hw_patch empty = HW_PATCH_INIT;
    hw_response_identity_patch(&r, &empty);
    check("an empty patch adds nothing", r.commands.len == 1);
    hw_response_registration(&r, false);
    hw_response_raw(&r, "com.okta.user.profile.update", "{\"a\":1}");
    for (int i = 0; i < 5; i++) { /* grows past powers of two */
        hw_patch q = HW_PATCH_INIT;
        hw_patch_remove(&q, "/claims/x");
        hw_response_assertion_patch(&r, &q);
    }
    check("8 commands", r.commands.len == 8);
    hw_response_error(&r, "old");
    hw_response_error(&r, "Registration denied");
    for (int i = 0; i < 3; i++)
        hw_response_error_cause(&r, "Not allowed", "INVALID_EMAIL_DOMAIN", "body",
                                "data.userProfile.email", i ? NULL : "end-user");
    check("3 causes", r.error.val.error_causes.len == 3);
    check("optional left out", !r.error.val.error_causes.ptr[1].domain.is_some);
    hw_response_debug_context(&r, "{\"a\":1}");
    hw_response_debug_context(&r, "{\"b\":2}");
    hook_handler_response_free(&r);
    hw_response r2 = HW_RESPONSE_INIT;
    hw_response_error_cause(&r2, "headline too", NULL, NULL, NULL, NULL);
    check("cause without an error", r2.error.is_some && r2.error.val.error_causes.len == 1);
    hw_response_free(&r2);
    hw_response r3 = HW_RESPONSE_INIT;
    hw_response_error(&r3, NULL);
    hw_response_error_cause(&r3, "cause only", NULL, "cookie", NULL, NULL);
    check("error without summary", r3.error.is_some && !r3.error.val.error_summary.is_some);
    check("free-form location type", r3.error.val.error_causes.ptr[0].location_type.is_some);
    hw_response_free(&r3);
    hw_response r4 = HW_RESPONSE_INIT;
    hw_response_error_cause(&r4, NULL, "INVALID_EMAIL_DOMAIN", NULL, "data.userProfile.email", NULL);
    check("cause without summary", r4.error.is_some && !r4.error.val.error_summary.is_some &&
                                       r4.error.val.error_causes.len == 1 &&
                                       !r4.error.val.error_causes.ptr[0].error_summary.is_some &&
                                       r4.error.val.error_causes.ptr[0].reason.is_some);
    hw_response_free(&r4);
}

static void test_settings_and_log(void) {
    const char *settings[] = {"b", "2", "a", "1", "c", "", NULL};
    fake_host_reset(settings);
    hw_string v;
    check("get a", hw_setting_get("a", &v) && hw_string_eq(&v, "1"));
    hw_string_free(&v);
    check("get empty", hw_setting_get("c", &v) && v.len == 0);
    hw_string_free(&v);
    check("get missing", !hw_setting_get("zz", &v) && v.ptr == NULL && v.len == 0);
    hw_settings list;
    hw_settings_list(&list);
    check("sorted", list.len == 3 && hw_string_eq(&list.ptr[0].f0, "a") &&
                        hw_string_eq(&list.ptr[2].f0, "c"));
    hw_settings_free(&list);
    hw_info("added %d claim(s)", 2);
    hw_log_bytes(HW_WARN, "a\0b", 3);
    size_t n;
    const fake_log_line *logs = fake_host_logs(&n);
    check("2 lines", n == 2 && logs[0].level == HW_INFO && logs[1].level == HW_WARN);
    check_str("info", logs[0].message, logs[0].len, "added 2 claim(s)");
    check("bytes", logs[1].len == 3);
    fake_host_reset(NULL);
}

static void test_token_data(void) {
    static const char *good[] = {
        "{}",
        "{\"context\":{\"user\":[\"id\",null,{\"x\":1}]},\"identity\":[],\"access\":null}",
        "{\"context\":{\"session\":{\"amr\":null,\"mfaActive\":true}},\"access\":{\"scopes\":null,"
        "\"token\":{\"lifetime\":{\"expiration\":18446744073709551615}}},\"other\":1e999}",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        hw_json j;
        hw_buf why = HW_BUF_INIT;
        hw_token_data t;
        hw_string err = {NULL, 0};
        check(good[i], hw_json_parse(good[i], strlen(good[i]), &j, &why) &&
                           hw_token_data_read(j.root, &t, &err));
        if (err.len) printf("  %.*s\n", (int)err.len, (const char *)err.ptr);
        if (i == 1)
            check("array forms", t.identity && !t.access && yyjson_is_obj(t.profile));
        hw_string_free(&err);
        hw_buf_free(&why);
        hw_json_free(&j);
    }
    static const char *bad[] = {
        "{\"context\":null}",
        "{\"identity\":\"x\"}",
        "{\"identity\":[{},{},1]}",
        "{\"access\":{\"scopes\":{\"openid\":null}}}",
        "{\"access\":{\"token\":{\"lifetime\":{\"expiration\":-1}}}}",
        "{\"access\":{\"token\":{\"lifetime\":{\"expiration\":1.0}}}}",
        "{\"access\":{\"token\":{\"lifetime\":{\"expiration\":18446744073709551616}}}}",
        "{\"context\":{\"session\":{\"amr\":[1]}}}",
        "{\"context\":{\"user\":{\"profile\":{\"n\":1e999}}}}",
        "{\"context\":{\"user\":{\"id\":\"a\",\"id\":\"b\"}}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hw_json j;
        hw_buf why = HW_BUF_INIT;
        hw_token_data t;
        hw_string err = {NULL, 0};
        check(bad[i], hw_json_parse(bad[i], strlen(bad[i]), &j, &why) &&
                          !hw_token_data_read(j.root, &t, &err) && err.len > 0);
        hw_string_free(&err);
        hw_buf_free(&why);
        hw_json_free(&j);
    }
}

int main(void) {
    test_json_string();
    test_debug_string();
    test_pointer();
    test_numbers();
    test_render();
    test_templates();
    test_response();
    test_settings_and_log();
    test_token_data();
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
