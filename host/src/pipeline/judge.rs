//! Judging a plugin's result: its answer converted and checked against Okta's contract, or the failure policy's safe answer, and what of it is kept.

use super::{Execution, HookRun};
use crate::answer;
use crate::contract::{Finding, RequestFacts, Severity};
use crate::hook_type::HookType;
use crate::policy::Outcome;
use crate::reply::{JsonBody, Reply};
use crate::runtime::bindings::types::Response;
use crate::runtime::{CallFailure, CallReport};
use crate::text::{cut, cut_str};
use hookwarden_contract::verdict;
use serde_json::Value;

/// Bytes of a plugin's `debugContext` kept in the execution record: 16 KiB.
/// A larger one is kept as the start of its text (a JSON string), marked as
/// cut; Okta still gets the whole answer when it is valid.
pub(crate) const MAX_KEPT_DEBUG_CONTEXT_BYTES: usize = 16 << 10;
/// Contract findings kept per call: 20, the first ones (errors come first);
/// one more finding says how many were left out.
pub(crate) const MAX_KEPT_FINDINGS: usize = 20;
/// Bytes kept of a finding's location and of its message: 512 each.
pub(crate) const MAX_FINDING_TEXT_BYTES: usize = 512;
/// Bytes kept of a call's recorded reason: 1 KiB
/// ([`crate::runtime::MAX_REASON_BYTES`]).
pub(crate) use crate::runtime::MAX_REASON_BYTES;

fn failure_outcome(failure: &CallFailure) -> Outcome {
    match failure {
        CallFailure::PluginError(_) => Outcome::PluginError,
        CallFailure::Trapped(_) | CallFailure::HostCallTooLarge => Outcome::Trapped,
        CallFailure::AnswerTooLarge(_) => Outcome::InvalidAnswer,
        CallFailure::OutOfTime(_) => Outcome::OutOfTime,
        CallFailure::OutOfFuel(_) => Outcome::OutOfFuel,
        CallFailure::OutOfMemory(_) => Outcome::OutOfMemory,
        CallFailure::Instantiate(_) => Outcome::Unavailable,
        CallFailure::Overloaded(_) => Outcome::Overloaded,
    }
}

/// What became of a call: the reply or why there is none, and the findings.
type Judged = (Result<Reply, (Outcome, String)>, Vec<Finding>);

/// Judges the plugin's result: names the failure, or judges the answer
/// with the contract crate's [`verdict::judge`] (the guest SDK's native
/// `testing` uses the same) and makes the reply of an accepted one.
fn judge(
    hook: HookType,
    facts: &RequestFacts<'_>,
    result: Result<Response, CallFailure>,
) -> Judged {
    let response = match result {
        Err(failure) => {
            return (
                Err((failure_outcome(&failure), failure.to_string())),
                Vec::new(),
            );
        }
        Ok(response) => response,
    };
    // The verdict bounds the answer before anything is parsed: Okta takes
    // at most 256 KB, and a few MB of JSON text would take the host longer
    // to parse and check than the call's deadline allows.
    let (body, findings) = verdict::judge(hook, facts, &answer::neutral(&response)).into_result();
    let reply = match body {
        Err(reason) => return (Err((Outcome::InvalidAnswer, reason)), findings),
        Ok(body)
            if body.value.as_object().is_some_and(|o| o.is_empty())
                && hook.allows_empty_response() =>
        {
            Reply::NoContent
        }
        Ok(body) => Reply::Json(body.into()),
    };
    (Ok(reply), findings)
}

/// The execution of `hook` that ended with `report`, for the request
/// `event_id` described by `facts`: the plugin's answer if it keeps Okta's
/// rules, else the safe answer with the outcome and reason.
pub(super) fn conclude(
    hook: &HookRun,
    event_id: String,
    facts: &RequestFacts<'_>,
    report: CallReport,
) -> Execution {
    let plugin_debug_context = report
        .result
        .as_ref()
        .ok()
        .and_then(|response| response.debug_context.as_deref())
        .and_then(kept_debug_context);
    let (result, mut findings) = judge(hook.hook_type, facts, report.result);
    keep_findings(&mut findings);

    let (reply, outcome, reason) = match result {
        Ok(reply) => (reply, Outcome::Ok, None),
        Err((outcome, reason)) => {
            let reason = cut(reason, MAX_REASON_BYTES);
            tracing::warn!(
                event_id = %event_id,
                outcome = outcome.as_str(),
                %reason,
                "plugin failed; sending the safe answer"
            );
            let safe = hook.failure_policy.safe_answer(hook.hook_type, outcome);
            (Reply::Json(JsonBody::new(safe)), outcome, Some(reason))
        }
    };
    Execution {
        reply,
        outcome,
        reason,
        findings,
        event_id,
        plugin_debug_context,
        duration: report.duration,
        fuel_consumed: report.fuel_consumed,
        peak_memory_bytes: report.peak_memory_bytes,
        logs: report.logs,
        dropped_log_lines: report.dropped_log_lines,
    }
}

/// What the execution record keeps of a plugin's `debugContext` text: the
/// JSON value if it is JSON, or the start of the text when it is longer
/// than [`MAX_KEPT_DEBUG_CONTEXT_BYTES`] (it is not parsed then).
fn kept_debug_context(text: &str) -> Option<Value> {
    if text.len() > MAX_KEPT_DEBUG_CONTEXT_BYTES {
        return Some(Value::String(cut_str(text, MAX_KEPT_DEBUG_CONTEXT_BYTES)));
    }
    serde_json::from_str(text).ok()
}

/// Bounds what is kept of `findings`: the first [`MAX_KEPT_FINDINGS`],
/// each text cut to [`MAX_FINDING_TEXT_BYTES`], and one more saying how
/// many were left out.
fn keep_findings(findings: &mut Vec<Finding>) {
    let total = findings.len();
    findings.truncate(MAX_KEPT_FINDINGS);
    for finding in findings.iter_mut() {
        finding.location = cut_str(&finding.location, MAX_FINDING_TEXT_BYTES);
        finding.message = cut_str(&finding.message, MAX_FINDING_TEXT_BYTES);
    }
    if total > MAX_KEPT_FINDINGS {
        let severity = findings
            .last()
            .map_or(Severity::Warning, |f| f.severity.clone());
        findings.push(Finding {
            severity,
            location: String::new(),
            message: format!("{} more finding(s) not kept", total - MAX_KEPT_FINDINGS),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_debug_context_is_kept_as_the_start_of_its_text() {
        let small = r#"{"a": 1}"#;
        assert_eq!(kept_debug_context(small), Some(serde_json::json!({"a": 1})));
        assert_eq!(kept_debug_context("{not json"), None);
        let big = format!(
            r#"{{"blob": "{}"}}"#,
            "x".repeat(MAX_KEPT_DEBUG_CONTEXT_BYTES)
        );
        let Some(Value::String(kept)) = kept_debug_context(&big) else {
            panic!("a large debugContext is kept as text");
        };
        assert!(
            kept.len() < MAX_KEPT_DEBUG_CONTEXT_BYTES + 20,
            "{}",
            kept.len()
        );
        assert!(kept.starts_with(r#"{"blob": "xxx"#) && kept.ends_with("[truncated]"));
    }

    #[test]
    fn findings_are_bounded_in_count_and_size() {
        let finding = |i: usize| Finding {
            severity: Severity::Error,
            location: format!("commands[{i}]{}", "/x".repeat(1000)),
            message: "m".repeat(10_000),
        };
        let mut findings: Vec<Finding> = (0..500).map(finding).collect();
        keep_findings(&mut findings);
        assert_eq!(findings.len(), MAX_KEPT_FINDINGS + 1);
        assert!(
            findings
                .iter()
                .all(|f| f.location.len() <= MAX_FINDING_TEXT_BYTES + 20)
        );
        assert!(
            findings
                .iter()
                .all(|f| f.message.len() <= MAX_FINDING_TEXT_BYTES + 20)
        );
        assert_eq!(
            findings.last().unwrap().message,
            format!("{} more finding(s) not kept", 500 - MAX_KEPT_FINDINGS)
        );
        let mut few = vec![finding(0)];
        keep_findings(&mut few);
        assert_eq!(few.len(), 1);
    }
}
