//! The journal's record of a call: what ran, what was refused, what was replayed.

use super::{Execution, HookRun, Source};
use crate::journal::ExecutionRecord;
use crate::redact::redact;
use crate::replay::Kept;

/// The record of an execution of `hook` from `source` on the request
/// `body`, with the redacted bodies if the hook keeps them.
pub(super) fn ran(
    hook: &HookRun,
    source: Source,
    execution: &Execution,
    body: &[u8],
) -> ExecutionRecord {
    let mut record = ExecutionRecord {
        // A request without an `eventId` is journaled without one.
        event_id: Some(execution.event_id.clone()).filter(|id| !id.is_empty()),
        outcome: execution.outcome.as_str().to_owned(),
        reason: execution.reason.clone(),
        status: execution.reply.status(),
        duration_us: execution.duration.as_micros() as u64,
        fuel_consumed: execution.fuel_consumed,
        peak_memory_bytes: execution.peak_memory_bytes,
        logs: execution.logs.clone(),
        dropped_log_lines: execution.dropped_log_lines,
        debug_context: execution.plugin_debug_context.clone(),
        findings: execution.findings.clone(),
        ..of(hook, source)
    };
    if hook.record_bodies {
        record.request = serde_json::from_slice(body)
            .ok()
            .map(|value| redact(&value));
        record.response = Some(redact(&execution.reply.body()));
    }
    record
}

/// The record of a call of `hook` from `source` refused before its plugin
/// ran: outcome `rejected`, HTTP `status`, and why.
pub(super) fn rejected(
    hook: &HookRun,
    source: Source,
    status: u16,
    reason: String,
) -> ExecutionRecord {
    ExecutionRecord {
        status,
        reason: Some(reason),
        ..of(hook, source)
    }
}

/// The record of the answer `kept` replayed for Okta's retry of `event_id`.
pub(super) fn replayed(hook: &HookRun, event_id: &str, kept: &Kept) -> ExecutionRecord {
    let mut record = ExecutionRecord {
        event_id: Some(event_id.to_owned()),
        outcome: kept.outcome.as_str().to_owned(),
        reason: kept.reason.clone(),
        status: kept.reply.status(),
        replay: true,
        ..of(hook, Source::Hook)
    };
    if hook.record_bodies {
        record.response = Some(redact(&kept.reply.body()));
    }
    record
}

/// A `rejected` record of a call of `hook` from `source`, nothing run.
fn of(hook: &HookRun, source: Source) -> ExecutionRecord {
    crate::journal::rejected(
        &hook.id,
        hook.hook_type,
        &hook.plugin_id,
        source,
        0,
        String::new(),
    )
}
