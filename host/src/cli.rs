//! The `hookwarden` command line: runs the server.

use clap::{Parser, Subcommand, ValueEnum};
use hookwarden::registry::{Registry, RegistryConfig};
use hookwarden::server::{self, AppState, ServerConfig};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

/// Hookwarden: one host for all your Okta inline hooks, each a sandboxed
/// WebAssembly component.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server: Okta calls `POST /hooks/{hookId}`.
    Serve(ServeArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HOOKWARDEN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Directory for the database (created if missing).
    #[arg(long, env = "HOOKWARDEN_DATA_DIR", default_value = "./hookwarden-data")]
    data_dir: PathBuf,
    /// Log format. The level comes from RUST_LOG (default `info`).
    #[arg(
        long,
        env = "HOOKWARDEN_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down; finishing calls in flight");
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    init_tracing(args.log_format);
    let registry = Registry::open(RegistryConfig::new(&args.data_dir)).await?;
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    tracing::info!(
        address = %listener.local_addr()?,
        data_dir = %args.data_dir.display(),
        hooks = registry.hooks().len(),
        "hookwarden listening"
    );
    let state = AppState {
        registry,
        config: Arc::new(ServerConfig::default()),
    };
    server::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve(args) => serve(args).await,
    }
}
