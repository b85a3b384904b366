//! The example plugins answer Okta-shaped requests for each hook type.

use hookwarden::HookType;
use hookwarden_tests::{HookOptions, TestServer, sample};
use serde_json::{Value, json};

/// The `value` of the command of type `kind`, asserting there is exactly one.
fn command<'a>(body: &'a Value, kind: &str) -> &'a Value {
    let matching: Vec<_> = body["commands"]
        .as_array()
        .unwrap_or_else(|| panic!("no commands in {body}"))
        .iter()
        .filter(|c| c["type"] == kind)
        .collect();
    assert_eq!(matching.len(), 1, "one {kind} command expected in {body}");
    &matching[0]["value"]
}

#[tokio::test]
async fn token_claims_patches_both_tokens_from_the_profile() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new(
            "token_claims",
            HookType::Token,
            &[
                ("access.display_name", "{firstName} {lastName}"),
                ("access.lifetime", "3600"),
                ("identity.locale_tag", "{locale}"),
            ],
        ))
        .await;
    let answer = server.call(&hook.id, &sample(HookType::Token)).await;
    assert_eq!(
        (answer.status, answer.outcome.as_deref()),
        (200, Some("ok")),
        "{:?}",
        answer.body
    );
    assert_eq!(
        command(&answer.body, "com.okta.access.patch"),
        &json!([
            {"op": "add", "path": "/claims/display_name", "value": "Isaac Brock"},
            {"op": "replace", "path": "/token/lifetime/expiration", "value": 3600}
        ])
    );
    assert_eq!(
        command(&answer.body, "com.okta.identity.patch"),
        &json!([{"op": "add", "path": "/claims/locale_tag", "value": "en_US"}])
    );
}

#[tokio::test]
async fn token_claims_patches_only_the_tokens_being_minted() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new(
            "token_claims",
            HookType::Token,
            &[("access.a", "{login}"), ("identity.b", "{login}")],
        ))
        .await;
    let mut request = sample(HookType::Token);
    request["data"].as_object_mut().unwrap().remove("identity");
    let answer = server.call(&hook.id, &request).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let commands = answer.body["commands"].as_array().unwrap();
    assert_eq!(commands.len(), 1, "{commands:?}");
    assert_eq!(commands[0]["type"], "com.okta.access.patch");
}

#[tokio::test]
async fn token_claims_with_nothing_to_add_answers_204() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new(
            "token_claims",
            HookType::Token,
            &[("access.dept", "{department}")], // not in the profile: skipped
        ))
        .await;
    let answer = server.call(&hook.id, &sample(HookType::Token)).await;
    assert_eq!(
        (answer.status, answer.outcome.as_deref()),
        (204, Some("ok"))
    );
    assert_eq!(answer.body, Value::Null);
}

#[tokio::test]
async fn saml_attributes_adds_attributes_from_the_profile() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new(
            "saml_attributes",
            HookType::Saml,
            &[("attribute.fullName", "{firstName} {lastName}")],
        ))
        .await;
    let request = sample(HookType::Saml);
    let profile = &request["data"]["context"]["user"]["profile"];
    let expected_name = format!(
        "{} {}",
        profile["firstName"].as_str().unwrap(),
        profile["lastName"].as_str().unwrap()
    );
    let answer = server.call(&hook.id, &request).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(
        command(&answer.body, "com.okta.assertion.patch"),
        &json!([{"op": "add", "path": "/claims/fullName", "value": {
            "attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
            "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": expected_name}]
        }}])
    );
}

#[tokio::test]
async fn import_link_links_on_a_matching_email_and_creates_otherwise() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new("import_link", HookType::Import, &[]))
        .await;
    let answer = server.call(&hook.id, &sample(HookType::Import)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(
        command(&answer.body, "com.okta.action.update"),
        &json!({"result": "LINK_USER"})
    );
    assert_eq!(
        command(&answer.body, "com.okta.user.update"),
        &json!({"id": "00uhb7xd7kEsOT8Zd0g4"})
    );

    let mut other = sample(HookType::Import);
    other["data"]["appUser"]["profile"]["email"] = json!("someone.else@example.com");
    let answer = server.call(&hook.id, &other).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(
        answer.body["commands"],
        json!([{"type": "com.okta.action.update", "value": {"result": "CREATE_USER"}}])
    );
}

#[tokio::test]
async fn registration_allowlist_allows_listed_domains() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new(
            "registration_allowlist",
            HookType::Registration,
            &[("allowed_domains", "corp.example.org, Example.com")],
        ))
        .await;
    let answer = server.call(&hook.id, &sample(HookType::Registration)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(
        answer.body,
        json!({"commands": [{"type": "com.okta.action.update", "value": {"registration": "ALLOW"}}]})
    );
}

#[tokio::test]
async fn registration_allowlist_denies_other_domains_with_an_end_user_error() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new(
            "registration_allowlist",
            HookType::Registration,
            &[
                ("allowed_domains", "corp.example.org"),
                ("message", "Use your work email."),
            ],
        ))
        .await;
    let answer = server.call(&hook.id, &sample(HookType::Registration)).await;
    assert_eq!(
        (answer.status, answer.outcome.as_deref()),
        (200, Some("ok")),
        "{:?}",
        answer.body
    );
    assert_eq!(
        command(&answer.body, "com.okta.action.update"),
        &json!({"registration": "DENY"})
    );
    assert_eq!(
        answer.body["error"],
        json!({"errorSummary": "Use your work email.", "errorCauses": [{
            "errorSummary": "Use your work email.",
            "reason": "INVALID_EMAIL_DOMAIN",
            "locationType": "body",
            "location": "data.userProfile.email",
            "domain": "end-user"
        }]})
    );
}

#[tokio::test]
async fn registration_allowlist_checks_a_changed_email_in_progressive_profiling() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new(
            "registration_allowlist",
            HookType::Registration,
            &[("allowed_domains", "example.com")],
        ))
        .await;
    let mut request: Value =
        serde_json::from_str(hookwarden::internals::samples::REGISTRATION_PROGRESSIVE).unwrap();
    request["data"]["userProfileUpdate"]["email"] = json!("someone@elsewhere.net");
    let answer = server.call(&hook.id, &request).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(
        command(&answer.body, "com.okta.action.update"),
        &json!({"registration": "DENY"})
    );
    assert_eq!(
        answer.body["error"]["errorCauses"][0]["location"],
        "data.userProfileUpdate.email"
    );
}
