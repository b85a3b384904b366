//! Where Okta's own documents are more lenient than Hookwarden once was
//! (issue 14): numeric versions and a missing `eventId` in the request, an
//! `error` and error causes without `errorSummary` and free-form
//! `locationType` in the answer, reserved claims per token, and plugins built against the
//! previous WIT (0.1.0) still running.

use hookwarden::HookType;
use hookwarden_tests::{HookOptions, TestServer, hook_body, plugin_bytes, sample};
use serde_json::{Value, json};

/// The token sample with Okta's OpenAPI-example versions (numbers) and
/// without `eventId`.
fn openapi_style_request() -> Value {
    let mut request = sample(HookType::Token);
    request["eventTypeVersion"] = json!(1);
    request["cloudEventVersion"] = json!(0.1);
    request.as_object_mut().unwrap().remove("eventId");
    request
}

#[tokio::test]
async fn numeric_versions_and_a_missing_event_id_reach_the_plugin_as_text() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new(
            "misbehave",
            HookType::Token,
            &[("mode", "envelope")],
        ))
        .await;
    let answer = server.call(&hook.id, &openapi_style_request()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let seen = &answer.body["debugContext"];
    assert_eq!(seen["eventTypeVersion"], "1", "{seen}");
    assert_eq!(seen["cloudEventVersion"], "0.1", "{seen}");
    assert_eq!(seen["eventId"], "", "{seen}");
    // Strings, and `null` for eventId, are accepted as before.
    let mut request = sample(HookType::Token);
    request["eventId"] = Value::Null;
    let answer = server.call(&hook.id, &request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["debugContext"]["eventTypeVersion"], "1.0");
}

#[tokio::test]
async fn a_request_without_event_id_is_never_replayed_and_journaled_without_one() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new("misbehave", HookType::Token, &[]))
        .await;
    let request = openapi_style_request();
    // The very same body twice: with an eventId the second would be a replay.
    for _ in 0..2 {
        let answer = server.call(&hook.id, &request).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.outcome.as_deref(), Some("ok"));
    }
    let (status, records) = server
        .api("GET", &format!("/logs?hookId={}", hook.id), None)
        .await;
    assert_eq!(status, 200, "{records}");
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 2, "{records:?}");
    for record in records {
        assert_eq!(record["replay"], false, "{record}");
        assert_eq!(record["eventId"], Value::Null, "{record}");
        assert_eq!(record["outcome"], "ok", "{record}");
    }
    // A request with an eventId is still replayed.
    let with_id = sample(HookType::Token);
    server.call(&hook.id, &with_id).await;
    server.call(&hook.id, &with_id).await;
    let event_id = with_id["eventId"].as_str().unwrap();
    let (_, kept) = server
        .api("GET", &format!("/logs?eventId={event_id}"), None)
        .await;
    let replays: Vec<bool> = kept
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["replay"].as_bool().unwrap())
        .collect();
    assert_eq!(replays.iter().filter(|r| **r).count(), 1, "{kept}");
}

#[tokio::test]
async fn errors_and_causes_without_summary_and_a_free_form_location_type_reach_okta() {
    let server = TestServer::start().await;
    for hook_type in [HookType::Token, HookType::Registration] {
        let hook = server
            .hook(HookOptions::new(
                "misbehave",
                hook_type,
                &[("mode", "no-summary")],
            ))
            .await;
        let answer = server.call(&hook.id, &sample(hook_type)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.outcome.as_deref(), Some("ok"), "{}", answer.body);
        assert_eq!(
            answer.body,
            json!({"error": {"errorCauses": [
                {"errorSummary": "no summary here", "locationType": "cookie"},
                {"reason": "NO_SUMMARY"}
            ]}}),
            "{hook_type}"
        );
    }
}

#[tokio::test]
async fn reserved_claims_are_checked_per_token() {
    let server = TestServer::start().await;
    let cases = [
        ("access.nonce", "ok"),
        ("identity.username", "ok"),
        ("identity.nonce", "invalid_answer"),
        ("access.username", "invalid_answer"),
    ];
    for (setting, outcome) in cases {
        let hook = server
            .hook(HookOptions::new(
                "token_claims",
                HookType::Token,
                &[(setting, "{login}")],
            ))
            .await;
        let answer = server.call(&hook.id, &sample(HookType::Token)).await;
        assert_eq!(answer.status, 200, "{setting}: {}", answer.body);
        assert_eq!(
            answer.outcome.as_deref(),
            Some(outcome),
            "{setting}: {}",
            answer.body
        );
        if outcome == "ok" {
            let claim = setting.split_once('.').unwrap().1;
            let op = &answer.body["commands"][0]["value"][0];
            assert_eq!(op["path"], format!("/claims/{claim}"), "{}", answer.body);
        } else {
            // The token hook's safe answer: no changes.
            assert!(answer.body.get("commands").is_none(), "{}", answer.body);
        }
    }
}

#[tokio::test]
async fn a_plugin_built_against_wit_0_1_is_uploaded_and_runs() {
    let server = TestServer::start().await;
    let (status, record) = server.upload(plugin_bytes("legacy_v01")).await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["world"], "hookwarden:inline-hook/hook-handler@0.1.0");
    let (status, current) = server.upload(plugin_bytes("misbehave")).await;
    assert_eq!(status, 200, "{current}");
    assert_eq!(
        current["world"],
        "hookwarden:inline-hook/hook-handler@0.2.0"
    );

    let plugin_id = record["id"].as_str().unwrap();
    let mut hooks = Vec::new();
    for settings in [json!({"claim": "era"}), json!({"deny": "true"})] {
        let body = hook_body("legacy", HookType::Token, plugin_id, settings);
        let (status, hook) = server.api("POST", "/inlineHooks", Some(&body)).await;
        assert_eq!(status, 200, "{hook}");
        hooks.push(hook["id"].as_str().unwrap().to_owned());
    }

    let mut request = openapi_style_request();
    request["eventId"] = json!("legacy-1");
    let answer = server.call(&hooks[0], &request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.outcome.as_deref(), Some("ok"), "{}", answer.body);
    assert_eq!(
        answer.body,
        json!({
            "commands": [{"type": "com.okta.access.patch", "value": [
                {"op": "add", "path": "/claims/era", "value": "0.1.0"}
            ]}],
            "debugContext": {"eventId": "legacy-1", "eventTypeVersion": "1", "cloudEventVersion": "0.1"}
        })
    );
    // Its log line and settings went through the 0.1.0 host API.
    let logged = server.record_of("legacy-1").await;
    assert_eq!(logged["logs"][0]["message"], "a 0.1.0 plugin was called");

    let answer = server.call(&hooks[1], &sample(HookType::Token)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body,
        json!({"error": {"errorSummary": "denied by a 0.1.0 plugin", "errorCauses": [
            {"errorSummary": "old world", "reason": "LEGACY", "locationType": "body"}
        ]}})
    );
}

#[tokio::test]
async fn a_legacy_plugin_survives_a_restart_from_the_compiled_code_cache() {
    let server = TestServer::start().await;
    let (status, record) = server.upload(plugin_bytes("legacy_v01")).await;
    assert_eq!(status, 200, "{record}");
    let body = hook_body(
        "legacy",
        HookType::Token,
        record["id"].as_str().unwrap(),
        json!({}),
    );
    let (status, hook) = server.api("POST", "/inlineHooks", Some(&body)).await;
    assert_eq!(status, 200, "{hook}");
    let hook = hook["id"].as_str().unwrap().to_owned();
    let dir = server.stop().await;
    let server = TestServer::start_in(dir).await;
    let answer = server.call(&hook, &sample(HookType::Token)).await;
    assert_eq!(answer.outcome.as_deref(), Some("ok"), "{}", answer.body);
    assert_eq!(
        answer.body["commands"][0]["value"][0]["path"],
        "/claims/legacy"
    );
    let (_, plugins) = server.api("GET", "/plugins", None).await;
    assert_eq!(
        plugins[0]["world"], "hookwarden:inline-hook/hook-handler@0.1.0",
        "{plugins}"
    );
}
