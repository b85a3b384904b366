//! Plugins built against `hookwarden:inline-hook@0.1.0`: the host API under
//! the old names, and the one conversion of their requests and answers to
//! and from the current (0.2.0) types.
//!
//! 0.2.0 differs only where Okta's documents were followed: the
//! `error-summary` of an error and of each of its causes became optional. A 0.1.0 answer is therefore always a
//! valid 0.2.0 answer, and a 0.2.0 request is the same record.

use super::bindings::v0_1::{log as old_log, settings as old_settings, types as old};
use super::bindings::{log, settings, types as new};
use super::call::CallState;

impl old_log::Host for CallState {
    fn log(&mut self, level: old_log::Level, message: String) {
        let level = match level {
            old_log::Level::Trace => log::Level::Trace,
            old_log::Level::Debug => log::Level::Debug,
            old_log::Level::Info => log::Level::Info,
            old_log::Level::Warn => log::Level::Warn,
            old_log::Level::Error => log::Level::Error,
        };
        log::Host::log(self, level, message);
    }
}

impl old_settings::Host for CallState {
    fn get(&mut self, key: String) -> Option<String> {
        settings::Host::get(self, key)
    }

    fn entries(&mut self) -> Vec<(String, String)> {
        settings::Host::entries(self)
    }
}

impl old::Host for CallState {}

/// The request as a 0.1.0 plugin receives it (the same members).
pub(super) fn request(r: &new::Request) -> old::Request {
    old::Request {
        event_type: r.event_type.clone(),
        event_type_version: r.event_type_version.clone(),
        cloud_event_version: r.cloud_event_version.clone(),
        content_type: r.content_type.clone(),
        event_id: r.event_id.clone(),
        event_time: r.event_time.clone(),
        source: r.source.clone(),
        request_type: r.request_type.clone(),
        data: r.data.clone(),
    }
}

/// A 0.1.0 answer as the 0.2.0 answer it always is.
pub(super) fn response(r: old::Response) -> new::Response {
    new::Response {
        commands: r.commands.into_iter().map(command).collect(),
        error: r.error.map(|e| new::HookError {
            error_summary: Some(e.error_summary),
            error_causes: e
                .error_causes
                .into_iter()
                .map(|c| new::ErrorCause {
                    error_summary: Some(c.error_summary),
                    reason: c.reason,
                    location_type: c.location_type,
                    location: c.location,
                    domain: c.domain,
                })
                .collect(),
        }),
        debug_context: r.debug_context,
    }
}

fn ops(ops: Vec<old::PatchOperation>) -> Vec<new::PatchOperation> {
    ops.into_iter()
        .map(|o| new::PatchOperation {
            op: match o.op {
                old::PatchOp::Add => new::PatchOp::Add,
                old::PatchOp::Replace => new::PatchOp::Replace,
                old::PatchOp::Remove => new::PatchOp::Remove,
            },
            path: o.path,
            value: o.value,
        })
        .collect()
}

fn command(c: old::Command) -> new::Command {
    use new::Command as N;
    use old::Command as O;
    match c {
        O::IdentityPatch(o) => N::IdentityPatch(ops(o)),
        O::AccessPatch(o) => N::AccessPatch(ops(o)),
        O::AssertionPatch(o) => N::AssertionPatch(ops(o)),
        O::AppUserProfileUpdate(v) => N::AppUserProfileUpdate(v),
        O::UserProfileUpdate(v) => N::UserProfileUpdate(v),
        O::ProgressiveProfileUpdate(v) => N::ProgressiveProfileUpdate(v),
        O::ActionUpdate(a) => N::ActionUpdate(match a {
            old::ActionUpdate::ImportResult(r) => new::ActionUpdate::ImportResult(match r {
                old::ImportResult::CreateUser => new::ImportResult::CreateUser,
                old::ImportResult::LinkUser => new::ImportResult::LinkUser,
            }),
            old::ActionUpdate::Registration(r) => new::ActionUpdate::Registration(match r {
                old::RegistrationAction::Allow => new::RegistrationAction::Allow,
                old::RegistrationAction::Deny => new::RegistrationAction::Deny,
            }),
            old::ActionUpdate::Credential(v) => new::ActionUpdate::Credential(match v {
                old::CredentialVerdict::Verified => new::CredentialVerdict::Verified,
                old::CredentialVerdict::Unverified => new::CredentialVerdict::Unverified,
            }),
        }),
        O::UserUpdate(id) => N::UserUpdate(id),
        O::TelephonyAction(results) => N::TelephonyAction(
            results
                .into_iter()
                .map(|t| new::TelephonyResult {
                    status: match t.status {
                        old::TelephonyStatus::Successful => new::TelephonyStatus::Successful,
                        old::TelephonyStatus::Pending => new::TelephonyStatus::Pending,
                        old::TelephonyStatus::Failed => new::TelephonyStatus::Failed,
                    },
                    provider: t.provider,
                    transaction_id: t.transaction_id,
                    transaction_metadata: t.transaction_metadata,
                })
                .collect(),
        ),
        O::Raw(raw) => N::Raw(new::RawCommand {
            type_: raw.type_,
            value: raw.value,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_legacy_answer_keeps_every_member() {
        let legacy = old::Response {
            commands: vec![
                old::Command::AccessPatch(vec![old::PatchOperation {
                    op: old::PatchOp::Remove,
                    path: "/claims/x".into(),
                    value: None,
                }]),
                old::Command::ActionUpdate(old::ActionUpdate::Credential(
                    old::CredentialVerdict::Verified,
                )),
                old::Command::Raw(old::RawCommand {
                    type_: "t".into(),
                    value: "{}".into(),
                }),
            ],
            error: Some(old::HookError {
                error_summary: "no".into(),
                error_causes: vec![old::ErrorCause {
                    error_summary: "why".into(),
                    reason: Some("r".into()),
                    location_type: Some("body".into()),
                    location: Some("l".into()),
                    domain: Some("d".into()),
                }],
            }),
            debug_context: Some("{}".into()),
        };
        let answer = crate::answer::to_okta_json(&response(legacy)).unwrap();
        assert_eq!(
            answer,
            serde_json::json!({
                "commands": [
                    {"type": "com.okta.access.patch", "value": [{"op": "remove", "path": "/claims/x"}]},
                    {"type": "com.okta.action.update", "value": {"credential": "VERIFIED"}},
                    {"type": "t", "value": {}},
                ],
                "error": {"errorSummary": "no", "errorCauses": [{
                    "errorSummary": "why", "reason": "r", "locationType": "body",
                    "location": "l", "domain": "d"
                }]},
                "debugContext": {}
            })
        );
    }
}
