//! `GET /api/v1/logs`: the execution journal, newest first, filtered and paged like Okta's System Log API.
//!
//! Parameters: `hookId`, `outcome`, `eventId`, `since` and `until`
//! (RFC 3339 times; `since` inclusive, `until` exclusive), `limit` (1 to
//! 1000, default 100) and `after` (the cursor of the next page). The answer
//! is a JSON array of records and a `Link` header with `rel="self"` and,
//! when there may be more, `rel="next"`.

use crate::journal::{MAX_LIMIT, Query as JournalQuery};
use crate::server::AppState;
use crate::server::error::ApiError;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::header::LINK;
use axum::http::{HeaderMap, HeaderValue};
use serde_json::Value;
use std::collections::BTreeMap;

/// The parameters this route understands.
const PARAMETERS: &[&str] = &[
    "hookId", "outcome", "eventId", "since", "until", "limit", "after",
];

/// Milliseconds since 1970 of an RFC 3339 time.
fn millis(field: &str, text: &str) -> Result<u64, ApiError> {
    let time = humantime::parse_rfc3339_weak(text).map_err(|e| {
        ApiError::invalid(
            field,
            format!("must be an RFC 3339 time such as 2026-11-22T10:00:00Z ({e})"),
        )
    })?;
    Ok(time
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64))
}

/// The journal query of `params`.
fn query_of(params: &BTreeMap<String, String>) -> Result<JournalQuery, ApiError> {
    if let Some(unknown) = params.keys().find(|k| !PARAMETERS.contains(&k.as_str())) {
        return Err(ApiError::invalid(
            unknown,
            format!(
                "is not a parameter of /logs (known: {})",
                PARAMETERS.join(", ")
            ),
        ));
    }
    let limit = params
        .get("limit")
        .map(|l| {
            l.parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| ApiError::invalid("limit", format!("must be 1 to {MAX_LIMIT}")))
        })
        .transpose()?;
    Ok(JournalQuery {
        hook_id: params.get("hookId").cloned(),
        outcome: params.get("outcome").cloned(),
        event_id: params.get("eventId").cloned(),
        since_ms: params
            .get("since")
            .map(|t| millis("since", t))
            .transpose()?,
        until_ms: params
            .get("until")
            .map(|t| millis("until", t))
            .transpose()?,
        after: params.get("after").cloned(),
        limit,
    })
}

/// The URL of this route with `params`.
fn url(public_url: &str, params: &BTreeMap<String, String>) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    if query.is_empty() {
        format!("{public_url}/api/v1/logs")
    } else {
        format!("{public_url}/api/v1/logs?{query}")
    }
}

/// `GET /api/v1/logs`.
pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Result<(HeaderMap, Json<Vec<Value>>), ApiError> {
    let query = query_of(&params)?;
    let page = state
        .journal
        .query(&query)
        .map_err(|e| ApiError::invalid("after", e))?;
    let public_url = &state.config.public_url;
    let mut links = vec![format!("<{}>; rel=\"self\"", url(public_url, &params))];
    if let Some(next) = &page.next {
        let mut next_params = params.clone();
        next_params.insert("after".into(), next.clone());
        links.push(format!("<{}>; rel=\"next\"", url(public_url, &next_params)));
    }
    let mut headers = HeaderMap::new();
    for link in links {
        if let Ok(value) = HeaderValue::from_str(&link) {
            headers.append(LINK, value);
        }
    }
    let records = page
        .records
        .iter()
        .map(|r| serde_json::to_value(r).expect("records always serialize"))
        .collect();
    Ok((headers, Json(records)))
}
