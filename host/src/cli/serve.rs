//! `hookwarden serve`: runs the server.
//!
//! Every option comes, first match wins, from its flag, its environment
//! variable, the config file (`--config`, TOML, keys named like the flags:
//! `listen`, `data-dir`, `public-url`, `admin-token-file`, `log-format`,
//! `tls-cert`, `tls-key`, `max-instances`, `max-calls-per-hook`,
//! `max-queue-wait-ms`, `max-connections`, `header-timeout-ms`,
//! `compile-time-limit-secs`, `compile-memory-limit-mib`, `max-compiles`,
//! `otlp-endpoint`), or its default.
//!
//! At start the open-file limit is read (and its soft value raised to the
//! hard one where allowed); the connection cap is lowered, with a warning,
//! to what that limit leaves after [`FD_RESERVE`] descriptors for
//! everything else.

use crate::admin_token::AdminToken;
use crate::app::App;
use crate::registry::RegistryConfig;
use crate::runtime::{ANSWER_DEADLINE, CompileLimits, Compiler, RuntimeConfig};
use crate::server::{self, AppState, ServerConfig, Tls};
use crate::telemetry::Telemetry;
use clap::ValueEnum;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::prelude::*;

/// Default listen address: loopback port 8080.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default data directory.
pub const DEFAULT_DATA_DIR: &str = "./hookwarden-data";

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Options of `hookwarden serve`.
#[derive(clap::Args, Debug, Default)]
pub struct ServeArgs {
    /// A TOML config file; its keys are the long flag names (`listen`,
    /// `data-dir`, ...). Flags and environment variables override it.
    #[arg(long, env = "HOOKWARDEN_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "HOOKWARDEN_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Directory for the database and compiled code, created if missing
    /// [default: ./hookwarden-data].
    #[arg(long, env = "HOOKWARDEN_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// The URL Okta reaches this server at, used in `_links` and in what to
    /// register in Okta [default: http(s):// and the listen address].
    #[arg(long, env = "HOOKWARDEN_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// A file whose first line is the admin API token. The token can also
    /// come from the HOOKWARDEN_ADMIN_TOKEN environment variable (never from
    /// a flag, which other users could read). With neither, a token is
    /// generated on the first start and printed once; only its digest is
    /// stored.
    #[arg(long, env = "HOOKWARDEN_ADMIN_TOKEN_FILE")]
    pub admin_token_file: Option<PathBuf>,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key). Okta
    /// only calls HTTPS URLs: use this, or plain HTTP behind a TLS proxy.
    #[arg(long, env = "HOOKWARDEN_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, env = "HOOKWARDEN_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Log format; the level comes from RUST_LOG [default: text, to standard
    /// error, level info].
    #[arg(long, env = "HOOKWARDEN_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Calls in flight at once over all hooks (plugin instances alive) [default: 128].
    #[arg(long, env = "HOOKWARDEN_MAX_INSTANCES", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_instances: Option<u32>,
    /// Calls of one hook in flight at once [default: 32].
    #[arg(long, env = "HOOKWARDEN_MAX_CALLS_PER_HOOK", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_calls_per_hook: Option<u32>,
    /// How long a call may wait for a free slot before it is shed (answered
    /// at once with the safe answer), in milliseconds: 0 to 2900 [default: 500].
    #[arg(long, env = "HOOKWARDEN_MAX_QUEUE_WAIT_MS", value_parser = clap::value_parser!(u64).range(0..=2900))]
    pub max_queue_wait_ms: Option<u64>,
    /// Longest a plugin may take to compile, in seconds (longer ones are
    /// stopped and refused; an upload also waits at most this long for its
    /// turn to compile): 1 to 3600 [default: 60].
    #[arg(long, env = "HOOKWARDEN_COMPILE_TIME_LIMIT_SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub compile_time_limit_secs: Option<u64>,
    /// Address space a plugin's compile may use, in MiB (more is refused):
    /// 256 to 1048576 [default: 4096].
    #[arg(long, env = "HOOKWARDEN_COMPILE_MEMORY_LIMIT_MIB", value_parser = clap::value_parser!(u64).range(256..=1 << 20))]
    pub compile_memory_limit_mib: Option<u64>,
    /// Plugins compiled at once; more uploads wait for a turn [default: 1].
    #[arg(long, env = "HOOKWARDEN_MAX_COMPILES", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub max_compiles: Option<u32>,
    /// Export spans (one per hook call) to this OpenTelemetry collector's
    /// OTLP/HTTP receiver: its base URL, e.g. http://127.0.0.1:4318
    /// (/v1/traces is appended) [default: no export].
    #[arg(long, env = "HOOKWARDEN_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
    /// Connections open at once; past it the server stops accepting until
    /// one closes, and is always kept below the open-file limit minus a
    /// reserve of 128 [default: 512].
    #[arg(long, env = "HOOKWARDEN_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: Option<u32>,
    /// Time for a request's headers (and the TLS handshake) to arrive, and
    /// for an idle keep-alive connection to stay open, in milliseconds:
    /// 100 to 60000 [default: 1000].
    #[arg(long, env = "HOOKWARDEN_HEADER_TIMEOUT_MS", value_parser = clap::value_parser!(u64).range(100..=60_000))]
    pub header_timeout_ms: Option<u64>,
}

/// The config file: the same options, all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    public_url: Option<String>,
    admin_token_file: Option<PathBuf>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    log_format: Option<LogFormat>,
    max_instances: Option<u32>,
    max_calls_per_hook: Option<u32>,
    max_queue_wait_ms: Option<u64>,
    compile_time_limit_secs: Option<u64>,
    compile_memory_limit_mib: Option<u64>,
    max_compiles: Option<u32>,
    otlp_endpoint: Option<String>,
    max_connections: Option<u32>,
    header_timeout_ms: Option<u64>,
}

/// Every option resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The data directory.
    pub data_dir: PathBuf,
    /// The public URL, if set.
    pub public_url: Option<String>,
    /// The admin token file, if set.
    pub admin_token_file: Option<PathBuf>,
    /// Certificate and key, for HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Log format.
    pub log_format: LogFormat,
    /// Sizing of the sandbox: instance slots, calls per hook, queue wait.
    pub runtime: RuntimeConfig,
    /// Bounds on compiling plugins (time, memory, compiles at once).
    pub compile_limits: CompileLimits,
    /// Where spans are exported, if anywhere.
    pub otlp_endpoint: Option<String>,
    /// Connections open at once, as configured (before the open-file limit
    /// is applied).
    pub max_connections: usize,
    /// Time for a request's headers to arrive.
    pub header_timeout: Duration,
}

impl Settings {
    /// The server settings (the public URL is filled in once bound).
    pub fn server_config(&self) -> ServerConfig {
        ServerConfig {
            max_connections: connection_cap(self.max_connections),
            header_timeout: self.header_timeout,
            ..ServerConfig::default()
        }
    }
}

impl ServeArgs {
    /// Resolves flags and environment (already in `self`) over the config
    /// file over the defaults.
    ///
    /// # Errors
    ///
    /// An unreadable or invalid config file (unknown keys are errors), or a
    /// certificate without its key.
    pub fn resolve(self) -> anyhow::Result<Settings> {
        let file = match &self.config {
            Some(path) => read_config(path)?,
            None => FileConfig::default(),
        };
        let tls = match (
            self.tls_cert.or(file.tls_cert),
            self.tls_key.or(file.tls_key),
        ) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => anyhow::bail!("tls-cert and tls-key go together"),
        };
        Ok(Settings {
            listen: self
                .listen
                .or(file.listen)
                .unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("a valid default")),
            data_dir: self
                .data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| DEFAULT_DATA_DIR.into()),
            public_url: self.public_url.or(file.public_url),
            admin_token_file: self.admin_token_file.or(file.admin_token_file),
            tls,
            log_format: self
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Text),
            runtime: runtime_config(
                self.max_instances.or(file.max_instances),
                self.max_calls_per_hook.or(file.max_calls_per_hook),
                self.max_queue_wait_ms.or(file.max_queue_wait_ms),
            )?,
            compile_limits: compile_limits(
                self.compile_time_limit_secs
                    .or(file.compile_time_limit_secs),
                self.compile_memory_limit_mib
                    .or(file.compile_memory_limit_mib),
                self.max_compiles.or(file.max_compiles),
            )?,
            otlp_endpoint: self.otlp_endpoint.or(file.otlp_endpoint),
            max_connections: self
                .max_connections
                .or(file.max_connections)
                .map_or(server::DEFAULT_MAX_CONNECTIONS, |n| n as usize),
            header_timeout: match self.header_timeout_ms.or(file.header_timeout_ms) {
                None => server::DEFAULT_HEADER_TIMEOUT,
                Some(ms) => {
                    anyhow::ensure!(
                        (100..=60_000).contains(&ms),
                        "header-timeout-ms must be 100 to 60000"
                    );
                    Duration::from_millis(ms)
                }
            },
        })
    }
}

/// File descriptors kept free of connections for everything else the
/// server opens: 128 (sled's files, compiled-code cache files while they
/// load, the listener, standard streams, the OpenTelemetry exporter's
/// sockets, ...).
pub const FD_RESERVE: u64 = 128;

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

/// The compile limits from the given options over the defaults.
fn compile_limits(
    time_secs: Option<u64>,
    memory_mib: Option<u64>,
    max_compiles: Option<u32>,
) -> anyhow::Result<CompileLimits> {
    let defaults = CompileLimits::default();
    let limits = CompileLimits {
        time: time_secs
            .map(std::time::Duration::from_secs)
            .unwrap_or(defaults.time),
        memory_bytes: memory_mib.map_or(defaults.memory_bytes, |mib| mib << 20),
        max_concurrent: max_compiles.map_or(defaults.max_concurrent, |n| n as usize),
    };
    anyhow::ensure!(
        (1..=3600).contains(&limits.time.as_secs()),
        "compile-time-limit-secs must be 1 to 3600"
    );
    anyhow::ensure!(
        (256 << 20..=1 << 40).contains(&limits.memory_bytes),
        "compile-memory-limit-mib must be 256 to 1048576"
    );
    anyhow::ensure!(
        (1..=64).contains(&limits.max_concurrent),
        "max-compiles must be 1 to 64"
    );
    Ok(limits)
}

/// The runtime sizing from the given options over the defaults.
fn runtime_config(
    max_instances: Option<u32>,
    max_calls_per_hook: Option<u32>,
    max_queue_wait_ms: Option<u64>,
) -> anyhow::Result<RuntimeConfig> {
    let defaults = RuntimeConfig::default();
    let config = RuntimeConfig {
        max_instances: max_instances.unwrap_or(defaults.max_instances),
        max_calls_per_hook: max_calls_per_hook.unwrap_or(defaults.max_calls_per_hook),
        max_queue_wait: max_queue_wait_ms
            .map(std::time::Duration::from_millis)
            .unwrap_or(defaults.max_queue_wait),
        ..defaults
    };
    anyhow::ensure!(
        config.max_instances >= 1 && config.max_calls_per_hook >= 1,
        "max-instances and max-calls-per-hook must be at least 1"
    );
    anyhow::ensure!(
        config.max_queue_wait <= ANSWER_DEADLINE,
        "max-queue-wait-ms must be at most {}",
        ANSWER_DEADLINE.as_millis()
    );
    Ok(config)
}

fn read_config(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("reading the config file {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("in the config file {}: {e}", path.display()))
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
pub fn init_tracing(format: LogFormat, telemetry: Option<&Telemetry>) {
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
pub async fn shutdown_signal() {
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
pub struct Bound {
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
    pub async fn serve_until_signal(self) -> anyhow::Result<()> {
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
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let settings = args.resolve()?;
    let telemetry = settings
        .otlp_endpoint
        .as_deref()
        .map(Telemetry::start)
        .transpose()?;
    init_tracing(settings.log_format, telemetry.as_ref());
    let given = given_admin_token(&settings)?;
    let server = settings.server_config();
    let app = App::open(
        RegistryConfig {
            runtime: settings.runtime,
            compiler: Compiler::current_exe()?,
            compile_limits: settings.compile_limits,
            ..RegistryConfig::new(&settings.data_dir)
        },
        &server,
    )
    .await?;
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
        let from_file = ServeArgs {
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

        let flagged = ServeArgs {
            config: Some(path),
            listen: Some("127.0.0.1:1".parse().unwrap()),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(flagged.listen, "127.0.0.1:1".parse().unwrap());
        assert_eq!(flagged.data_dir, PathBuf::from("/srv/hw"));

        let sized = ServeArgs {
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
        let compile = ServeArgs {
            config: Some(dir.path().join("compile.toml")),
            max_compiles: Some(3),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(compile.compile_limits.time.as_secs(), 5);
        assert_eq!(compile.compile_limits.memory_bytes, 512 << 20);
        assert_eq!(compile.compile_limits.max_concurrent, 3, "the flag wins");

        let defaults = ServeArgs::default().resolve().unwrap();
        assert_eq!(defaults.otlp_endpoint, None, "export is off by default");
        assert_eq!(defaults.listen, DEFAULT_LISTEN.parse().unwrap());
        assert_eq!(defaults.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(defaults.compile_limits, CompileLimits::default());
        assert_eq!(defaults.max_connections, server::DEFAULT_MAX_CONNECTIONS);
        assert_eq!(defaults.header_timeout, server::DEFAULT_HEADER_TIMEOUT);
    }

    #[test]
    fn connection_options_come_from_flags_or_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "max-connections = 64\nheader-timeout-ms = 2500\n").unwrap();
        let from_file = ServeArgs {
            config: Some(path.clone()),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(from_file.max_connections, 64);
        assert_eq!(from_file.header_timeout, Duration::from_millis(2500));
        std::fs::write(&path, "header-timeout-ms = 5\n").unwrap();
        assert!(
            ServeArgs {
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
        let err = ServeArgs {
            config: Some(path.clone()),
            ..Default::default()
        }
        .resolve()
        .unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
        std::fs::write(&path, "tls-cert = \"/x.pem\"\n").unwrap();
        assert!(
            ServeArgs {
                config: Some(path),
                ..Default::default()
            }
            .resolve()
            .is_err()
        );
    }
}
