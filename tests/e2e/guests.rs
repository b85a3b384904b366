//! The JavaScript, Python and C examples, built from source, answer exactly
//! like their Rust siblings, and survive a restart from the compiled-code cache.
//!
//! Each test builds one example with its `build.sh` (skipped loudly when the
//! toolchain is missing, failed when `HOOKWARDEN_REQUIRE_GUESTS` or `CI` is
//! set), uploads it and its Rust sibling through the admin API, and runs the
//! shared cases of `guest_cases.json` against both through `/hooks/{id}`.
//! Every component is compiled once per test run: by its upload.

use hookwarden::hook_type::HookType;
use hookwarden_tests::{TestServer, guest_plugin, hook_body, plugin_bytes};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The shared cases: `{ "<rust plugin>": [case, ...] }`.
const CASES: &str = include_str!("guest_cases.json");

/// One request to run against a guest and its Rust sibling.
#[derive(Debug)]
struct Case {
    name: String,
    hook_type: HookType,
    request: Value,
    settings: Value,
}

/// The cases for the Rust plugin `sibling`.
fn cases(sibling: &str) -> Vec<Case> {
    let all: Value = serde_json::from_str(CASES).expect("guest_cases.json is JSON");
    let list = all[sibling]
        .as_array()
        .unwrap_or_else(|| panic!("guest_cases.json has no cases for {sibling}"));
    list.iter()
        .map(|case| {
            let hook_type: HookType = case["type"].as_str().unwrap().parse().unwrap();
            let text = match case["request"].as_str() {
                Some(path) => std::fs::read_to_string(hookwarden_tests::repo_root().join(path))
                    .unwrap_or_else(|e| panic!("reading {path}: {e}")),
                None => {
                    hookwarden::samples::with_request_type(hook_type, case["request_type"].as_str())
                        .unwrap_or_else(|| panic!("no sample for {case}"))
                        .to_owned()
                }
            };
            Case {
                name: case["name"].as_str().unwrap().to_owned(),
                hook_type,
                request: serde_json::from_str(&text).expect("a JSON request"),
                settings: case["settings"].clone(),
            }
        })
        .collect()
}

/// Uploads `bytes` through the admin API; returns the plugin id and how
/// long the upload took to answer (the plugin is ready when it does).
async fn upload(server: &TestServer, bytes: Vec<u8>) -> (String, Duration) {
    let started = Instant::now();
    let (status, plugin) = server.upload(bytes).await;
    let took = started.elapsed();
    assert!(status == 200 || status == 201, "{status}: {plugin}");
    (plugin["id"].as_str().unwrap().to_owned(), took)
}

/// Creates an ACTIVE hook through the admin API; returns its id.
async fn create_hook(server: &TestServer, name: &str, case: &Case, plugin: &str) -> String {
    let body = hook_body(name, case.hook_type, plugin, case.settings.clone());
    let (status, hook) = server.api("POST", "/inlineHooks", Some(&body)).await;
    assert_eq!(status, 200, "{hook}");
    assert_eq!(hook["status"], "ACTIVE");
    hook["id"].as_str().unwrap().to_owned()
}

/// Builds `plugins/<lang>/<example>`, then checks it answers every case of
/// its Rust sibling `sibling` exactly as the sibling does, before and after
/// a restart.
async fn answers_like_its_rust_sibling(lang: &str, example: &str, sibling: &str) {
    let Some((file, bytes)) = guest_plugin(lang, example) else {
        return;
    };
    let size = bytes.len();
    let server = TestServer::start().await;
    let (guest, upload_took) = upload(&server, bytes).await;
    let (rust, _) = upload(&server, plugin_bytes(sibling)).await;

    let cases = cases(sibling);
    assert!(cases.len() >= 4, "too few cases for {sibling}");
    let mut pairs = Vec::new();
    let mut answers = Vec::new();
    for case in &cases {
        let guest_hook = create_hook(&server, &format!("{lang} {}", case.name), case, &guest).await;
        let rust_hook = create_hook(&server, &format!("rust {}", case.name), case, &rust).await;
        let expected = server.call(&rust_hook, &case.request).await;
        let got = server.call(&guest_hook, &case.request).await;
        assert_eq!(
            expected.outcome.as_deref(),
            Some("ok"),
            "{}: the Rust plugin failed: {:?}",
            case.name,
            expected.body
        );
        assert_eq!(
            (got.status, got.outcome.as_deref(), &got.body),
            (expected.status, Some("ok"), &expected.body),
            "{lang}/{example}, case `{}`: answers differ",
            case.name
        );
        answers.push(got.body.to_string());
        pairs.push((guest_hook, case));
    }
    answers.sort();
    answers.dedup();
    assert!(
        answers.len() >= 2,
        "the cases for {sibling} must not all get the same answer"
    );

    // A restart loads both components from the compiled-code cache.
    let dir = server.stop().await;
    let started = Instant::now();
    let server = TestServer::start_in(dir).await;
    let (hook, case) = &pairs[0];
    let first = server.call(hook, &case.request).await;
    let restart_took = started.elapsed();
    let stats = server.registry.compile_stats();
    assert_eq!(
        (stats.compiled, stats.loaded_from_cache),
        (0, 2),
        "a restart must load {file} from the cache, not recompile it"
    );
    assert_eq!(first.outcome.as_deref(), Some("ok"), "{:?}", first.body);
    eprintln!(
        "{lang}/{example}: {size} bytes; upload to ready {} ms; restart to first answer {} ms",
        upload_took.as_millis(),
        restart_took.as_millis()
    );
}

#[tokio::test]
async fn c_token_claims_answers_like_rust() {
    answers_like_its_rust_sibling("c", "token-claims", "token_claims").await;
}
