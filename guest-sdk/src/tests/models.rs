use super::support::{self, request};
use crate::data::{Profile, TokenData};
use crate::{HookType, RegistrationKind, Request};
use serde_json::json;

#[test]
fn every_sample_is_a_full_envelope_of_a_known_hook_type() {
    for sample in support::ALL {
        let r = request(sample);
        assert!(r.hook_type().is_some(), "{}", r.event_type);
        assert_eq!(r.event_type_version, "1.0");
        assert_eq!(r.cloud_event_version, "0.1");
        assert_eq!(r.content_type, "application/json");
        assert!(!r.event_id.is_empty());
        assert!(r.event_time.ends_with(".000Z"), "{}", r.event_time);
        assert!(!r.source.is_empty());
        let data = r.data_value().unwrap();
        assert!(
            data["context"].is_object(),
            "{}: data.context",
            r.event_type
        );
    }
}

#[test]
fn the_token_sample_mints_both_tokens_for_isaac() {
    let data = request(support::TOKEN).token_data().unwrap();
    let profile = data.user_profile().unwrap();
    for (name, value) in [
        ("login", "isaac.brock@example.com"),
        ("firstName", "Isaac"),
        ("lastName", "Brock"),
        ("locale", "en_US"),
        ("timeZone", "America/Los_Angeles"),
    ] {
        assert_eq!(profile.get_str(name), Some(value), "{name}");
    }
    let identity = data.identity.as_ref().unwrap();
    let access = data.access.as_ref().unwrap();
    assert_eq!(identity.claims["sub"], "00uq8tMo3zV0OfJON0g3");
    assert_eq!(
        access.token.lifetime.as_ref().unwrap().expiration,
        Some(3600)
    );
    assert_eq!(access.scopes["openid"].action.as_deref(), Some("GRANT"));
    let protocol = data.context.protocol.as_ref().unwrap();
    assert_eq!(protocol.protocol_type.as_deref(), Some("OAUTH2.0"));
    assert_eq!(
        protocol.request.as_ref().unwrap().response_type.as_deref(),
        Some("token id_token")
    );
    let session = data.context.session.as_ref().unwrap();
    assert_eq!(session.amr, ["PASSWORD"]);
    assert_eq!(
        session.idp.as_ref().unwrap().idp_type.as_deref(),
        Some("OKTA")
    );
    assert!(data.context.user.as_ref().unwrap().links.is_some());
    assert_eq!(
        data.context
            .policy
            .as_ref()
            .unwrap()
            .rule
            .as_ref()
            .unwrap()
            .id
            .as_deref(),
        Some("0prq8mLKuKAmavOvq0g3")
    );
    assert!(data.refresh_token.is_none());
}

#[test]
fn the_saml_sample_has_an_assertion_with_typed_attributes() {
    let r = request(support::SAML);
    assert_eq!(r.hook_type(), Some(HookType::Saml));
    let data = r.saml_data().unwrap();
    assert_eq!(
        data.user_profile().unwrap().get_str("firstName"),
        Some("Isaac")
    );
    let protocol = data.context.protocol.as_ref().unwrap();
    assert_eq!(protocol.protocol_type.as_deref(), Some("SAML2.0"));
    let assertion = data.assertion.unwrap();
    assert_eq!(
        assertion.subject.unwrap().name_id.as_deref(),
        Some("isaac.brock@example.com")
    );
    assert_eq!(assertion.lifetime.unwrap().expiration, Some(300));
    let groups = &assertion.claims["groups"];
    assert_eq!(
        groups.name_format(),
        Some("urn:oasis:names:tc:SAML:2.0:attrname-format:basic")
    );
    assert_eq!(groups.attribute_values.len(), 2);
    assert_eq!(groups.attribute_values[1].value, "Engineering");
    assert_eq!(
        assertion.claims["employeeNumber"].attribute_values[0].xsi_type(),
        Some("xs:integer")
    );
    assert_eq!(
        assertion
            .authentication
            .unwrap()
            .authn_context
            .unwrap()
            .authn_context_class_ref
            .as_deref(),
        Some("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
    );
    assert_eq!(assertion.conditions.unwrap().audience_restriction.len(), 1);
}

#[test]
fn the_import_sample_has_a_matched_user_with_the_same_email_differently_cased() {
    let data = request(support::IMPORT).import_data().unwrap();
    assert_eq!(data.user.id.as_deref(), Some("00uhb7xd7kEsOT8Zd0g4"));
    let app_email = data.app_user.profile.get_str("email").unwrap();
    let user_email = data.user.profile.get_str("email").unwrap();
    assert_eq!(user_email, "isaac.brock@example.com");
    assert_ne!(app_email, user_email);
    assert_eq!(app_email.to_lowercase(), user_email);
    assert_eq!(data.app_user.profile.get_str("firstName"), Some("Isaac"));
    assert_eq!(data.app_user.profile.get_str("lastName"), Some("Brock"));
    assert_eq!(
        data.context.job.unwrap().job_type.as_deref(),
        Some("import:users")
    );
    assert_eq!(data.context.policy, ["EMAIL", "FIRST_AND_LAST_NAME"]);
    assert_eq!(
        data.context.application.unwrap().status.as_deref(),
        Some("ACTIVE")
    );
}

#[test]
fn the_registration_samples_cover_both_request_types() {
    let ssr = request(support::REGISTRATION);
    assert_eq!(
        ssr.registration_kind().unwrap(),
        RegistrationKind::SelfService
    );
    let data = ssr.registration_data().unwrap();
    assert_eq!(
        data.user_profile.as_ref().unwrap().get_str("email"),
        Some("isaac.brock@example.com")
    );
    assert!(data.user_profile_update.is_none());
    assert_eq!(data.action.as_deref(), Some("ALLOW"));

    let pp = request(support::REGISTRATION_PROGRESSIVE);
    assert_eq!(
        pp.registration_kind().unwrap(),
        RegistrationKind::ProgressiveProfile
    );
    let data = pp.registration_data().unwrap();
    assert!(data.user_profile.is_none());
    let update = data.user_profile_update.unwrap();
    assert!(
        update.get("email").is_none(),
        "the default sample changes no email"
    );
    assert!(!update.is_empty());
    assert_eq!(
        data.context.user.unwrap().id.as_deref(),
        Some("00u48gwcu01WxvNol0g7")
    );
}

#[test]
fn the_password_import_sample_carries_a_credential_that_debug_hides() {
    let data = request(support::PASSWORD_IMPORT)
        .password_import_data()
        .unwrap();
    let credential = &data.context.credential;
    assert_eq!(
        credential.username.as_deref(),
        Some("isaac.brock@example.com")
    );
    let password = credential.password.as_deref().unwrap();
    assert!(!format!("{data:?}").contains(password));
    assert_eq!(
        data.action.unwrap().credential.as_deref(),
        Some("UNVERIFIED")
    );
}

#[test]
fn the_telephony_sample_is_an_mfa_verification_by_sms() {
    let r = request(support::TELEPHONY);
    assert_eq!(
        r.request_type.as_deref(),
        Some("com.okta.user.telephony.mfa-verification")
    );
    let data = r.telephony_data().unwrap();
    assert_eq!(
        data.user_profile.login.as_deref(),
        Some("isaac.brock@example.com")
    );
    let message = &data.message_profile;
    assert_eq!(message.delivery_channel.as_deref(), Some("SMS"));
    assert_eq!(message.phone_number.as_deref(), Some("+15555550123"));
    let otp = message.otp_code.as_deref().unwrap();
    assert!(!format!("{message:?}").contains(otp));
}

#[test]
fn typed_accessors_refuse_another_hook_type() {
    let r = request(support::TOKEN);
    let err = r.saml_data().unwrap_err();
    assert!(
        err.message().contains("com.okta.saml.tokens.transform"),
        "{err}"
    );
    assert!(r.import_data().is_err());
    assert!(r.registration_data().is_err());
    assert!(r.password_import_data().is_err());
    assert!(r.telephony_data().is_err());
    assert!(r.registration_kind().is_err());
    assert!(request(support::SAML).token_data().is_err());
}

fn token_request(data: serde_json::Value) -> Request {
    Request::from_json(
        &json!({"eventType": "com.okta.oauth2.tokens.transform", "eventId": "e", "data": data})
            .to_string(),
    )
    .unwrap()
}

#[test]
fn models_tolerate_unknown_missing_and_null_members() {
    // Nothing but an empty context.
    let data = token_request(json!({"context": {}})).token_data().unwrap();
    assert_eq!(data, TokenData::default());
    assert!(data.user_profile().is_none());

    // Unknown members anywhere, nulls for lists and maps.
    let data = token_request(json!({
        "context": {
            "newThing": {"x": 1},
            "session": {"amr": null, "futureField": true},
            "user": {"id": "00u1", "profile": null}
        },
        "access": {"claims": null, "scopes": null, "token": {"lifetime": {"expiration": 300}}},
        "brandNewSibling": []
    }))
    .token_data()
    .unwrap();
    assert!(data.context.session.unwrap().amr.is_empty());
    assert_eq!(data.context.user.unwrap().profile, Profile::default());
    assert!(data.access.unwrap().claims.is_empty());
}

#[test]
fn a_wrongly_typed_member_is_an_error_naming_it() {
    let err = token_request(json!({"context": {"session": {"amr": "PASSWORD"}}}))
        .token_data()
        .unwrap_err();
    assert!(err.message().starts_with("data: "), "{err}");
}

#[test]
fn from_json_defaults_the_optional_envelope_members() {
    let r = Request::from_json(r#"{"eventType": "x", "data": {"a": 1}}"#).unwrap();
    assert_eq!(
        (
            r.event_type_version.as_str(),
            r.cloud_event_version.as_str()
        ),
        ("1.0", "0.1")
    );
    assert_eq!(r.content_type, "application/json");
    assert_eq!(r.request_type, None);
    assert_eq!(r.hook_type(), None);
    assert_eq!(r.data_value().unwrap(), json!({"a": 1}));
    assert!(
        Request::from_json(r#"{"eventType": "x"}"#).is_err(),
        "data is required"
    );
    assert!(Request::from_json(r#"{"eventType": "x", "data": []}"#).is_err());
    assert!(Request::from_json("not json").is_err());
}

#[test]
fn from_json_accepts_oktas_numeric_versions_nulls_and_no_event_id() {
    let r = Request::from_json(
        r#"{"eventType": "x", "eventTypeVersion": 1, "cloudEventVersion": 0.1,
            "eventId": null, "eventTime": null, "source": null, "contentType": null,
            "data": {}}"#,
    )
    .unwrap();
    assert_eq!(
        (
            r.event_type_version.as_str(),
            r.cloud_event_version.as_str()
        ),
        ("1", "0.1")
    );
    assert_eq!((r.event_id.as_str(), r.event_time.as_str()), ("", ""));
    assert_eq!(r.content_type, "application/json");
    let r = Request::from_json(r#"{"eventType": "x", "data": {}}"#).unwrap();
    assert_eq!(r.event_id, "");
    let err = Request::from_json(r#"{"eventType": "x", "eventTypeVersion": true, "data": {}}"#)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("eventTypeVersion must be a string or a number"),
        "{err}"
    );
    assert!(Request::from_json(r#"{"eventType": "x", "eventId": 7, "data": {}}"#).is_err());
}

#[test]
fn registration_kind_follows_the_request_type() {
    let mut r = request(support::REGISTRATION);
    r.request_type = None;
    assert_eq!(
        r.registration_kind().unwrap(),
        RegistrationKind::SelfService
    );
    r.request_type = Some("something.new".into());
    assert!(
        r.registration_kind()
            .unwrap_err()
            .message()
            .contains("something.new")
    );
}
