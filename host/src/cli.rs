//! The `hookwarden` command line: runs the server.
//!
//! Lives in the library so the binary and the end-to-end tests run the same
//! program.

use crate::admin_token::AdminToken;
use crate::registry::{Registry, RegistryConfig};
use crate::server::{self, AppState, ServerConfig};
use clap::{Parser, Subcommand, ValueEnum};
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
    /// The URL Okta reaches this server at (used in `_links` and in what to
    /// register in Okta). Default: `http://` and the listen address.
    #[arg(long, env = "HOOKWARDEN_PUBLIC_URL")]
    public_url: Option<String>,
    /// A file whose first line is the admin API token. The token can also
    /// come from the HOOKWARDEN_ADMIN_TOKEN environment variable (never from
    /// a flag, which other users could read). With neither, a token is
    /// generated on the first start and printed once; only its digest is
    /// stored.
    #[arg(long, env = "HOOKWARDEN_ADMIN_TOKEN_FILE")]
    admin_token_file: Option<PathBuf>,
    /// Log format. The level comes from RUST_LOG (default `info`). Logs go
    /// to standard error.
    #[arg(
        long,
        env = "HOOKWARDEN_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
}

/// The operator's admin token, from the token file or the environment.
fn given_admin_token(args: &ServeArgs) -> anyhow::Result<Option<String>> {
    if let Some(path) = &args.admin_token_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("reading the admin token file {}: {e}", path.display()))?;
        let token = text.lines().next().unwrap_or("").trim().to_owned();
        return Ok(Some(token));
    }
    Ok(std::env::var("HOOKWARDEN_ADMIN_TOKEN").ok())
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
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
    let given = given_admin_token(&args)?;
    let registry = Registry::open(RegistryConfig::new(&args.data_dir)).await?;
    let (admin, generated) = AdminToken::resolve(registry.store(), given.as_deref()).await?;
    if let Some(token) = generated {
        // Printed once, on standard output and never to the log.
        println!("admin token (shown once, store it now): {token}");
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let address = listener.local_addr()?;
    let public_url = args
        .public_url
        .unwrap_or_else(|| format!("http://{address}"))
        .trim_end_matches('/')
        .to_owned();
    let stats = registry.compile_stats();
    tracing::info!(
        %address,
        %public_url,
        data_dir = %args.data_dir.display(),
        hooks = registry.hooks().len(),
        compiled = stats.compiled,
        loaded_from_cache = stats.loaded_from_cache,
        "hookwarden listening"
    );
    println!("listening on http://{address}");
    let state = AppState {
        registry,
        config: Arc::new(ServerConfig {
            public_url,
            ..ServerConfig::default()
        }),
        admin: Arc::new(admin),
    };
    server::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

/// Parses the command line and runs the command.
///
/// # Errors
///
/// Whatever the command fails with (bad configuration, a port in use...).
pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve(args).await,
        }
    })
}
