//! A real server process killed (SIGKILL) mid-upload and mid-update: every
//! acknowledged change survives, nothing half-written is served.

use hookwarden::hook_type::HookType;
use hookwarden_tests::{ADMIN_TOKEN, Client, ServerProcess, hook_body, plugin_bytes, sample};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Starts an upload of `bytes` to `server`, sends only half of them, and
/// returns once the half is written (the connection stays open).
async fn half_upload(server: &Client, bytes: &[u8]) -> tokio::net::TcpStream {
    let address = server.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/v1/plugins HTTP/1.1\r\nHost: {address}\r\nAuthorization: SSWS {ADMIN_TOKEN}\r\nContent-Type: application/wasm\r\nContent-Length: {}\r\n\r\n",
        bytes.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&bytes[..bytes.len() / 2]).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

fn settings_of(hook: &Value) -> Value {
    hook["channel"]["config"]["settings"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_server_mid_upload_or_update_never_loses_or_tears_a_registration() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), &[]);
    let (_, token) = server.upload(plugin_bytes("token_claims")).await;
    let token_id = token["id"].as_str().unwrap().to_owned();
    let (status, hook) = server
        .api(
            "POST",
            "/inlineHooks",
            Some(&hook_body(
                "durable",
                HookType::Token,
                &token_id,
                json!({"access.round": "0"}),
            )),
        )
        .await;
    assert_eq!(status, 200, "{hook}");
    let id = hook["id"].as_str().unwrap().to_owned();
    let unfinished = plugin_bytes("saml_attributes");
    let unfinished_id = hookwarden::registry::plugin_id(&unfinished);

    let mut acknowledged = json!({"access.round": "0"});
    let mut server = server;
    // Kill points from "before the update arrives" to "after it is stored".
    let kill_after_us = [0u64, 300, 700, 1_200, 2_000, 3_500, 6_000, 9_000];
    for (round, delay) in (1u64..).zip(kill_after_us) {
        // An upload that never completes, and an update racing the kill.
        let _open = half_upload(&server, &unfinished).await;
        let next = json!({"access.round": round.to_string(), "access.extra": format!("x{round}")});
        let body = hook_body("durable", HookType::Token, &token_id, next.clone());
        let update = {
            let client = (*server).clone();
            let path = format!("/inlineHooks/{id}");
            tokio::spawn(async move {
                client
                    .try_api_as(Some(ADMIN_TOKEN), "PUT", &path, Some(&body))
                    .await
                    .map_or(0, |(status, _)| status)
            })
        };
        tokio::time::sleep(Duration::from_micros(delay)).await;
        server.kill();
        let update_status = update.await.unwrap();
        eprintln!("round {round}: update answered {update_status}");
        if update_status == 200 {
            acknowledged = next.clone();
        }

        server = ServerProcess::start(dir.path(), &[]);
        let (status, stored) = server.api("GET", &format!("/inlineHooks/{id}"), None).await;
        assert_eq!(status, 200, "round {round}: the hook is gone: {stored}");
        let settings = settings_of(&stored);
        // Old or new, never a mix, and never older than what was acknowledged.
        assert!(
            settings == acknowledged || settings == next,
            "round {round}: torn or lost update: stored {settings}, acknowledged {acknowledged}"
        );
        acknowledged = settings.clone();
        // What is served matches what is stored.
        let answer = server.call(&id, &sample(HookType::Token)).await;
        assert_eq!(answer.status, 200, "round {round}: {:?}", answer.body);
        let claims: Vec<_> = answer.body["commands"][0]["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|op| op["value"].clone())
            .collect();
        assert!(
            claims.contains(&settings["access.round"]),
            "round {round}: {:?} vs {settings}",
            answer.body
        );
        // The half-uploaded plugin was never stored.
        let (_, plugins) = server.api("GET", "/plugins", None).await;
        let ids: Vec<_> = plugins
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].clone())
            .collect();
        assert_eq!(ids, vec![json!(token_id)], "round {round}");
        assert_ne!(json!(unfinished_id), ids[0]);
    }
    server.kill();
}
