//! `testing::run` judges answers and keeps log lines as the host does.

use super::support::{self, request};
use crate::log::{self, Level};
use crate::testing::{self, Refusal};
use crate::{Handler, Patch, Request, Response, Result};

/// Removes the reserved `sub` claim from the ID token: Okta would discard
/// the answer, so the host replaces it.
struct RemovesSub;

impl Handler for RemovesSub {
    fn handle(_: Request) -> Result<Response> {
        let mut patch = Patch::new();
        patch.remove_claim("sub");
        let mut response = Response::new();
        response.identity_patch(patch);
        Ok(response)
    }
}

/// Answers a token request with a command only import hooks accept.
struct WrongHookType;

impl Handler for WrongHookType {
    fn handle(_: Request) -> Result<Response> {
        let mut response = Response::new();
        response.create_user();
        Ok(response)
    }
}

/// Logs 70 lines, the first one long.
struct Chatty;

impl Handler for Chatty {
    fn handle(_: Request) -> Result<Response> {
        log::info("x".repeat(5000));
        for i in 1..70 {
            log::debug(format!("line {i}"));
        }
        Ok(Response::new())
    }
}

#[test]
fn an_answer_the_host_would_replace_is_refused_with_the_hosts_reason() {
    let run = testing::run::<RemovesSub>(request(support::TOKEN), &[]);
    // The JSON is still there to look at...
    assert_eq!(
        run.okta_json()["commands"][0]["value"][0]["path"],
        "/claims/sub"
    );
    // ...but the host would not send it.
    assert!(!run.is_accepted());
    let verdict = run.verdict.as_ref().unwrap();
    assert_eq!(verdict.refusal, Some(Refusal::BreaksRules));
    assert_eq!(run.findings()[0].location, "commands[0].value[0].path");
    assert!(
        verdict
            .reason()
            .unwrap()
            .starts_with("answer breaks Okta's rules"),
        "{verdict:?}"
    );
}

#[test]
fn command_types_are_checked_against_the_requests_hook_type() {
    let run = testing::run::<WrongHookType>(request(support::TOKEN), &[]);
    assert!(!run.is_accepted());
    assert_eq!(run.findings()[0].location, "commands[0].type");
    let run = testing::run::<WrongHookType>(request(support::IMPORT), &[]);
    assert!(run.is_accepted(), "{:?}", run.findings());
}

#[test]
#[should_panic(expected = "the host would replace the answer: answer breaks Okta's rules")]
fn accepted_json_panics_on_an_answer_the_host_would_replace() {
    testing::run::<RemovesSub>(request(support::TOKEN), &[]).accepted_json();
}

#[test]
fn a_failed_handler_has_no_verdict() {
    let run = testing::run::<support::Failing>(request(support::IMPORT), &[]);
    assert!(run.verdict.is_none());
    assert!(!run.is_accepted());
    assert!(run.findings().is_empty());
}

#[test]
fn log_lines_are_kept_within_the_hosts_bounds() {
    let run = testing::run::<Chatty>(request(support::IMPORT), &[]);
    assert_eq!(run.logs.len(), 64);
    assert_eq!(run.dropped_log_lines, 6);
    let first = &run.logs[0];
    assert_eq!(first.0, Level::Info);
    assert!(first.1.len() < 4200 && first.1.ends_with("[truncated]"));
    assert_eq!(run.logs[63].1, "line 63");
    assert_eq!(run.accepted_json(), serde_json::json!({}));
}
