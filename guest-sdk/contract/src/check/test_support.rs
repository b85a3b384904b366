//! Helpers shared by the contract module's unit tests.

use super::{Finding, RequestFacts, Severity, check_answer};
use crate::HookType;
use serde_json::Value;

/// Checks `answer` against a request with this `requestType` and `data`,
/// with the answer's real encoded length.
pub(super) fn check_hook(
    hook: HookType,
    request_type: Option<&str>,
    data: &Value,
    answer: &Value,
) -> Vec<Finding> {
    let facts = RequestFacts { request_type, data };
    check_answer(hook, &facts, answer, answer.to_string().len())
}

/// The first error, panicking with all findings if there is none.
pub(super) fn first_error(findings: &[Finding]) -> &Finding {
    findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .unwrap_or_else(|| panic!("expected an error, got {findings:?}"))
}

/// Asserts there is no finding at all.
pub(super) fn assert_clean(findings: &[Finding]) {
    assert!(
        findings.is_empty(),
        "expected no findings, got {findings:#?}"
    );
}

/// Asserts there is exactly one finding, an error at `location` whose
/// message contains `needle`.
pub(super) fn assert_only_error(findings: &[Finding], location: &str, needle: &str) {
    assert_only(findings, Severity::Error, location, needle);
}

/// Asserts there is exactly one finding, a warning at `location` whose
/// message contains `needle`.
pub(super) fn assert_only_warning(findings: &[Finding], location: &str, needle: &str) {
    assert_only(findings, Severity::Warning, location, needle);
}

fn assert_only(findings: &[Finding], severity: Severity, location: &str, needle: &str) {
    assert_eq!(findings.len(), 1, "expected one finding, got {findings:#?}");
    let f = &findings[0];
    assert_eq!(f.severity, severity, "{f:?}");
    assert_eq!(f.location, location, "{f:?}");
    assert!(
        f.message.contains(needle),
        "message {:?} lacks {needle:?}",
        f.message
    );
}
