//! Plugins that fail: each gets the safe answer for its hook type, in time,
//! with the reason recorded, while other calls keep being served.

use hookwarden::FailurePolicy;
use hookwarden::HookType;
use hookwarden::internals::DEFAULT_TIME_BUDGET_MS;
use hookwarden_tests::{HookOptions, TestServer, sample};
use serde_json::json;
use std::time::{Duration, Instant};

fn misbehave(hook_type: HookType, mode: &str) -> HookOptions {
    HookOptions::new("misbehave", hook_type, &[("mode", mode)])
}

#[tokio::test]
async fn an_infinite_loop_gets_the_safe_answer_within_budget_while_others_are_served() {
    let server = std::sync::Arc::new(TestServer::start().await);
    let looping = server
        .hook(
            misbehave(HookType::Token, "loop")
                .budget_ms(400)
                .unmetered(),
        )
        .await;
    let healthy = server
        .hook(HookOptions::new(
            "token_claims",
            HookType::Token,
            &[("access.n", "{firstName}")],
        ))
        .await;

    let started = Instant::now();
    let slow = {
        let server = server.clone();
        tokio::spawn(async move {
            let answer = server.call(&looping.id, &sample(HookType::Token)).await;
            (answer, started.elapsed())
        })
    };
    // While the loop runs, the healthy hook keeps answering correctly.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut served_during_loop = 0;
    while !slow.is_finished() && started.elapsed() < Duration::from_millis(300) {
        let answer = server.call(&healthy.id, &sample(HookType::Token)).await;
        assert_eq!(answer.outcome.as_deref(), Some("ok"), "{:?}", answer.body);
        assert_eq!(answer.body["commands"][0]["value"][0]["value"], "Isaac");
        served_during_loop += 1;
    }
    assert!(
        !slow.is_finished(),
        "the loop cannot have finished before its budget"
    );
    assert!(
        served_during_loop >= 3,
        "only {served_during_loop} calls were served during the loop"
    );

    let (answer, elapsed) = slow.await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.outcome.as_deref(), Some("out_of_time"));
    assert_eq!(
        answer.body,
        FailurePolicy::default()
            .safe_answer(HookType::Token, hookwarden::internals::Outcome::OutOfTime)
    );
    assert!(
        answer.body.get("commands").is_none(),
        "token issued unmodified"
    );
    assert!(
        elapsed >= Duration::from_millis(400),
        "stopped early: {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_millis(500),
        "budget 400 ms + 100 ms exceeded: {elapsed:?}"
    );
}

#[tokio::test]
async fn the_default_budget_stops_a_loop_inside_oktas_timeout() {
    let server = TestServer::start().await;
    let hook = server
        .hook(misbehave(HookType::Registration, "loop").unmetered())
        .await;
    let started = Instant::now();
    let answer = server.call(&hook.id, &sample(HookType::Registration)).await;
    let elapsed = started.elapsed();
    assert_eq!(answer.outcome.as_deref(), Some("out_of_time"));
    assert_eq!(
        answer.body["commands"][0]["value"],
        json!({"registration": "DENY"})
    );
    let budget = Duration::from_millis(DEFAULT_TIME_BUDGET_MS);
    assert!(
        elapsed >= budget && elapsed < budget + Duration::from_millis(100),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn each_kind_of_failure_is_named_in_the_outcome() {
    let server = TestServer::start().await;
    let mut fuel = misbehave(HookType::Token, "loop");
    fuel.limits.fuel = Some(5_000_000);
    let mut memory = misbehave(HookType::Token, "alloc");
    memory.limits.memory_bytes = Some(16 << 20);
    let cases = [
        (misbehave(HookType::Token, "panic"), "trapped"),
        (misbehave(HookType::Token, "error"), "plugin_error"),
        (misbehave(HookType::Token, "invalid"), "invalid_answer"),
        (misbehave(HookType::Token, "bad-json"), "invalid_answer"),
        (misbehave(HookType::Token, "no-such-mode"), "plugin_error"),
        (fuel, "out_of_fuel"),
        (memory, "out_of_memory"),
    ];
    for (options, expected) in cases {
        let label = format!("{:?} {:?}", options.settings, options.limits);
        let hook = server.hook(options).await;
        let answer = server.call(&hook.id, &sample(HookType::Token)).await;
        assert_eq!(answer.status, 200, "{label}");
        assert_eq!(
            answer.outcome.as_deref(),
            Some(expected),
            "{label}: {:?}",
            answer.body
        );
        assert_eq!(
            answer.body["debugContext"]["hookwarden"]["outcome"], expected,
            "{label}"
        );
        assert!(
            answer.body.get("commands").is_none(),
            "{label}: {:?}",
            answer.body
        );
    }
}

#[tokio::test]
async fn every_hook_type_gets_its_documented_safe_answer() {
    let server = TestServer::start().await;
    for hook_type in HookType::ALL {
        let mut options = misbehave(hook_type, "panic");
        options.failure_policy.registration_message = Some("Please try again later.".into());
        let hook = server.hook(options).await;
        let answer = server.call(&hook.id, &sample(hook_type)).await;
        assert_eq!(
            (answer.status, answer.outcome.as_deref()),
            (200, Some("trapped")),
            "{hook_type}"
        );
        let body = &answer.body;
        match hook_type {
            HookType::Token | HookType::Saml | HookType::Import => {
                assert!(
                    body.get("commands").is_none() && body.get("error").is_none(),
                    "{hook_type}: {body}"
                );
            }
            HookType::Registration => {
                assert_eq!(
                    body["commands"][0]["value"],
                    json!({"registration": "DENY"})
                );
                assert_eq!(body["error"]["errorSummary"], "Please try again later.");
            }
            HookType::PasswordImport => {
                assert_eq!(
                    body["commands"][0]["value"],
                    json!({"credential": "UNVERIFIED"})
                );
            }
            HookType::Telephony => {
                assert!(body["error"]["errorSummary"].is_string(), "{body}");
                assert!(body.get("commands").is_none(), "{body}");
            }
        }
    }
}

#[tokio::test]
async fn a_slow_but_legitimate_plugin_is_answered_normally() {
    let server = TestServer::start().await;
    let mut options = misbehave(HookType::Token, "slow").budget_ms(1000);
    options.settings.push(("slow_ms".into(), "300".into()));
    let hook = server.hook(options).await;
    let started = Instant::now();
    let answer = server.call(&hook.id, &sample(HookType::Token)).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        (answer.status, answer.outcome.as_deref()),
        (204, Some("ok"))
    );
}

#[tokio::test]
async fn no_state_survives_from_one_call_to_the_next() {
    let server = TestServer::start().await;
    let hook = server.hook(misbehave(HookType::Token, "state")).await;
    for _ in 0..3 {
        let answer = server.call(&hook.id, &sample(HookType::Token)).await;
        assert_eq!(
            answer.body["debugContext"],
            json!({"calls": 1}),
            "{:?}",
            answer.body
        );
    }
}

#[tokio::test]
async fn settings_and_the_envelope_reach_the_plugin() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new(
            "misbehave",
            HookType::Telephony,
            &[("mode", "echo"), ("region", "eu-west")],
        ))
        .await;
    let request = sample(HookType::Telephony);
    let answer = server.call(&hook.id, &request).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let echoed = &answer.body["debugContext"];
    assert_eq!(echoed["eventId"], request["eventId"]);
    assert_eq!(echoed["eventType"], "com.okta.telephony.provider");
    assert_eq!(
        echoed["settings"],
        json!({"mode": "echo", "region": "eu-west"})
    );
}

#[tokio::test]
async fn an_execution_reports_logs_fuel_and_memory() {
    let server = TestServer::start().await;
    let hook = server.hook(misbehave(HookType::Token, "log")).await;
    let live = server.registry.hook(&hook.id).unwrap();
    let request = sample(HookType::Token);
    let body = request.to_string();
    let answer = server
        .pipeline
        .call(
            &live.run,
            hookwarden::internals::Source::Execute,
            body.as_bytes(),
            std::time::Instant::now(),
        )
        .await
        .unwrap();
    let hookwarden::internals::Answer::Ran(execution) = answer else {
        panic!("an execute call is never replayed");
    };
    assert_eq!(execution.outcome, hookwarden::internals::Outcome::Ok);
    assert_eq!(execution.logs.len(), 10, "{:?}", execution.logs);
    assert!(execution.fuel_consumed > 0);
    assert!(execution.peak_memory_bytes >= 65536);
    assert_eq!(execution.event_id, request["eventId"]);
}
