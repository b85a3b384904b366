//! `POST /hooks/{hookId}`: the endpoint Okta calls.

use super::AppState;
use super::error::ApiError;
use crate::exec::{self, Execution, Reply};
use crate::store::HookStatus;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Response header naming the call's outcome (`ok`, `out_of_time`, ...).
/// Okta ignores it; it helps whoever tests a hook by hand.
pub const OUTCOME_HEADER: &str = "x-hookwarden-outcome";

/// Serves one Okta hook call.
pub async fn call(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let hook = state
        .registry
        .hook(&id)
        .filter(|h| h.record.status == HookStatus::Active)
        .ok_or_else(|| ApiError::hook_not_found(id.clone()))?;
    if !hook.auth.allows(&headers) {
        return Err(ApiError::Unauthorized);
    }
    let body =
        super::read_body(body, state.config.max_body_bytes, state.config.body_timeout).await?;
    let execution = exec::execute(state.registry.runtime(), &hook.run, &body).await?;
    tracing::info!(
        hook = %id,
        event_id = %execution.event_id,
        outcome = execution.outcome.as_str(),
        duration_us = execution.duration.as_micros() as u64,
        fuel = execution.fuel_consumed,
        "hook call"
    );
    Ok(reply_response(&execution))
}

/// The HTTP response for an execution: 204 or 200 with JSON, and the
/// outcome header.
pub fn reply_response(execution: &Execution) -> Response {
    let mut response = match &execution.reply {
        Reply::NoContent => StatusCode::NO_CONTENT.into_response(),
        Reply::Json(body) => Json(body).into_response(),
    };
    response.headers_mut().insert(
        OUTCOME_HEADER,
        HeaderValue::from_static(execution.outcome.as_str()),
    );
    response
}
