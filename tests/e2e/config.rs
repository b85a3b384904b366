//! `hookwarden serve`'s options (`host/src/config.rs`) reach the running
//! server: from flags, the environment and the config file, flags first.

use hookwarden::HookType;
use hookwarden_tests::{ServerProcess, assert_okta_error, hook_body, plugin_bytes, sample};
use serde_json::{Value, json};
use std::process::Stdio;

/// The execution records of `event_id`, once `count` of them are visible.
async fn records_of(server: &ServerProcess, event_id: &str, count: usize) -> Vec<Value> {
    for _ in 0..50 {
        let (status, records) = server
            .api("GET", &format!("/logs?eventId={event_id}"), None)
            .await;
        assert_eq!(status, 200, "{records}");
        let records = records.as_array().cloned().unwrap_or_default();
        if records.len() >= count {
            return records;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("fewer than {count} records of {event_id}");
}

#[tokio::test]
async fn options_from_flags_the_environment_and_the_file_take_effect_flags_first() {
    let dir = tempfile::tempdir().unwrap();
    let request = sample(HookType::Token);
    let small = request.to_string().len();
    // The body limit: the flag (just above an Okta request) over the
    // environment (which would take a far larger body) over the file.
    let limit = small + 256;
    let config = dir.path().join("hookwarden.toml");
    std::fs::write(
        &config,
        format!(
            "max-hooks = 5\nmax-body-bytes = {}\nreplay-ttl-secs = 0\n",
            limit * 100
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let limit_flag = limit.to_string();
    let env_limit = (limit * 10).to_string();
    let server = ServerProcess::start_env(
        &data,
        &[
            "--config",
            config.to_str().unwrap(),
            "--max-body-bytes",
            &limit_flag,
        ],
        &[
            ("HOOKWARDEN_MAX_HOOKS", "1"),
            ("HOOKWARDEN_MAX_BODY_BYTES", &env_limit),
        ],
        Stdio::inherit(),
    );

    let (status, plugin) = server.upload(plugin_bytes("token_claims")).await;
    assert_eq!(status, 200, "{plugin}");
    let plugin = plugin["id"].as_str().unwrap();
    let body = hook_body("first", HookType::Token, plugin, json!({}));
    let (status, hook) = server.api("POST", "/inlineHooks", Some(&body)).await;
    assert_eq!(status, 200, "{hook}");
    let id = hook["id"].as_str().unwrap();

    // max-hooks from the environment (1) over the file (5): the second
    // hook is refused exactly as past the default limit.
    let (status, refused) = server.api("POST", "/inlineHooks", Some(&body)).await;
    assert_eq!(status, 409, "{refused}");
    assert_okta_error(&refused, "E0000195");
    assert_eq!(
        refused["errorSummary"],
        "Api validation failed due to conflict: at most 1 hooks can be stored"
    );

    // max-body-bytes from the flag: an Okta request passes, a body a little
    // over the limit (which the default 1 MiB and the environment's value
    // would take) is 413.
    let answer = server.call(id, &request).await;
    assert!(answer.status < 300, "{answer:?}");
    let mut padded = sample(HookType::Token);
    padded["padding"] = json!("x".repeat(limit - small + 100));
    let answer = server.call(id, &padded).await;
    assert_eq!(answer.status, 413, "{:?}", answer.body);
    assert_okta_error(&answer.body, "E0000001");
    assert_eq!(
        answer.body["errorCauses"][0]["errorSummary"],
        format!("body: must be at most {limit} bytes")
    );

    // replay-ttl-secs from the file (0): a retried eventId runs again
    // instead of getting the kept answer.
    let event_id = request["eventId"].as_str().unwrap();
    let again = server.call(id, &request).await;
    assert!(again.status < 300, "{again:?}");
    let records = records_of(&server, event_id, 2).await;
    assert_eq!(records.len(), 2, "{records:?}");
    assert!(
        records.iter().all(|r| r["replay"] == false),
        "nothing is replayed with replay-ttl-secs = 0: {records:?}"
    );
}

#[tokio::test]
async fn an_invalid_option_stops_the_start_with_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(hookwarden_tests::program())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("HOOKWARDEN_ADMIN_TOKEN", hookwarden_tests::ADMIN_TOKEN)
        .env("HOOKWARDEN_DEFAULT_TIME_BUDGET_MS", "2801")
        .output()
        .expect("running the server");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("default-time-budget-ms must be 1 to 2800"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
