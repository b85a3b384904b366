//! Turning a plugin's typed WIT answer into the JSON body Okta expects.

use crate::runtime::bindings::types::{
    ActionUpdate, Command, CredentialVerdict, ErrorCause, HookError, ImportResult, PatchOp,
    PatchOperation, RegistrationAction, Response, TelephonyResult, TelephonyStatus,
};
use serde_json::{Map, Value, json};

/// A part of the answer that is not valid JSON where JSON is required.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct AnswerError {
    /// Where in the Okta answer, e.g. `commands[1].value`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

fn parse_json(text: &str, location: impl FnOnce() -> String) -> Result<Value, AnswerError> {
    serde_json::from_str(text).map_err(|e| AnswerError {
        location: location(),
        message: format!("not valid JSON ({e})"),
    })
}

fn patch(ops: &[PatchOperation], at: usize) -> Result<Value, AnswerError> {
    let mut out = Vec::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        let mut obj = Map::new();
        let name = match op.op {
            PatchOp::Add => "add",
            PatchOp::Replace => "replace",
            PatchOp::Remove => "remove",
        };
        obj.insert("op".into(), name.into());
        obj.insert("path".into(), op.path.clone().into());
        if let Some(text) = &op.value {
            let value = parse_json(text, || format!("commands[{at}].value[{i}].value"))?;
            obj.insert("value".into(), value);
        }
        out.push(Value::Object(obj));
    }
    Ok(Value::Array(out))
}

fn telephony(results: &[TelephonyResult]) -> Value {
    let items = results
        .iter()
        .map(|r| {
            let mut obj = Map::new();
            let status = match r.status {
                TelephonyStatus::Successful => "SUCCESSFUL",
                TelephonyStatus::Pending => "PENDING",
                TelephonyStatus::Failed => "FAILED",
            };
            obj.insert("status".into(), status.into());
            for (key, value) in [
                ("provider", &r.provider),
                ("transactionId", &r.transaction_id),
                ("transactionMetadata", &r.transaction_metadata),
            ] {
                if let Some(v) = value {
                    obj.insert(key.into(), v.clone().into());
                }
            }
            Value::Object(obj)
        })
        .collect();
    Value::Array(items)
}

fn action(update: &ActionUpdate) -> Value {
    match update {
        ActionUpdate::ImportResult(r) => json!({"result": match r {
            ImportResult::CreateUser => "CREATE_USER",
            ImportResult::LinkUser => "LINK_USER",
        }}),
        ActionUpdate::Registration(r) => json!({"registration": match r {
            RegistrationAction::Allow => "ALLOW",
            RegistrationAction::Deny => "DENY",
        }}),
        ActionUpdate::Credential(c) => json!({"credential": match c {
            CredentialVerdict::Verified => "VERIFIED",
            CredentialVerdict::Unverified => "UNVERIFIED",
        }}),
    }
}

fn command(cmd: &Command, at: usize) -> Result<Value, AnswerError> {
    let value_at = || format!("commands[{at}].value");
    let (kind, value) = match cmd {
        Command::IdentityPatch(ops) => ("com.okta.identity.patch", patch(ops, at)?),
        Command::AccessPatch(ops) => ("com.okta.access.patch", patch(ops, at)?),
        Command::AssertionPatch(ops) => ("com.okta.assertion.patch", patch(ops, at)?),
        Command::AppUserProfileUpdate(text) => (
            "com.okta.appUser.profile.update",
            parse_json(text, value_at)?,
        ),
        Command::UserProfileUpdate(text) => {
            ("com.okta.user.profile.update", parse_json(text, value_at)?)
        }
        Command::ProgressiveProfileUpdate(text) => (
            "com.okta.user.progressive.profile.update",
            parse_json(text, value_at)?,
        ),
        Command::ActionUpdate(update) => ("com.okta.action.update", action(update)),
        Command::UserUpdate(id) => ("com.okta.user.update", json!({"id": id})),
        Command::TelephonyAction(results) => ("com.okta.telephony.action", telephony(results)),
        Command::Raw(raw) => {
            let value = parse_json(&raw.value, value_at)?;
            return Ok(json!({"type": raw.type_, "value": value}));
        }
    };
    Ok(json!({"type": kind, "value": value}))
}

/// One of Okta's `errorCauses`; every member is optional and left out when
/// unset.
fn cause(c: &ErrorCause) -> Value {
    let mut obj = Map::new();
    for (key, value) in [
        ("errorSummary", &c.error_summary),
        ("reason", &c.reason),
        ("locationType", &c.location_type),
        ("location", &c.location),
        ("domain", &c.domain),
    ] {
        if let Some(v) = value {
            obj.insert(key.into(), v.clone().into());
        }
    }
    Value::Object(obj)
}

/// Okta's `error`; without a summary the member is left out, and Okta
/// shows its default text ("The callback service returned an error").
fn error(e: &HookError) -> Value {
    let mut obj = Map::new();
    if let Some(summary) = &e.error_summary {
        obj.insert("errorSummary".into(), summary.clone().into());
    }
    obj.insert(
        "errorCauses".into(),
        e.error_causes.iter().map(cause).collect::<Vec<_>>().into(),
    );
    Value::Object(obj)
}

/// Builds Okta's answer object from a plugin's [`Response`].
///
/// Members the plugin left empty are omitted, so an empty response becomes
/// `{}` ("no changes").
///
/// # Errors
///
/// An [`AnswerError`] for the first JSON text (a command value, a patch
/// value or the debug context) that does not parse.
pub fn to_okta_json(response: &Response) -> Result<Value, AnswerError> {
    let mut answer = Map::new();
    if !response.commands.is_empty() {
        let commands = response
            .commands
            .iter()
            .enumerate()
            .map(|(i, c)| command(c, i))
            .collect::<Result<Vec<_>, _>>()?;
        answer.insert("commands".into(), Value::Array(commands));
    }
    if let Some(e) = &response.error {
        answer.insert("error".into(), error(e));
    }
    if let Some(text) = &response.debug_context {
        let value = parse_json(text, || "debugContext".into())?;
        answer.insert("debugContext".into(), value);
    }
    Ok(Value::Object(answer))
}

/// Bytes counted for each item of an answer's lists (a command, a patch
/// operation, an error cause...) beside its text, so that an answer of many
/// empty items is measured too: 16, about what its JSON punctuation costs.
const ITEM_BYTES: usize = 16;

/// The size of a lifted [`Response`]: the bytes of all its text plus
/// [`ITEM_BYTES`] per list item. A cheap lower bound of its JSON size,
/// taken before any JSON is parsed or built, so an answer that cannot fit
/// Okta's 256 KB is refused without the work of parsing it.
pub fn lifted_size(response: &Response) -> usize {
    let opt = |text: &Option<String>| text.as_ref().map_or(0, String::len);
    let ops = |ops: &[PatchOperation]| {
        ops.iter()
            .map(|op| ITEM_BYTES + op.path.len() + opt(&op.value))
            .sum::<usize>()
    };
    let commands: usize = response
        .commands
        .iter()
        .map(|command| {
            ITEM_BYTES
                + match command {
                    Command::IdentityPatch(o)
                    | Command::AccessPatch(o)
                    | Command::AssertionPatch(o) => ops(o),
                    Command::AppUserProfileUpdate(text)
                    | Command::UserProfileUpdate(text)
                    | Command::ProgressiveProfileUpdate(text)
                    | Command::UserUpdate(text) => text.len(),
                    Command::ActionUpdate(_) => 0,
                    Command::TelephonyAction(results) => results
                        .iter()
                        .map(|r| {
                            ITEM_BYTES
                                + opt(&r.provider)
                                + opt(&r.transaction_id)
                                + opt(&r.transaction_metadata)
                        })
                        .sum(),
                    Command::Raw(raw) => raw.type_.len() + raw.value.len(),
                }
        })
        .sum();
    let error = response.error.as_ref().map_or(0, |e| {
        ITEM_BYTES
            + opt(&e.error_summary)
            + e.error_causes
                .iter()
                .map(|c| {
                    ITEM_BYTES
                        + opt(&c.error_summary)
                        + opt(&c.reason)
                        + opt(&c.location_type)
                        + opt(&c.location)
                        + opt(&c.domain)
                })
                .sum::<usize>()
    });
    commands + error + opt(&response.debug_context)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::bindings::types::RawCommand;

    fn op(op: PatchOp, path: &str, value: Option<&str>) -> PatchOperation {
        PatchOperation {
            op,
            path: path.into(),
            value: value.map(Into::into),
        }
    }

    #[test]
    fn an_empty_response_is_an_empty_object() {
        let r = Response {
            commands: vec![],
            error: None,
            debug_context: None,
        };
        assert_eq!(to_okta_json(&r).unwrap(), json!({}));
    }

    #[test]
    fn token_patches_keep_order_and_omit_absent_values() {
        let r = Response {
            commands: vec![Command::AccessPatch(vec![
                op(PatchOp::Add, "/claims/dept", Some(r#""sales""#)),
                op(PatchOp::Remove, "/claims/old", None),
            ])],
            error: None,
            debug_context: Some(r#"{"n":1}"#.into()),
        };
        assert_eq!(
            to_okta_json(&r).unwrap(),
            json!({
                "commands": [{"type": "com.okta.access.patch", "value": [
                    {"op": "add", "path": "/claims/dept", "value": "sales"},
                    {"op": "remove", "path": "/claims/old"}
                ]}],
                "debugContext": {"n": 1}
            })
        );
    }

    #[test]
    fn action_update_has_three_shapes() {
        let r = Response {
            commands: vec![
                Command::ActionUpdate(ActionUpdate::ImportResult(ImportResult::LinkUser)),
                Command::UserUpdate("00u1".into()),
                Command::ActionUpdate(ActionUpdate::Registration(RegistrationAction::Deny)),
                Command::ActionUpdate(ActionUpdate::Credential(CredentialVerdict::Verified)),
            ],
            error: None,
            debug_context: None,
        };
        let v = to_okta_json(&r).unwrap();
        assert_eq!(v["commands"][0]["value"], json!({"result": "LINK_USER"}));
        assert_eq!(
            v["commands"][1],
            json!({"type": "com.okta.user.update", "value": {"id": "00u1"}})
        );
        assert_eq!(v["commands"][2]["value"], json!({"registration": "DENY"}));
        assert_eq!(v["commands"][3]["value"], json!({"credential": "VERIFIED"}));
    }

    #[test]
    fn errors_and_telephony_results_omit_unset_members() {
        let r = Response {
            commands: vec![Command::TelephonyAction(vec![TelephonyResult {
                status: TelephonyStatus::Successful,
                provider: Some("Acme".into()),
                transaction_id: None,
                transaction_metadata: None,
            }])],
            error: Some(HookError {
                error_summary: Some("no".into()),
                error_causes: vec![ErrorCause {
                    error_summary: Some("bad domain".into()),
                    reason: None,
                    location_type: Some("body".into()),
                    location: Some("data.userProfile.email".into()),
                    domain: Some("end-user".into()),
                }],
            }),
            debug_context: None,
        };
        let v = to_okta_json(&r).unwrap();
        assert_eq!(
            v["commands"][0]["value"],
            json!([{"status": "SUCCESSFUL", "provider": "Acme"}])
        );
        assert_eq!(
            v["error"],
            json!({"errorSummary": "no", "errorCauses": [{
                "errorSummary": "bad domain", "locationType": "body",
                "location": "data.userProfile.email", "domain": "end-user"}]})
        );
    }

    #[test]
    fn an_error_or_a_cause_without_summary_is_sent_without_the_member() {
        let r = Response {
            commands: vec![],
            error: Some(HookError {
                error_summary: None,
                error_causes: vec![
                    ErrorCause {
                        error_summary: Some("bad domain".into()),
                        reason: None,
                        location_type: Some("cookie".into()),
                        location: None,
                        domain: None,
                    },
                    ErrorCause {
                        error_summary: None,
                        reason: Some("INVALID_EMAIL_DOMAIN".into()),
                        location_type: None,
                        location: Some("data.userProfile.email".into()),
                        domain: None,
                    },
                ],
            }),
            debug_context: None,
        };
        assert_eq!(
            to_okta_json(&r).unwrap(),
            json!({"error": {"errorCauses": [
                {"errorSummary": "bad domain", "locationType": "cookie"},
                {"reason": "INVALID_EMAIL_DOMAIN", "location": "data.userProfile.email"}
            ]}})
        );
    }

    #[test]
    fn invalid_json_text_is_located() {
        let r = Response {
            commands: vec![
                Command::UserProfileUpdate("{}".into()),
                Command::Raw(RawCommand {
                    type_: "com.okta.access.patch".into(),
                    value: "{not json".into(),
                }),
            ],
            error: None,
            debug_context: None,
        };
        let err = to_okta_json(&r).unwrap_err();
        assert_eq!(err.location, "commands[1].value");
        let r = Response {
            commands: vec![Command::IdentityPatch(vec![op(
                PatchOp::Add,
                "/claims/x",
                Some("nope"),
            )])],
            error: None,
            debug_context: None,
        };
        assert_eq!(
            to_okta_json(&r).unwrap_err().location,
            "commands[0].value[0].value"
        );
    }

    #[test]
    fn the_lifted_size_counts_text_and_items() {
        let empty = Response {
            commands: vec![],
            error: None,
            debug_context: None,
        };
        assert_eq!(lifted_size(&empty), 0);
        let text = Response {
            debug_context: Some("x".repeat(1000)),
            ..empty.clone()
        };
        assert_eq!(lifted_size(&text), 1000);
        let many = Response {
            commands: vec![Command::AccessPatch(vec![op(PatchOp::Remove, "/c", None); 10]); 100],
            ..empty
        };
        assert_eq!(
            lifted_size(&many),
            100 * (ITEM_BYTES + 10 * (ITEM_BYTES + 2))
        );
    }
}
