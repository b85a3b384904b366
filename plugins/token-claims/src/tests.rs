//! Native tests of the handler against the shared sample request.

use super::TokenClaims;
use hookwarden_guest::log::Level;
use hookwarden_guest::serde_json::{Value, json};
use hookwarden_guest::testing::{Run, run};
use hookwarden_guest::{HookType, Request};

const SAMPLE: &str = include_str!("../../../host/src/samples/token.json");

fn call(edit: impl FnOnce(&mut Value), settings: &[(&str, &str)]) -> Run {
    let mut body: Value = hookwarden_guest::serde_json::from_str(SAMPLE).unwrap();
    edit(&mut body);
    let request = Request::from_json(&body.to_string()).unwrap();
    assert_eq!(request.hook_type(), Some(HookType::Token));
    let run = run::<TokenClaims>(request, settings);
    // Every answer these tests see is one the host would send, by the
    // host's own rules (`testing::run` judges it as the host does).
    assert!(
        run.result.is_err() || run.is_accepted(),
        "{:#?}",
        run.findings()
    );
    run
}

#[test]
fn renders_claims_into_both_tokens_and_sets_the_lifetime() {
    let run = call(
        |_| {},
        &[
            ("access.display_name", "{firstName} {lastName}"),
            ("access.lifetime", "3600"),
            ("identity.locale_tag", "{locale}"),
            ("unrelated", "x"),
        ],
    );
    assert_eq!(
        run.okta_json(),
        json!({"commands": [
            {"type": "com.okta.identity.patch", "value": [
                {"op": "add", "path": "/claims/locale_tag", "value": "en_US"}
            ]},
            {"type": "com.okta.access.patch", "value": [
                {"op": "add", "path": "/claims/display_name", "value": "Isaac Brock"},
                {"op": "replace", "path": "/token/lifetime/expiration", "value": 3600}
            ]}
        ]})
    );
    assert_eq!(run.logs, [(Level::Info, "added 2 claim(s)".to_string())]);
}

#[test]
fn patches_only_tokens_being_minted() {
    let run = call(
        |body| {
            body["data"].as_object_mut().unwrap().remove("identity");
        },
        &[("access.a", "{login}"), ("identity.b", "{login}")],
    );
    let commands = &run.okta_json()["commands"];
    assert_eq!(commands.as_array().unwrap().len(), 1);
    assert_eq!(commands[0]["type"], "com.okta.access.patch");
}

#[test]
fn skips_claims_naming_missing_attributes_with_a_warning() {
    let run = call(|_| {}, &[("access.dept", "{department}")]);
    assert_eq!(run.okta_json(), json!({}));
    let warnings = run.logs_at(Level::Warn);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("`dept`"), "{warnings:?}");
    assert_eq!(run.logs_at(Level::Info), ["added 0 claim(s)"]);
}

#[test]
fn escapes_claim_names_and_renders_non_strings_as_json() {
    let run = call(
        |body| body["data"]["context"]["user"]["profile"]["level"] = json!(3),
        &[("access.https://example.com/level", "L{level}")],
    );
    assert_eq!(
        run.okta_json()["commands"][0]["value"],
        json!([{"op": "add", "path": "/claims/https:~1~1example.com~1level", "value": "L3"}])
    );
}

#[test]
fn ignores_a_lifetime_out_of_range() {
    for bad in ["10", "soon", "100000"] {
        let run = call(|_| {}, &[("access.lifetime", bad)]);
        assert_eq!(run.okta_json(), json!({}), "{bad}");
        assert_eq!(run.logs_at(Level::Warn).len(), 1, "{bad}");
    }
}

#[test]
fn no_settings_means_an_empty_answer() {
    assert_eq!(call(|_| {}, &[]).okta_json(), json!({}));
}
