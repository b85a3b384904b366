//! The one conversion between the WIT types and this crate's models, written once for both sides.
//!
//! The host (wasmtime's `bindgen!`) and the guest SDK (`wit-bindgen`)
//! generate their own Rust types from the same WIT `types` interface: the
//! same names, fields and cases, but distinct types, so neither can call a
//! function written against the other's. [`wit_conversions!`] writes the
//! conversion against whatever types carry those names where it is
//! invoked.

/// Defines, with visibility `$vis` (for example `pub(crate)`, or nothing),
/// over the WIT `types` in scope where it is invoked, the conversions
/// between the WIT types and this crate's models:
///
/// - `fn wit_request(envelope: Envelope) -> (Request, Value)`: a parsed
///   [`envelope::Envelope`](crate::envelope::Envelope) as the WIT request
///   (`data` as its JSON text), and the parsed `data` back;
/// - `fn neutral_answer(response: &Response) -> answer::Answer`, and the
///   parts it is made of: `neutral_command`, `neutral_patch`,
///   `neutral_action`, `neutral_telephony`, `neutral_error`,
///   `neutral_cause`.
///
/// The names `Request`, `Response`, `Command`, `PatchOperation`, `PatchOp`,
/// `ActionUpdate`, `ImportResult`, `RegistrationAction`,
/// `CredentialVerdict`, `TelephonyResult`, `TelephonyStatus`, `HookError`
/// and `ErrorCause` must name the generated types at the call site. A side
/// that does not use one of the functions gets no warning for it.
#[macro_export]
macro_rules! wit_conversions {
    ($vis:vis) => {
        /// A parsed envelope as the WIT request, and its `data` back.
        #[allow(dead_code)]
        $vis fn wit_request(e: $crate::envelope::Envelope) -> (Request, $crate::serde_json::Value) {
            let request = Request {
                event_type: e.event_type,
                event_type_version: e.event_type_version,
                cloud_event_version: e.cloud_event_version,
                content_type: e.content_type,
                event_id: e.event_id,
                event_time: e.event_time,
                source: e.source,
                request_type: e.request_type,
                data: e.data.to_string(),
            };
            (request, e.data)
        }

        /// Patch steps in the neutral model.
        #[allow(dead_code)]
        $vis fn neutral_patch(ops: &[PatchOperation]) -> Vec<$crate::answer::PatchOperation> {
            use $crate::answer as neutral;
            ops.iter()
                .map(|op| neutral::PatchOperation {
                    op: match op.op {
                        PatchOp::Add => neutral::PatchOp::Add,
                        PatchOp::Replace => neutral::PatchOp::Replace,
                        PatchOp::Remove => neutral::PatchOp::Remove,
                    },
                    path: op.path.clone(),
                    value: op.value.clone(),
                })
                .collect()
        }

        /// `com.okta.action.update`'s value in the neutral model.
        #[allow(dead_code)]
        $vis fn neutral_action(update: &ActionUpdate) -> $crate::answer::ActionUpdate {
            use $crate::answer as neutral;
            match update {
                ActionUpdate::ImportResult(r) => neutral::ActionUpdate::ImportResult(match r {
                    ImportResult::CreateUser => neutral::ImportResult::CreateUser,
                    ImportResult::LinkUser => neutral::ImportResult::LinkUser,
                }),
                ActionUpdate::Registration(r) => neutral::ActionUpdate::Registration(match r {
                    RegistrationAction::Allow => neutral::RegistrationAction::Allow,
                    RegistrationAction::Deny => neutral::RegistrationAction::Deny,
                }),
                ActionUpdate::Credential(c) => neutral::ActionUpdate::Credential(match c {
                    CredentialVerdict::Verified => neutral::CredentialVerdict::Verified,
                    CredentialVerdict::Unverified => neutral::CredentialVerdict::Unverified,
                }),
            }
        }

        /// One telephony delivery result in the neutral model.
        #[allow(dead_code)]
        $vis fn neutral_telephony(r: &TelephonyResult) -> $crate::answer::TelephonyResult {
            use $crate::answer as neutral;
            neutral::TelephonyResult {
                status: match r.status {
                    TelephonyStatus::Successful => neutral::TelephonyStatus::Successful,
                    TelephonyStatus::Pending => neutral::TelephonyStatus::Pending,
                    TelephonyStatus::Failed => neutral::TelephonyStatus::Failed,
                },
                provider: r.provider.clone(),
                transaction_id: r.transaction_id.clone(),
                transaction_metadata: r.transaction_metadata.clone(),
            }
        }

        /// One command in the neutral model.
        #[allow(dead_code)]
        $vis fn neutral_command(cmd: &Command) -> $crate::answer::Command {
            use $crate::answer as neutral;
            match cmd {
                Command::IdentityPatch(ops) => neutral::Command::IdentityPatch(neutral_patch(ops)),
                Command::AccessPatch(ops) => neutral::Command::AccessPatch(neutral_patch(ops)),
                Command::AssertionPatch(ops) => {
                    neutral::Command::AssertionPatch(neutral_patch(ops))
                }
                Command::AppUserProfileUpdate(text) => {
                    neutral::Command::AppUserProfileUpdate(text.clone())
                }
                Command::UserProfileUpdate(text) => {
                    neutral::Command::UserProfileUpdate(text.clone())
                }
                Command::ProgressiveProfileUpdate(text) => {
                    neutral::Command::ProgressiveProfileUpdate(text.clone())
                }
                Command::ActionUpdate(update) => {
                    neutral::Command::ActionUpdate(neutral_action(update))
                }
                Command::UserUpdate(id) => neutral::Command::UserUpdate(id.clone()),
                Command::TelephonyAction(results) => {
                    neutral::Command::TelephonyAction(results.iter().map(neutral_telephony).collect())
                }
                Command::Raw(raw) => neutral::Command::Raw {
                    kind: raw.type_.clone(),
                    value: raw.value.clone(),
                },
            }
        }

        /// One error cause in the neutral model.
        #[allow(dead_code)]
        $vis fn neutral_cause(c: &ErrorCause) -> $crate::answer::ErrorCause {
            $crate::answer::ErrorCause {
                error_summary: c.error_summary.clone(),
                reason: c.reason.clone(),
                location_type: c.location_type.clone(),
                location: c.location.clone(),
                domain: c.domain.clone(),
            }
        }

        /// Okta's `error` object in the neutral model.
        #[allow(dead_code)]
        $vis fn neutral_error(e: &HookError) -> $crate::answer::HookError {
            $crate::answer::HookError {
                error_summary: e.error_summary.clone(),
                error_causes: e.error_causes.iter().map(neutral_cause).collect(),
            }
        }

        /// A plugin's whole answer in the neutral model.
        #[allow(dead_code)]
        $vis fn neutral_answer(response: &Response) -> $crate::answer::Answer {
            $crate::answer::Answer {
                commands: response.commands.iter().map(neutral_command).collect(),
                error: response.error.as_ref().map(neutral_error),
                debug_context: response.debug_context.clone(),
            }
        }
    };
}
