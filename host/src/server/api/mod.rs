//! The admin API under `/api/v1`, modeled on Okta's Inline Hooks Management API.
//!
//! Every route needs `Authorization: SSWS <admin token>`.

mod inline_hooks;
mod logs;
mod plugins;

use super::AppState;
use super::error::ApiError;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};

/// Checks that the request's `Content-Type` (parameters such as `charset`
/// aside) is `expected`.
///
/// # Errors
///
/// [`ApiError::UnsupportedMediaType`] when it is missing or another type.
pub(crate) fn require_content_type(
    headers: &axum::http::HeaderMap,
    expected: &'static str,
) -> Result<(), ApiError> {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim());
    match content_type {
        Some(given) if given.eq_ignore_ascii_case(expected) => Ok(()),
        _ => Err(ApiError::UnsupportedMediaType(expected)),
    }
}

/// Lets a request through only with `Authorization: SSWS <admin token>`.
pub(crate) async fn require_admin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("SSWS"))
        .map(|(_, token)| token.trim());
    match presented {
        Some(token) if state.admin.matches(token) => Ok(next.run(request).await),
        _ => Err(ApiError::Unauthorized),
    }
}

/// The `/api/v1` routes, behind the admin-token check.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/plugins", post(plugins::upload).get(plugins::list))
        .route("/plugins/{id}", get(plugins::get).delete(plugins::delete))
        .route(
            "/inlineHooks",
            post(inline_hooks::create).get(inline_hooks::list),
        )
        .route(
            "/inlineHooks/{id}",
            get(inline_hooks::get)
                .put(inline_hooks::replace)
                .post(inline_hooks::replace)
                .delete(inline_hooks::delete),
        )
        .route(
            "/inlineHooks/{id}/lifecycle/activate",
            post(inline_hooks::activate),
        )
        .route(
            "/inlineHooks/{id}/lifecycle/deactivate",
            post(inline_hooks::deactivate),
        )
        .route("/inlineHooks/{id}/execute", post(inline_hooks::execute))
        .route("/logs", get(logs::list))
        .route_layer(axum::middleware::from_fn_with_state(state, require_admin))
}
