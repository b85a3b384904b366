//! The whole judgement of one answer, in the order the host makes it: the
//! size bound on the lifted answer, the conversion to Okta's JSON, then
//! Okta's rules for the hook type.
//!
//! The host judges every answer a plugin returns with [`judge`]; the guest
//! SDK's native `testing::run` judges with it too, so a plugin's unit tests
//! see the findings and the reason the host would record.

use crate::HookType;
use crate::answer::Answer;
use crate::check::{self, Finding, MAX_RESPONSE_BYTES, RequestFacts, Severity};
use crate::okta_json::to_okta_json;
use serde_json::Value;

/// What became of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The JSON body Okta would receive, when it could be built (`None`
    /// for an answer too large to convert or holding invalid JSON text).
    pub body: Option<OktaBody>,
    /// Every finding, errors first (the checker's order).
    pub findings: Vec<Finding>,
    /// Why the answer must be replaced with the hook type's safe answer;
    /// `None` when it may be sent (warnings do not count).
    pub refusal: Option<Refusal>,
}

/// An answer as Okta's JSON, with its compact encoding: the bytes whose
/// length was checked against [`MAX_RESPONSE_BYTES`], and the bytes the host
/// sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OktaBody {
    /// The JSON value.
    pub value: Value,
    /// Its compact encoding (`serde_json::to_string`).
    pub encoded: String,
}

/// Why an answer is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Its text reaches Okta's 256 KB before any of it is parsed
    /// ([`Answer::lifted_size`]).
    TooLarge,
    /// A JSON text in it (a command value, a patch value, the debug
    /// context) does not parse.
    InvalidJson,
    /// Its JSON breaks Okta's rules for the hook type (an error finding of
    /// [`check::check_answer`]).
    BreaksRules,
}

impl Verdict {
    /// Whether the host would send the answer.
    pub fn is_accepted(&self) -> bool {
        self.refusal.is_none()
    }

    /// The reason the host records for a refused answer, e.g. `answer
    /// breaks Okta's rules (1 finding(s)); first: commands[0].type: ...`;
    /// `None` for an accepted one.
    pub fn reason(&self) -> Option<String> {
        let first = self.findings.iter().find(|f| f.severity == Severity::Error);
        let first_text =
            || first.map_or_else(String::new, |f| format!("{}: {}", f.location, f.message));
        Some(match self.refusal? {
            Refusal::TooLarge => format!(
                "answer is too large: {}",
                first.map_or("", |f| f.message.as_str())
            ),
            Refusal::InvalidJson => format!("answer is not valid: {}", first_text()),
            Refusal::BreaksRules => {
                let errors = self
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .count();
                format!(
                    "answer breaks Okta's rules ({errors} finding(s)); first: {}",
                    first_text()
                )
            }
        })
    }

    /// The verdict as the host acts on it: the body to send, or the
    /// [reason](Verdict::reason) it is refused; the findings either way.
    pub fn into_result(self) -> (Result<OktaBody, String>, Vec<Finding>) {
        let result = match (self.reason(), self.body) {
            (None, Some(body)) => Ok(body),
            (reason, _) => Err(reason.unwrap_or_default()),
        };
        (result, self.findings)
    }
}

/// Judges `answer` to a request of type `hook` described by `request`.
///
/// An answer whose [`lifted_size`](Answer::lifted_size) reaches
/// [`MAX_RESPONSE_BYTES`] (256 KB) is refused before it is converted, a
/// bound on the work a large answer costs; one whose JSON text does not
/// parse is refused at that text; the JSON body is then checked with
/// [`check::check_answer`] at the length of its compact encoding.
pub fn judge(hook: HookType, request: &RequestFacts<'_>, answer: &Answer) -> Verdict {
    let size = answer.lifted_size();
    if size >= MAX_RESPONSE_BYTES {
        let message = format!(
            "the answer holds {size} bytes of text, more than Okta's 256 KB \
             ({MAX_RESPONSE_BYTES} bytes); it was not parsed"
        );
        return refused(Refusal::TooLarge, String::new(), message);
    }
    let value = match to_okta_json(answer) {
        Ok(value) => value,
        Err(e) => return refused(Refusal::InvalidJson, e.location, e.message),
    };
    let encoded = value.to_string();
    let findings = check::check_answer(hook, request, &value, encoded.len());
    let refusal = check::has_errors(&findings).then_some(Refusal::BreaksRules);
    Verdict {
        body: Some(OktaBody { value, encoded }),
        findings,
        refusal,
    }
}

fn refused(refusal: Refusal, location: String, message: String) -> Verdict {
    Verdict {
        body: None,
        findings: vec![Finding {
            severity: Severity::Error,
            location,
            message,
        }],
        refusal: Some(refusal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::{Command, PatchOp, PatchOperation};
    use serde_json::json;

    fn facts(data: &Value) -> RequestFacts<'_> {
        RequestFacts {
            request_type: None,
            data,
        }
    }

    #[test]
    fn a_valid_answer_is_accepted_with_its_body() {
        let data = json!({});
        let v = judge(HookType::Import, &facts(&data), &Answer::default());
        assert!(v.is_accepted(), "{v:?}");
        assert_eq!(v.reason(), None);
        let (result, findings) = v.into_result();
        assert!(findings.is_empty());
        let body = result.unwrap();
        assert_eq!(body.value, json!({}));
        assert_eq!(body.encoded, "{}");
    }

    #[test]
    fn a_reserved_claim_is_refused_by_the_hook_types_rules() {
        let data = json!({"identity": {"claims": {"sub": "00u1"}}});
        let answer = Answer {
            commands: vec![Command::IdentityPatch(vec![PatchOperation {
                op: PatchOp::Remove,
                path: "/claims/sub".into(),
                value: None,
            }])],
            ..Answer::default()
        };
        let v = judge(HookType::Token, &facts(&data), &answer);
        assert_eq!(v.refusal, Some(Refusal::BreaksRules));
        assert!(v.body.is_some());
        assert_eq!(v.findings[0].location, "commands[0].value[0].path");
        let reason = v.reason().unwrap();
        assert!(
            reason.starts_with(
                "answer breaks Okta's rules (1 finding(s)); first: commands[0].value[0].path: "
            ),
            "{reason}"
        );
        assert_eq!(v.into_result().0, Err(reason));
    }

    #[test]
    fn too_large_and_invalid_json_are_refused_without_a_body() {
        let data = json!({});
        let big = Answer {
            debug_context: Some("x".repeat(MAX_RESPONSE_BYTES)),
            ..Answer::default()
        };
        let v = judge(HookType::Token, &facts(&data), &big);
        assert_eq!(
            (v.body.as_ref(), v.refusal),
            (None, Some(Refusal::TooLarge))
        );
        assert!(v.findings[0].message.contains("256 KB"), "{v:?}");
        assert_eq!(
            v.reason().unwrap(),
            format!("answer is too large: {}", v.findings[0].message)
        );
        let bad = Answer {
            debug_context: Some("{".into()),
            ..Answer::default()
        };
        let v = judge(HookType::Saml, &facts(&data), &bad);
        assert_eq!(v.refusal, Some(Refusal::InvalidJson));
        assert_eq!(v.findings[0].location, "debugContext");
        assert!(
            v.reason()
                .unwrap()
                .starts_with("answer is not valid: debugContext: not valid JSON ("),
            "{v:?}"
        );
    }
}
