//! The neutral answer model: what a plugin answers, in plain Rust types.
//!
//! The host and the guest SDK each have their own WIT-generated types for
//! an answer (the host two worlds' worth); each converts them into these
//! in one place, and everything that knows Okta's rules works on these:
//! [`to_okta_json`](crate::okta_json::to_okta_json), the
//! [`lifted_size`](Answer::lifted_size) bound and, through the JSON, the
//! [`check`](crate::check) rules. JSON values are kept as the text the
//! plugin wrote, as WIT carries them, so a text that does not parse is
//! reported where it sits.

use crate::wire;

/// A plugin's answer to one hook call.
///
/// The default is the empty answer, which Okta reads as "no changes".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    /// Okta's `commands`, in order; left out of the JSON when empty.
    pub commands: Vec<Command>,
    /// Okta's `error`, if any.
    pub error: Option<HookError>,
    /// `debugContext` as JSON text (an object), if any.
    pub debug_context: Option<String>,
}

/// One command of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `com.okta.identity.patch` (token hooks).
    IdentityPatch(Vec<PatchOperation>),
    /// `com.okta.access.patch` (token hooks).
    AccessPatch(Vec<PatchOperation>),
    /// `com.okta.assertion.patch` (SAML hooks).
    AssertionPatch(Vec<PatchOperation>),
    /// `com.okta.appUser.profile.update` with a JSON object as text.
    AppUserProfileUpdate(String),
    /// `com.okta.user.profile.update` with a JSON object as text.
    UserProfileUpdate(String),
    /// `com.okta.user.progressive.profile.update` with a JSON object as text.
    ProgressiveProfileUpdate(String),
    /// `com.okta.action.update`.
    ActionUpdate(ActionUpdate),
    /// `com.okta.user.update` `{"id": ...}` with this user id.
    UserUpdate(String),
    /// `com.okta.telephony.action` with these results.
    TelephonyAction(Vec<TelephonyResult>),
    /// Any `type` with a JSON value as text, sent as written.
    Raw {
        /// The command's `type`.
        kind: String,
        /// Its `value` as JSON text.
        value: String,
    },
}

impl Command {
    /// The command's `type` on the wire.
    pub fn kind(&self) -> &str {
        match self {
            Command::IdentityPatch(_) => wire::IDENTITY_PATCH,
            Command::AccessPatch(_) => wire::ACCESS_PATCH,
            Command::AssertionPatch(_) => wire::ASSERTION_PATCH,
            Command::AppUserProfileUpdate(_) => wire::APP_USER_PROFILE_UPDATE,
            Command::UserProfileUpdate(_) => wire::USER_PROFILE_UPDATE,
            Command::ProgressiveProfileUpdate(_) => wire::PROGRESSIVE_PROFILE_UPDATE,
            Command::ActionUpdate(_) => wire::ACTION_UPDATE,
            Command::UserUpdate(_) => wire::USER_UPDATE,
            Command::TelephonyAction(_) => wire::TELEPHONY_ACTION,
            Command::Raw { kind, .. } => kind,
        }
    }
}

/// One operation of a token or assertion patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchOperation {
    /// What it does.
    pub op: PatchOp,
    /// An RFC 6901 pointer such as `/claims/department` (see
    /// [`escape_token`](crate::pointer::escape_token)).
    pub path: String,
    /// The value as JSON text; `None` (left out of the JSON) for `remove`.
    pub value: Option<String>,
}

/// A patch operation's `op`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchOp {
    /// `add`
    Add,
    /// `replace`
    Replace,
    /// `remove`
    Remove,
}

impl PatchOp {
    /// The name on the wire (`add`, `replace`, `remove`).
    pub fn wire_name(self) -> &'static str {
        match self {
            PatchOp::Add => wire::ADD,
            PatchOp::Replace => wire::REPLACE,
            PatchOp::Remove => wire::REMOVE,
        }
    }
}

/// The value of a `com.okta.action.update` command, one shape per hook
/// type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionUpdate {
    /// Import hooks: `{"result": ...}`.
    ImportResult(ImportResult),
    /// Registration hooks: `{"registration": ...}`.
    Registration(RegistrationAction),
    /// Password-import hooks: `{"credential": ...}`.
    Credential(CredentialVerdict),
}

impl ActionUpdate {
    /// The value's one member and its value on the wire, e.g.
    /// `("result", "LINK_USER")`.
    pub fn wire_member(self) -> (&'static str, &'static str) {
        match self {
            ActionUpdate::ImportResult(r) => ("result", r.wire_name()),
            ActionUpdate::Registration(r) => ("registration", r.wire_name()),
            ActionUpdate::Credential(c) => ("credential", c.wire_name()),
        }
    }
}

/// An import hook's `result`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportResult {
    /// `CREATE_USER`
    CreateUser,
    /// `LINK_USER`
    LinkUser,
}

impl ImportResult {
    /// The name on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            ImportResult::CreateUser => wire::CREATE_USER,
            ImportResult::LinkUser => wire::LINK_USER,
        }
    }
}

/// A registration hook's `registration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationAction {
    /// `ALLOW`
    Allow,
    /// `DENY`
    Deny,
}

impl RegistrationAction {
    /// The name on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            RegistrationAction::Allow => wire::ALLOW,
            RegistrationAction::Deny => wire::DENY,
        }
    }
}

/// A password-import hook's `credential`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialVerdict {
    /// `VERIFIED`
    Verified,
    /// `UNVERIFIED`
    Unverified,
}

impl CredentialVerdict {
    /// The name on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            CredentialVerdict::Verified => wire::VERIFIED,
            CredentialVerdict::Unverified => wire::UNVERIFIED,
        }
    }
}

/// One result of a `com.okta.telephony.action` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelephonyResult {
    /// `status`.
    pub status: TelephonyStatus,
    /// `provider`, left out when `None`.
    pub provider: Option<String>,
    /// `transactionId`, left out when `None`.
    pub transaction_id: Option<String>,
    /// `transactionMetadata`, left out when `None`.
    pub transaction_metadata: Option<String>,
}

/// A telephony result's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TelephonyStatus {
    /// `SUCCESSFUL`
    Successful,
    /// `PENDING`
    Pending,
    /// `FAILED`
    Failed,
}

impl TelephonyStatus {
    /// The name on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            TelephonyStatus::Successful => wire::SUCCESSFUL,
            TelephonyStatus::Pending => wire::PENDING,
            TelephonyStatus::Failed => wire::FAILED,
        }
    }
}

/// Okta's `error` object. Every member is optional (contract §1.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookError {
    /// `errorSummary`; when `None` the member is left out and Okta shows its
    /// default text ("The callback service returned an error").
    pub error_summary: Option<String>,
    /// `errorCauses`, always sent (possibly empty).
    pub error_causes: Vec<ErrorCause>,
}

/// One of Okta's `errorCauses`; each member is left out when `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorCause {
    /// `errorSummary`.
    pub error_summary: Option<String>,
    /// `reason`.
    pub reason: Option<String>,
    /// `locationType`.
    pub location_type: Option<String>,
    /// `location`.
    pub location: Option<String>,
    /// `domain`.
    pub domain: Option<String>,
}

impl ErrorCause {
    /// The members in Okta's order, with their wire names.
    pub(crate) fn members(&self) -> [(&'static str, &Option<String>); 5] {
        [
            ("errorSummary", &self.error_summary),
            ("reason", &self.reason),
            ("locationType", &self.location_type),
            ("location", &self.location),
            ("domain", &self.domain),
        ]
    }
}

impl TelephonyResult {
    /// The optional members with their wire names.
    pub(crate) fn optional_members(&self) -> [(&'static str, &Option<String>); 3] {
        [
            ("provider", &self.provider),
            ("transactionId", &self.transaction_id),
            ("transactionMetadata", &self.transaction_metadata),
        ]
    }
}

/// Bytes counted for each item of an answer's lists (a command, a patch
/// operation, an error cause...) beside its text, so that an answer of many
/// empty items is measured too: 16, about what its JSON punctuation costs.
pub const ITEM_BYTES: usize = 16;

impl Answer {
    /// The size of the answer as lifted: the bytes of all its text plus
    /// [`ITEM_BYTES`] per list item. A cheap lower bound of its JSON size,
    /// taken before any JSON is parsed or built, so an answer that cannot
    /// fit Okta's 256 KB ([`MAX_RESPONSE_BYTES`](crate::check::MAX_RESPONSE_BYTES))
    /// is refused without the work of parsing it.
    pub fn lifted_size(&self) -> usize {
        let opt = |text: &Option<String>| text.as_ref().map_or(0, String::len);
        let ops = |ops: &[PatchOperation]| {
            ops.iter()
                .map(|op| ITEM_BYTES + op.path.len() + opt(&op.value))
                .sum::<usize>()
        };
        let commands: usize = self
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
                                    + r.optional_members()
                                        .iter()
                                        .map(|(_, v)| opt(v))
                                        .sum::<usize>()
                            })
                            .sum(),
                        Command::Raw { kind, value } => kind.len() + value.len(),
                    }
            })
            .sum();
        let error = self.error.as_ref().map_or(0, |e| {
            ITEM_BYTES
                + opt(&e.error_summary)
                + e.error_causes
                    .iter()
                    .map(|c| ITEM_BYTES + c.members().iter().map(|(_, v)| opt(v)).sum::<usize>())
                    .sum::<usize>()
        });
        commands + error + opt(&self.debug_context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remove(path: &str) -> PatchOperation {
        PatchOperation {
            op: PatchOp::Remove,
            path: path.into(),
            value: None,
        }
    }

    #[test]
    fn the_lifted_size_counts_text_and_items() {
        let empty = Answer::default();
        assert_eq!(empty.lifted_size(), 0);
        let text = Answer {
            debug_context: Some("x".repeat(1000)),
            ..empty.clone()
        };
        assert_eq!(text.lifted_size(), 1000);
        let many = Answer {
            commands: vec![Command::AccessPatch(vec![remove("/c"); 10]); 100],
            ..empty
        };
        assert_eq!(
            many.lifted_size(),
            100 * (ITEM_BYTES + 10 * (ITEM_BYTES + 2))
        );
    }

    #[test]
    fn the_lifted_size_counts_every_optional_text() {
        let cause = ErrorCause {
            error_summary: Some("a".into()),
            reason: Some("bb".into()),
            location_type: Some("ccc".into()),
            location: Some("dddd".into()),
            domain: Some("eeeee".into()),
        };
        let answer = Answer {
            commands: vec![
                Command::TelephonyAction(vec![TelephonyResult {
                    status: TelephonyStatus::Failed,
                    provider: Some("p".into()),
                    transaction_id: Some("tt".into()),
                    transaction_metadata: Some("mmm".into()),
                }]),
                Command::Raw {
                    kind: "k".into(),
                    value: "{}".into(),
                },
            ],
            error: Some(HookError {
                error_summary: Some("s".into()),
                error_causes: vec![cause],
            }),
            debug_context: None,
        };
        let telephony = ITEM_BYTES + ITEM_BYTES + 6;
        let raw = ITEM_BYTES + 3;
        let error = ITEM_BYTES + 1 + ITEM_BYTES + 15;
        assert_eq!(answer.lifted_size(), telephony + raw + error);
    }

    #[test]
    fn every_command_knows_its_wire_type() {
        assert_eq!(Command::UserUpdate("x".into()).kind(), wire::USER_UPDATE);
        let raw = Command::Raw {
            kind: "com.example".into(),
            value: "{}".into(),
        };
        assert_eq!(raw.kind(), "com.example");
        assert_eq!(
            ActionUpdate::Credential(CredentialVerdict::Unverified).wire_member(),
            ("credential", "UNVERIFIED")
        );
    }
}
