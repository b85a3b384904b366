//! Secrets: hook secrets and the admin token never appear in API answers,
//! the execution journal, plugin input, logs (even at trace level) or the
//! data directory, and no credential opens anything but what it belongs to.

use hookwarden::HookType;
use hookwarden_tests::{ADMIN_TOKEN, ServerProcess, hook_body, plugin_bytes, sample};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Another hook's secret.
const OTHER_SECRET: &str = "Bearer other-hook-secret-4f1c9e";

/// The forms in which `secret` must never show: itself, its SHA-256 in hex,
/// and (for `Basic` values) the base64 credentials alone.
fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![
        secret.to_owned(),
        format!("{:x}", Sha256::digest(secret.as_bytes())),
    ];
    if let Some((_, credentials)) = secret.split_once(' ') {
        forms.push(credentials.to_owned());
    }
    forms
}

/// Every secret of the test in all its forms.
fn all_secrets() -> Vec<String> {
    [hookwarden_tests::SECRET, OTHER_SECRET, ADMIN_TOKEN]
        .iter()
        .flat_map(|s| forms(s))
        .collect()
}

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    for secret in all_secrets() {
        assert!(!text.contains(&secret), "{what} contains `{secret}`");
    }
}

/// Like [`assert_clean`], but the digests may be there: the data directory
/// stores each secret as its SHA-256, to check calls against.
#[track_caller]
fn assert_no_plain_secret(what: &str, text: &str) {
    for secret in [hookwarden_tests::SECRET, OTHER_SECRET, ADMIN_TOKEN] {
        for form in forms(secret) {
            let digest = format!("{:x}", Sha256::digest(secret.as_bytes()));
            if form != digest {
                assert!(!text.contains(&form), "{what} contains `{form}`");
            }
        }
    }
}

/// Every file below `dir`, as bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_show_in_answers_plugin_input_logs_or_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let data = dir.path().join("data");
    let log = std::fs::File::create(&log_path).unwrap();
    // Everything at trace level, but the compiler's own tracing of the code
    // it generates (megabytes per plugin, and no request data in it).
    let filter = "trace,cranelift_codegen=info,regalloc2=info,wasmtime_cranelift=info";
    let server = ServerProcess::start_logging(&data, &[], filter, log);

    let (_, echo) = server.upload(plugin_bytes("misbehave")).await;
    let echo_id = echo["id"].as_str().unwrap();
    let mut answers = Vec::new();
    let (status, mine) = server
        .api(
            "POST",
            "/inlineHooks",
            Some(&hook_body(
                "mine",
                HookType::Token,
                echo_id,
                json!({"mode": "echo"}),
            )),
        )
        .await;
    assert_eq!(status, 200, "{mine}");
    let mut other_body = hook_body("other", HookType::Token, echo_id, json!({}));
    other_body["channel"]["config"]["authScheme"]["value"] = json!(OTHER_SECRET);
    let (status, other) = server.api("POST", "/inlineHooks", Some(&other_body)).await;
    assert_eq!(status, 200, "{other}");
    let (mine, other) = (mine["id"].as_str().unwrap(), other["id"].as_str().unwrap());
    answers.push(server.api("GET", "/inlineHooks", None).await.1);
    answers.push(
        server
            .api("GET", &format!("/inlineHooks/{mine}"), None)
            .await
            .1,
    );
    let (_, replaced) = server
        .api(
            "PUT",
            &format!("/inlineHooks/{mine}"),
            Some(&hook_body(
                "mine",
                HookType::Token,
                echo_id,
                json!({"mode": "echo"}),
            )),
        )
        .await;
    answers.push(replaced);

    // Each hook opens only with its own secret: not the other's, not the
    // admin token.
    let body = sample(HookType::Token).to_string().into_bytes();
    let ssws = format!("SSWS {ADMIN_TOKEN}");
    for (hook, wrong) in [
        (mine, OTHER_SECRET),
        (other, hookwarden_tests::SECRET),
        (mine, ADMIN_TOKEN),
        (mine, ssws.as_str()),
    ] {
        let answer = server.call_raw(hook, Some(wrong), body.clone()).await;
        assert_eq!(answer.status, 401, "{hook} with {wrong}");
        answers.push(answer.body);
    }
    // The plugin sees the envelope and its settings, never the header.
    let echoed = server.call(mine, &sample(HookType::Token)).await;
    assert_eq!(echoed.outcome.as_deref(), Some("ok"), "{:?}", echoed.body);
    assert_eq!(
        echoed.body["debugContext"]["settings"],
        json!({"mode": "echo"})
    );
    answers.push(echoed.body);
    // A wrong admin token, and execute's answer.
    answers.push(
        server
            .api_as(Some(OTHER_SECRET), "GET", "/inlineHooks", None)
            .await
            .1,
    );
    answers.push(
        server
            .api(
                "POST",
                &format!("/inlineHooks/{mine}/execute"),
                Some(&sample(HookType::Token)),
            )
            .await
            .1,
    );

    // The execution journal, which recorded all of the above.
    let (status, journal) = server.api("GET", "/logs?limit=1000", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        journal.as_array().unwrap().len(),
        2,
        "a call and an execute: {journal}"
    );
    answers.push(journal);
    for answer in &answers {
        assert_clean("an API answer", &answer.to_string());
    }
    assert!(server.terminate().success());

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("hook call"),
        "the trace log was written: {log}"
    );
    assert_clean("the server's trace log", &log);
    for (path, bytes) in files(&data) {
        let text = String::from_utf8_lossy(&bytes);
        assert_no_plain_secret(&path, &text);
    }
}

#[tokio::test]
async fn a_deleted_hooks_secret_opens_nothing_and_a_recreated_hook_needs_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), &[]);
    let (_, plugin) = server.upload(plugin_bytes("token_claims")).await;
    let plugin = plugin["id"].as_str().unwrap();
    let (_, hook) = server
        .api(
            "POST",
            "/inlineHooks",
            Some(&hook_body("gone", HookType::Token, plugin, json!({}))),
        )
        .await;
    let id = hook["id"].as_str().unwrap().to_owned();
    server
        .api(
            "POST",
            &format!("/inlineHooks/{id}/lifecycle/deactivate"),
            None,
        )
        .await;
    let (status, _) = server
        .api("DELETE", &format!("/inlineHooks/{id}"), None)
        .await;
    assert_eq!(status, 204);
    let answer = server.call(&id, &sample(HookType::Token)).await;
    assert_eq!(answer.status, 404, "{:?}", answer.body);

    let mut body = hook_body("new", HookType::Token, plugin, json!({}));
    body["channel"]["config"]["authScheme"]["value"] = json!(OTHER_SECRET);
    let (_, hook) = server.api("POST", "/inlineHooks", Some(&body)).await;
    let new = hook["id"].as_str().unwrap();
    assert_ne!(new, id, "ids are not reused");
    let refused = server.call(new, &sample(HookType::Token)).await;
    assert_eq!(refused.status, 401, "the old secret opens the new hook");
    let answer = server
        .call_raw(
            new,
            Some(OTHER_SECRET),
            sample(HookType::Token).to_string().into_bytes(),
        )
        .await;
    assert_eq!(answer.outcome.as_deref(), Some("ok"), "{:?}", answer.body);
    server.kill();
}
