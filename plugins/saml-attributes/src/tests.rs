//! Native tests of the handler against the shared sample request.

use super::SamlAttributes;
use hookwarden_guest::Request;
use hookwarden_guest::log::Level;
use hookwarden_guest::serde_json::json;
use hookwarden_guest::testing::{Run, run};

const SAMPLE: &str = include_str!("../../../host/src/samples/saml.json");

fn call(settings: &[(&str, &str)]) -> Run {
    let run = run::<SamlAttributes>(Request::from_json(SAMPLE).unwrap(), settings);
    // Every answer these tests see is one the host would send, by the
    // host's own rules (`testing::run` judges it as the host does).
    assert!(
        run.result.is_err() || run.is_accepted(),
        "{:#?}",
        run.findings()
    );
    run
}

#[test]
fn adds_rendered_attributes_with_the_basic_name_format() {
    let run = call(&[("attribute.fullName", "{firstName} {lastName}")]);
    assert_eq!(
        run.okta_json(),
        json!({"commands": [{"type": "com.okta.assertion.patch", "value": [
            {"op": "add", "path": "/claims/fullName", "value": {
                "attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
                "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": "Isaac Brock"}]
            }}
        ]}]})
    );
    assert_eq!(run.logs_at(Level::Info), ["added 1 attribute(s)"]);
}

#[test]
fn uses_the_configured_name_format_and_escapes_names() {
    let uri = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
    let run = call(&[
        (
            "attribute.http://schemas.example.com/claims/login",
            "{login}",
        ),
        ("name_format", uri),
    ]);
    let op = &run.okta_json()["commands"][0]["value"][0];
    assert_eq!(
        op["path"],
        "/claims/http:~1~1schemas.example.com~1claims~1login"
    );
    assert_eq!(op["value"]["attributes"]["NameFormat"], uri);
    assert_eq!(
        op["value"]["attributeValues"][0]["value"],
        "isaac.brock@example.com"
    );
}

#[test]
fn skips_attributes_naming_missing_profile_attributes() {
    let run = call(&[
        ("attribute.dept", "{department}"),
        ("attribute.first", "{firstName}"),
    ]);
    let ops = run.okta_json()["commands"][0]["value"].clone();
    assert_eq!(ops.as_array().unwrap().len(), 1);
    assert_eq!(ops[0]["path"], "/claims/first");
    assert!(run.logs_at(Level::Warn)[0].contains("`dept`"));
}

#[test]
fn no_settings_means_an_empty_answer() {
    assert_eq!(call(&[]).okta_json(), json!({}));
}
