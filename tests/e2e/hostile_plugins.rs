//! Hostile plugins: each gets its hook type's safe answer inside its budget
//! plus 100 ms, with the outcome and a reason recorded, and the host keeps
//! serving. The plugins are the `misbehave` fixture, built from source with
//! the host.

use hookwarden::FailurePolicy;
use hookwarden::HookType;
use hookwarden_tests::{HookOptions, TestServer, sample};
use serde_json::Value;
use std::time::{Duration, Instant};

/// One hostile behaviour and what the host must make of it.
struct Case {
    mode: &'static str,
    hook_type: HookType,
    settings: &'static [(&'static str, &'static str)],
    budget_ms: u64,
    /// Fuel limited only by time (for behaviours the budget must stop).
    unmetered: bool,
    memory_bytes: Option<u64>,
    outcome: &'static str,
    /// Words the recorded reason must contain.
    reason: &'static str,
}

const CASES: &[Case] = &[
    Case {
        mode: "loop",
        hook_type: HookType::Token,
        settings: &[],
        budget_ms: 300,
        unmetered: true,
        memory_bytes: None,
        outcome: "out_of_time",
        reason: "exceeded its time budget of 300 ms",
    },
    Case {
        mode: "loop",
        hook_type: HookType::Saml,
        settings: &[],
        budget_ms: 2000,
        unmetered: false,
        memory_bytes: None,
        outcome: "out_of_fuel",
        reason: "ran out of fuel",
    },
    Case {
        mode: "alloc",
        hook_type: HookType::Registration,
        settings: &[],
        budget_ms: 2000,
        unmetered: false,
        memory_bytes: Some(16 << 20),
        outcome: "out_of_memory",
        reason: "exceeded its memory cap of 16777216 bytes",
    },
    Case {
        mode: "recurse",
        hook_type: HookType::Import,
        settings: &[],
        budget_ms: 2000,
        unmetered: false,
        memory_bytes: None,
        outcome: "trapped",
        reason: "call stack exhausted",
    },
    Case {
        mode: "huge",
        hook_type: HookType::Saml,
        settings: &[],
        budget_ms: 2000,
        unmetered: false,
        memory_bytes: None,
        outcome: "invalid_answer",
        reason: "256",
    },
    Case {
        mode: "many",
        hook_type: HookType::Token,
        settings: &[],
        budget_ms: 2000,
        unmetered: false,
        memory_bytes: None,
        outcome: "invalid_answer",
        reason: "256",
    },
    Case {
        mode: "log-flood",
        hook_type: HookType::PasswordImport,
        settings: &[],
        budget_ms: 300,
        unmetered: true,
        memory_bytes: None,
        outcome: "out_of_time",
        reason: "exceeded its time budget of 300 ms",
    },
    Case {
        mode: "panic",
        hook_type: HookType::Telephony,
        settings: &[],
        budget_ms: 2000,
        unmetered: false,
        memory_bytes: None,
        outcome: "trapped",
        reason: "plugin trapped",
    },
    Case {
        mode: "bad-json",
        hook_type: HookType::Token,
        settings: &[],
        budget_ms: 2000,
        unmetered: false,
        memory_bytes: None,
        outcome: "invalid_answer",
        reason: "not valid",
    },
];

fn options(case: &Case) -> HookOptions {
    let mut settings = vec![("mode", case.mode)];
    settings.extend_from_slice(case.settings);
    let mut options =
        HookOptions::new("misbehave", case.hook_type, &settings).budget_ms(case.budget_ms);
    if case.unmetered {
        options = options.unmetered();
    }
    options.limits.memory_bytes = case.memory_bytes;
    options
}

/// The request of `hook_type` (registration: self-service).
fn request(hook_type: HookType) -> Value {
    sample(hook_type)
}

/// Asserts a healthy hook on `server` still answers normally.
async fn still_serving(server: &TestServer, healthy: &str) {
    let answer = server.call(healthy, &sample(HookType::Token)).await;
    assert_eq!(
        (answer.status, answer.outcome.as_deref()),
        (200, Some("ok")),
        "{:?}",
        answer.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_plugin_gets_the_safe_answer_in_time_with_a_reason() {
    let server = TestServer::start().await;
    let healthy = server
        .hook(HookOptions::new(
            "token_claims",
            HookType::Token,
            &[("access.a", "{login}")],
        ))
        .await;
    for case in CASES {
        let label = format!("{} as {}", case.mode, case.hook_type);
        let hook = server.hook(options(case)).await;

        let started = Instant::now();
        let answer = server.call(&hook.id, &request(case.hook_type)).await;
        let took = started.elapsed();
        assert_eq!(answer.status, 200, "{label}");
        assert_eq!(
            answer.outcome.as_deref(),
            Some(case.outcome),
            "{label}: {:?}",
            answer.body
        );
        // Exactly the hook type's safe answer for that outcome.
        let outcome = serde_json::from_value(Value::String(case.outcome.into())).unwrap();
        assert_eq!(
            answer.body,
            FailurePolicy::default().safe_answer(case.hook_type, outcome),
            "{label}"
        );
        assert!(
            took <= Duration::from_millis(case.budget_ms + 100),
            "{label}: answered after {took:?}"
        );

        // The reason is recorded: `execute` reports it.
        let (status, failure) = server
            .api(
                "POST",
                &format!("/inlineHooks/{}/execute", hook.id),
                Some(&request(case.hook_type)),
            )
            .await;
        assert_eq!(status, 400, "{label}: {failure}");
        let causes = failure["errorCauses"].to_string();
        assert!(
            causes.contains(&format!("outcome: {}", case.outcome)) && causes.contains(case.reason),
            "{label}: the reason should mention `{}`: {causes}",
            case.reason
        );

        still_serving(&server, &healthy.id).await;
    }
}

#[tokio::test]
async fn a_slow_plugin_that_finishes_at_80_percent_of_its_budget_is_answered_normally() {
    let server = TestServer::start().await;
    let hook = server.hook(HookOptions::slow(400).budget_ms(500)).await;
    let started = Instant::now();
    let answer = server.call(&hook.id, &sample(HookType::Token)).await;
    let took = started.elapsed();
    assert_eq!(
        (answer.status, answer.outcome.as_deref()),
        (204, Some("ok"))
    );
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_millis(600),
        "{took:?}"
    );
}

#[tokio::test]
async fn a_plugin_reaching_for_files_environment_and_network_is_denied_everything() {
    let server = TestServer::start().await;
    // The server's own port: a connection would reach a listening socket.
    let port = server.base.rsplit(':').next().unwrap().to_owned();
    let port: &'static str = Box::leak(port.into_boxed_str());
    let hook = server
        .hook(HookOptions::new(
            "misbehave",
            HookType::Token,
            &[("mode", "escape"), ("port", port)],
        ))
        .await;
    let answer = server.call(&hook.id, &sample(HookType::Token)).await;
    assert_eq!(answer.outcome.as_deref(), Some("ok"), "{:?}", answer.body);
    let report = &answer.body["debugContext"];
    for attempt in [
        "read_file",
        "read_dir",
        "read_cwd",
        "write_file",
        "env",
        "home",
        "args",
        "tcp",
        "udp",
        "dns",
    ] {
        let result = report[attempt].as_str().unwrap_or_default();
        assert!(
            result.starts_with("denied"),
            "{attempt} was not denied: {report}"
        );
    }
    // Clocks are granted, and tell the real time.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let plugin_now = report["wall_clock_secs"].as_u64().unwrap();
    assert!(now.abs_diff(plugin_now) < 60, "{plugin_now} vs {now}");
}
