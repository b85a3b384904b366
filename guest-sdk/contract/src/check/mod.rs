//! Okta's rules for inline-hook answers, checked before Okta sees an answer.
//!
//! Okta silently discards an answer it cannot use (a malformed body, one bad
//! patch op, a reserved claim, a command the hook type does not know) and
//! carries on as if no hook had run; only an admin reading the System Log
//! notices. [`check_answer`] applies the same rules up front so the host can
//! replace a broken answer and tell the plugin author exactly what was wrong.
//!
//! The rules come from `shared/okta/contract.md` (§1.3 response envelope,
//! §1.1 size limit, §2 per hook type). Where the contract leaves a case
//! undocumented, the checker takes the conservative reading (reject what Okta
//! might reject) and says so in a comment beside the rule.
//!
//! Layout: this file holds the public API and dispatch; `envelope.rs` checks
//! the members every answer shares; `patch.rs` (with the crate's
//! [`pointer`](crate::pointer)) parses and simulates JSON-Patch ops for `token.rs` and `saml.rs`; `shape.rs` holds the
//! small value-shape checks used by `import.rs`, `registration.rs`,
//! `password.rs` and `telephony.rs`.

use crate::HookType;
use crate::wire::ACTION_UPDATE;
use serde_json::Value;

mod envelope;
mod import;
mod password;
mod patch;
mod registration;
mod saml;
mod shape;
mod telephony;
mod token;

/// The largest response body Okta accepts, exclusive: a body must be
/// **smaller** than this (256 KiB = 262,144 bytes). Okta: "response payload
/// must be < 256 KB".
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// What the checker needs from the request Okta sent.
pub struct RequestFacts<'a> {
    /// The envelope's top-level `requestType`, sent only by registration
    /// (`self.service.registration`, `progressive.profile`) and telephony
    /// hooks; `None` when absent (e.g. Classic Engine registration).
    pub request_type: Option<&'a str>,
    /// The request's `data` object; token and SAML patches are simulated
    /// against a copy of the token or assertion found here.
    pub data: &'a Value,
}

/// How bad a [`Finding`] is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// Okta would reject or discard the answer: it must be replaced.
    Error,
    /// Okta accepts the answer, but it probably does not do what the author
    /// meant (e.g. commands that Okta ignores because `error` is present).
    Warning,
}

impl Severity {
    /// The severity's name, as in the JSON: `error` or `warning`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in an answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// Where in the answer, as a JSON path like `commands[0].value[2].path` (or "" for the whole answer).
    pub location: String,
    /// A sentence a plugin author can act on, naming the rule, e.g. "claim `sub` is reserved by Okta and cannot be removed from an ID token".
    pub message: String,
}

/// Checks an answer (the Okta JSON body the host is about to send, already parsed) for the given hook type.
///
/// `encoded_len` is the byte length of the body as it will be sent; it must
/// be below [`MAX_RESPONSE_BYTES`]. Returns every finding, errors first (in
/// the order found), then warnings; an empty list means the answer is valid.
///
/// Token (`com.okta.identity.patch`, `com.okta.access.patch`) and SAML
/// (`com.okta.assertion.patch`) patches are simulated op by op against a copy
/// of the token or assertion in `request.data`, so an op that Okta would
/// fail (replacing a claim that is not there, adding under a missing parent,
/// an index out of range) is reported at that op.
pub fn check_answer(
    hook: HookType,
    request: &RequestFacts<'_>,
    answer: &Value,
    encoded_len: usize,
) -> Vec<Finding> {
    let mut report = Report::default();
    if encoded_len >= MAX_RESPONSE_BYTES {
        report.error(
            "",
            format!(
                "the answer is {encoded_len} bytes; Okta accepts only response payloads \
                 smaller than 256 KB ({MAX_RESPONSE_BYTES} bytes)"
            ),
        );
    }
    if let Some(answer) = envelope::check(answer, &mut report) {
        check_commands_allowed(hook, &answer, &mut report);
        match hook {
            HookType::Token => token::check(request, &answer, &mut report),
            HookType::Saml => saml::check(request, &answer, &mut report),
            HookType::Import => import::check(request, &answer, &mut report),
            HookType::Registration => registration::check(request, &answer, &mut report),
            HookType::PasswordImport => password::check(&answer, &mut report),
            HookType::Telephony => telephony::check(&answer, &mut report),
        }
    }
    report.into_findings()
}

/// true if any finding is an Error (the answer must then be replaced).
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// The command `type`s Okta accepts for each hook type (contract §2.7).
fn allowed_commands(hook: HookType) -> &'static [&'static str] {
    match hook {
        HookType::Token => &[token::IDENTITY_PATCH, token::ACCESS_PATCH],
        HookType::Saml => &[saml::ASSERTION_PATCH],
        HookType::Import => &[
            import::APP_USER_PROFILE_UPDATE,
            import::USER_PROFILE_UPDATE,
            ACTION_UPDATE,
            import::USER_UPDATE,
        ],
        HookType::Registration => &[
            registration::USER_PROFILE_UPDATE,
            registration::PROGRESSIVE_PROFILE_UPDATE,
            ACTION_UPDATE,
        ],
        HookType::PasswordImport => &[ACTION_UPDATE],
        HookType::Telephony => &[telephony::TELEPHONY_ACTION],
    }
}

/// Reports every command whose `type` the hook type does not accept.
fn check_commands_allowed(hook: HookType, answer: &Answer<'_>, report: &mut Report) {
    let allowed = allowed_commands(hook);
    for command in &answer.commands {
        if allowed.contains(&command.kind) {
            continue;
        }
        let list = allowed
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ");
        // Okta's own registration docs once used this typo in an example.
        let hint = if command.kind == "com.action.update" && allowed.contains(&ACTION_UPDATE) {
            " (did you mean `com.okta.action.update`?)"
        } else {
            ""
        };
        report.error(
            member(&command.location(), "type"),
            format!(
                "command type `{}` is not accepted by a {} hook{hint}; Okta accepts only {list}",
                command.kind,
                hook.short_name()
            ),
        );
    }
}

/// An answer whose envelope is an object, with its well-formed parts picked out.
struct Answer<'a> {
    /// The commands that have a string `type` and a `value`, in order.
    commands: Vec<Command<'a>>,
    /// The top-level `error` member if present (well formed or not).
    error: Option<&'a Value>,
}

impl<'a> Answer<'a> {
    /// The commands of one type, in answer order.
    fn commands_of<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s Command<'a>> + 's {
        self.commands.iter().filter(move |c| c.kind == kind)
    }

    /// The causes listed in a well-formed `error.errorCauses`, with their index.
    fn error_causes(&self) -> impl Iterator<Item = (usize, &'a serde_json::Map<String, Value>)> {
        self.error
            .and_then(|e| e.get("errorCauses"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, c)| c.as_object().map(|c| (i, c)))
    }
}

/// One entry of `commands` with a string `type` and a `value`.
struct Command<'a> {
    /// Its position in `commands`.
    index: usize,
    /// Its `type`.
    kind: &'a str,
    /// Its `value`.
    value: &'a Value,
}

impl Command<'_> {
    /// `commands[i]`.
    fn location(&self) -> String {
        format!("commands[{}]", self.index)
    }

    /// `commands[i].value`.
    fn value_location(&self) -> String {
        member(&self.location(), "value")
    }
}

/// Collects findings as the checks run.
#[derive(Default)]
struct Report {
    findings: Vec<Finding>,
}

impl Report {
    fn error(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Error, location.into(), message.into());
    }

    fn warning(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Warning, location.into(), message.into());
    }

    fn push(&mut self, severity: Severity, location: String, message: String) {
        self.findings.push(Finding {
            severity,
            location,
            message,
        });
    }

    /// Errors first, each group in the order found.
    fn into_findings(mut self) -> Vec<Finding> {
        self.findings
            .sort_by_key(|f| matches!(f.severity, Severity::Warning));
        self.findings
    }
}

/// `parent.key`, or `key` at the top level.
fn member(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[i]`.
fn element(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

#[cfg(test)]
mod test_support;

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn an_empty_object_is_valid_for_every_hook_type() {
        for hook in HookType::ALL {
            let findings = check_hook(hook, None, &json!({}), &json!({}));
            assert!(!has_errors(&findings), "{hook}: {findings:?}");
        }
    }

    #[test]
    fn size_at_the_limit_is_an_error_and_just_below_is_not() {
        let facts = RequestFacts {
            request_type: None,
            data: &json!({}),
        };
        let at = check_answer(HookType::Saml, &facts, &json!({}), MAX_RESPONSE_BYTES);
        assert_only_error(&at, "", "256 KB");
        let below = check_answer(HookType::Saml, &facts, &json!({}), MAX_RESPONSE_BYTES - 1);
        assert!(below.is_empty(), "{below:?}");
    }

    #[test]
    fn command_types_are_checked_per_hook_type() {
        let cases = [
            (HookType::Token, "com.okta.assertion.patch"),
            (HookType::Saml, "com.okta.access.patch"),
            (HookType::Import, "com.okta.telephony.action"),
            (HookType::Registration, "com.okta.user.update"),
            (HookType::PasswordImport, "com.okta.user.profile.update"),
            (HookType::Telephony, "com.okta.action.update"),
        ];
        for (hook, kind) in cases {
            let answer = json!({"commands": [{"type": kind, "value": {}}]});
            let findings = check_hook(hook, None, &json!({}), &answer);
            let f = first_error(&findings);
            assert_eq!(f.location, "commands[0].type", "{hook}");
            assert!(f.message.contains(kind), "{f:?}");
            for allowed in allowed_commands(hook) {
                assert!(f.message.contains(allowed), "{hook}: {f:?} lacks {allowed}");
            }
        }
    }

    #[test]
    fn the_com_action_update_typo_gets_a_hint() {
        let answer = json!({"commands": [
            {"type": "com.action.update", "value": {"registration": "DENY"}}
        ]});
        let findings = check_hook(HookType::Registration, None, &json!({}), &answer);
        assert!(first_error(&findings).message.contains("did you mean"));
    }

    #[test]
    fn errors_come_before_warnings() {
        // The token checker warns about `error` before it reaches the bad op.
        let answer = json!({
            "commands": [{"type": "com.okta.access.patch", "value": [
                {"op": "remove", "path": "/claims/missing"}
            ]}],
            "error": {"errorSummary": "no"}
        });
        let data = json!({"access": {"claims": {}}});
        let findings = check_hook(HookType::Token, None, &data, &answer);
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!(findings[0].location, "commands[0].value[0]");
        assert_eq!(findings[1].severity, Severity::Warning);
    }

    #[test]
    fn has_errors_ignores_warnings() {
        let warning = Finding {
            severity: Severity::Warning,
            location: String::new(),
            message: "w".into(),
        };
        let error = Finding {
            severity: Severity::Error,
            ..warning.clone()
        };
        assert!(!has_errors(&[]));
        assert!(!has_errors(std::slice::from_ref(&warning)));
        assert!(has_errors(&[warning, error]));
    }

    #[test]
    fn severity_serializes_in_camel_case() {
        assert_eq!(serde_json::to_value(Severity::Error).unwrap(), "error");
        assert_eq!(serde_json::to_value(Severity::Warning).unwrap(), "warning");
    }
}
