//! `hookwarden serve`: runs the server.
//!
//! Its options are [`crate::config::Config`]: each comes, first match
//! wins, from its flag, its environment variable, the config file
//! (`--config`, TOML, keys named like the flags), or its default.
//!
//! At start the open-file limit is read (and its soft value raised to the
//! hard one where allowed); the connection cap is lowered, with a warning,
//! to what that limit leaves after [`FD_RESERVE`] descriptors for
//! everything else.

use crate::admin_token::AdminToken;
use crate::app::App;
use crate::config::{Config, LogFormat, Settings};
use crate::runtime::Compiler;
use crate::server::{self, AppState, ServerConfig, Tls};
use crate::telemetry::Telemetry;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::prelude::*;

/// File descriptors kept free of connections for everything else the
/// server opens: 128 (sled's files, compiled-code cache files while they
/// load, the listener, standard streams, the OpenTelemetry exporter's
/// sockets, ...).
pub(crate) const FD_RESERVE: u64 = 128;

/// The connection cap that fits the open-file limit: `configured`, lowered
/// to `soft_limit - FD_RESERVE` (at least 1) when that is smaller, and
/// whether it was lowered. `None` is no limit.
fn fitting_cap(configured: usize, soft_limit: Option<u64>) -> (usize, bool) {
    let Some(soft) = soft_limit else {
        return (configured, false);
    };
    let room = usize::try_from(soft.saturating_sub(FD_RESERVE).max(1)).unwrap_or(usize::MAX);
    if configured > room {
        (room, true)
    } else {
        (configured, false)
    }
}

/// Raises the soft open-file limit to the hard one if it is lower (allowed
/// to any process), and returns the connection cap for `configured` under
/// the resulting limit, warning when the limit forces it lower.
fn connection_cap(configured: usize) -> usize {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let mut soft = limit.current;
    if let (Some(current), hard) = (limit.current, limit.maximum)
        && hard.is_none_or(|hard| hard > current)
    {
        let raised = Rlimit {
            current: hard,
            maximum: hard,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            soft = getrlimit(Resource::Nofile).current;
        }
    }
    let (cap, lowered) = fitting_cap(configured, soft);
    if lowered {
        tracing::warn!(
            open_file_limit = soft,
            max_connections = configured,
            lowered_to = cap,
            reserve = FD_RESERVE,
            "the open-file limit is too low for max-connections; raise it (ulimit -n) or lower max-connections"
        );
    }
    cap
}

impl Settings {
    /// The server settings, with the connection cap fitted to the
    /// open-file limit (see [`FD_RESERVE`]); the public URL is filled in
    /// once bound ([`Bound::bind`]).
    pub(crate) fn server_config(&self) -> ServerConfig {
        ServerConfig {
            max_connections: connection_cap(self.server.max_connections),
            ..self.server.clone()
        }
    }
}

/// The operator's admin token, from the token file or the environment.
fn given_admin_token(settings: &Settings) -> anyhow::Result<Option<String>> {
    if let Some(path) = &settings.admin_token_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("reading the admin token file {}: {e}", path.display()))?;
        return Ok(Some(text.lines().next().unwrap_or("").trim().to_owned()));
    }
    Ok(std::env::var("HOOKWARDEN_ADMIN_TOKEN").ok())
}

/// Sets up logging to standard error in `format`, the level from `RUST_LOG`
/// (default `info`), and, with `telemetry`, the export of Hookwarden's
/// spans and events at level `info` and above to OpenTelemetry, whatever
/// `RUST_LOG` says (quieting the log does not silence the traces).
pub(crate) fn init_tracing(format: LogFormat, telemetry: Option<&Telemetry>) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let log = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let log = match format {
        LogFormat::Text => log.with_filter(filter).boxed(),
        LogFormat::Json => log.json().with_filter(filter).boxed(),
    };
    let traces = telemetry.map(|telemetry| {
        telemetry.layer().with_filter(
            tracing_subscriber::filter::Targets::new()
                .with_target("hookwarden", tracing::Level::INFO),
        )
    });
    tracing_subscriber::registry().with(log).with(traces).init();
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
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

/// A bound, not yet serving, server.
pub(crate) struct Bound {
    listener: tokio::net::TcpListener,
    tls: Option<Tls>,
    /// The state handlers will share.
    pub state: AppState,
    /// `http://` or `https://` and the bound address.
    pub local_url: String,
}

impl Bound {
    /// Binds `settings.listen` and prepares TLS, to serve `app` with
    /// `server` settings (its public URL is filled in here) and `admin`.
    ///
    /// # Errors
    ///
    /// The address is in use, or the certificate or key cannot be loaded.
    pub async fn bind(
        settings: &Settings,
        app: &App,
        server: ServerConfig,
        admin: AdminToken,
    ) -> anyhow::Result<Bound> {
        let tls = match &settings.tls {
            Some((cert, key)) => Some(Tls::from_pem_files(cert, key).await?),
            None => None,
        };
        let listener = tokio::net::TcpListener::bind(settings.listen).await?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let local_url = format!("{scheme}://{}", listener.local_addr()?);
        let public_url = settings
            .public_url
            .clone()
            .unwrap_or_else(|| local_url.clone())
            .trim_end_matches('/')
            .to_owned();
        let state = app.state(
            ServerConfig {
                public_url,
                ..server
            },
            admin,
        );
        Ok(Bound {
            listener,
            tls,
            state,
            local_url,
        })
    }

    /// Serves until Ctrl-C or SIGTERM, then lets calls in flight finish.
    ///
    /// # Errors
    ///
    /// An I/O error from the listener.
    pub(crate) async fn serve_until_signal(self) -> anyhow::Result<()> {
        match self.tls {
            None => server::serve(self.listener, self.state, shutdown_signal()).await?,
            Some(tls) => {
                server::serve_tls(self.listener, self.state, tls, shutdown_signal()).await?
            }
        }
        Ok(())
    }
}

/// Runs the server until Ctrl-C or SIGTERM, then drains calls in flight.
///
/// # Errors
///
/// Bad configuration, a data directory in use, a port in use.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let settings = config.resolve()?;
    let telemetry = settings
        .otlp_endpoint
        .as_deref()
        .map(Telemetry::start)
        .transpose()?;
    init_tracing(settings.log_format, telemetry.as_ref());
    let given = given_admin_token(&settings)?;
    let server = settings.server_config();
    let app = App::open(settings.registry_config(Compiler::current_exe()?), &server).await?;
    let registry = app.registry.clone();
    let (admin, generated) = AdminToken::resolve(app.store.as_ref(), given.as_deref()).await?;
    if let Some(token) = generated {
        // Printed once, on standard output and never to the log.
        println!("admin token (shown once, store it now): {token}");
    }
    let bound = Bound::bind(&settings, &app, server, admin).await?;
    drop(app);
    let stats = registry.compile_stats();
    tracing::info!(
        url = %bound.local_url,
        public_url = %bound.state.config.public_url,
        data_dir = %settings.data_dir.display(),
        hooks = registry.hooks().len(),
        compiled = stats.compiled,
        loaded_from_cache = stats.loaded_from_cache,
        "hookwarden listening"
    );
    println!("listening on {}", bound.local_url);
    let served = bound.serve_until_signal().await;
    if let Some(telemetry) = telemetry {
        // Sends the spans still queued; blocking, so off the async threads.
        tokio::task::spawn_blocking(move || telemetry.shutdown()).await?;
    }
    served
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DEFAULT_DATA_DIR, DEFAULT_LISTEN};
    use crate::runtime::CompileLimits;
    use std::path::PathBuf;
    use std::time::Duration;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hookwarden.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\ndata-dir = \"/srv/hw\"\nlog-format = \"json\"\n\
             otlp-endpoint = \"http://collector:4318\"\n",
        )
        .unwrap();
        let from_file = Config {
            config: Some(path.clone()),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(from_file.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(from_file.data_dir, PathBuf::from("/srv/hw"));
        assert_eq!(from_file.log_format, LogFormat::Json);
        assert_eq!(from_file.tls, None);
        assert_eq!(
            from_file.otlp_endpoint.as_deref(),
            Some("http://collector:4318")
        );

        let flagged = Config {
            config: Some(path),
            listen: Some("127.0.0.1:1".parse().unwrap()),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(flagged.listen, "127.0.0.1:1".parse().unwrap());
        assert_eq!(flagged.data_dir, PathBuf::from("/srv/hw"));

        let sized = Config {
            max_calls_per_hook: Some(4),
            max_queue_wait_ms: Some(100),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(sized.runtime.max_calls_per_hook, 4);
        assert_eq!(sized.runtime.max_queue_wait.as_millis(), 100);
        assert_eq!(sized.runtime.max_instances, 128);

        std::fs::write(
            dir.path().join("compile.toml"),
            "compile-time-limit-secs = 5\ncompile-memory-limit-mib = 512\nmax-compiles = 2\n",
        )
        .unwrap();
        let compile = Config {
            config: Some(dir.path().join("compile.toml")),
            max_compiles: Some(3),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(compile.compile_limits.time.as_secs(), 5);
        assert_eq!(compile.compile_limits.memory_bytes, 512 << 20);
        assert_eq!(compile.compile_limits.max_concurrent, 3, "the flag wins");

        let defaults = Config::default().resolve().unwrap();
        assert_eq!(defaults.otlp_endpoint, None, "export is off by default");
        assert_eq!(defaults.listen, DEFAULT_LISTEN.parse().unwrap());
        assert_eq!(defaults.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(defaults.compile_limits, CompileLimits::default());
        assert_eq!(
            defaults.server.max_connections,
            server::DEFAULT_MAX_CONNECTIONS
        );
        assert_eq!(
            defaults.server.header_timeout,
            server::DEFAULT_HEADER_TIMEOUT
        );
    }

    #[test]
    fn connection_options_come_from_flags_or_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "max-connections = 64\nheader-timeout-ms = 2500\n").unwrap();
        let from_file = Config {
            config: Some(path.clone()),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(from_file.server.max_connections, 64);
        assert_eq!(from_file.server.header_timeout, Duration::from_millis(2500));
        std::fs::write(&path, "header-timeout-ms = 5\n").unwrap();
        assert!(
            Config {
                config: Some(path),
                ..Default::default()
            }
            .resolve()
            .is_err(),
            "the file's values are checked like the flags'"
        );
    }

    #[test]
    fn the_connection_cap_stays_below_the_open_file_limit() {
        assert_eq!(fitting_cap(512, None), (512, false));
        assert_eq!(fitting_cap(512, Some(1024)), (512, false));
        assert_eq!(
            fitting_cap(512, Some(256)),
            (256 - FD_RESERVE as usize, true)
        );
        assert_eq!(fitting_cap(512, Some(10)), (1, true));
    }

    #[test]
    fn unknown_keys_and_half_tls_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "lisen = \"127.0.0.1:1\"\n").unwrap();
        let err = Config {
            config: Some(path.clone()),
            ..Default::default()
        }
        .resolve()
        .unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
        std::fs::write(&path, "tls-cert = \"/x.pem\"\n").unwrap();
        assert!(
            Config {
                config: Some(path),
                ..Default::default()
            }
            .resolve()
            .is_err()
        );
    }
}
