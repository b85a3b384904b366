//! Parsing and checking the request envelope Okta POSTs to a hook.

use crate::hook_type::HookType;
use crate::runtime::bindings::types::Request;
use serde_json::{Map, Value};

/// A request body that cannot be handed to a plugin.
///
/// Okta's rule is that HTTP errors are only for requests the service cannot
/// parse; each of these becomes a 400 with Okta's error object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// The body is not JSON (or not UTF-8).
    #[error("the request body is not valid JSON: {0}")]
    NotJson(String),
    /// The body is JSON but not an object.
    #[error("the request body must be a JSON object")]
    NotAnObject,
    /// A required member is missing.
    #[error("{0}: is required")]
    Missing(&'static str),
    /// A member has the wrong JSON type.
    #[error("{field}: must be {expected}")]
    WrongType {
        /// The member's name.
        field: &'static str,
        /// What it must be, e.g. "a string".
        expected: &'static str,
    },
    /// `eventType` names another hook type than the hook's.
    #[error("eventType: this hook handles `{expected}`, not `{got}`")]
    WrongEventType {
        /// The hook's type.
        expected: HookType,
        /// What the request said.
        got: String,
    },
}

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

/// A checked request: the WIT record for the plugin and the parsed `data`
/// for the answer checker.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// What the plugin receives.
    pub request: Request,
    /// Okta's `data` object.
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
    /// Parses `body` as a request envelope for a hook of type `hook`.
    ///
    /// `eventType` and `data` (an object) are required, as every Okta
    /// request carries them. `eventId` must be a string when present; a
    /// request without one (or with `null`) is accepted, reaches the plugin
    /// with an empty `event-id` and is never replayed (see
    /// [`Envelope::event_id`]). `eventTypeVersion` and `cloudEventVersion`
    /// may be strings or numbers (see [`version_member`]); `contentType`,
    /// `eventTime` and `source` must be strings when present. Absent members
    /// default to Okta's usual values or the empty string; `requestType` is
    /// optional.
    ///
    /// # Errors
    ///
    /// An [`EnvelopeError`] naming the first problem found.
    pub fn parse(body: &[u8], hook: HookType) -> Result<Envelope, EnvelopeError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| EnvelopeError::NotJson(e.to_string()))?;
        let Value::Object(mut obj) = value else {
            return Err(EnvelopeError::NotAnObject);
        };
        let event_type = string_member(&obj, "eventType", true)?.unwrap_or_default();
        if event_type != hook.event_type() {
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
        let request = Request {
            event_type,
            event_type_version,
            cloud_event_version,
            content_type,
            event_id,
            event_time,
            source,
            request_type,
            data: data.to_string(),
        };
        Ok(Envelope { request, data })
    }

    /// The request's `eventId`, or `None` when it had none (absent, `null`
    /// or empty): such a request is not replayed and is journaled without
    /// an `eventId`.
    pub fn event_id(&self) -> Option<&str> {
        Some(self.request.event_id.as_str()).filter(|id| !id.is_empty())
    }
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
        let env = Envelope::parse(&body(minimal()), HookType::Token).unwrap();
        assert_eq!(env.request.event_id, "3OWo4oo-QQ-rBWfRyTmQYw");
        assert_eq!(env.request.event_type_version, "1.0");
        assert_eq!(env.request.cloud_event_version, "0.1");
        assert_eq!(env.request.request_type, None);
        assert_eq!(env.data, json!({"context": {}}));
        assert_eq!(env.request.data, r#"{"context":{}}"#);
    }

    #[test]
    fn request_type_is_passed_through() {
        let mut v = minimal();
        v["eventType"] = json!("com.okta.user.pre-registration");
        v["requestType"] = json!("progressive.profile");
        let env = Envelope::parse(&body(v), HookType::Registration).unwrap();
        assert_eq!(
            env.request.request_type.as_deref(),
            Some("progressive.profile")
        );
    }

    #[test]
    fn malformed_bodies_are_refused_with_the_reason() {
        assert!(matches!(
            Envelope::parse(b"{not json", HookType::Token),
            Err(EnvelopeError::NotJson(_))
        ));
        assert!(matches!(
            Envelope::parse(&[0xff, 0xfe], HookType::Token),
            Err(EnvelopeError::NotJson(_))
        ));
        assert_eq!(
            Envelope::parse(b"[]", HookType::Token).unwrap_err(),
            EnvelopeError::NotAnObject
        );
    }

    #[test]
    fn missing_and_mistyped_members_are_named() {
        for field in ["eventType", "data"] {
            let mut v = minimal();
            v.as_object_mut().unwrap().remove(field);
            let err = Envelope::parse(&body(v), HookType::Token).unwrap_err();
            // A missing eventType is also a wrong event type; either names it.
            assert_eq!(err.field(), Some(field), "{err}");
        }
        let mut v = minimal();
        v["eventId"] = json!(42);
        assert_eq!(
            Envelope::parse(&body(v), HookType::Token).unwrap_err(),
            EnvelopeError::WrongType {
                field: "eventId",
                expected: "a string"
            }
        );
        let mut v = minimal();
        v["data"] = json!("text");
        assert_eq!(
            Envelope::parse(&body(v), HookType::Token)
                .unwrap_err()
                .field(),
            Some("data")
        );
    }

    #[test]
    fn versions_may_be_numbers_as_in_oktas_openapi_examples() {
        let mut v = minimal();
        v["eventTypeVersion"] = json!(1);
        v["cloudEventVersion"] = json!(0.1);
        let env = Envelope::parse(&body(v), HookType::Token).unwrap();
        assert_eq!(env.request.event_type_version, "1");
        assert_eq!(env.request.cloud_event_version, "0.1");
        let mut v = minimal();
        v["eventTypeVersion"] = json!("1.0");
        v["cloudEventVersion"] = json!(null);
        let env = Envelope::parse(&body(v), HookType::Token).unwrap();
        assert_eq!(env.request.event_type_version, "1.0");
        assert_eq!(env.request.cloud_event_version, "0.1");
        let text = br#"{"eventType":"com.okta.oauth2.tokens.transform","eventTypeVersion":1.0,
            "cloudEventVersion":2,"data":{}}"#;
        let env = Envelope::parse(text, HookType::Token).unwrap();
        assert_eq!(env.request.event_type_version, "1.0");
        assert_eq!(env.request.cloud_event_version, "2");
        for bad in [json!(true), json!([1]), json!({})] {
            let mut v = minimal();
            v["eventTypeVersion"] = bad;
            assert_eq!(
                Envelope::parse(&body(v), HookType::Token).unwrap_err(),
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
            let env = Envelope::parse(&body(v), HookType::Token).unwrap();
            assert_eq!(env.request.event_id, "");
            assert_eq!(env.event_id(), None);
        }
        let env = Envelope::parse(&body(minimal()), HookType::Token).unwrap();
        assert_eq!(env.event_id(), Some("3OWo4oo-QQ-rBWfRyTmQYw"));
    }

    #[test]
    fn the_event_type_must_match_the_hook() {
        let err = Envelope::parse(&body(minimal()), HookType::Saml).unwrap_err();
        assert!(matches!(
            err,
            EnvelopeError::WrongEventType {
                expected: HookType::Saml,
                ..
            }
        ));
    }
}
