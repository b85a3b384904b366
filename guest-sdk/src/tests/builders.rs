use super::support::{self, request};
use crate::patch::{NAME_FORMAT_URI, claim_path, escape_token};
use crate::testing;
use crate::{
    ErrorCause, HookError, Patch, Response, SamlAttribute, TelephonyResult, TelephonyStatus,
    settings,
};
use serde_json::{Value, json};

fn okta(response: &Response) -> Value {
    response.to_okta_json().expect("valid answer")
}

#[test]
fn claim_names_are_escaped_per_rfc_6901() {
    assert_eq!(escape_token("plain"), "plain");
    assert_eq!(escape_token("a/b"), "a~1b");
    assert_eq!(escape_token("a~b"), "a~0b");
    // `~` is escaped first, so a literal "~1" survives the round trip.
    assert_eq!(escape_token("~1"), "~01");
    assert_eq!(escape_token("/~"), "~1~0");
    assert_eq!(
        claim_path("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"),
        "/claims/http:~1~1schemas.xmlsoap.org~1ws~12005~105~1identity~1claims~1name"
    );
}

#[test]
fn token_patches_produce_oktas_operations() {
    let mut access = Patch::new();
    access
        .add_claim("display_name", "Isaac Brock")
        .unwrap()
        .add_claim("https://example.com/roles", vec!["admin", "ops"])
        .unwrap()
        .replace_claim("nested", json!({"a": [1, 2]}))
        .unwrap()
        .append_to_claim("roles", "auditor")
        .unwrap()
        .remove_claim("legacy")
        .set_lifetime(3600);
    let mut identity = Patch::new();
    identity.add("/claims/employee/department", 42).unwrap();
    let mut response = Response::new();
    response.identity_patch(identity).access_patch(access);
    assert_eq!(
        okta(&response),
        json!({"commands": [
            {"type": "com.okta.identity.patch", "value": [
                {"op": "add", "path": "/claims/employee/department", "value": 42}
            ]},
            {"type": "com.okta.access.patch", "value": [
                {"op": "add", "path": "/claims/display_name", "value": "Isaac Brock"},
                {"op": "add", "path": "/claims/https:~1~1example.com~1roles", "value": ["admin", "ops"]},
                {"op": "replace", "path": "/claims/nested", "value": {"a": [1, 2]}},
                {"op": "add", "path": "/claims/roles/-", "value": "auditor"},
                {"op": "remove", "path": "/claims/legacy"},
                {"op": "replace", "path": "/token/lifetime/expiration", "value": 3600}
            ]}
        ]})
    );
    // `remove` carries no value at all.
    let Some(crate::Command::AccessPatch(ops)) = response.commands.get(1) else {
        panic!("access patch expected");
    };
    assert_eq!(ops[4].value, None);
}

#[test]
fn empty_patches_add_no_command_and_an_empty_answer_is_an_empty_object() {
    let mut response = Response::new();
    response
        .identity_patch(Patch::new())
        .access_patch(Patch::new())
        .assertion_patch(Patch::new());
    assert!(response.is_empty());
    assert_eq!(response, Response::default());
    assert_eq!(okta(&response), json!({}));
}

#[test]
fn saml_attributes_have_oktas_shape() {
    let mut patch = Patch::new();
    patch
        .add_attribute(&SamlAttribute::string("fullName", "Isaac Brock"))
        .add_attribute(
            &SamlAttribute::new("urn:oid:1.3.6.1.4.1.5923.1.1.1.7")
                .name_format(NAME_FORMAT_URI)
                .values(["staff", "vpn"]),
        )
        .replace_attribute(&SamlAttribute::new("employeeNumber").typed_value("xs:integer", "4321"))
        .replace("/authentication/sessionIndex", "abc")
        .unwrap();
    let mut response = Response::new();
    response.assertion_patch(patch);
    assert_eq!(
        okta(&response),
        json!({"commands": [{"type": "com.okta.assertion.patch", "value": [
            {"op": "add", "path": "/claims/fullName", "value": {
                "attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
                "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": "Isaac Brock"}]
            }},
            {"op": "add", "path": "/claims/urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "value": {
                "attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"},
                "attributeValues": [
                    {"attributes": {"xsi:type": "xs:string"}, "value": "staff"},
                    {"attributes": {"xsi:type": "xs:string"}, "value": "vpn"}
                ]
            }},
            {"op": "replace", "path": "/claims/employeeNumber", "value": {
                "attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
                "attributeValues": [{"attributes": {"xsi:type": "xs:integer"}, "value": "4321"}]
            }},
            {"op": "replace", "path": "/authentication/sessionIndex", "value": "abc"}
        ]}]})
    );
}

#[test]
fn import_answers_create_or_link_and_update_profiles() {
    let mut create = Response::new();
    create
        .create_user()
        .update_app_user_profile(json!({"department": "R&D"}))
        .unwrap();
    assert_eq!(
        okta(&create),
        json!({"commands": [
            {"type": "com.okta.action.update", "value": {"result": "CREATE_USER"}},
            {"type": "com.okta.appUser.profile.update", "value": {"department": "R&D"}}
        ]})
    );
    let mut link = Response::new();
    link.link_user("00uhb7xd7kEsOT8Zd0g4");
    assert_eq!(
        okta(&link),
        json!({"commands": [
            {"type": "com.okta.action.update", "value": {"result": "LINK_USER"}},
            {"type": "com.okta.user.update", "value": {"id": "00uhb7xd7kEsOT8Zd0g4"}}
        ]})
    );
}

#[test]
fn registration_answers_allow_deny_and_update() {
    let mut allow = Response::new();
    allow
        .update_user_profile(std::collections::BTreeMap::from([("nickname", "Ike")]))
        .unwrap()
        .allow_registration();
    assert_eq!(
        okta(&allow),
        json!({"commands": [
            {"type": "com.okta.user.profile.update", "value": {"nickname": "Ike"}},
            {"type": "com.okta.action.update", "value": {"registration": "ALLOW"}}
        ]})
    );

    let mut deny = Response::new();
    deny.deny_registration_with(HookError::end_user(
        "Registration is not open for this email domain.",
        "INVALID_EMAIL_DOMAIN",
        "data.userProfileUpdate.email",
    ));
    assert_eq!(
        okta(&deny),
        json!({
            "commands": [{"type": "com.okta.action.update", "value": {"registration": "DENY"}}],
            "error": {
                "errorSummary": "Registration is not open for this email domain.",
                "errorCauses": [{
                    "errorSummary": "Registration is not open for this email domain.",
                    "reason": "INVALID_EMAIL_DOMAIN",
                    "locationType": "body",
                    "location": "data.userProfileUpdate.email",
                    "domain": "end-user"
                }]
            }
        })
    );

    let mut progressive = Response::new();
    progressive
        .update_progressive_profile(json!({"department": "Sales"}))
        .unwrap()
        .deny_registration();
    assert_eq!(
        okta(&progressive)["commands"],
        json!([
            {"type": "com.okta.user.progressive.profile.update", "value": {"department": "Sales"}},
            {"type": "com.okta.action.update", "value": {"registration": "DENY"}}
        ])
    );
}

#[test]
fn profile_updates_and_debug_context_must_be_objects() {
    let mut response = Response::new();
    assert!(response.update_user_profile("just a string").is_err());
    assert!(response.update_app_user_profile([1, 2]).is_err());
    assert!(response.update_progressive_profile(Value::Null).is_err());
    let err = response.set_debug_context(7).unwrap_err();
    assert!(err.message().contains("debugContext"), "{err}");
    assert!(response.is_empty());
    response.set_debug_context(json!({"calls": 1})).unwrap();
    assert_eq!(okta(&response), json!({"debugContext": {"calls": 1}}));
}

#[test]
fn password_and_telephony_answers() {
    let mut verified = Response::new();
    verified.verify_password();
    let mut rejected = Response::new();
    rejected.reject_password();
    assert_eq!(
        okta(&verified)["commands"][0],
        json!({"type": "com.okta.action.update", "value": {"credential": "VERIFIED"}})
    );
    assert_eq!(
        okta(&rejected)["commands"][0]["value"],
        json!({"credential": "UNVERIFIED"})
    );

    let mut sent = Response::new();
    sent.telephony_result(
        TelephonyResult::new(TelephonyStatus::Successful)
            .with_provider("Twilio")
            .with_transaction_id("SM6a7b")
            .with_metadata("duration: 740ms"),
    );
    sent.telephony_result(TelephonyResult::new(TelephonyStatus::Failed));
    assert_eq!(
        okta(&sent),
        json!({"commands": [
            {"type": "com.okta.telephony.action", "value": [{"status": "SUCCESSFUL",
                "provider": "Twilio", "transactionId": "SM6a7b", "transactionMetadata": "duration: 740ms"}]},
            {"type": "com.okta.telephony.action", "value": [{"status": "FAILED"}]}
        ]})
    );
}

#[test]
fn errors_omit_unset_cause_members() {
    let mut response = Response::new();
    response.set_error(
        HookError::new("Provider down")
            .with_cause(ErrorCause::new("timeout").with_domain("external-service"))
            .with_cause(ErrorCause::new("bare")),
    );
    assert_eq!(
        okta(&response),
        json!({"error": {"errorSummary": "Provider down", "errorCauses": [
            {"errorSummary": "timeout", "domain": "external-service"},
            {"errorSummary": "bare"}
        ]}})
    );
    let mut plain = Response::new();
    plain.set_error(HookError::new("no"));
    assert_eq!(
        okta(&plain),
        json!({"error": {"errorSummary": "no", "errorCauses": []}})
    );
}

#[test]
fn an_error_without_summary_leaves_the_member_out() {
    let mut response = Response::new();
    response.deny_registration_with(
        HookError::without_summary()
            .with_cause(ErrorCause::new("Use your work email").with_location_type("cookie")),
    );
    assert_eq!(
        okta(&response),
        json!({
            "commands": [{"type": "com.okta.action.update", "value": {"registration": "DENY"}}],
            "error": {"errorCauses": [{"errorSummary": "Use your work email", "locationType": "cookie"}]}
        })
    );
    let mut bare = Response::new();
    bare.set_error(HookError::without_summary());
    assert_eq!(okta(&bare), json!({"error": {"errorCauses": []}}));
}

#[test]
fn a_cause_without_summary_leaves_the_member_out() {
    let mut response = Response::new();
    response.deny_registration_with(
        HookError::without_summary().with_cause(
            ErrorCause::without_summary()
                .with_reason("INVALID_EMAIL_DOMAIN")
                .with_location("data.userProfile.email"),
        ),
    );
    assert_eq!(
        okta(&response)["error"],
        json!({"errorCauses": [
            {"reason": "INVALID_EMAIL_DOMAIN", "location": "data.userProfile.email"}
        ]})
    );
    assert_eq!(ErrorCause::without_summary().to_okta_json(), json!({}));
}

#[test]
fn raw_commands_pass_through_and_invalid_json_is_reported() {
    let mut response = Response::new();
    response
        .raw("com.okta.user.profile.update", json!({"a": 1}))
        .unwrap();
    assert_eq!(
        okta(&response),
        json!({"commands": [{"type": "com.okta.user.profile.update", "value": {"a": 1}}]})
    );
    response.raw_json("com.okta.access.patch", "{not json");
    let err = response.to_okta_json().unwrap_err();
    assert!(
        err.message()
            .starts_with("commands[1]: value: not valid JSON"),
        "{err}"
    );
}

#[test]
fn settings_and_logs_use_the_native_stand_in() {
    testing::set_settings(&[
        ("access.a", "1"),
        ("access.", "ignored: empty rest"),
        ("identity.b", "2"),
        ("slow_ms", " 250 "),
        ("bad", "x"),
    ]);
    assert_eq!(settings::get("identity.b").as_deref(), Some("2"));
    assert_eq!(settings::get("nope"), None);
    assert_eq!(settings::get_or("nope", "d"), "d");
    assert_eq!(settings::list().first().unwrap().0, "access.");
    assert_eq!(
        settings::with_prefix("access."),
        [("a".to_string(), "1".to_string())]
    );
    assert_eq!(settings::parse::<u64>("slow_ms").unwrap(), Some(250));
    assert_eq!(settings::parse::<u64>("nope").unwrap(), None);
    let err = settings::parse::<u64>("bad").unwrap_err();
    assert!(err.message().starts_with("setting `bad` = \"x\""), "{err}");
    testing::set_settings(&[]);
    assert!(settings::list().is_empty());
}

#[test]
fn the_export_path_turns_errors_into_their_message() {
    let result = crate::__private::handle::<support::Failing>(request(support::IMPORT));
    assert_eq!(result, Err("asked to fail".to_string()));
    let run = testing::run::<support::Failing>(request(support::IMPORT), &[]);
    assert!(run.result.is_err());
    assert!(run.logs.is_empty());
}
