//! `/api/v1/plugins`: upload, list, get and delete plugin components.

use crate::server::error::ApiError;
use crate::server::{AppState, read_body};
use crate::store::PluginRecord;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};

/// The media type of an upload.
const WASM: &str = "application/wasm";

/// `POST /api/v1/plugins`: the body is the component.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PluginRecord>, ApiError> {
    super::require_content_type(&headers, WASM)?;
    let bytes = read_body(
        body,
        state.config.max_plugin_bytes,
        state.config.upload_timeout,
    )
    .await?;
    if bytes.is_empty() {
        return Err(ApiError::invalid(
            "body",
            "is empty; send the component's bytes",
        ));
    }
    // Refusals map in `server::error`: 400 for a bad component or one past
    // a compile limit, 503 without a compile turn.
    let record = state.registry.add_plugin(bytes.to_vec()).await?;
    tracing::info!(plugin = %record.id, size = record.size, "plugin registered");
    Ok(Json(record))
}

/// `GET /api/v1/plugins`.
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<PluginRecord>>, ApiError> {
    Ok(Json(state.registry.plugins().await?))
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound {
        id: id.into(),
        kind: "Plugin",
    }
}

/// `GET /api/v1/plugins/{id}`.
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PluginRecord>, ApiError> {
    state
        .registry
        .plugin_record(&id)
        .await?
        .map(Json)
        .ok_or_else(|| not_found(&id))
}

/// `DELETE /api/v1/plugins/{id}`: refused while a hook uses the plugin.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.registry.delete_plugin(&id).await?;
    tracing::info!(plugin = %id, "plugin deleted");
    Ok(StatusCode::NO_CONTENT)
}
