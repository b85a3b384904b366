//! The JavaScript, Python and C examples, built from source, answer exactly
//! like their Rust siblings, and survive a restart from the compiled-code cache.
//!
//! Each test builds one example with its `build.sh` (skipped loudly when the
//! toolchain is missing, failed when `HOOKWARDEN_REQUIRE_GUESTS` or `CI` is
//! set), uploads it and its Rust sibling through the admin API, and runs the
//! conformance cases of that plugin (`plugins/conformance/cases.json`)
//! against both through `/hooks/{id}`: status, answer, outcome, failure
//! reason and the plugin's log lines must be the same. Every component is
//! compiled once per test run: by its upload.

use hookwarden::HookType;
use hookwarden_tests::{SECRET, TestServer, guest_plugin, hook_body, plugin_bytes};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The conformance cases, for every language.
const CASES: &str = include_str!("../../plugins/conformance/cases.json");

/// One request to run against a guest and its Rust sibling.
#[derive(Debug)]
struct Case {
    name: String,
    hook_type: HookType,
    /// The request's text, sent as it is: serde_json would merge duplicate
    /// members and rewrite numbers, which some cases are about.
    request: String,
    /// Its `eventId`, replaced by a fresh one in each call; `None` for a
    /// request without one (absent or `null`, as Okta allows).
    event_id: Option<String>,
    settings: Value,
    /// The outcome both must have.
    expect_outcome: String,
    /// Whether the failure reasons must be the same too.
    compare_reason: bool,
}

/// The cases of the Rust plugin `sibling`.
fn cases(sibling: &str) -> Vec<Case> {
    let all: Vec<Value> = serde_json::from_str(CASES).expect("cases.json is a JSON list");
    all.iter()
        .filter(|case| case["plugin"] == sibling)
        .map(|case| {
            let hook_type: HookType = case["type"].as_str().unwrap().parse().unwrap();
            let text = match case["request"].as_str() {
                Some(path) => std::fs::read_to_string(hookwarden_tests::repo_root().join(path))
                    .unwrap_or_else(|e| panic!("reading {path}: {e}")),
                None => hookwarden::internals::samples::with_request_type(
                    hook_type,
                    case["request_type"].as_str(),
                )
                .unwrap_or_else(|| panic!("no sample for {case}"))
                .to_owned(),
            };
            let parsed: Value = serde_json::from_str(&text).expect("a JSON request");
            let event_id = parsed["eventId"].as_str().map(str::to_owned);
            if let Some(event_id) = &event_id {
                assert_eq!(
                    text.matches(&format!("\"{event_id}\"")).count(),
                    1,
                    "{path:?}: the eventId must occur once",
                    path = case["request"]
                );
            }
            Case {
                name: case["name"].as_str().unwrap().to_owned(),
                hook_type,
                request: text,
                event_id,
                settings: case["settings"].clone(),
                expect_outcome: case["expect_outcome"].as_str().unwrap_or("ok").to_owned(),
                compare_reason: case["compare_reason"].as_bool().unwrap_or(true),
            }
        })
        .collect()
}

/// What a call did, as the test compares it: the answer and the journal's
/// record of the call.
#[derive(Debug, PartialEq)]
struct Seen {
    status: u16,
    outcome: Option<String>,
    body: Value,
    reason: Value,
    logs: Value,
    dropped_log_lines: Value,
}

/// Calls `hook` with the case's request under a fresh eventId, and reads
/// the call's record (for a request without eventId: the hook's newest
/// record, as calls run one at a time).
async fn run(server: &TestServer, hook: &str, case: &Case) -> Seen {
    let event_id = hookwarden::internals::random_id("evt", 16);
    let request = match &case.event_id {
        Some(old) => case
            .request
            .replacen(&format!("\"{old}\""), &format!("\"{event_id}\""), 1),
        None => case.request.clone(),
    };
    let answer = server
        .call_raw(hook, Some(SECRET), request.into_bytes())
        .await;
    let record = match case.event_id {
        Some(_) => server.record_of(&event_id).await,
        None => {
            let (status, records) = server
                .api("GET", &format!("/logs?hookId={hook}&limit=1"), None)
                .await;
            assert_eq!(status, 200, "{records}");
            assert_eq!(records[0]["eventId"], Value::Null, "{records}");
            records[0].clone()
        }
    };
    Seen {
        status: answer.status,
        outcome: answer.outcome,
        body: answer.body,
        reason: if case.compare_reason {
            record["reason"].clone()
        } else {
            Value::Null
        },
        logs: record["logs"].clone(),
        dropped_log_lines: record["droppedLogLines"].clone(),
    }
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
        let expected = run(&server, &rust_hook, case).await;
        let got = run(&server, &guest_hook, case).await;
        assert_eq!(
            expected.outcome.as_deref(),
            Some(case.expect_outcome.as_str()),
            "{}: the Rust plugin's outcome: {expected:?}",
            case.name
        );
        assert_eq!(
            got, expected,
            "{lang}/{example}, case `{}`: the guest (left) and Rust (right) differ",
            case.name
        );
        answers.push(got.body.to_string());
        if case.expect_outcome == "ok" {
            pairs.push((guest_hook, case));
        }
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
    let first = run(&server, hook, case).await;
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

#[tokio::test]
async fn javascript_token_claims_answers_like_rust() {
    answers_like_its_rust_sibling("js", "token-claims", "token_claims").await;
}

#[tokio::test]
async fn javascript_registration_allowlist_answers_like_rust() {
    answers_like_its_rust_sibling("js", "registration-allowlist", "registration_allowlist").await;
}

/// The generator of the helpers' tables, compiled here by the same rustc as
/// the Rust examples.
#[allow(dead_code)]
#[path = "../../plugins/conformance/rust_debug_escapes.rs"]
mod rust_debug_escapes;

/// The C, JavaScript and Python helpers quote log text like Rust's `{:?}`
/// only if their generated tables match this toolchain's Unicode tables.
#[test]
fn debug_escape_tables_match_this_rust() {
    let expected: Vec<u32> = rust_debug_escapes::ranges()
        .into_iter()
        .flat_map(|(lo, hi)| [lo, hi])
        .collect();
    assert!(
        expected.len() > 100,
        "the generator found {}",
        expected.len()
    );
    for file in [
        "plugins/c/rust-debug-escapes.h",
        "plugins/js/rust-debug-escapes.js",
        "plugins/python/rust_debug_escapes.py",
    ] {
        let text = std::fs::read_to_string(hookwarden_tests::repo_root().join(file))
            .unwrap_or_else(|e| panic!("reading {file}: {e}"));
        let table = &text[text.find("RUST_DEBUG_ESCAPED").expect("the table")..];
        let found: Vec<u32> = table
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter_map(|word| word.strip_prefix("0x"))
            .map(|hex| u32::from_str_radix(hex, 16).expect("a hex number"))
            .collect();
        assert!(
            found == expected,
            "{file} is out of date for this Rust toolchain: run plugins/conformance/regenerate-escapes.sh"
        );
    }
}

#[tokio::test]
async fn python_registration_allowlist_answers_like_rust() {
    answers_like_its_rust_sibling("python", "registration-allowlist", "registration_allowlist")
        .await;
}

#[tokio::test]
async fn python_import_link_answers_like_rust() {
    answers_like_its_rust_sibling("python", "import-link", "import_link").await;
}
