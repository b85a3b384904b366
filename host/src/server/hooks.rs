//! `POST /hooks/{hookId}`: the endpoint Okta calls.
//!
//! Each call runs in a `hook_call` span carrying the hook id and the
//! `eventId`; the plugin's log lines are emitted inside it, as it logs them,
//! as events of target `hookwarden::plugin`. Every authenticated call is recorded in the
//! execution journal and counted in the metrics. A retried `eventId` gets
//! the kept answer at once, without running the plugin again; a request
//! without an `eventId` is never replayed.

use super::AppState;
use super::error::ApiError;
use crate::envelope::Envelope;
use crate::exec::{self, Execution, Reply};
use crate::journal::{self, ExecutionRecord, Source};
use crate::redact::redact;
use crate::registry::LiveHook;
use crate::replay::Kept;
use crate::store::HookStatus;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

/// Response header naming the call's outcome (`ok`, `out_of_time`, ...).
/// Okta ignores it; it helps whoever tests a hook by hand.
pub const OUTCOME_HEADER: &str = "x-hookwarden-outcome";

/// Response header set on an answer replayed for a retried `eventId`.
pub const REPLAY_HEADER: &str = "x-hookwarden-replay";

/// Serves one Okta hook call.
pub async fn call(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let span = tracing::info_span!("hook_call", hook = %id, event_id = tracing::field::Empty);
    serve_call(state, id, headers, body).instrument(span).await
}

async fn serve_call(
    state: AppState,
    id: String,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // Every deadline of the call counts from here: the request's head has
    // been read (the server's header timeout bounds that part).
    let arrived = std::time::Instant::now();
    let hook = state
        .registry
        .hook(&id)
        .filter(|h| h.record.status == HookStatus::Active)
        .ok_or_else(|| ApiError::hook_not_found(id.clone()))?;
    if !hook.auth.allows(&headers) {
        return Err(ApiError::Unauthorized);
    }
    // From here on the caller holds the hook's secret: what happens is recorded.
    let rejected = |error: ApiError| {
        let status = error.status().as_u16();
        reject(&state, &hook, Source::Hook, status, error.to_string());
        error
    };
    // The body must arrive within the body timeout and within the hook's
    // own budget, which also covers the wait for a turn and the plugin.
    let body_timeout = state.config.body_timeout.min(hook.run.limits.time_budget());
    let body = super::read_body(body, state.config.max_body_bytes, body_timeout)
        .await
        .map_err(rejected)?;
    let envelope =
        Envelope::parse(&body, hook.run.hook_type).map_err(|e| rejected(ApiError::from(e)))?;
    // A request without an `eventId` cannot be told from a new one: it is
    // run every time, and its answer is not kept.
    let event_id = envelope.event_id().map(str::to_owned);
    if let Some(event_id) = &event_id {
        tracing::Span::current().record("event_id", tracing::field::display(event_id));
        if let Some(kept) = state.replays.get(&id, event_id, &body) {
            return Ok(replay(&state, &hook, event_id, kept));
        }
    }
    let execution = exec::run(state.registry.runtime(), &hook.run, envelope, arrived).await;
    tracing::info!(
        outcome = execution.outcome.as_str(),
        duration_us = execution.duration.as_micros() as u64,
        fuel = execution.fuel_consumed,
        "hook call"
    );
    if let Some(event_id) = &event_id {
        state.replays.put(
            &id,
            event_id,
            &body,
            Kept {
                reply: execution.reply.clone(),
                outcome: execution.outcome,
                reason: execution.reason.clone(),
            },
        );
    }
    let ran = (execution.outcome != crate::policy::Outcome::Overloaded).then_some((
        execution.duration,
        execution.fuel_consumed,
        execution.peak_memory_bytes,
    ));
    state.metrics.call(&id, execution.outcome.as_str(), ran);
    record(&state, &hook, Source::Hook, &execution, Some(&body));
    Ok(reply_response(&execution))
}

/// Answers a retried `eventId` with the kept answer, and records that.
fn replay(state: &AppState, hook: &LiveHook, event_id: &str, kept: Kept) -> Response {
    tracing::info!(
        outcome = kept.outcome.as_str(),
        "retried eventId: answer replayed"
    );
    state.metrics.replay(&hook.record.id);
    let mut record = journal::rejected(
        &hook.record.id,
        hook.run.hook_type,
        &hook.record.plugin_id,
        Source::Hook,
        kept.reply.status(),
        String::new(),
    );
    record.outcome = kept.outcome.as_str().to_owned();
    record.reason = kept.reason.clone();
    record.event_id = Some(event_id.to_owned());
    record.replay = true;
    if hook.record.record_bodies {
        record.response = Some(redact(&kept.reply.body()));
    }
    state.journal.add(record);
    let mut response = reply_to_response(&kept.reply, kept.outcome.as_str());
    response
        .headers_mut()
        .insert(REPLAY_HEADER, HeaderValue::from_static("true"));
    response
}

/// Records and counts a request refused before the plugin ran.
pub(crate) fn reject(
    state: &AppState,
    hook: &LiveHook,
    source: Source,
    status: u16,
    reason: String,
) {
    tracing::info!(status, %reason, "hook call rejected");
    if source == Source::Hook {
        state.metrics.call(&hook.record.id, "rejected", None);
    }
    state.journal.add(journal::rejected(
        &hook.record.id,
        hook.run.hook_type,
        &hook.record.plugin_id,
        source,
        status,
        reason,
    ));
}

/// Records an execution of `hook` in the journal, with redacted bodies if
/// the hook keeps them.
pub(crate) fn record(
    state: &AppState,
    hook: &LiveHook,
    source: Source,
    execution: &Execution,
    request: Option<&[u8]>,
) {
    let mut record: ExecutionRecord = journal::record_of(
        &hook.record.id,
        hook.run.hook_type,
        &hook.record.plugin_id,
        source,
        execution,
    );
    if hook.record.record_bodies {
        record.request = request
            .and_then(|bytes| serde_json::from_slice(bytes).ok())
            .map(|value| redact(&value));
        record.response = Some(redact(&execution.reply.body()));
    }
    state.journal.add(record);
}

/// The HTTP response for an execution: 204 or 200 with JSON, and the
/// outcome header.
pub fn reply_response(execution: &Execution) -> Response {
    reply_to_response(&execution.reply, execution.outcome.as_str())
}

fn reply_to_response(reply: &Reply, outcome: &'static str) -> Response {
    let mut response = match reply {
        Reply::NoContent => StatusCode::NO_CONTENT.into_response(),
        Reply::Json(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body.encoded().clone(),
        )
            .into_response(),
    };
    response
        .headers_mut()
        .insert(OUTCOME_HEADER, HeaderValue::from_static(outcome));
    response
}
