//! A plugin's typed WIT answer in the contract crate's neutral model, and
//! from there the JSON body Okta expects.
//!
//! This is the host's one conversion from and to its generated WIT types,
//! [`hookwarden_contract::wit_conversions!`] over them (it also makes the
//! WIT request of a parsed envelope, for `envelope`). A 0.1.0 plugin's
//! answer is first made a current one in `runtime::legacy`; everything
//! after it, from Okta's JSON to the judgement, is the contract crate's.

use crate::runtime::bindings::types::{
    ActionUpdate, Command, CredentialVerdict, ErrorCause, HookError, ImportResult, PatchOp,
    PatchOperation, RegistrationAction, Request, Response, TelephonyResult, TelephonyStatus,
};
use hookwarden_contract::answer as neutral;
pub use hookwarden_contract::okta_json::AnswerError;
use serde_json::Value;

// `wit_request` (used by `envelope`) and `neutral_answer`, over the host's
// generated types.
hookwarden_contract::wit_conversions!(pub(crate));

/// A plugin's [`Response`] in the contract crate's neutral model.
pub(crate) fn neutral(response: &Response) -> neutral::Answer {
    neutral_answer(response)
}

/// Builds Okta's answer object from a plugin's [`Response`]
/// ([`hookwarden_contract::okta_json::to_okta_json`] of its
/// [`neutral`] form).
///
/// Members the plugin left empty are omitted, so an empty response becomes
/// `{}` ("no changes").
///
/// # Errors
///
/// An [`AnswerError`] for the first JSON text (a command value, a patch
/// value or the debug context) that does not parse.
pub fn to_okta_json(response: &Response) -> Result<Value, AnswerError> {
    hookwarden_contract::okta_json::to_okta_json(&neutral(response))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::bindings::types::RawCommand;
    use serde_json::json;

    #[test]
    fn every_wit_member_reaches_okta_json() {
        let r = Response {
            commands: vec![
                Command::IdentityPatch(vec![PatchOperation {
                    op: PatchOp::Add,
                    path: "/claims/a".into(),
                    value: Some("1".into()),
                }]),
                Command::AccessPatch(vec![PatchOperation {
                    op: PatchOp::Remove,
                    path: "/claims/b".into(),
                    value: None,
                }]),
                Command::AssertionPatch(vec![PatchOperation {
                    op: PatchOp::Replace,
                    path: "/claims/c".into(),
                    value: Some("{}".into()),
                }]),
                Command::AppUserProfileUpdate(r#"{"x":1}"#.into()),
                Command::UserProfileUpdate(r#"{"y":2}"#.into()),
                Command::ProgressiveProfileUpdate(r#"{"z":3}"#.into()),
                Command::ActionUpdate(ActionUpdate::ImportResult(ImportResult::CreateUser)),
                Command::ActionUpdate(ActionUpdate::Registration(RegistrationAction::Allow)),
                Command::ActionUpdate(ActionUpdate::Credential(CredentialVerdict::Unverified)),
                Command::UserUpdate("00u1".into()),
                Command::TelephonyAction(vec![TelephonyResult {
                    status: TelephonyStatus::Pending,
                    provider: Some("p".into()),
                    transaction_id: Some("t".into()),
                    transaction_metadata: Some("m".into()),
                }]),
                Command::Raw(RawCommand {
                    type_: "com.example".into(),
                    value: "[]".into(),
                }),
            ],
            error: Some(HookError {
                error_summary: None,
                error_causes: vec![ErrorCause {
                    error_summary: Some("s".into()),
                    reason: Some("r".into()),
                    location_type: Some("lt".into()),
                    location: Some("l".into()),
                    domain: Some("d".into()),
                }],
            }),
            debug_context: Some(r#"{"n":1}"#.into()),
        };
        assert_eq!(
            to_okta_json(&r).unwrap(),
            json!({
                "commands": [
                    {"type": "com.okta.identity.patch", "value": [{"op": "add", "path": "/claims/a", "value": 1}]},
                    {"type": "com.okta.access.patch", "value": [{"op": "remove", "path": "/claims/b"}]},
                    {"type": "com.okta.assertion.patch", "value": [{"op": "replace", "path": "/claims/c", "value": {}}]},
                    {"type": "com.okta.appUser.profile.update", "value": {"x": 1}},
                    {"type": "com.okta.user.profile.update", "value": {"y": 2}},
                    {"type": "com.okta.user.progressive.profile.update", "value": {"z": 3}},
                    {"type": "com.okta.action.update", "value": {"result": "CREATE_USER"}},
                    {"type": "com.okta.action.update", "value": {"registration": "ALLOW"}},
                    {"type": "com.okta.action.update", "value": {"credential": "UNVERIFIED"}},
                    {"type": "com.okta.user.update", "value": {"id": "00u1"}},
                    {"type": "com.okta.telephony.action", "value": [
                        {"status": "PENDING", "provider": "p", "transactionId": "t", "transactionMetadata": "m"}
                    ]},
                    {"type": "com.example", "value": []}
                ],
                "error": {"errorCauses": [{"errorSummary": "s", "reason": "r",
                    "locationType": "lt", "location": "l", "domain": "d"}]},
                "debugContext": {"n": 1}
            })
        );
    }

    #[test]
    fn the_lifted_size_is_measured_on_the_neutral_answer() {
        let r = Response {
            commands: vec![Command::UserUpdate("abc".into())],
            error: None,
            debug_context: Some("{}".into()),
        };
        let item = hookwarden_contract::answer::ITEM_BYTES;
        assert_eq!(neutral(&r).lifted_size(), item + 3 + 2);
    }
}
