//! The HTTP server: routes, shared state and serving with graceful shutdown.

pub mod error;
pub mod hooks;

use crate::registry::Registry;
use axum::Router;
use axum::routing::post;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Default cap on a hook request body: 1 MiB. Okta's requests are a few KB;
/// import hooks with large profiles stay far below this.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// Default time allowed for a request body to arrive: 1 s, so a slow sender
/// cannot hold a call past Okta's 3 s deadline.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(1);

/// Server settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest accepted request body. Default [`DEFAULT_MAX_BODY_BYTES`].
    pub max_body_bytes: usize,
    /// Time allowed for a body to arrive. Default [`DEFAULT_BODY_TIMEOUT`].
    pub body_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            body_timeout: DEFAULT_BODY_TIMEOUT,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// Registrations.
    pub registry: Arc<Registry>,
    /// Server settings.
    pub config: Arc<ServerConfig>,
}

/// The router, without a socket (tests can drive it directly).
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/hooks/{id}", post(hooks::call))
        .with_state(state)
}

/// Serves `app(state)` on `listener` until `shutdown` resolves, then lets
/// calls in flight finish.
///
/// # Errors
///
/// An I/O error from the listener.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
