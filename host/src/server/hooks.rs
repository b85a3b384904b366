//! `POST /hooks/{hookId}`: the endpoint Okta calls.

use super::AppState;
use super::error::ApiError;
use crate::exec::{self, Execution, Reply};
use crate::store::{AuthScheme, HookStatus};
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Response header naming the call's outcome (`ok`, `out_of_time`, ...).
/// Okta ignores it; it helps whoever tests a hook by hand.
pub const OUTCOME_HEADER: &str = "x-hookwarden-outcome";

/// Checks that exactly one `scheme.key` header carries the secret, comparing
/// digests in constant time.
fn authorize(scheme: &AuthScheme, headers: &HeaderMap) -> Result<(), ApiError> {
    let mut values = headers.get_all(scheme.key.as_str()).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(ApiError::Unauthorized);
    };
    let expected = hex::decode(&scheme.value_sha256).map_err(|_| ApiError::Unauthorized)?;
    let got = Sha256::digest(value.as_bytes());
    if bool::from(got.as_slice().ct_eq(&expected)) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized)
    }
}

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
    authorize(&hook.record.auth_scheme, &headers)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_needs_exactly_one_matching_header() {
        let scheme = AuthScheme::new("Authorization", "Basic s3cret");
        let mut h = HeaderMap::new();
        assert!(authorize(&scheme, &h).is_err());
        h.insert("authorization", HeaderValue::from_static("Basic s3cret"));
        assert!(authorize(&scheme, &h).is_ok());
        h.append("authorization", HeaderValue::from_static("Basic s3cret"));
        assert!(
            authorize(&scheme, &h).is_err(),
            "duplicate headers are refused"
        );
        let mut wrong = HeaderMap::new();
        wrong.insert("authorization", HeaderValue::from_static("Basic s3creT"));
        assert!(authorize(&scheme, &wrong).is_err());
    }
}
