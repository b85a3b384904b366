//! One hook call end to end: parse, replay, admission, call, judge, keep, count, record.
//!
//! Every way a hook is called goes through [`Pipeline::call`]: Okta's
//! `POST /hooks/{id}` (`server::hooks`), the admin API's `execute` and the
//! offline `hookwarden invoke` are thin adapters over it, so a plugin
//! behaves the same everywhere. The call's deadline is counted from the
//! moment the request arrived, which the adapter passes in. What a call
//! leaves behind goes to the pipeline's [`Sinks`]: the answer kept for
//! Okta's retry, the metrics and the execution journal.

mod judge;
mod record;

pub use crate::journal::Source;

use crate::contract::{Finding, RequestFacts};
use crate::envelope::{Envelope, EnvelopeError};
use crate::hook_type::HookType;
use crate::journal::Journal;
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::policy::{FailurePolicy, Outcome};
use crate::replay::{Kept, ReplayCache};
use crate::reply::Reply;
use crate::runtime::{CallFailure, CallGate, CallReport, LogLine, Plugin, Runtime};
use crate::store::Settings;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a hook runs with: who it is, its type, plugin, settings, limits and
/// policy.
#[derive(Debug, Clone)]
pub struct HookRun {
    /// The hook's id (the replay cache, metrics and journal key by it).
    pub id: String,
    /// The id of the plugin it runs (`sha256:<hex>`), for the journal.
    pub plugin_id: String,
    /// Whether the journal keeps the (redacted) request and answer bodies.
    pub record_bodies: bool,
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
    /// The `eventId` of the request (empty when it had none).
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

/// How a call was answered.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The plugin ran (or was shed): its execution.
    Ran(Execution),
    /// A retried `eventId`: the answer kept from the first call, sent
    /// without running the plugin again.
    Replayed(Kept),
}

impl Answer {
    /// What is sent.
    pub fn reply(&self) -> &Reply {
        match self {
            Answer::Ran(execution) => &execution.reply,
            Answer::Replayed(kept) => &kept.reply,
        }
    }

    /// The execution, unless the answer was replayed.
    pub fn into_execution(self) -> Option<Execution> {
        match self {
            Answer::Ran(execution) => Some(execution),
            Answer::Replayed(_) => None,
        }
    }

    /// How the call (or, when replayed, the first call) ended.
    pub fn outcome(&self) -> Outcome {
        match self {
            Answer::Ran(execution) => execution.outcome,
            Answer::Replayed(kept) => kept.outcome,
        }
    }
}

/// Where what a call leaves behind goes. Each sink is optional: the offline
/// tools have none, the server all three.
#[derive(Clone, Default)]
pub struct Sinks {
    /// Answers kept for Okta's retry of an `eventId` (calls from Okta only).
    pub replays: Option<Arc<ReplayCache>>,
    /// Call counts and times (calls from Okta only).
    pub metrics: Option<Arc<Metrics>>,
    /// The execution journal (every call, from any source).
    pub journal: Option<Arc<Journal>>,
}

/// Runs hook calls on a [`Runtime`] and hands their traces to [`Sinks`].
pub struct Pipeline {
    runtime: Arc<Runtime>,
    sinks: Sinks,
}

impl Pipeline {
    /// A pipeline over `runtime` whose calls leave their traces in `sinks`.
    pub fn new(runtime: Arc<Runtime>, sinks: Sinks) -> Pipeline {
        Pipeline { runtime, sinks }
    }

    /// Calls `hook` with the request `body`, which arrived at `arrived`,
    /// from `source`.
    ///
    /// The envelope is parsed for the hook's type; a retried `eventId` from
    /// Okta gets the kept answer ([`Answer::Replayed`]); otherwise the call
    /// waits for its turn ([`Runtime::admit`]; shed, it gets the safe
    /// answer with outcome `overloaded`), runs, and its answer is judged
    /// against Okta's contract (the failure policy's safe answer replaces a
    /// failed or invalid one). Everything, the wait included, ends by
    /// `arrived` plus the hook's time budget. The answer is then kept for a
    /// retry, counted and recorded.
    ///
    /// # Errors
    ///
    /// An [`EnvelopeError`] when the body is not a request envelope for the
    /// hook's type: the plugin is not run, and the refusal is recorded (as
    /// status 400). Every plugin failure is an [`Answer`] with the safe
    /// answer, never an error.
    pub async fn call(
        &self,
        hook: &HookRun,
        source: Source,
        body: &[u8],
        arrived: Instant,
    ) -> Result<Answer, EnvelopeError> {
        let envelope = match Envelope::parse(body, hook.hook_type) {
            Ok(envelope) => envelope,
            Err(e) => {
                self.reject(hook, source, 400, e.to_string());
                return Err(e);
            }
        };
        // A request without an `eventId` cannot be told from a new one: it
        // is run every time, and its answer is not kept.
        let event_id = envelope.event_id().map(str::to_owned);
        let replays = self
            .sinks
            .replays
            .as_ref()
            .filter(|_| source == Source::Hook);
        if let Some(event_id) = &event_id {
            tracing::Span::current().record("event_id", tracing::field::display(event_id));
            if let Some(kept) = replays.and_then(|r| r.get(&hook.id, event_id, body)) {
                self.replayed(hook, event_id, &kept);
                return Ok(Answer::Replayed(kept));
            }
        }
        let execution = self.run(hook, envelope, arrived).await;
        tracing::info!(
            outcome = execution.outcome.as_str(),
            duration_us = execution.duration.as_micros() as u64,
            fuel = execution.fuel_consumed,
            "hook call"
        );
        if let (Some(replays), Some(event_id)) = (replays, &event_id) {
            replays.put(
                &hook.id,
                event_id,
                body,
                Kept {
                    reply: execution.reply.clone(),
                    outcome: execution.outcome,
                    reason: execution.reason.clone(),
                },
            );
        }
        if let Some(metrics) = self.metrics(source) {
            let ran = (execution.outcome != Outcome::Overloaded).then_some((
                execution.duration,
                execution.fuel_consumed,
                execution.peak_memory_bytes,
            ));
            metrics.call(&hook.id, execution.outcome.as_str(), ran);
        }
        if let Some(journal) = &self.sinks.journal {
            journal.add(record::ran(hook, source, &execution, body));
        }
        Ok(Answer::Ran(execution))
    }

    /// Records and counts a call of `hook` from `source` refused before its
    /// plugin could run (a body too large or too slow, not an envelope),
    /// answered with HTTP `status` because of `reason`.
    pub(crate) fn reject(&self, hook: &HookRun, source: Source, status: u16, reason: String) {
        tracing::info!(status, %reason, "hook call rejected");
        if let Some(metrics) = self.metrics(source) {
            metrics.call(&hook.id, "rejected", None);
        }
        if let Some(journal) = &self.sinks.journal {
            journal.add(record::rejected(hook, source, status, reason));
        }
    }

    /// The metrics, for calls from `source` (only Okta's calls are counted).
    fn metrics(&self, source: Source) -> Option<&Arc<Metrics>> {
        self.sinks
            .metrics
            .as_ref()
            .filter(|_| source == Source::Hook)
    }

    /// Counts and records an answer replayed for a retried `event_id`.
    fn replayed(&self, hook: &HookRun, event_id: &str, kept: &Kept) {
        tracing::info!(
            outcome = kept.outcome.as_str(),
            "retried eventId: answer replayed"
        );
        if let Some(metrics) = &self.sinks.metrics {
            metrics.replay(&hook.id);
        }
        if let Some(journal) = &self.sinks.journal {
            journal.add(record::replayed(hook, event_id, kept));
        }
    }

    /// Admission, the plugin call on the sandbox threads, and the judgment
    /// of its result, for an envelope already parsed for `hook`'s type.
    async fn run(&self, hook: &HookRun, envelope: Envelope, arrived: Instant) -> Execution {
        let deadline = arrived + hook.limits.time_budget();
        let Envelope { request, data } = envelope;
        let event_id = request.event_id.clone();
        let request_type = request.request_type.clone();
        let report = match self.runtime.admit(&hook.gate, deadline).await {
            Err(shed) => CallReport::not_run(CallFailure::Overloaded(shed), arrived.elapsed()),
            Ok(ticket) => {
                self.runtime
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
        judge::conclude(hook, event_id, &facts, report)
    }
}
