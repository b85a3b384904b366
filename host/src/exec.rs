//! One hook execution end to end: envelope, plugin call, contract check, failure policy.
//!
//! The server's `/hooks/{id}` endpoint and the offline tools share this, so
//! a plugin behaves the same everywhere.

use crate::answer;
use crate::contract::{Finding, RequestFacts, Severity};
use crate::envelope::{Envelope, EnvelopeError};
use crate::hook_type::HookType;
use crate::limits::Limits;
use crate::policy::{FailurePolicy, Outcome};
use crate::runtime::bindings::types::Response;
use crate::runtime::{CallFailure, CallGate, CallReport, LogLine, Plugin, Runtime, Settings};
use crate::text::{cut, cut_str};
use hookwarden_contract::verdict::{self, OktaBody};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Bytes of a plugin's `debugContext` kept in the execution record: 16 KiB.
/// A larger one is kept as the start of its text (a JSON string), marked as
/// cut; Okta still gets the whole answer when it is valid.
pub const MAX_KEPT_DEBUG_CONTEXT_BYTES: usize = 16 << 10;
/// Contract findings kept per call: 20, the first ones (errors come first);
/// one more finding says how many were left out.
pub const MAX_KEPT_FINDINGS: usize = 20;
/// Bytes kept of a finding's location and of its message: 512 each.
pub const MAX_FINDING_TEXT_BYTES: usize = 512;
/// Bytes kept of a call's recorded reason: 1 KiB
/// ([`crate::runtime::MAX_REASON_BYTES`]).
pub use crate::runtime::MAX_REASON_BYTES;

/// What a hook runs with: its type, plugin, settings, limits and policy.
#[derive(Debug, Clone)]
pub struct HookRun {
    /// The hook's type; requests must carry it as `eventType`.
    pub hook_type: HookType,
    /// The compiled plugin.
    pub plugin: Arc<Plugin>,
    /// The administrator's settings for the plugin.
    pub settings: Arc<Settings>,
    /// The resolved limits.
    pub limits: Limits,
    /// What to answer when the plugin fails.
    pub failure_policy: FailurePolicy,
    /// The hook's bound on calls in flight ([`Runtime::call_gate`]).
    pub gate: CallGate,
}

/// The HTTP-level answer of an execution.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `204 No Content`: no changes, for types that allow it.
    NoContent,
    /// `200 OK` with this JSON body.
    Json(JsonBody),
}

/// A JSON answer with its encoding, made once: the size check, the HTTP
/// response and the replay cache all use the same bytes. Cheap to clone.
#[derive(Debug, Clone)]
pub struct JsonBody {
    value: Arc<Value>,
    encoded: bytes::Bytes,
}

impl JsonBody {
    /// Encodes `value` (compact JSON).
    pub fn new(value: Value) -> JsonBody {
        let encoded = serde_json::to_vec(&value).expect("a JSON value always encodes");
        JsonBody {
            value: Arc::new(value),
            encoded: encoded.into(),
        }
    }

    /// The answer as a JSON value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The answer as sent: compact JSON text.
    pub fn encoded(&self) -> &bytes::Bytes {
        &self.encoded
    }
}

impl From<OktaBody> for JsonBody {
    /// The body the contract's judgement built, with the encoding it
    /// checked (the same compact JSON as [`JsonBody::new`]'s).
    fn from(body: OktaBody) -> JsonBody {
        JsonBody {
            value: Arc::new(body.value),
            encoded: body.encoded.into(),
        }
    }
}

impl PartialEq for JsonBody {
    fn eq(&self, other: &JsonBody) -> bool {
        self.value == other.value
    }
}

impl Reply {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            Reply::NoContent => 204,
            Reply::Json(_) => 200,
        }
    }

    /// The body as Okta will read it (`{}` for 204, which has no body).
    pub fn body(&self) -> Value {
        match self {
            Reply::NoContent => Value::Object(Default::default()),
            Reply::Json(body) => body.value().clone(),
        }
    }
}

/// Everything known about one execution.
#[derive(Debug, Clone)]
pub struct Execution {
    /// What is sent to Okta.
    pub reply: Reply,
    /// How the call ended.
    pub outcome: Outcome,
    /// Why it failed, in words, when it did.
    pub reason: Option<String>,
    /// Contract findings about the plugin's answer (warnings included).
    pub findings: Vec<Finding>,
    /// The `eventId` of the request.
    pub event_id: String,
    /// The `debugContext` the plugin returned, if it answered with valid
    /// JSON there (also when its answer was replaced).
    pub plugin_debug_context: Option<Value>,
    /// Time spent in the plugin (instantiation plus call).
    pub duration: Duration,
    /// Fuel the plugin consumed.
    pub fuel_consumed: u64,
    /// Peak linear memory of the instance, in bytes.
    pub peak_memory_bytes: u64,
    /// The plugin's log lines.
    pub logs: Vec<LogLine>,
    /// Log lines dropped past the limit.
    pub dropped_log_lines: u32,
}

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

/// Runs `hook` on a request body that arrived at `arrived`.
///
/// The call first waits for its turn ([`Runtime::admit`]); a call shed
/// there never runs and gets the safe answer with outcome `overloaded`.
/// Everything, the wait included, ends by `arrived` plus the hook's time
/// budget.
///
/// # Errors
///
/// An [`EnvelopeError`] when the body is not a request envelope for this
/// hook type (the plugin is not run). Every plugin failure is an
/// [`Execution`] with the safe answer, never an error.
pub async fn execute(
    runtime: &Runtime,
    hook: &HookRun,
    body: &[u8],
    arrived: Instant,
) -> Result<Execution, EnvelopeError> {
    let envelope = Envelope::parse(body, hook.hook_type)?;
    Ok(run(runtime, hook, envelope, arrived).await)
}

/// [`execute`] on an envelope already parsed for `hook`'s type; the request
/// arrived at `arrived`.
pub async fn run(
    runtime: &Runtime,
    hook: &HookRun,
    envelope: Envelope,
    arrived: Instant,
) -> Execution {
    let deadline = arrived + hook.limits.time_budget();
    let Envelope { request, data } = envelope;
    let event_id = request.event_id.clone();
    let request_type = request.request_type.clone();
    let report = match runtime.admit(&hook.gate, deadline).await {
        Err(shed) => CallReport::not_run(CallFailure::Overloaded(shed), arrived.elapsed()),
        Ok(ticket) => {
            runtime
                .call(
                    hook.plugin.clone(),
                    request,
                    hook.settings.clone(),
                    hook.limits,
                    deadline,
                    ticket,
                )
                .await
        }
    };
    let facts = RequestFacts {
        request_type: request_type.as_deref(),
        data: &data,
    };
    let plugin_debug_context = report
        .result
        .as_ref()
        .ok()
        .and_then(|response| response.debug_context.as_deref())
        .and_then(kept_debug_context);
    let (result, mut findings) = judge(hook.hook_type, &facts, report.result);
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
