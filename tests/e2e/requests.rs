//! What the hook endpoint does with requests it cannot or must not run.

use hookwarden::HookType;
use hookwarden::internals::HookStatus;
use hookwarden_tests::{HookOptions, TestServer, assert_okta_error, sample};
use serde_json::json;

async fn token_hook(server: &TestServer) -> String {
    server
        .hook(HookOptions::new(
            "token_claims",
            HookType::Token,
            &[("access.n", "{firstName}")],
        ))
        .await
        .id
}

#[tokio::test]
async fn a_missing_or_wrong_secret_is_refused_with_401() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let body = sample(HookType::Token).to_string().into_bytes();
    for secret in [None, Some("Basic wrong"), Some("")] {
        let answer = server.call_raw(&id, secret, body.clone()).await;
        assert_eq!(answer.status, 401, "secret {secret:?}");
        assert_okta_error(&answer.body, "E0000011");
    }
}

#[tokio::test]
async fn unknown_and_inactive_hooks_are_404_with_oktas_text() {
    let server = TestServer::start().await;
    let answer = server.call("calUnknown", &sample(HookType::Token)).await;
    assert_eq!(answer.status, 404);
    assert_okta_error(&answer.body, "E0000007");
    assert_eq!(
        answer.body["errorSummary"],
        "Not found: Resource not found: calUnknown (InlineHook)"
    );

    let id = token_hook(&server).await;
    server
        .registry
        .set_hook_status(&id, HookStatus::Inactive)
        .await
        .unwrap();
    assert_eq!(server.call(&id, &sample(HookType::Token)).await.status, 404);
    server
        .registry
        .set_hook_status(&id, HookStatus::Active)
        .await
        .unwrap();
    assert_eq!(server.call(&id, &sample(HookType::Token)).await.status, 200);
}

#[tokio::test]
async fn malformed_json_is_400_e0000003() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    for body in [&b"{\"eventType\": "[..], b"", b"\xff\xfe", b"[1,2]"] {
        let answer = server
            .call_raw(&id, Some(hookwarden_tests::SECRET), body.to_vec())
            .await;
        assert_eq!(answer.status, 400, "{body:?}");
        assert_okta_error(&answer.body, "E0000003");
    }
}

#[tokio::test]
async fn a_wrong_event_type_or_missing_field_is_400_e0000001_naming_it() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;

    let answer = server.call(&id, &sample(HookType::Saml)).await;
    assert_eq!(answer.status, 400);
    assert_okta_error(&answer.body, "E0000001");
    assert_eq!(
        answer.body["errorSummary"],
        "Api validation failed: eventType"
    );

    let mut no_data = sample(HookType::Token);
    no_data.as_object_mut().unwrap().remove("data");
    let answer = server.call(&id, &no_data).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body["errorCauses"][0]["errorSummary"],
        "data: is required"
    );
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let mut big = sample(HookType::Token);
    big["data"]["padding"] = json!("x".repeat(2 << 20));
    let answer = server.call(&id, &big).await;
    assert_eq!(answer.status, 413);
    assert_okta_error(&answer.body, "E0000001");
}

#[tokio::test]
async fn a_plugin_over_the_upload_limit_is_413_and_not_stored() {
    let server = TestServer::start_with(hookwarden::ServerConfig {
        max_plugin_bytes: 180 * 1024,
        ..Default::default()
    })
    .await;
    let big = hookwarden_tests::plugin_bytes("token_claims");
    assert!(big.len() > 180 * 1024);
    let (status, body) = server.upload(big).await;
    assert_eq!(status, 413, "{body}");
    assert_okta_error(&body, "E0000001");
    let (_, plugins) = server.api("GET", "/plugins", None).await;
    assert_eq!(plugins, json!([]));
    // Below the limit, uploads still work.
    let small = hookwarden_tests::plugin_bytes("registration_allowlist");
    assert!(small.len() < 180 * 1024);
    let (status, body) = server.upload(small).await;
    assert_eq!(status, 200, "{body}");
}
