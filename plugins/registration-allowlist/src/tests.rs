//! Native tests of the handler against the shared sample requests.

use super::{RegistrationAllowlist, is_allowed};
use hookwarden_guest::Request;
use hookwarden_guest::log::Level;
use hookwarden_guest::serde_json::{Value, json};
use hookwarden_guest::testing::{Run, run};

const SSR: &str = include_str!("../../../host/src/samples/registration.json");
const PROGRESSIVE: &str = include_str!("../../../host/src/samples/registration-progressive.json");

fn call(sample: &str, edit: impl FnOnce(&mut Value), settings: &[(&str, &str)]) -> Run {
    let mut body: Value = hookwarden_guest::serde_json::from_str(sample).unwrap();
    edit(&mut body);
    let run =
        run::<RegistrationAllowlist>(Request::from_json(&body.to_string()).unwrap(), settings);
    // Every answer these tests see is one the host would send, by the
    // host's own rules (`testing::run` judges it as the host does).
    assert!(
        run.result.is_err() || run.is_accepted(),
        "{:#?}",
        run.findings()
    );
    run
}

fn allow() -> Value {
    json!({"commands": [{"type": "com.okta.action.update", "value": {"registration": "ALLOW"}}]})
}

fn deny(message: &str, location: &str) -> Value {
    json!({
        "commands": [{"type": "com.okta.action.update", "value": {"registration": "DENY"}}],
        "error": {"errorSummary": message, "errorCauses": [{
            "errorSummary": message,
            "reason": "INVALID_EMAIL_DOMAIN",
            "locationType": "body",
            "location": location,
            "domain": "end-user"
        }]}
    })
}

const DEFAULT: &str = "Registration is not open for this email domain.";

#[test]
fn allows_listed_domains() {
    let run = call(
        SSR,
        |_| {},
        &[("allowed_domains", "corp.example.org, Example.com")],
    );
    assert_eq!(run.okta_json(), allow());
}

#[test]
fn denies_other_domains_with_an_end_user_error() {
    let run = call(
        SSR,
        |_| {},
        &[
            ("allowed_domains", "corp.example.org"),
            ("message", "Use your work email."),
        ],
    );
    assert_eq!(
        run.okta_json(),
        deny("Use your work email.", "data.userProfile.email")
    );
    let run = call(SSR, |_| {}, &[("allowed_domains", "corp.example.org")]);
    assert_eq!(run.okta_json(), deny(DEFAULT, "data.userProfile.email"));
}

#[test]
fn denies_a_missing_or_malformed_email_in_self_service_registration() {
    let settings = [("allowed_domains", "example.com")];
    for email in [
        json!(null),
        json!("isaac.brock.example.com"),
        json!("@example.com"),
        json!(7),
    ] {
        let run = call(
            SSR,
            |b| b["data"]["userProfile"]["email"] = email.clone(),
            &settings,
        );
        assert_eq!(
            run.okta_json(),
            deny(DEFAULT, "data.userProfile.email"),
            "{email}"
        );
    }
    let run = call(
        SSR,
        |b| {
            b["data"].as_object_mut().unwrap().remove("userProfile");
        },
        &settings,
    );
    assert_eq!(run.okta_json(), deny(DEFAULT, "data.userProfile.email"));
}

#[test]
fn treats_a_missing_request_type_as_self_service_registration() {
    let edit = |b: &mut Value| {
        b.as_object_mut().unwrap().remove("requestType");
        b["data"]["userProfile"]["email"] = json!("a@elsewhere.net");
    };
    let run = call(SSR, edit, &[("allowed_domains", "example.com")]);
    assert_eq!(run.okta_json(), deny(DEFAULT, "data.userProfile.email"));
}

#[test]
fn checks_only_a_changed_email_in_progressive_profiling() {
    let settings = [("allowed_domains", "example.com")];
    assert_eq!(call(PROGRESSIVE, |_| {}, &settings).okta_json(), allow());
    let changed = |email: &'static str| {
        move |b: &mut Value| b["data"]["userProfileUpdate"]["email"] = json!(email)
    };
    assert_eq!(
        call(PROGRESSIVE, changed("ike@example.com"), &settings).okta_json(),
        allow()
    );
    assert_eq!(
        call(PROGRESSIVE, changed("someone@elsewhere.net"), &settings).okta_json(),
        deny(DEFAULT, "data.userProfileUpdate.email")
    );
}

#[test]
fn without_allowed_domains_everything_is_denied_and_an_error_logged() {
    let run = call(SSR, |_| {}, &[]);
    assert_eq!(run.okta_json(), deny(DEFAULT, "data.userProfile.email"));
    assert!(run.logs_at(Level::Error)[0].contains("allowed_domains"));
    assert!(
        !run.logs.iter().any(|(_, m)| m.contains('@')),
        "no email in logs"
    );
}

#[test]
fn wildcards_match_subdomains_only() {
    let list = " *.Example.com , other.org,";
    assert!(is_allowed("a.example.com", list));
    assert!(is_allowed("b.a.example.com", list));
    assert!(!is_allowed("example.com", list));
    assert!(!is_allowed("badexample.com", list));
    assert!(is_allowed("other.org", list));
    assert!(!is_allowed("sub.other.org", list));
    assert!(!is_allowed("", list));
}

#[test]
fn can_leave_the_summary_out_and_set_any_location_type() {
    let run = call(
        SSR,
        |_| {},
        &[
            ("allowed_domains", "corp.example.org"),
            ("omit_summary", "true"),
            ("location_type", "form-field"),
        ],
    );
    let mut expected = deny(DEFAULT, "data.userProfile.email");
    let error = expected["error"].as_object_mut().unwrap();
    error.remove("errorSummary");
    error["errorCauses"][0]["locationType"] = json!("form-field");
    assert_eq!(run.okta_json(), expected);
    // Only `true` omits it.
    let run = call(
        SSR,
        |_| {},
        &[
            ("allowed_domains", "corp.example.org"),
            ("omit_summary", "yes"),
        ],
    );
    assert_eq!(run.okta_json(), deny(DEFAULT, "data.userProfile.email"));
}

#[test]
fn can_leave_the_summary_out_of_the_cause() {
    let run = call(
        SSR,
        |_| {},
        &[
            ("allowed_domains", "corp.example.org"),
            ("omit_summary", "true"),
            ("omit_cause_summary", "true"),
        ],
    );
    let mut expected = deny(DEFAULT, "data.userProfile.email");
    let error = expected["error"].as_object_mut().unwrap();
    error.remove("errorSummary");
    error["errorCauses"][0]
        .as_object_mut()
        .unwrap()
        .remove("errorSummary");
    assert_eq!(run.okta_json(), expected);
    // Only `true` omits it.
    let run = call(
        SSR,
        |_| {},
        &[
            ("allowed_domains", "corp.example.org"),
            ("omit_cause_summary", "yes"),
        ],
    );
    assert_eq!(run.okta_json(), deny(DEFAULT, "data.userProfile.email"));
}
