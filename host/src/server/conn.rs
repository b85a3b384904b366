//! The accept loop: a bounded number of HTTP/1.1 connections, each with a header read timeout, over plain TCP or TLS, with graceful shutdown.
//!
//! A connection holds one of [`ServerConfig::max_connections`] slots from
//! accept to close. When all are taken the loop stops accepting: new
//! connections wait in the kernel's backlog (nothing is accepted and
//! dropped) while established ones keep being served. Every request's
//! headers, and on TLS the handshake before them, must arrive within
//! [`ServerConfig::header_timeout`]; the same timer closes a keep-alive
//! connection that sits idle that long, so neither a slow sender nor an idle
//! client holds a slot for longer.
//!
//! [`ServerConfig::max_connections`]: super::ServerConfig::max_connections
//! [`ServerConfig::header_timeout`]: super::ServerConfig::header_timeout

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// How long a graceful shutdown waits for open connections to finish: 10 s
/// (calls in flight end within Okta's 3 s).
pub(crate) const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How long the loop pauses after a failed accept (e.g. the process is out
/// of file descriptors) before trying again: 50 ms.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(50);

/// How connections are bounded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    /// Connections open at once.
    pub max_connections: usize,
    /// Time for a request's headers (and the TLS handshake) to arrive, and
    /// for an idle keep-alive connection to stay open.
    pub header_timeout: Duration,
}

/// Accepts connections on `listener` and serves `app` on each (through
/// `tls` when given) until `shutdown` resolves; then stops accepting, lets
/// requests in flight finish (at most [`SHUTDOWN_GRACE`]) and returns.
///
/// # Errors
///
/// None today: accept errors are logged and retried; the `Result` keeps
/// the signature of a server.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    bounds: Bounds,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(bounds.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(bounds.header_timeout)
        .keep_alive(true);
    let http = Arc::new(http);
    tokio::pin!(shutdown);
    loop {
        // A slot first: with none free, nothing is accepted.
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        let (stream, _) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let watcher = graceful.watcher();
        let (app, http, tls) = (app.clone(), http.clone(), tls.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let service = TowerToHyperService::new(app);
            let served = match tls {
                None => {
                    let conn = http.serve_connection(TokioIo::new(stream), service);
                    watcher.watch(conn).await
                }
                Some(acceptor) => {
                    let Some(stream) = handshake(&acceptor, stream, bounds.header_timeout).await
                    else {
                        return;
                    };
                    let conn = http.serve_connection(TokioIo::new(stream), service);
                    watcher.watch(conn).await
                }
            };
            if let Err(e) = served {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("connections still open after the shutdown grace; closing them");
        }
    }
    Ok(())
}

/// The TLS handshake of `stream`, within `timeout`; `None` if it fails or
/// takes longer.
async fn handshake(
    acceptor: &tokio_rustls::TlsAcceptor,
    stream: TcpStream,
    timeout: Duration,
) -> Option<tokio_rustls::server::TlsStream<TcpStream>> {
    match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => Some(stream),
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "TLS handshake failed");
            None
        }
        Err(_) => {
            tracing::debug!("TLS handshake timed out");
            None
        }
    }
}
