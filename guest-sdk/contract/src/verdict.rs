//! The whole judgement of one answer, in the order the host makes it: the
//! size bound on the lifted answer, the conversion to Okta's JSON, then
//! Okta's rules for the hook type.

use crate::answer::Answer;
use crate::check::{self, Finding, MAX_RESPONSE_BYTES, RequestFacts, Severity};
use crate::okta_json::to_okta_json;
use crate::HookType;
use serde_json::Value;

/// What became of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The JSON body Okta would receive, when it could be built (`None`
    /// for an answer too large to parse or holding invalid JSON text).
    pub okta_json: Option<Value>,
    /// Every finding, errors first; an error means the host replaces the
    /// answer with the hook type's safe answer.
    pub findings: Vec<Finding>,
}

impl Verdict {
    /// Whether the host would send the answer (it has a body and no error
    /// finding; warnings do not count).
    pub fn is_accepted(&self) -> bool {
        self.okta_json.is_some() && !check::has_errors(&self.findings)
    }
}

/// Judges `answer` to a request of type `hook` (`None` for an `eventType`
/// Okta does not document: then only the size and the JSON are checked, as
/// the host never runs a plugin on such a request).
///
/// An answer whose [`lifted_size`](Answer::lifted_size) reaches
/// [`MAX_RESPONSE_BYTES`] (256 KB) is refused before it is converted; one
/// whose JSON text does not parse is refused at that text; the JSON body
/// is then checked with [`check::check_answer`] at its encoded length.
pub fn judge(hook: Option<HookType>, request: &RequestFacts<'_>, answer: &Answer) -> Verdict {
    let size = answer.lifted_size();
    if size >= MAX_RESPONSE_BYTES {
        let message = format!(
            "the answer holds {size} bytes of text, more than Okta's 256 KB \
             ({MAX_RESPONSE_BYTES} bytes); it was not parsed"
        );
        return refused(String::new(), message);
    }
    let body = match to_okta_json(answer) {
        Ok(body) => body,
        Err(e) => return refused(e.location, e.message),
    };
    let findings = match hook {
        Some(hook) => check::check_answer(hook, request, &body, body.to_string().len()),
        None => Vec::new(),
    };
    Verdict {
        okta_json: Some(body),
        findings,
    }
}

fn refused(location: String, message: String) -> Verdict {
    Verdict {
        okta_json: None,
        findings: vec![Finding {
            severity: Severity::Error,
            location,
            message,
        }],
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
        let v = judge(Some(HookType::Import), &facts(&data), &Answer::default());
        assert!(v.is_accepted(), "{v:?}");
        assert_eq!(v.okta_json, Some(json!({})));
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
        let v = judge(Some(HookType::Token), &facts(&data), &answer);
        assert!(!v.is_accepted());
        assert!(v.okta_json.is_some());
        assert_eq!(v.findings[0].location, "commands[0].value[0]");
        // Without a hook type the rules are not applied.
        assert!(judge(None, &facts(&data), &answer).is_accepted());
    }

    #[test]
    fn too_large_and_invalid_json_are_refused_without_a_body() {
        let data = json!({});
        let big = Answer {
            debug_context: Some("x".repeat(MAX_RESPONSE_BYTES)),
            ..Answer::default()
        };
        let v = judge(None, &facts(&data), &big);
        assert_eq!(v.okta_json, None);
        assert!(v.findings[0].message.contains("256 KB"), "{v:?}");
        let bad = Answer {
            debug_context: Some("{".into()),
            ..Answer::default()
        };
        let v = judge(Some(HookType::Saml), &facts(&data), &bad);
        assert!(!v.is_accepted());
        assert_eq!(v.findings[0].location, "debugContext");
    }
}
