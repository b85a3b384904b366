//! A real server process killed (SIGKILL) repeatedly mid-upload, mid-update
//! and mid-call: every acknowledged change survives, nothing half-written is
//! served.
//!
//! CI runs 12 kill points (0 to 600 ms) once; `HOOKWARDEN_KILL_ROUNDS=40` runs the longer
//! local variant (the kill points repeat).

use hookwarden::HookType;
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
    let unfinished_id = hookwarden::internals::plugin_id(&unfinished);

    let mut acknowledged = json!({"access.round": "0"});
    // Plugins uploaded whole while the server is killed; the acknowledged
    // ones must survive.
    let whole = ["import_link", "registration_allowlist", "misbehave"];
    let mut acked_plugins = vec![json!(token_id)];
    let mut server = server;
    // Kill points from "before the update arrives" to "after the upload is
    // compiled and stored".
    let kill_after_us = [
        0u64, 300, 700, 1_200, 2_000, 3_500, 6_000, 9_000, 30_000, 100_000, 250_000, 600_000,
    ];
    let rounds: usize = std::env::var("HOOKWARDEN_KILL_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(kill_after_us.len());
    for (round, delay) in (1u64..).zip(kill_after_us.iter().cycle().take(rounds).copied()) {
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
        // A whole upload and calls in flight, racing the kill too.
        let uploaded = whole[round as usize % whole.len()];
        let upload = {
            let client = (*server).clone();
            tokio::spawn(async move {
                let bytes = plugin_bytes(uploaded);
                let id = hookwarden::internals::plugin_id(&bytes);
                (
                    id,
                    client
                        .try_upload(bytes)
                        .await
                        .map_or(0, |(status, _)| status),
                )
            })
        };
        let calls: Vec<_> = (0..4)
            .map(|_| {
                let (client, id) = ((*server).clone(), id.clone());
                tokio::spawn(async move { client.try_call(&id, &sample(HookType::Token)).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_micros(delay)).await;
        server.kill();
        let update_status = update.await.unwrap();
        let (uploaded_id, upload_status) = upload.await.unwrap();
        let mut answered = 0;
        for call in calls {
            if let Some(answer) = call.await.unwrap() {
                // A call answered before the kill was answered properly.
                assert_eq!(answer.status, 200, "round {round}: {:?}", answer.body);
                answered += 1;
            }
        }
        eprintln!(
            "round {round}: update answered {update_status}, upload {upload_status}, {answered}/4 calls"
        );
        if update_status == 200 {
            acknowledged = next.clone();
        }
        if (upload_status == 200 || upload_status == 201)
            && !acked_plugins.contains(&json!(uploaded_id))
        {
            acked_plugins.push(json!(uploaded_id));
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
        // Every acknowledged plugin is there; the half-uploaded one never
        // was stored; a whole upload killed before its answer is either
        // wholly there or absent.
        let (_, plugins) = server.api("GET", "/plugins", None).await;
        let ids: Vec<_> = plugins
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].clone())
            .collect();
        for acked in &acked_plugins {
            assert!(ids.contains(acked), "round {round}: lost {acked}: {ids:?}");
        }
        assert!(!ids.contains(&json!(unfinished_id)), "round {round}");
        for stored in &ids {
            if !acked_plugins.contains(stored) {
                acked_plugins.push(stored.clone());
            }
            let (status, plugin) = server
                .api(
                    "GET",
                    &format!("/plugins/{}", stored.as_str().unwrap()),
                    None,
                )
                .await;
            assert_eq!(status, 200, "round {round}: {plugin}");
        }
    }
    server.kill();
}
