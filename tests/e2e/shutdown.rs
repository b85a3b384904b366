//! SIGTERM stops the server gracefully: calls in flight are answered first.

use hookwarden::HookType;
use hookwarden_tests::{ServerProcess, hook_body, plugin_bytes, sample};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_a_call_in_flight_finish_then_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), &[]);
    let (_, plugin) = server.upload(plugin_bytes("misbehave")).await;
    let mut body = hook_body(
        "slow",
        HookType::Token,
        plugin["id"].as_str().unwrap(),
        json!({"mode": "slow", "slow_ms": "600"}),
    );
    body["channel"]["config"]["limits"] = json!({"timeBudgetMs": 1500});
    let (status, hook) = server.api("POST", "/inlineHooks", Some(&body)).await;
    assert_eq!(status, 200, "{hook}");
    let id = hook["id"].as_str().unwrap().to_owned();

    let client = (*server).clone();
    let started = Instant::now();
    let in_flight = tokio::spawn(async move { client.call(&id, &sample(HookType::Token)).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let exit = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();

    let answer = in_flight.await.expect("the call in flight was answered");
    assert_eq!(
        (answer.status, answer.outcome.as_deref()),
        (204, Some("ok"))
    );
    assert!(started.elapsed() >= Duration::from_millis(600));
    assert!(exit.success(), "exit status {exit:?}");
}
