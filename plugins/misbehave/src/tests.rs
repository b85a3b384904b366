//! Native tests of the modes that return.

use super::Misbehave;
use hookwarden_guest::Request;
use hookwarden_guest::serde_json::json;
use hookwarden_guest::testing::{Refusal, Run, run};
use std::time::{Duration, Instant};

const SAMPLE: &str = include_str!("../../../host/src/samples/telephony.json");

fn call(settings: &[(&str, &str)]) -> Run {
    run::<Misbehave>(Request::from_json(SAMPLE).unwrap(), settings)
}

#[test]
fn echo_is_the_default_and_returns_the_envelope_and_settings() {
    let expected = |settings| {
        json!({"debugContext": {"eventId": "uRsU4UFhTCaUG9yoSy4aew",
            "eventType": "com.okta.telephony.provider", "settings": settings}})
    };
    assert_eq!(call(&[]).okta_json(), expected(json!({})));
    assert_eq!(
        call(&[("mode", "echo"), ("region", "eu-west")]).okta_json(),
        expected(json!({"mode": "echo", "region": "eu-west"}))
    );
}

#[test]
fn error_and_unknown_modes_fail() {
    let err = call(&[("mode", "error")]).result.unwrap_err();
    assert_eq!(err.message(), "misbehave: asked to fail");
    let err = call(&[("mode", "no-such-mode")]).result.unwrap_err();
    assert!(err.message().contains("no-such-mode"));
}

#[test]
fn invalid_and_bad_json_build_answers_the_host_must_reject() {
    assert_eq!(
        call(&[("mode", "invalid")]).okta_json(),
        json!({"commands": [{"type": "com.okta.identity.patch", "value": [{"op": "remove", "path": "/claims/sub"}]}]})
    );
    let bad = call(&[("mode", "bad-json")]).result.unwrap();
    assert!(bad.to_okta_json().is_err());
}

#[test]
fn the_host_refuses_the_invalid_bad_json_and_huge_answers() {
    let invalid = call(&[("mode", "invalid")]);
    assert_eq!(invalid.findings()[0].location, "commands[0].type");
    let bad = call(&[("mode", "bad-json")]);
    assert_eq!(
        bad.verdict.as_ref().and_then(|v| v.refusal),
        Some(Refusal::InvalidJson)
    );
    let huge = call(&[("mode", "huge"), ("size", "300000")]);
    assert_eq!(
        huge.verdict.as_ref().and_then(|v| v.refusal),
        Some(Refusal::TooLarge)
    );
    assert!(call(&[]).is_accepted());
}

#[test]
fn slow_waits_then_answers_with_no_changes() {
    let started = Instant::now();
    assert_eq!(
        call(&[("mode", "slow"), ("slow_ms", "30")]).okta_json(),
        json!({})
    );
    assert!(started.elapsed() >= Duration::from_millis(30));
    assert!(
        call(&[("mode", "slow"), ("slow_ms", "soon")])
            .result
            .is_err()
    );
}

#[test]
fn state_counts_calls_within_one_instance() {
    // Natively the static persists between calls; in the host every call
    // gets a fresh instance, so it always reports 1 there.
    let first = call(&[("mode", "state")]).okta_json()["debugContext"]["calls"]
        .as_u64()
        .unwrap();
    let second = call(&[("mode", "state")]).okta_json()["debugContext"]["calls"]
        .as_u64()
        .unwrap();
    assert_eq!(second, first + 1);
}

#[test]
fn log_writes_ten_lines_at_every_level() {
    let run = call(&[("mode", "log")]);
    assert_eq!(run.okta_json(), json!({}));
    assert_eq!(run.logs.len(), 10);
    let levels: std::collections::BTreeSet<_> = run.logs.iter().map(|(l, _)| *l).collect();
    assert_eq!(levels.len(), 5);
}

#[test]
fn huge_and_many_build_answers_over_oktas_size_limit() {
    let huge = call(&[("mode", "huge"), ("size", "1000")]).okta_json();
    assert_eq!(huge["debugContext"]["blob"].as_str().unwrap().len(), 1000);
    let many = call(&[("mode", "many"), ("count", "3")]).okta_json();
    assert_eq!(
        many["commands"],
        json!([
            {"type": "com.okta.identity.patch", "value": [{"op": "add", "path": "/claims/c0", "value": 0}]},
            {"type": "com.okta.identity.patch", "value": [{"op": "add", "path": "/claims/c1", "value": 1}]},
            {"type": "com.okta.identity.patch", "value": [{"op": "add", "path": "/claims/c2", "value": 2}]}
        ])
    );
}

#[test]
fn envelope_and_no_summary_modes() {
    let seen = call(&[("mode", "envelope")]).okta_json();
    assert_eq!(seen["debugContext"]["eventId"], "uRsU4UFhTCaUG9yoSy4aew");
    assert_eq!(seen["debugContext"]["eventTypeVersion"], "1.0");
    assert_eq!(
        call(&[("mode", "no-summary")]).okta_json(),
        json!({"error": {"errorCauses": [
            {"errorSummary": "no summary here", "locationType": "cookie"},
            {"reason": "NO_SUMMARY"}
        ]}})
    );
}
