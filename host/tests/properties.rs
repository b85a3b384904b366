//! Property tests: whatever a caller or a plugin sends, the parsers and the
//! checker never panic and always answer with a value or a typed error.
//!
//! `PROPTEST_CASES=10000 cargo test -p hookwarden --test properties` runs
//! a longer search than the default 256 cases per property.

use hookwarden::HookType;
use hookwarden::internals::Envelope;
use hookwarden::internals::to_okta_json;
use hookwarden::internals::wit::{
    ActionUpdate, Command, ErrorCause, HookError, ImportResult, PatchOp, PatchOperation,
    RawCommand, Response,
};
use hookwarden_contract::check::{MAX_RESPONSE_BYTES, RequestFacts, check_answer, has_errors};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Any JSON value, up to a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,20}".prop_map(Value::String),
        // Strings Okta's answers care about.
        prop_oneof![
            Just("add"),
            Just("replace"),
            Just("remove"),
            Just("/claims/x"),
            Just("/token/lifetime/expiration"),
            Just("com.okta.access.patch"),
            Just("com.okta.identity.patch"),
            Just("com.okta.action.update"),
            Just("ALLOW"),
            Just("DENY"),
            Just("/claims/sub"),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("type".to_string()),
                        Just("value".to_string()),
                        Just("op".to_string()),
                        Just("path".to_string()),
                        Just("commands".to_string()),
                        Just("error".to_string()),
                        Just("data".to_string()),
                        Just("eventType".to_string()),
                        Just("eventId".to_string()),
                        "[a-zA-Z]{1,8}",
                    ],
                    inner,
                ),
                0..6,
            )
            .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn hook_type() -> impl Strategy<Value = HookType> {
    prop::sample::select(HookType::ALL.to_vec())
}

/// A JSON text a plugin might put where JSON is expected: valid or not.
fn json_text() -> impl Strategy<Value = String> {
    prop_oneof![json().prop_map(|v| v.to_string()), ".{0,30}"]
}

fn patch() -> impl Strategy<Value = Vec<PatchOperation>> {
    prop::collection::vec(
        (
            prop::sample::select(vec![PatchOp::Add, PatchOp::Replace, PatchOp::Remove]),
            prop_oneof![Just("/claims/a".to_string()), ".{0,20}"],
            prop::option::of(json_text()),
        )
            .prop_map(|(op, path, value)| PatchOperation { op, path, value }),
        0..4,
    )
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        patch().prop_map(Command::IdentityPatch),
        patch().prop_map(Command::AccessPatch),
        patch().prop_map(Command::AssertionPatch),
        json_text().prop_map(Command::UserProfileUpdate),
        json_text().prop_map(Command::UserUpdate),
        Just(Command::ActionUpdate(ActionUpdate::ImportResult(
            ImportResult::LinkUser
        ))),
        (".{0,30}", json_text())
            .prop_map(|(type_, value)| Command::Raw(RawCommand { type_, value })),
    ]
}

fn response() -> impl Strategy<Value = Response> {
    (
        prop::collection::vec(command(), 0..5),
        prop::option::of(
            (
                prop::option::of(".{0,20}"),
                prop::collection::vec(prop::option::of(".{0,20}"), 0..3),
            )
                .prop_map(|(summary, causes)| HookError {
                    error_summary: summary,
                    error_causes: causes
                        .into_iter()
                        .map(|c| ErrorCause {
                            error_summary: c,
                            reason: None,
                            location_type: None,
                            location: None,
                            domain: None,
                        })
                        .collect(),
                }),
        ),
        prop::option::of(json_text()),
    )
        .prop_map(|(commands, error, debug_context)| Response {
            commands,
            error,
            debug_context,
        })
}

/// A request envelope of `hook` around `data`.
fn envelope_of(hook: HookType, data: Value) -> Value {
    serde_json::json!({"eventType": hook.event_type(), "eventId": "e1", "data": data})
}

proptest! {
    #[test]
    fn any_bytes_are_an_envelope_or_a_typed_error(bytes in prop::collection::vec(any::<u8>(), 0..512), hook in hook_type()) {
        let _ = Envelope::parse(&bytes, hook);
    }

    #[test]
    fn any_json_is_an_envelope_or_a_typed_error(value in json(), hook in hook_type()) {
        match Envelope::parse(value.to_string().as_bytes(), hook) {
            Ok(envelope) => {
                // What the plugin gets is exactly the data it was sent.
                let data: Value = serde_json::from_str(&envelope.request.data).unwrap();
                prop_assert_eq!(&data, &value["data"]);
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn any_data_in_a_valid_envelope_parses(data in json(), hook in hook_type()) {
        let body = envelope_of(hook, data.clone()).to_string();
        let parsed = Envelope::parse(body.as_bytes(), hook);
        prop_assert_eq!(parsed.is_ok(), data.is_object());
    }

    #[test]
    fn any_answer_is_checked_without_panicking(answer in json(), data in json(), hook in hook_type()) {
        let facts = RequestFacts { request_type: None, data: &data };
        let len = answer.to_string().len();
        let findings = check_answer(hook, &facts, &answer, len);
        for finding in &findings {
            prop_assert!(!finding.message.is_empty());
        }
    }

    #[test]
    fn any_plugin_response_converts_or_fails_with_a_location(response in response(), hook in hook_type()) {
        match to_okta_json(&response) {
            Ok(answer) => {
                let text = answer.to_string();
                let sample: Value = serde_json::from_str(hookwarden::internals::samples::request(hook)).unwrap();
                let facts = RequestFacts { request_type: None, data: &sample["data"] };
                let findings = check_answer(hook, &facts, &answer, text.len());
                // Whatever passes the checker is valid JSON under Okta's size cap.
                if !has_errors(&findings) {
                    prop_assert!(text.len() < MAX_RESPONSE_BYTES);
                    prop_assert!(serde_json::from_str::<Value>(&text).is_ok());
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for hook in HookType::ALL {
        let deep = "[".repeat(100_000);
        assert!(Envelope::parse(deep.as_bytes(), hook).is_err());
        let deep_data = format!(
            "{{\"eventType\":\"{}\",\"eventId\":\"e\",\"data\":{{\"a\":{}}}}}",
            hook.event_type(),
            "[".repeat(100_000)
        );
        assert!(Envelope::parse(deep_data.as_bytes(), hook).is_err());
    }
    // A plugin's deeply nested JSON text is refused the same way.
    let response = Response {
        commands: vec![Command::UserUpdate("[".repeat(100_000))],
        error: None,
        debug_context: Some(format!("{}{}", "{\"a\":".repeat(5000), "}".repeat(5000))),
    };
    assert!(to_okta_json(&response).is_err());
}

#[test]
fn invalid_utf8_and_duplicate_keys_are_handled() {
    let mut bytes =
        br#"{"eventType":"com.okta.import.transform","eventId":"e","data":{"x":""#.to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(br#""}}"#);
    assert!(Envelope::parse(&bytes, HookType::Import).is_err());
    // Duplicate keys: the last one wins, as in serde_json and JavaScript.
    let dup = br#"{"eventType":"com.okta.import.transform","eventId":"first","eventId":"second","data":{}}"#;
    let envelope = Envelope::parse(dup, HookType::Import).unwrap();
    assert_eq!(envelope.request.event_id, "second");
}
