//! Hostile requests over HTTP: deep nesting, invalid UTF-8, wrong content
//! types, odd ids, header injection through settings and headers. Each gets
//! a clear answer (an Okta error object where the API answers), stored data
//! is unchanged, and the server keeps serving.

use hookwarden::HookType;
use hookwarden_tests::{
    ADMIN_TOKEN, AUTH_HEADER, HookOptions, SECRET, TestServer, assert_okta_error, hook_body,
    plugin_bytes, sample,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends `bytes` as the raw HTTP request and returns the status line's code.
async fn raw_http(server: &TestServer, request: &[u8]) -> u16 {
    let address = server.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = vec![0; 1024];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("the server answered")
        .unwrap();
    let head = String::from_utf8_lossy(&answer[..n]);
    head.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// POSTs `body` with `content_type` to `path` (under the server) with
/// `authorization`.
async fn post(
    server: &TestServer,
    path: &str,
    authorization: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", server.base))
        .header("Authorization", authorization)
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header("Content-Type", content_type);
    }
    hookwarden_tests::into_status_and_json(request.send().await.unwrap()).await
}

/// A token hook with the test secret; returns its id.
async fn token_hook(server: &TestServer) -> String {
    server
        .hook(HookOptions::new(
            "token_claims",
            HookType::Token,
            &[("access.a", "{login}")],
        ))
        .await
        .id
}

async fn still_serving(server: &TestServer, id: &str) {
    let answer = server.call(id, &sample(HookType::Token)).await;
    assert_eq!(answer.outcome.as_deref(), Some("ok"), "{:?}", answer.body);
}

#[tokio::test]
async fn malformed_bodies_get_oktas_errors_on_both_endpoints() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let admin = format!("SSWS {ADMIN_TOKEN}");
    let deep = "[".repeat(100_000).into_bytes();
    let mut bad_utf8 =
        br#"{"eventType":"com.okta.oauth2.tokens.transform","eventId":"e","data":{"x":""#.to_vec();
    bad_utf8.extend_from_slice(&[0xff, 0xfe, b'"', b'}', b'}']);
    let bodies: [(&str, Vec<u8>); 4] = [
        ("deep nesting", deep),
        ("invalid UTF-8", bad_utf8),
        ("not JSON", b"\x00\x01\x02garbage".to_vec()),
        ("empty", Vec::new()),
    ];
    for (what, body) in &bodies {
        let (status, answer) = post(
            &server,
            &format!("/hooks/{id}"),
            SECRET,
            Some("application/json"),
            body.clone(),
        )
        .await;
        assert_eq!(status, 400, "hook call, {what}: {answer}");
        assert_okta_error(&answer, "E0000003");
        let (status, answer) = post(
            &server,
            "/api/v1/inlineHooks",
            &admin,
            Some("application/json"),
            body.clone(),
        )
        .await;
        assert_eq!(status, 400, "admin API, {what}: {answer}");
        assert_eq!(answer["errorLink"], answer["errorCode"], "{answer}");
    }
    // Nothing was created; the hook still answers.
    let (_, hooks) = server.api("GET", "/inlineHooks", None).await;
    assert_eq!(hooks.as_array().unwrap().len(), 1);
    still_serving(&server, &id).await;
}

#[tokio::test]
async fn wrong_content_types_are_refused_where_the_type_matters() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let admin = format!("SSWS {ADMIN_TOKEN}");
    let body = hook_body("x", HookType::Token, "sha256:none", json!({}))
        .to_string()
        .into_bytes();
    for content_type in [Some("text/plain"), Some("application/wasm"), None] {
        let (status, answer) = post(
            &server,
            "/api/v1/inlineHooks",
            &admin,
            content_type,
            body.clone(),
        )
        .await;
        assert_eq!(status, 415, "{content_type:?}: {answer}");
        assert_okta_error(&answer, "E0000001");
    }
    // Uploads must be application/wasm.
    let (status, answer) = post(
        &server,
        "/api/v1/plugins",
        &admin,
        Some("application/json"),
        plugin_bytes("token_claims"),
    )
    .await;
    assert_eq!(status, 415, "{answer}");
    // Okta's own calls are JSON; the hook endpoint reads the body whatever
    // the header says (Okta always sends application/json).
    let (status, _) = post(
        &server,
        &format!("/hooks/{id}"),
        SECRET,
        Some("text/plain"),
        sample(HookType::Token).to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn odd_ids_never_reach_outside_their_collection() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let long = "a".repeat(10_000);
    let ids = [
        "..",
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f%2e%2e%2fdb",
        "cal%00x",
        "%0d%0aX-Injected:%201",
        long.as_str(),
        "sha256:..%2f..%2fcompiled",
    ];
    for odd in ids {
        for path in [
            format!("/api/v1/inlineHooks/{odd}"),
            format!("/api/v1/plugins/{odd}"),
        ] {
            let response = reqwest::Client::new()
                .get(format!("{}{path}", server.base))
                .header("Authorization", format!("SSWS {ADMIN_TOKEN}"))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            assert!(
                response.headers().get("x-injected").is_none(),
                "{path}: a header was injected"
            );
            let body: Value = response.json().await.unwrap_or(Value::Null);
            assert_eq!(status, 404, "{path}: {body}");
            assert_okta_error(&body, "E0000007");
        }
        let answer = server
            .call_raw(
                odd,
                Some(SECRET),
                sample(HookType::Token).to_string().into_bytes(),
            )
            .await;
        assert_eq!(answer.status, 404, "/hooks/{odd}");
    }
    let (status, _) = server.api("DELETE", "/plugins/..%2F..%2Fdb", None).await;
    assert_eq!(status, 404);
    still_serving(&server, &id).await;
}

#[tokio::test]
async fn settings_with_line_breaks_are_data_and_never_headers() {
    let server = TestServer::start().await;
    let (_, plugin) = server.upload(plugin_bytes("misbehave")).await;
    let injected = "x\r\nX-Injected: 1\r\n\r\n<html>";
    let body = hook_body(
        "injection",
        HookType::Token,
        plugin["id"].as_str().unwrap(),
        json!({"mode": "echo", "note": injected}),
    );
    let (status, hook) = server.api("POST", "/inlineHooks", Some(&body)).await;
    assert_eq!(status, 200, "{hook}");
    assert_eq!(hook["channel"]["config"]["settings"]["note"], injected);
    let id = hook["id"].as_str().unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/hooks/{id}", server.base))
        .header(AUTH_HEADER, SECRET)
        .header("Content-Type", "application/json")
        .body(sample(HookType::Token).to_string())
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("x-injected").is_none());
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["debugContext"]["settings"]["note"], injected);

    // A header name with a line break is refused as the auth header key.
    let mut bad = body.clone();
    bad["channel"]["config"]["authScheme"]["key"] = json!("X-Key\r\nX-Injected");
    let (status, refused) = server.api("POST", "/inlineHooks", Some(&bad)).await;
    assert_eq!(status, 400, "{refused}");
    assert_okta_error(&refused, "E0000001");
}

#[tokio::test]
async fn broken_and_huge_headers_are_refused_by_http_and_the_server_goes_on() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let body = sample(HookType::Token).to_string();
    // A bare CR inside a header value is invalid HTTP.
    let cr = format!(
        "POST /hooks/{id} HTTP/1.1\r\nHost: x\r\nAuthorization: {SECRET}\rX-Injected: 1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    assert_eq!(raw_http(&server, cr.as_bytes()).await, 400);
    // A 100 KB auth header.
    let huge = format!(
        "POST /hooks/{id} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {}\r\nContent-Length: {}\r\n\r\n{body}",
        "A".repeat(100_000),
        body.len()
    );
    let status = raw_http(&server, huge.as_bytes()).await;
    assert!(matches!(status, 400 | 401 | 431), "{status}");
    // The same header twice is not the secret.
    let twice = format!(
        "POST /hooks/{id} HTTP/1.1\r\nHost: x\r\nAuthorization: {SECRET}\r\nAuthorization: {SECRET}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    assert_eq!(raw_http(&server, twice.as_bytes()).await, 401);
    still_serving(&server, &id).await;
}

#[tokio::test]
async fn a_body_that_arrives_too_slowly_is_408_within_the_body_timeout() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    // Promise 1000 bytes, send 10, and stall.
    let stalled = format!(
        "POST /hooks/{id} HTTP/1.1\r\nHost: x\r\nAuthorization: {SECRET}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"eventId\""
    );
    let started = std::time::Instant::now();
    assert_eq!(raw_http(&server, stalled.as_bytes()).await, 408);
    let took = started.elapsed();
    assert!(
        took >= std::time::Duration::from_millis(900) && took < std::time::Duration::from_secs(2),
        "{took:?}"
    );
    still_serving(&server, &id).await;
}
