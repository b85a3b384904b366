//! The neutral [`Answer`] as the JSON body Okta expects (contract §1.3).

use crate::answer::{
    ActionUpdate, Answer, Command, ErrorCause, HookError, PatchOperation, TelephonyResult,
};
use serde_json::{Map, Value, json};
use std::fmt;

/// Which JSON text of an [`Answer`] an [`AnswerError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonText {
    /// The `value` of the command at this index (a profile update or a raw
    /// command).
    CommandValue(usize),
    /// The `value` of one operation of a patch command.
    PatchValue {
        /// The command's index in `commands`.
        command: usize,
        /// The operation's index in the command's `value`.
        operation: usize,
    },
    /// `debugContext`.
    DebugContext,
}

impl JsonText {
    /// The text's place in Okta's JSON, e.g. `commands[1].value`,
    /// `commands[0].value[2].value` or `debugContext`.
    pub fn location(self) -> String {
        match self {
            JsonText::CommandValue(at) => format!("commands[{at}].value"),
            JsonText::PatchValue { command, operation } => {
                format!("commands[{command}].value[{operation}].value")
            }
            JsonText::DebugContext => "debugContext".to_owned(),
        }
    }
}

/// A part of the answer that is not valid JSON where JSON is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    /// Which text it is.
    pub part: JsonText,
    /// Where in the Okta answer: [`JsonText::location`] of `part`.
    pub location: String,
    /// What is wrong, e.g. `not valid JSON (expected value at line 1 column 1)`.
    pub message: String,
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for AnswerError {}

fn parse_json(text: &str, part: JsonText) -> Result<Value, AnswerError> {
    serde_json::from_str(text).map_err(|e| AnswerError {
        part,
        location: part.location(),
        message: format!("not valid JSON ({e})"),
    })
}

fn insert_some(obj: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        obj.insert(key.into(), v.clone().into());
    }
}

fn patch(ops: &[PatchOperation], at: usize) -> Result<Value, AnswerError> {
    let mut out = Vec::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        let mut obj = Map::new();
        obj.insert("op".into(), op.op.wire_name().into());
        obj.insert("path".into(), op.path.clone().into());
        if let Some(text) = &op.value {
            let part = JsonText::PatchValue {
                command: at,
                operation: i,
            };
            let value = parse_json(text, part)?;
            obj.insert("value".into(), value);
        }
        out.push(Value::Object(obj));
    }
    Ok(Value::Array(out))
}

fn action(update: ActionUpdate) -> Value {
    let (member, value) = update.wire_member();
    json!({ member: value })
}

fn command(cmd: &Command, at: usize) -> Result<Value, AnswerError> {
    let value = match cmd {
        Command::IdentityPatch(ops) | Command::AccessPatch(ops) | Command::AssertionPatch(ops) => {
            patch(ops, at)?
        }
        Command::AppUserProfileUpdate(text)
        | Command::UserProfileUpdate(text)
        | Command::ProgressiveProfileUpdate(text)
        | Command::Raw { value: text, .. } => parse_json(text, JsonText::CommandValue(at))?,
        Command::ActionUpdate(update) => action(*update),
        Command::UserUpdate(id) => json!({ "id": id }),
        Command::TelephonyAction(results) => {
            results.iter().map(TelephonyResult::to_okta_json).collect()
        }
    };
    Ok(json!({"type": cmd.kind(), "value": value}))
}

impl ErrorCause {
    /// The cause in Okta's JSON shape; members that are `None` are left out.
    pub fn to_okta_json(&self) -> Value {
        let mut obj = Map::new();
        for (key, value) in self.members() {
            insert_some(&mut obj, key, value);
        }
        Value::Object(obj)
    }
}

impl HookError {
    /// Okta's `error` object; without a summary the member is left out, and
    /// Okta shows its default text ("The callback service returned an
    /// error"). `errorCauses` is always present.
    pub fn to_okta_json(&self) -> Value {
        let mut obj = Map::new();
        insert_some(&mut obj, "errorSummary", &self.error_summary);
        obj.insert(
            "errorCauses".into(),
            self.error_causes
                .iter()
                .map(ErrorCause::to_okta_json)
                .collect::<Vec<_>>()
                .into(),
        );
        Value::Object(obj)
    }
}

impl TelephonyResult {
    /// The result in Okta's JSON shape; members that are `None` are left out.
    pub fn to_okta_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("status".into(), self.status.wire_name().into());
        for (key, value) in self.optional_members() {
            insert_some(&mut obj, key, value);
        }
        Value::Object(obj)
    }
}

/// Builds Okta's answer object from `answer`.
///
/// Members left empty are omitted, so an empty answer becomes `{}` ("no
/// changes").
///
/// # Errors
///
/// An [`AnswerError`] for the first JSON text (a command value, a patch
/// value, then the debug context) that does not parse.
pub fn to_okta_json(answer: &Answer) -> Result<Value, AnswerError> {
    let mut out = Map::new();
    if !answer.commands.is_empty() {
        let commands = answer
            .commands
            .iter()
            .enumerate()
            .map(|(i, c)| command(c, i))
            .collect::<Result<Vec<_>, _>>()?;
        out.insert("commands".into(), Value::Array(commands));
    }
    if let Some(e) = &answer.error {
        out.insert("error".into(), e.to_okta_json());
    }
    if let Some(text) = &answer.debug_context {
        let value = parse_json(text, JsonText::DebugContext)?;
        out.insert("debugContext".into(), value);
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::{
        CredentialVerdict, ImportResult, PatchOp, RegistrationAction, TelephonyStatus,
    };

    fn op(op: PatchOp, path: &str, value: Option<&str>) -> PatchOperation {
        PatchOperation {
            op,
            path: path.into(),
            value: value.map(Into::into),
        }
    }

    #[test]
    fn an_empty_answer_is_an_empty_object() {
        assert_eq!(to_okta_json(&Answer::default()).unwrap(), json!({}));
    }

    #[test]
    fn token_patches_keep_order_and_omit_absent_values() {
        let r = Answer {
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
        let r = Answer {
            commands: vec![
                Command::ActionUpdate(ActionUpdate::ImportResult(ImportResult::LinkUser)),
                Command::UserUpdate("00u1".into()),
                Command::ActionUpdate(ActionUpdate::Registration(RegistrationAction::Deny)),
                Command::ActionUpdate(ActionUpdate::Credential(CredentialVerdict::Verified)),
            ],
            ..Answer::default()
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
    fn every_command_type_is_named_as_okta_names_it() {
        let r = Answer {
            commands: vec![
                Command::IdentityPatch(vec![]),
                Command::AssertionPatch(vec![]),
                Command::AppUserProfileUpdate("{}".into()),
                Command::UserProfileUpdate("{}".into()),
                Command::ProgressiveProfileUpdate("{}".into()),
                Command::TelephonyAction(vec![]),
            ],
            ..Answer::default()
        };
        let v = to_okta_json(&r).unwrap();
        let kinds: Vec<_> = v["commands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "com.okta.identity.patch",
                "com.okta.assertion.patch",
                "com.okta.appUser.profile.update",
                "com.okta.user.profile.update",
                "com.okta.user.progressive.profile.update",
                "com.okta.telephony.action"
            ]
        );
    }

    #[test]
    fn errors_and_telephony_results_omit_unset_members() {
        let r = Answer {
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
        let r = Answer {
            error: Some(HookError {
                error_summary: None,
                error_causes: vec![
                    ErrorCause {
                        error_summary: Some("bad domain".into()),
                        location_type: Some("cookie".into()),
                        ..ErrorCause::default()
                    },
                    ErrorCause {
                        reason: Some("INVALID_EMAIL_DOMAIN".into()),
                        location: Some("data.userProfile.email".into()),
                        ..ErrorCause::default()
                    },
                ],
            }),
            ..Answer::default()
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
        let r = Answer {
            commands: vec![
                Command::UserProfileUpdate("{}".into()),
                Command::Raw {
                    kind: "com.okta.access.patch".into(),
                    value: "{not json".into(),
                },
            ],
            ..Answer::default()
        };
        let err = to_okta_json(&r).unwrap_err();
        assert_eq!(err.location, "commands[1].value");
        assert!(
            err.to_string()
                .starts_with("commands[1].value: not valid JSON (")
        );
        let r = Answer {
            commands: vec![Command::IdentityPatch(vec![op(
                PatchOp::Add,
                "/claims/x",
                Some("nope"),
            )])],
            ..Answer::default()
        };
        let err = to_okta_json(&r).unwrap_err();
        assert_eq!(err.location, "commands[0].value[0].value");
        assert_eq!(
            err.part,
            JsonText::PatchValue {
                command: 0,
                operation: 0
            }
        );
        let r = Answer {
            debug_context: Some("[".into()),
            ..Answer::default()
        };
        assert_eq!(to_okta_json(&r).unwrap_err().location, "debugContext");
    }
}
