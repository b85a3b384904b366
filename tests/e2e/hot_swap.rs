//! Replacing a hook's plugin or settings under load drops and fails no call.

use hookwarden::HookType;
use hookwarden_tests::{TestServer, hook_body, plugin_bytes, sample};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn switching_plugins_under_concurrent_load_fails_no_call() {
    let server = Arc::new(TestServer::start().await);
    let (_, token_plugin) = server.upload(plugin_bytes("token_claims")).await;
    let (_, echo_plugin) = server.upload(plugin_bytes("misbehave")).await;
    let token_plugin = token_plugin["id"].as_str().unwrap().to_owned();
    let echo_plugin = echo_plugin["id"].as_str().unwrap().to_owned();

    let version_a = hook_body(
        "swap",
        HookType::Token,
        &token_plugin,
        json!({"access.v": "A"}),
    );
    let version_b = hook_body(
        "swap",
        HookType::Token,
        &echo_plugin,
        json!({"mode": "echo", "v": "B"}),
    );
    let (status, created) = server.api("POST", "/inlineHooks", Some(&version_a)).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();

    let stop = Arc::new(AtomicBool::new(false));
    let mut callers = Vec::new();
    for _ in 0..4 {
        let (server, stop, id) = (server.clone(), stop.clone(), id.clone());
        callers.push(tokio::spawn(async move {
            let (mut a, mut b) = (0u32, 0u32);
            while !stop.load(Ordering::Relaxed) {
                let answer = server.call(&id, &sample(HookType::Token)).await;
                assert_eq!(answer.status, 200, "{:?}", answer.body);
                assert_eq!(answer.outcome.as_deref(), Some("ok"), "{:?}", answer.body);
                // Each answer comes wholly from one version or the other.
                if answer.body["commands"][0]["value"][0]["value"] == "A" {
                    a += 1;
                } else {
                    assert_eq!(
                        answer.body["debugContext"]["settings"]["v"], "B",
                        "{:?}",
                        answer.body
                    );
                    b += 1;
                }
            }
            (a, b)
        }));
    }

    for round in 0..20 {
        let body = if round % 2 == 0 {
            &version_b
        } else {
            &version_a
        };
        let (status, replaced) = server
            .api("PUT", &format!("/inlineHooks/{id}"), Some(body))
            .await;
        assert_eq!(status, 200, "{replaced}");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    stop.store(true, Ordering::Relaxed);

    let (mut total_a, mut total_b) = (0, 0);
    for caller in callers {
        let (a, b) = caller.await.expect("no caller saw a failed call");
        total_a += a;
        total_b += b;
    }
    assert!(
        total_a > 0 && total_b > 0,
        "both versions served: A {total_a}, B {total_b}"
    );
}
