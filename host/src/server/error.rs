//! Okta's error object, and the one place where errors become HTTP responses.

pub use crate::admin_schema::ErrorCause;
pub(crate) use crate::admin_schema::OktaError;

use crate::envelope::EnvelopeError;
use crate::registry::RegistryError;
use crate::runtime::CompileError;
use crate::store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An API failure; every handler returns this and it renders itself.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 404 `E0000007`: unknown id (or an INACTIVE hook on `/hooks/{id}`).
    #[error("Not found: Resource not found: {id} ({kind})")]
    NotFound {
        /// The id asked for.
        id: String,
        /// `InlineHook` or `Plugin`.
        kind: &'static str,
    },
    /// 401 `E0000011`: missing or wrong credentials.
    #[error("Invalid token provided")]
    Unauthorized,
    /// 413: the body exceeds the limit (bytes).
    #[error("Api validation failed: body")]
    PayloadTooLarge(usize),
    /// 408: the body did not arrive in time.
    #[error("Api validation failed: body")]
    BodyTimeout,
    /// 415: the body has the wrong `Content-Type` (the expected one).
    #[error("Api validation failed: Content-Type")]
    UnsupportedMediaType(&'static str),
    /// 400 `E0000003` or `E0000001`: the hook request is not an envelope.
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    /// 400 `E0000003`: an admin request body is not JSON.
    #[error("The request body was not well-formed.")]
    MalformedJson(String),
    /// 400 `E0000001`: fields failed validation; one cause per bad field,
    /// each `"<field>: <message>"`.
    #[error("Api validation failed: {subject}")]
    Validation {
        /// What failed, e.g. `inlineHook` or the single bad field.
        subject: String,
        /// One `"<field>: <message>"` per problem.
        causes: Vec<String>,
    },
    /// 409 `E0000195`: the change conflicts with the current state.
    #[error("Api validation failed due to conflict: {0}")]
    Conflict(String),
    /// 405 `E0000022`: the route exists, the method does not.
    #[error("The endpoint does not support the provided HTTP method")]
    MethodNotAllowed,
    /// 400 `E0000135`: `execute` ran the plugin and it failed; the causes
    /// say how.
    #[error("An inline hook responded with an error.")]
    HookFailed(Vec<String>),
    /// 500 `E0000009`: a failure of the host itself.
    #[error("Internal Server Error")]
    Internal(String),
    /// 503 `E0000009`: the server cannot take this now (every compile slot
    /// stayed busy); try again later.
    #[error("Service unavailable: {0}")]
    Unavailable(String),
}

impl ApiError {
    /// 404 for an unknown inline hook, with Okta's exact text.
    pub(crate) fn hook_not_found(id: impl Into<String>) -> Self {
        ApiError::NotFound {
            id: id.into(),
            kind: "InlineHook",
        }
    }

    /// 400 `E0000001` about one field.
    pub fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        ApiError::Validation {
            subject: field.to_owned(),
            causes: vec![format!("{field}: {message}")],
        }
    }
}

fn error_id() -> String {
    crate::ids::random("oae", 22)
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, String, Vec<String>) {
        let summary = self.to_string();
        match self {
            ApiError::NotFound { .. } => (StatusCode::NOT_FOUND, "E0000007", summary, vec![]),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "E0000011", summary, vec![]),
            ApiError::PayloadTooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "E0000001",
                summary,
                vec![format!("body: must be at most {limit} bytes")],
            ),
            ApiError::BodyTimeout => (
                StatusCode::REQUEST_TIMEOUT,
                "E0000001",
                summary,
                vec!["body: did not arrive in time".into()],
            ),
            ApiError::UnsupportedMediaType(expected) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "E0000001",
                summary,
                vec![format!("Content-Type: must be {expected}")],
            ),
            ApiError::Envelope(e @ (EnvelopeError::NotJson(_) | EnvelopeError::NotAnObject)) => (
                StatusCode::BAD_REQUEST,
                "E0000003",
                "The request body was not well-formed.".into(),
                vec![e.to_string()],
            ),
            ApiError::Envelope(e) => (
                StatusCode::BAD_REQUEST,
                "E0000001",
                format!("Api validation failed: {}", e.field().unwrap_or("body")),
                vec![e.to_string()],
            ),
            ApiError::MalformedJson(detail) => (
                StatusCode::BAD_REQUEST,
                "E0000003",
                summary,
                vec![detail.clone()],
            ),
            ApiError::Validation { causes, .. } => {
                (StatusCode::BAD_REQUEST, "E0000001", summary, causes.clone())
            }
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "E0000195", summary, vec![]),
            ApiError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, "E0000022", summary, vec![])
            }
            ApiError::HookFailed(causes) => {
                (StatusCode::BAD_REQUEST, "E0000135", summary, causes.clone())
            }
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "E0000009",
                summary,
                vec![],
            ),
            ApiError::Unavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "E0000009", summary, vec![])
            }
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        self.parts().0
    }

    /// The Okta error object and status for this error.
    pub(crate) fn to_okta(&self) -> (StatusCode, OktaError) {
        let (status, code, summary, causes) = self.parts();
        let body = OktaError {
            error_code: code.to_owned(),
            error_summary: summary,
            error_link: code.to_owned(),
            error_id: error_id(),
            error_causes: causes
                .into_iter()
                .map(|error_summary| ErrorCause { error_summary })
                .collect(),
        };
        (status, body)
    }
}

impl From<crate::admin_schema::Invalid> for ApiError {
    fn from(e: crate::admin_schema::Invalid) -> Self {
        ApiError::Validation {
            subject: e.subject,
            causes: e.causes,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> Self {
        match e {
            RegistryError::Store(e) => e.into(),
            RegistryError::Compile(e @ CompileError::Busy(_)) => {
                ApiError::Unavailable(e.to_string())
            }
            RegistryError::Compile(e @ CompileError::Worker(_)) => {
                ApiError::Internal(e.to_string())
            }
            RegistryError::Compile(e) => ApiError::invalid("plugin", e),
            RegistryError::Limits(e) => ApiError::invalid("channel.config.limits", e),
            RegistryError::PluginNotFound(id) => ApiError::NotFound { id, kind: "Plugin" },
            RegistryError::HookNotFound(id) => ApiError::hook_not_found(id),
            e @ RegistryError::HookActive(_) => ApiError::invalid("status", e),
            e @ RegistryError::TooMany { .. } => ApiError::Conflict(e.to_string()),
            e @ RegistryError::MissingSecret => {
                ApiError::invalid("channel.config.authScheme.value", e)
            }
            e @ RegistryError::PluginInUse { .. } => ApiError::Conflict(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.to_okta();
        if let ApiError::Internal(detail) = &self {
            tracing::error!(error_id = %body.error_id, %detail, "internal error");
        } else {
            tracing::debug!(error_id = %body.error_id, status = status.as_u16(), summary = %body.error_summary, "request refused");
        }
        (status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_uses_oktas_exact_text_and_repeats_the_code() {
        let (status, body) = ApiError::hook_not_found("calX").to_okta();
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            body.error_summary,
            "Not found: Resource not found: calX (InlineHook)"
        );
        assert_eq!(body.error_code, body.error_link);
        assert!(body.error_id.len() > 10);
    }

    #[test]
    fn malformed_json_is_e0000003_and_bad_fields_e0000001() {
        let (s, b) = ApiError::Envelope(EnvelopeError::NotAnObject).to_okta();
        assert_eq!(
            (s, b.error_code.as_str()),
            (StatusCode::BAD_REQUEST, "E0000003")
        );
        let (s, b) = ApiError::Envelope(EnvelopeError::Missing("data")).to_okta();
        assert_eq!(
            (s, b.error_code.as_str()),
            (StatusCode::BAD_REQUEST, "E0000001")
        );
        assert_eq!(b.error_summary, "Api validation failed: data");
        assert_eq!(b.error_causes[0].error_summary, "data: is required");
    }
}
