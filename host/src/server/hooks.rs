//! `POST /hooks/{hookId}`: the endpoint Okta calls, a thin adapter over the [`Pipeline`](crate::pipeline::Pipeline).
//!
//! Each call runs in a `hook_call` span carrying the hook id and the
//! `eventId`; the plugin's log lines are emitted inside it, as it logs them,
//! as events of target `hookwarden::plugin`. This module finds the hook,
//! checks its auth and reads the body within its deadline; the pipeline
//! does the rest (replay of a retried `eventId`, the call, recording and
//! counting) and this module turns its answer into HTTP.

use super::AppState;
use super::error::ApiError;
use crate::pipeline::{Answer, Source};
use crate::reply::Reply;
use crate::store::HookStatus;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

/// Response header naming the call's outcome (`ok`, `out_of_time`, ...).
/// Okta ignores it; it helps whoever tests a hook by hand.
pub(crate) const OUTCOME_HEADER: &str = "x-hookwarden-outcome";

/// Response header set on an answer replayed for a retried `eventId`.
pub(crate) const REPLAY_HEADER: &str = "x-hookwarden-replay";

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
    // From here on the caller holds the hook's secret: what happens is
    // recorded. The body must arrive within the body timeout and within the
    // hook's own budget, which also covers the wait for a turn and the
    // plugin.
    let timeout = state.config.body_timeout.min(hook.run.limits.time_budget());
    let body = super::read_body(body, state.config.max_body_bytes, timeout)
        .await
        .inspect_err(|error| {
            let status = error.status().as_u16();
            state
                .pipeline
                .reject(&hook.run, Source::Hook, status, error.to_string());
        })?;
    let answer = state
        .pipeline
        .call(&hook.run, Source::Hook, &body, arrived)
        .await?;
    Ok(answer_response(&answer))
}

/// The HTTP response for `answer`: 204 or 200 with JSON, the outcome
/// header, and the replay header when it was replayed.
pub(crate) fn answer_response(answer: &Answer) -> Response {
    let mut response = reply_response(answer.reply(), answer.outcome().as_str());
    if let Answer::Replayed(_) = answer {
        response
            .headers_mut()
            .insert(REPLAY_HEADER, HeaderValue::from_static("true"));
    }
    response
}

fn reply_response(reply: &Reply, outcome: &'static str) -> Response {
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
