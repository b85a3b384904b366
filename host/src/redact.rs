//! Redaction of request and answer bodies for the execution journal: keep the shape, drop the personal data.
//!
//! Every string is replaced by `"[redacted: N chars]"`, except the values of
//! a short list of keys that describe the call rather than the person
//! (`eventType`, `eventId`, `requestType`, `type`, `op`, `path`, ...).
//! Numbers, booleans, nulls, keys and the nesting stay, so a reader can see
//! which fields were present, how long they were, and which commands and
//! patch paths the plugin sent, but not a name, an email or a password.

use serde_json::Value;

/// Keys whose string values are kept: they describe the call, not a person.
const KEPT: &[&str] = &[
    "eventType",
    "eventTypeVersion",
    "cloudEventVersion",
    "contentType",
    "eventId",
    "eventTime",
    "requestType",
    "type",
    "op",
    "path",
    "registration",
    "result",
    "credential",
    "status",
];

/// `value` with every string but those under [`KEPT`] keys redacted.
pub(crate) fn redact(value: &Value) -> Value {
    redact_under(None, value)
}

fn redact_under(key: Option<&str>, value: &Value) -> Value {
    match value {
        Value::String(s) if key.is_some_and(|k| KEPT.contains(&k)) => Value::String(s.clone()),
        Value::String(s) => Value::String(format!("[redacted: {} chars]", s.chars().count())),
        Value::Array(items) => Value::Array(items.iter().map(|v| redact_under(key, v)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), redact_under(Some(k), v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_data_goes_and_the_shape_stays() {
        let request = json!({
            "eventType": "com.okta.user.credential.password.import",
            "eventId": "e1",
            "data": {
                "context": {"credential": {"username": "isaac@example.org", "password": "Hunter2!"}},
                "action": {"credential": "UNVERIFIED"},
                "n": 3, "flag": true, "none": null
            }
        });
        let redacted = redact(&request);
        assert_eq!(
            redacted,
            json!({
                "eventType": "com.okta.user.credential.password.import",
                "eventId": "e1",
                "data": {
                    "context": {"credential": {"username": "[redacted: 17 chars]", "password": "[redacted: 8 chars]"}},
                    "action": {"credential": "UNVERIFIED"},
                    "n": 3, "flag": true, "none": null
                }
            })
        );
        let text = redacted.to_string();
        assert!(!text.contains("Hunter2") && !text.contains("isaac"));
    }

    #[test]
    fn commands_keep_their_types_and_paths_but_not_their_values() {
        let answer = json!({"commands": [{"type": "com.okta.access.patch", "value": [
            {"op": "add", "path": "/claims/email", "value": "isaac@example.org"}
        ]}]});
        assert_eq!(
            redact(&answer),
            json!({"commands": [{"type": "com.okta.access.patch", "value": [
                {"op": "add", "path": "/claims/email", "value": "[redacted: 17 chars]"}
            ]}]})
        );
    }
}
