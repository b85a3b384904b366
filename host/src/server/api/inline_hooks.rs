//! `/api/v1/inlineHooks`: Okta's Inline Hooks Management API, with a `WASM` channel.
//!
//! Follows Okta's observed behaviour: create answers 200 and the hook is
//! always ACTIVE (`status` in a body is ignored); PUT (or POST to the hook)
//! replaces name, version and channel while `type` is immutable; DELETE
//! needs an INACTIVE hook and answers 204; lifecycle calls are POSTs without
//! a body that return the hook. The auth secret is write-only: it is never
//! returned and a PUT without it keeps the current one. Every other optional
//! member a PUT leaves out (`settings`, `limits`, `failurePolicy`,
//! `recordBodies`) takes its default, as in Okta's full replacement; a
//! client that changes one field sends the others as they are (the CLI's
//! `hook update` does).

use crate::admin_schema::{Context, HookBody, InlineHook};
use crate::hook_type::HookType;
use crate::pipeline::{Answer, Execution, Source};
use crate::policy::Outcome;
use crate::registry::HookSpec;
use crate::server::error::ApiError;
use crate::server::hooks::answer_response;
use crate::server::{AppState, read_body};
use crate::store::{HookRecord, HookStatus};
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;
use std::collections::HashMap;

/// The body as a JSON object, read member by member into a [`HookBody`].
fn parse_json_body(bytes: &[u8]) -> Result<HookBody, ApiError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(obj)) => HookBody::from_object(obj).map_err(ApiError::MalformedJson),
        Ok(_) => Err(ApiError::MalformedJson(
            "the body must be a JSON object".into(),
        )),
        Err(e) => Err(ApiError::MalformedJson(e.to_string())),
    }
}

/// Validates a create or replace body into a [`HookSpec`]
/// ([`HookBody::validate`]). `current` is the hook being replaced.
fn hook_spec(
    body: &HookBody,
    current: Option<&HookRecord>,
    state: &AppState,
) -> Result<HookSpec, ApiError> {
    let context = Context {
        replacing: current.map(|record| record.hook_type),
        default_limits: state.registry.default_limits(),
        plugin_exists: &|id: &str| state.registry.plugin(id).is_some(),
    };
    Ok(body.validate(&context)?)
}

/// A hook body: `application/json`, within the size and time limits, an object.
async fn json_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<HookBody, ApiError> {
    super::require_content_type(headers, "application/json")?;
    let bytes = read_body(
        body,
        state.config.max_body_bytes,
        state.config.upload_timeout,
    )
    .await?;
    parse_json_body(&bytes)
}

fn shown(state: &AppState, record: &HookRecord) -> Json<InlineHook> {
    Json(InlineHook::from_record(
        record,
        None,
        &state.config.public_url,
    ))
}

/// `POST /api/v1/inlineHooks`: creates an ACTIVE hook; answers 200.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<InlineHook>, ApiError> {
    let body = json_body(&state, &headers, body).await?;
    let spec = hook_spec(&body, None, &state)?;
    let record = state.registry.create_hook(spec).await?;
    tracing::info!(hook = %record.id, r#type = %record.hook_type, "inline hook created");
    Ok(shown(&state, &record))
}

/// `GET /api/v1/inlineHooks[?type=...]`.
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Vec<InlineHook>>, ApiError> {
    let filter = match query.get("type") {
        None => None,
        Some(t) => Some(
            t.parse::<HookType>()
                .map_err(|e| ApiError::invalid("type", e))?,
        ),
    };
    let hooks = state
        .registry
        .records()
        .into_iter()
        .filter(|(record, _)| filter.is_none_or(|t| record.hook_type == t))
        .map(|(record, error)| {
            InlineHook::from_record(&record, error.as_deref(), &state.config.public_url)
        })
        .collect();
    Ok(Json(hooks))
}

/// The stored hook `id`, with its load error if it failed to load.
fn current(state: &AppState, id: &str) -> Result<(HookRecord, Option<String>), ApiError> {
    state
        .registry
        .stored_hook(id)
        .ok_or_else(|| ApiError::hook_not_found(id))
}

/// `GET /api/v1/inlineHooks/{id}`.
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<InlineHook>, ApiError> {
    let (record, load_error) = current(&state, &id)?;
    Ok(Json(InlineHook::from_record(
        &record,
        load_error.as_deref(),
        &state.config.public_url,
    )))
}

/// `PUT` (or `POST`) `/api/v1/inlineHooks/{id}`: full replacement; `type`
/// is immutable and `status` is ignored. The next call uses the new version;
/// calls in flight finish with the old one.
pub async fn replace(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<InlineHook>, ApiError> {
    let (existing, _) = current(&state, &id)?;
    let body = json_body(&state, &headers, body).await?;
    let spec = hook_spec(&body, Some(&existing), &state)?;
    let record = state.registry.replace_hook(&id, spec).await?;
    tracing::info!(hook = %id, plugin = %record.plugin_id, "inline hook replaced");
    Ok(shown(&state, &record))
}

/// Sets a hook's status and answers with the hook.
async fn set_status(
    state: &AppState,
    id: &str,
    status: HookStatus,
) -> Result<Json<InlineHook>, ApiError> {
    let record = state.registry.set_hook_status(id, status).await?;
    tracing::info!(hook = %id, status = ?status, "inline hook status set");
    Ok(shown(state, &record))
}

/// `POST /api/v1/inlineHooks/{id}/lifecycle/activate`.
pub async fn activate(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<InlineHook>, ApiError> {
    set_status(&state, &id, HookStatus::Active).await
}

/// `POST /api/v1/inlineHooks/{id}/lifecycle/deactivate`.
pub async fn deactivate(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<InlineHook>, ApiError> {
    set_status(&state, &id, HookStatus::Inactive).await
}

/// `DELETE /api/v1/inlineHooks/{id}`: only INACTIVE hooks; answers 204.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.registry.delete_hook(&id).await?;
    tracing::info!(hook = %id, "inline hook deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Why an execution failed, as error causes.
fn failure_causes(execution: &Execution) -> Vec<String> {
    let mut causes = vec![format!("outcome: {}", execution.outcome.as_str())];
    if let Some(reason) = &execution.reason {
        causes.push(format!("reason: {reason}"));
    }
    for finding in &execution.findings {
        causes.push(format!("{}: {}", finding.location, finding.message));
    }
    causes.push(format!("safeAnswer: {}", execution.reply.body()));
    causes
}

/// `POST /api/v1/inlineHooks/{id}/execute`: runs the hook's plugin on the
/// body exactly as `/hooks/{id}` would (whatever the hook's status) and
/// returns its answer, or 400 `E0000135` saying how it failed.
pub async fn execute(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let arrived = std::time::Instant::now();
    let hook = state
        .registry
        .hook(&id)
        .ok_or_else(|| ApiError::hook_not_found(&id))?;
    let bytes = read_body(
        body,
        state.config.max_body_bytes,
        state.config.body_timeout.min(hook.run.limits.time_budget()),
    )
    .await?;
    let answer = state
        .pipeline
        .call(&hook.run, Source::Execute, &bytes, arrived)
        .await?;
    if let Answer::Ran(execution) = &answer
        && execution.outcome != Outcome::Ok
    {
        return Err(ApiError::HookFailed(failure_causes(execution)));
    }
    Ok(answer_response(&answer))
}
