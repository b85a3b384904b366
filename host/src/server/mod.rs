//! The HTTP server: routes, shared state and serving (bounded connections, graceful shutdown).
//!
//! - `POST /hooks/{hookId}`: Okta's calls ([`hooks`]), authenticated per hook.
//! - `/api/v1/...`: the admin API ([`api`]), authenticated with the admin token.
//! - `GET /metrics`: Prometheus metrics, authenticated with the admin token.

pub mod api;
mod conn;
pub mod error;
pub mod hooks;

use crate::admin_token::AdminToken;
use crate::journal::{Journal, JournalConfig};
use crate::metrics::Metrics;
use crate::pipeline::Pipeline;
use crate::registry::Registry;
use crate::runtime::Runtime;
use axum::Router;
use axum::body::Body;
use axum::routing::{get, post};
use error::ApiError;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Default cap on a hook request body: 1 MiB. Okta's requests are a few KB;
/// import hooks with large profiles stay far below this.
pub(crate) const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// Default time allowed for a request body to arrive: 1 s, so a slow sender
/// cannot hold a call past Okta's 3 s deadline.
pub(crate) const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(1);
/// Default cap on an uploaded plugin: 64 MiB (JavaScript and Python
/// components are 10 to 40 MB).
pub(crate) const DEFAULT_MAX_PLUGIN_BYTES: usize = 64 << 20;
/// Default time allowed for a plugin upload to arrive: 120 s.
pub(crate) const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(120);
/// Default time allowed for a request's headers (and, over TLS, the
/// handshake before them) to arrive, and for an idle keep-alive connection
/// to stay open: 1 s. Okta sends its headers at once; a connection that
/// dribbles them is closed, so it holds a connection slot for 1 s at most,
/// and a call waiting for a slot gets one well within Okta's 3 s. Upload
/// bodies have their own, longer time ([`DEFAULT_UPLOAD_TIMEOUT`]): headers
/// come first.
pub(crate) const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(1);
/// Default cap on connections open at once: 512. When it is reached the
/// server stops accepting (new connections wait in the kernel's backlog)
/// and keeps serving the open ones. `hookwarden serve` also keeps it below
/// the open-file limit (see `cli::serve`).
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// Server settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The URL Okta reaches this server at, without a trailing slash; used
    /// in `_links` and in what to register in Okta. Default
    /// `http://127.0.0.1:8080`.
    pub public_url: String,
    /// Largest accepted hook request body. Default 1 MiB.
    pub max_body_bytes: usize,
    /// Time allowed for a hook request body to arrive. Default 1 s.
    pub body_timeout: Duration,
    /// Largest accepted plugin upload. Default 64 MiB.
    pub max_plugin_bytes: usize,
    /// Time allowed for a plugin upload (or any admin body) to arrive.
    /// Default 120 s.
    pub upload_timeout: Duration,
    /// Retention of the execution journal. Default 10,000 records, 7 days.
    pub journal: JournalConfig,
    /// How long an answer is kept for a retried `eventId`. Default 5
    /// minutes; zero keeps none.
    pub replay_ttl: Duration,
    /// Most answers kept for retries. Default
    /// 10,000; zero keeps none.
    pub replay_capacity: usize,
    /// Time allowed for a request's headers (and the TLS handshake) to
    /// arrive, and for an idle keep-alive connection to stay open. Default 1 s.
    pub header_timeout: Duration,
    /// Connections open at once. Default 512.
    pub max_connections: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            public_url: "http://127.0.0.1:8080".into(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            max_plugin_bytes: DEFAULT_MAX_PLUGIN_BYTES,
            upload_timeout: DEFAULT_UPLOAD_TIMEOUT,
            journal: JournalConfig::default(),
            replay_ttl: crate::replay::DEFAULT_TTL,
            replay_capacity: crate::replay::DEFAULT_CAPACITY,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// What every handler shares; built by [`crate::app::App::state`].
#[derive(Clone)]
pub struct AppState {
    /// Registrations.
    pub(crate) registry: Arc<Registry>,
    /// Runs hook calls (`/hooks/{id}` and `execute`).
    pub(crate) pipeline: Arc<Pipeline>,
    /// The sandbox (for its gauges).
    pub(crate) runtime: Arc<Runtime>,
    /// The execution journal (`/api/v1/logs`).
    pub(crate) journal: Arc<Journal>,
    /// Prometheus metrics (`/metrics`).
    pub(crate) metrics: Arc<Metrics>,
    /// Server settings.
    pub(crate) config: Arc<ServerConfig>,
    /// The admin API token.
    pub(crate) admin: Arc<AdminToken>,
}

/// Reads a request body of at most `limit` bytes that arrives within `timeout`.
///
/// # Errors
///
/// [`ApiError::PayloadTooLarge`] past the limit, [`ApiError::BodyTimeout`]
/// past the time.
pub async fn read_body(
    body: Body,
    limit: usize,
    timeout: Duration,
) -> Result<bytes::Bytes, ApiError> {
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Err(_) => Err(ApiError::BodyTimeout),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(ApiError::PayloadTooLarge(limit)),
    }
}

/// `GET /metrics`: the Prometheus text exposition (see [`crate::metrics`]).
async fn metrics(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> impl axum::response::IntoResponse {
    let text = state
        .metrics
        .render(state.runtime.calls_in_flight(), state.journal.len());
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
}

/// The router, without a socket (tests can drive it directly).
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/hooks/{id}", post(hooks::call))
        .route(
            "/metrics",
            get(metrics).route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                api::require_admin,
            )),
        )
        .nest("/api/v1", api::router(state.clone()))
        .fallback(|| async {
            ApiError::NotFound {
                id: "route".into(),
                kind: "Route",
            }
        })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(state)
}

fn bounds(config: &ServerConfig) -> conn::Bounds {
    conn::Bounds {
        max_connections: config.max_connections,
        header_timeout: config.header_timeout,
    }
}

/// Serves `app(state)` on `listener` until `shutdown` resolves, then lets
/// calls in flight finish (at most 10 s). At most
/// `config.max_connections` connections are open at once (then the server
/// stops accepting until one closes), and each request's headers must
/// arrive within `config.header_timeout`, which also closes idle
/// keep-alive connections.
///
/// # Errors
///
/// An I/O error from the listener.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let bounds = bounds(&state.config);
    conn::serve(listener, app(state), bounds, None, shutdown).await
}

/// A TLS certificate and key for serving HTTPS directly.
#[derive(Clone)]
pub(crate) struct Tls(tokio_rustls::TlsAcceptor);

impl Tls {
    /// Loads a PEM certificate chain and its PEM private key.
    ///
    /// # Errors
    ///
    /// A file is unreadable or not a usable certificate or key.
    pub(crate) async fn from_pem_files(
        cert: &std::path::Path,
        key: &std::path::Path,
    ) -> anyhow::Result<Tls> {
        // The process-wide crypto provider; installing it twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let loaded = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "loading TLS certificate {} and key {}: {e}",
                    cert.display(),
                    key.display()
                )
            })?;
        let mut config = (*loaded.get_inner()).clone();
        // The server speaks HTTP/1.1 only (what Okta uses).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls(tokio_rustls::TlsAcceptor::from(Arc::new(config))))
    }
}

/// [`serve`] over HTTPS with `tls`; the TLS handshake must also end within
/// `config.header_timeout`.
///
/// # Errors
///
/// An I/O error from the listener.
pub(crate) async fn serve_tls(
    listener: TcpListener,
    state: AppState,
    tls: Tls,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let bounds = bounds(&state.config);
    conn::serve(listener, app(state), bounds, Some(tls.0), shutdown).await
}
