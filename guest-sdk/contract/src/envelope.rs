//! The request envelope Okta POSTs to a hook, and its one parser.
//!
//! The host parses every request with [`Envelope::parse_for`] before a
//! plugin runs; the guest SDK's `Request::from_json` uses
//! [`Envelope::parse`], so a plugin's tests accept exactly what the host
//! accepts.

use crate::HookType;
use serde_json::{Map, Value};
use std::fmt;

/// A request body that cannot be handed to a plugin.
///
/// Okta's rule is that HTTP errors are only for requests the service cannot
/// parse; the host answers each of these with a 400 and Okta's error object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeError {
    /// The body is not JSON (or not UTF-8).
    NotJson(String),
    /// The body is JSON but not an object.
    NotAnObject,
    /// A required member is missing (or `null`).
    Missing(&'static str),
    /// A member has the wrong JSON type.
    WrongType {
        /// The member's name.
        field: &'static str,
        /// What it must be, e.g. "a string".
        expected: &'static str,
    },
    /// `eventType` names another hook type than the hook's.
    WrongEventType {
        /// The hook's type.
        expected: HookType,
        /// What the request said.
        got: String,
    },
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvelopeError::NotJson(e) => write!(f, "the request body is not valid JSON: {e}"),
            EnvelopeError::NotAnObject => f.write_str("the request body must be a JSON object"),
            EnvelopeError::Missing(field) => write!(f, "{field}: is required"),
            EnvelopeError::WrongType { field, expected } => {
                write!(f, "{field}: must be {expected}")
            }
            EnvelopeError::WrongEventType { expected, got } => {
                write!(f, "eventType: this hook handles `{expected}`, not `{got}`")
            }
        }
    }
}

impl std::error::Error for EnvelopeError {}

impl EnvelopeError {
    /// The envelope member the error is about, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            EnvelopeError::Missing(f) | EnvelopeError::WrongType { field: f, .. } => Some(f),
            EnvelopeError::WrongEventType { .. } => Some("eventType"),
            _ => None,
        }
    }
}

/// A checked request envelope: its members with Okta's defaults filled in,
/// and `data`.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// `eventType`, e.g. `com.okta.oauth2.tokens.transform`.
    pub event_type: String,
    /// `eventTypeVersion` as text; default `"1.0"`.
    pub event_type_version: String,
    /// `cloudEventVersion` as text; default `"0.1"`.
    pub cloud_event_version: String,
    /// `contentType`; default `"application/json"`.
    pub content_type: String,
    /// `eventId`; empty when the request had none (absent, `null` or
    /// empty): see [`Envelope::event_id`].
    pub event_id: String,
    /// `eventTime`; default empty.
    pub event_time: String,
    /// `source`; default empty.
    pub source: String,
    /// `requestType`, sent only by registration and telephony hooks.
    pub request_type: Option<String>,
    /// Okta's `data`, always an object.
    pub data: Value,
}

fn string_member(
    obj: &Map<String, Value>,
    field: &'static str,
    required: bool,
) -> Result<Option<String>, EnvelopeError> {
    match obj.get(field) {
        None | Some(Value::Null) if required => Err(EnvelopeError::Missing(field)),
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(EnvelopeError::WrongType {
            field,
            expected: "a string",
        }),
    }
}

/// A version member (`eventTypeVersion`, `cloudEventVersion`) as text:
/// Okta's reference pages send strings (`"1.0"`), its OpenAPI examples
/// numbers (`1`, `0.1`); both are accepted. A number becomes its JSON text
/// (`1` -> "1", `0.1` -> "0.1"; a fraction is written in its shortest exact
/// form, so `0.10` arrives as "0.1").
fn version_member(
    obj: &Map<String, Value>,
    field: &'static str,
    default: &str,
) -> Result<String, EnvelopeError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(default.to_owned()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(_) => Err(EnvelopeError::WrongType {
            field,
            expected: "a string or a number",
        }),
    }
}

impl Envelope {
    /// Parses `body` as a request envelope for a hook of type `hook`: as
    /// [`Envelope::parse`], and `eventType` must be `hook`'s (checked right
    /// after `eventType` is read, before the other members).
    ///
    /// # Errors
    ///
    /// An [`EnvelopeError`] naming the first problem found;
    /// [`EnvelopeError::WrongEventType`] for another hook type's request.
    pub fn parse_for(body: &[u8], hook: HookType) -> Result<Envelope, EnvelopeError> {
        parse(body, Some(hook))
    }

    /// Parses `body` as a request envelope of any `eventType`.
    ///
    /// `eventType` (a string) and `data` (an object) are required, as every
    /// Okta request carries them. `eventId` must be a string when present;
    /// a request without one (or with `null`) is accepted with an empty
    /// `event_id`. `eventTypeVersion` and `cloudEventVersion` may be strings
    /// or numbers (a number becomes its JSON text: `1` -> "1"); they default
    /// to "1.0" and "0.1". `contentType` (default "application/json"),
    /// `eventTime` and `source` (default empty) and `requestType` (default
    /// none) must be strings when present. `null` counts as absent for every
    /// optional member; members Okta may add later are ignored.
    ///
    /// ```
    /// use hookwarden_contract::envelope::Envelope;
    ///
    /// let e = Envelope::parse(br#"{"eventType": "x", "eventTypeVersion": 1, "eventId": null, "data": {}}"#)?;
    /// assert_eq!((e.event_type_version.as_str(), e.event_id()), ("1", None));
    /// # Ok::<(), hookwarden_contract::envelope::EnvelopeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// An [`EnvelopeError`] naming the first problem found.
    pub fn parse(body: &[u8]) -> Result<Envelope, EnvelopeError> {
        parse(body, None)
    }

    /// The request's `eventId`, or `None` when it had none (absent, `null`
    /// or empty): the host does not replay such a request and journals it
    /// without an `eventId`.
    pub fn event_id(&self) -> Option<&str> {
        Some(self.event_id.as_str()).filter(|id| !id.is_empty())
    }
}

fn parse(body: &[u8], hook: Option<HookType>) -> Result<Envelope, EnvelopeError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| EnvelopeError::NotJson(e.to_string()))?;
    let Value::Object(mut obj) = value else {
        return Err(EnvelopeError::NotAnObject);
    };
    let event_type = string_member(&obj, "eventType", true)?.unwrap_or_default();
    if let Some(hook) = hook
        && event_type != hook.event_type()
    {
        return Err(EnvelopeError::WrongEventType {
            expected: hook,
            got: event_type,
        });
    }
    let event_id = string_member(&obj, "eventId", false)?.unwrap_or_default();
    let or = |field, default: &str| -> Result<String, EnvelopeError> {
        Ok(string_member(&obj, field, false)?.unwrap_or_else(|| default.to_owned()))
    };
    let event_type_version = version_member(&obj, "eventTypeVersion", "1.0")?;
    let cloud_event_version = version_member(&obj, "cloudEventVersion", "0.1")?;
    let content_type = or("contentType", "application/json")?;
    let event_time = or("eventTime", "")?;
    let source = or("source", "")?;
    let request_type = string_member(&obj, "requestType", false)?;
    let data = match obj.remove("data") {
        None | Some(Value::Null) => return Err(EnvelopeError::Missing("data")),
        Some(data @ Value::Object(_)) => data,
        Some(_) => {
            return Err(EnvelopeError::WrongType {
                field: "data",
                expected: "an object",
            });
        }
    };
    Ok(Envelope {
        event_type,
        event_type_version,
        cloud_event_version,
        content_type,
        event_id,
        event_time,
        source,
        request_type,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Vec<u8> {
        serde_json::to_vec(&v).unwrap()
    }

    fn minimal() -> Value {
        json!({
            "eventType": "com.okta.oauth2.tokens.transform",
            "eventId": "3OWo4oo-QQ-rBWfRyTmQYw",
            "data": {"context": {}}
        })
    }

    #[test]
    fn a_minimal_envelope_gets_oktas_defaults() {
        let env = Envelope::parse_for(&body(minimal()), HookType::Token).unwrap();
        assert_eq!(env.event_id, "3OWo4oo-QQ-rBWfRyTmQYw");
        assert_eq!(env.event_type_version, "1.0");
        assert_eq!(env.cloud_event_version, "0.1");
        assert_eq!(env.content_type, "application/json");
        assert_eq!((env.event_time.as_str(), env.source.as_str()), ("", ""));
        assert_eq!(env.request_type, None);
        assert_eq!(env.data, json!({"context": {}}));
    }

    #[test]
    fn request_type_is_passed_through() {
        let mut v = minimal();
        v["eventType"] = json!("com.okta.user.pre-registration");
        v["requestType"] = json!("progressive.profile");
        let env = Envelope::parse_for(&body(v), HookType::Registration).unwrap();
        assert_eq!(env.request_type.as_deref(), Some("progressive.profile"));
    }

    #[test]
    fn malformed_bodies_are_refused_with_the_reason() {
        for parse in [Envelope::parse, |b: &[u8]| {
            Envelope::parse_for(b, HookType::Token)
        }] {
            assert!(matches!(
                parse(b"{not json"),
                Err(EnvelopeError::NotJson(_))
            ));
            assert!(matches!(
                parse(&[0xff, 0xfe]),
                Err(EnvelopeError::NotJson(_))
            ));
            assert_eq!(parse(b"[]").unwrap_err(), EnvelopeError::NotAnObject);
        }
    }

    #[test]
    fn missing_and_mistyped_members_are_named() {
        for field in ["eventType", "data"] {
            let mut v = minimal();
            v.as_object_mut().unwrap().remove(field);
            let err = Envelope::parse_for(&body(v), HookType::Token).unwrap_err();
            // A missing eventType is also a wrong event type; either names it.
            assert_eq!(err.field(), Some(field), "{err}");
            let mut v = minimal();
            v[field] = Value::Null;
            let err = Envelope::parse(&body(v)).unwrap_err();
            assert_eq!(err, EnvelopeError::Missing(field));
            assert_eq!(err.to_string(), format!("{field}: is required"));
        }
        for field in [
            "eventId",
            "eventType",
            "contentType",
            "eventTime",
            "source",
            "requestType",
        ] {
            let mut v = minimal();
            v[field] = json!(42);
            assert_eq!(
                Envelope::parse(&body(v)).unwrap_err(),
                EnvelopeError::WrongType {
                    field,
                    expected: "a string"
                },
                "{field}"
            );
        }
        let mut v = minimal();
        v["data"] = json!("text");
        let err = Envelope::parse_for(&body(v), HookType::Token).unwrap_err();
        assert_eq!(err.field(), Some("data"));
        assert_eq!(err.to_string(), "data: must be an object");
    }

    #[test]
    fn optional_members_may_be_null() {
        let mut v = minimal();
        for field in [
            "contentType",
            "eventTime",
            "source",
            "requestType",
            "eventTypeVersion",
        ] {
            v[field] = Value::Null;
        }
        let env = Envelope::parse(&body(v)).unwrap();
        assert_eq!(env.content_type, "application/json");
        assert_eq!(env.event_type_version, "1.0");
        assert_eq!(env.request_type, None);
    }

    #[test]
    fn versions_may_be_numbers_as_in_oktas_openapi_examples() {
        let mut v = minimal();
        v["eventTypeVersion"] = json!(1);
        v["cloudEventVersion"] = json!(0.1);
        let env = Envelope::parse_for(&body(v), HookType::Token).unwrap();
        assert_eq!(env.event_type_version, "1");
        assert_eq!(env.cloud_event_version, "0.1");
        let mut v = minimal();
        v["eventTypeVersion"] = json!("1.0");
        v["cloudEventVersion"] = json!(null);
        let env = Envelope::parse_for(&body(v), HookType::Token).unwrap();
        assert_eq!(env.event_type_version, "1.0");
        assert_eq!(env.cloud_event_version, "0.1");
        let text = br#"{"eventType":"com.okta.oauth2.tokens.transform","eventTypeVersion":1.0,
            "cloudEventVersion":2,"data":{}}"#;
        let env = Envelope::parse_for(text, HookType::Token).unwrap();
        assert_eq!(env.event_type_version, "1.0");
        assert_eq!(env.cloud_event_version, "2");
        for bad in [json!(true), json!([1]), json!({})] {
            let mut v = minimal();
            v["eventTypeVersion"] = bad;
            assert_eq!(
                Envelope::parse_for(&body(v), HookType::Token).unwrap_err(),
                EnvelopeError::WrongType {
                    field: "eventTypeVersion",
                    expected: "a string or a number"
                }
            );
        }
    }

    #[test]
    fn a_request_without_an_event_id_is_accepted_with_none() {
        for id in [None, Some(json!(null)), Some(json!(""))] {
            let mut v = minimal();
            match id {
                None => drop(v.as_object_mut().unwrap().remove("eventId")),
                Some(id) => v["eventId"] = id,
            }
            let env = Envelope::parse_for(&body(v), HookType::Token).unwrap();
            assert_eq!(env.event_id, "");
            assert_eq!(env.event_id(), None);
        }
        let env = Envelope::parse_for(&body(minimal()), HookType::Token).unwrap();
        assert_eq!(env.event_id(), Some("3OWo4oo-QQ-rBWfRyTmQYw"));
    }

    #[test]
    fn the_event_type_must_match_the_hook_and_is_checked_first() {
        let err = Envelope::parse_for(&body(minimal()), HookType::Saml).unwrap_err();
        assert!(matches!(
            err,
            EnvelopeError::WrongEventType {
                expected: HookType::Saml,
                ..
            }
        ));
        let mut v = minimal();
        v["eventId"] = json!(7);
        let err = Envelope::parse_for(&body(v.clone()), HookType::Saml).unwrap_err();
        assert_eq!(err.field(), Some("eventType"));
        // Without a hook type any eventType is accepted.
        v["eventId"] = json!("e");
        v["eventType"] = json!("com.example.new");
        assert_eq!(
            Envelope::parse(&body(v)).unwrap().event_type,
            "com.example.new"
        );
    }
}
