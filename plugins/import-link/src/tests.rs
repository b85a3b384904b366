//! Native tests of the handler against the shared sample request.

use super::ImportLink;
use hookwarden_guest::Request;
use hookwarden_guest::log::Level;
use hookwarden_guest::serde_json::{Value, json};
use hookwarden_guest::testing::{Run, run};

const SAMPLE: &str = include_str!("../../../host/src/samples/import.json");

fn call(edit: impl FnOnce(&mut Value), settings: &[(&str, &str)]) -> Run {
    let mut body: Value = hookwarden_guest::serde_json::from_str(SAMPLE).unwrap();
    edit(&mut body);
    let run = run::<ImportLink>(Request::from_json(&body.to_string()).unwrap(), settings);
    // Every answer these tests see is one the host would send, by the
    // host's own rules (`testing::run` judges it as the host does).
    assert!(
        run.result.is_err() || run.is_accepted(),
        "{:#?}",
        run.findings()
    );
    run
}

fn create_user() -> Value {
    json!({"commands": [{"type": "com.okta.action.update", "value": {"result": "CREATE_USER"}}]})
}

#[test]
fn links_when_the_emails_match_ignoring_case_and_spaces() {
    let run = call(
        |b| b["data"]["appUser"]["profile"]["email"] = json!(" ISAAC.brock@example.com "),
        &[],
    );
    assert_eq!(
        run.okta_json(),
        json!({"commands": [
            {"type": "com.okta.action.update", "value": {"result": "LINK_USER"}},
            {"type": "com.okta.user.update", "value": {"id": "00uhb7xd7kEsOT8Zd0g4"}}
        ]})
    );
    assert_eq!(
        run.logs_at(Level::Info),
        ["LINK_USER: `email` matches the Okta user"]
    );
    assert!(
        !run.logs.iter().any(|(_, m)| m.contains('@')),
        "no personal data in logs"
    );
}

#[test]
fn creates_when_the_emails_differ_or_no_user_matched() {
    let differ = call(
        |b| b["data"]["appUser"]["profile"]["email"] = json!("someone.else@example.com"),
        &[],
    );
    assert_eq!(differ.okta_json(), create_user());
    let unmatched = call(
        |b| {
            b["data"]["user"].as_object_mut().unwrap().remove("id");
        },
        &[],
    );
    assert_eq!(unmatched.okta_json(), create_user());
    assert_eq!(
        unmatched.logs_at(Level::Info),
        ["CREATE_USER: Okta matched no existing user"]
    );
}

#[test]
fn creates_and_warns_when_the_app_user_lacks_the_attribute() {
    let run = call(|_| {}, &[("match_attribute", "employeeNumber")]);
    assert_eq!(run.okta_json(), create_user());
    assert!(run.logs_at(Level::Warn)[0].contains("`employeeNumber`"));
}

#[test]
fn matches_on_the_configured_attribute() {
    let run = call(|_| {}, &[("match_attribute", "lastName")]);
    assert_eq!(
        run.okta_json()["commands"][0]["value"]["result"],
        "LINK_USER"
    );
}
