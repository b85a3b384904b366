//! The server's configuration, declared once: [`Config`].
//!
//! Each option is one field of [`Config`], documented there with its unit,
//! range and default. The same field is a `hookwarden serve` flag
//! (`--max-hooks`), an environment variable (`HOOKWARDEN_MAX_HOOKS`) and a
//! key of the config file (`max-hooks = 100`, TOML, given with `--config`).
//! A value comes, first match wins, from the flag, the environment
//! variable, the config file, or the default. [`Config::resolve`] merges the
//! file in, checks every value against its range (one error naming the
//! option, never a panic) and turns the result into the configuration of
//! each part: [`ServerConfig`], [`RuntimeConfig`], [`CompileLimits`],
//! [`Limits`], [`JournalConfig`] and the registry's counts
//! ([`Settings::registry_config`]).
//!
//! Adding an option is adding a field here (with its doc comment, which
//! `--help` shows), reading it in [`Config::settings`], and a row in
//! README's table of serving options (a test checks that every option is
//! there).

use crate::journal::{self, JournalConfig};
use crate::limits::{self, Limits};
use crate::registry::{self, RegistryConfig};
use crate::replay;
use crate::runtime::{ANSWER_DEADLINE, CompileLimits, Compiler, RuntimeConfig};
use crate::server::{self, ServerConfig};
use serde::{Deserialize, Serialize};
use std::fmt::Display;
use std::net::SocketAddr;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Default listen address: loopback port 8080.
pub(crate) const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default data directory.
pub(crate) const DEFAULT_DATA_DIR: &str = "./hookwarden-data";

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Every option of `hookwarden serve`: flag, environment variable and
/// config-file key in one. `None` is "not given here"; see the module
/// documentation for where the value then comes from.
#[derive(clap::Args, Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// A TOML config file; its keys are the long flag names (`listen`,
    /// `data-dir`, ...). Flags and environment variables override it.
    #[arg(long, env = "HOOKWARDEN_CONFIG")]
    #[serde(skip)]
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
    /// Export spans (one per hook call) to this OpenTelemetry collector's
    /// OTLP/HTTP receiver: its base URL, e.g. http://127.0.0.1:4318
    /// (/v1/traces is appended) [default: no export].
    #[arg(long, env = "HOOKWARDEN_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,

    // --- Connections and bodies ---
    /// Connections open at once; past it the server stops accepting until
    /// one closes, and is always kept below the open-file limit minus a
    /// reserve of 128: 1 to 1000000 [default: 512].
    #[arg(long, env = "HOOKWARDEN_MAX_CONNECTIONS")]
    pub max_connections: Option<u32>,
    /// Time for a request's headers (and the TLS handshake) to arrive, and
    /// for an idle keep-alive connection to stay open, in milliseconds:
    /// 100 to 60000 [default: 1000].
    #[arg(long, env = "HOOKWARDEN_HEADER_TIMEOUT_MS")]
    pub header_timeout_ms: Option<u64>,
    /// Largest hook request body (and admin JSON body) in bytes; a larger
    /// one is answered 413: 1024 to 67108864 [default: 1048576, 1 MiB].
    #[arg(long, env = "HOOKWARDEN_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<u64>,
    /// Time for a hook request body to arrive, in milliseconds (never past
    /// the call's time budget); a slower one is answered 408: 1 to 60000
    /// [default: 1000].
    #[arg(long, env = "HOOKWARDEN_BODY_TIMEOUT_MS")]
    pub body_timeout_ms: Option<u64>,
    /// Largest plugin upload in bytes; a larger one is answered 413: 1024
    /// to 1073741824 [default: 67108864, 64 MiB].
    #[arg(long, env = "HOOKWARDEN_MAX_PLUGIN_BYTES")]
    pub max_plugin_bytes: Option<u64>,
    /// Time for a plugin upload (or another admin body) to arrive, in
    /// seconds: 1 to 3600 [default: 120].
    #[arg(long, env = "HOOKWARDEN_UPLOAD_TIMEOUT_SECS")]
    pub upload_timeout_secs: Option<u64>,

    // --- The sandbox ---
    /// Calls in flight at once over all hooks (plugin instances alive): 1
    /// to 100000 [default: 128].
    #[arg(long, env = "HOOKWARDEN_MAX_INSTANCES")]
    pub max_instances: Option<u32>,
    /// Calls of one hook in flight at once: 1 to 100000 [default: 32].
    #[arg(long, env = "HOOKWARDEN_MAX_CALLS_PER_HOOK")]
    pub max_calls_per_hook: Option<u32>,
    /// How long a call may wait for a free slot before it is shed (answered
    /// at once with the safe answer), in milliseconds: 0 to 2900 [default: 500].
    #[arg(long, env = "HOOKWARDEN_MAX_QUEUE_WAIT_MS")]
    pub max_queue_wait_ms: Option<u64>,
    /// Threads plugin calls run on, apart from the threads serving HTTP: 1
    /// to 1024 [default: the machine's cores].
    #[arg(long, env = "HOOKWARDEN_SANDBOX_THREADS")]
    pub sandbox_threads: Option<u32>,
    /// Calls running longer than 20 ms that run at once; other long calls
    /// take turns: 1 to 1024 [default: the machine's cores less one, at
    /// least 1].
    #[arg(long, env = "HOOKWARDEN_MAX_LONG_CALLS")]
    pub max_long_calls: Option<u32>,
    /// Linear memories one plugin may declare (one instance slot's share;
    /// a plugin with more is refused at upload): 1 to 16 [default: 2].
    #[arg(long, env = "HOOKWARDEN_MEMORIES_PER_INSTANCE")]
    pub memories_per_instance: Option<u32>,
    /// Core instances (and tables) one plugin may contain (one instance
    /// slot's share; more is refused at upload): 1 to 1024 [default: 32].
    #[arg(long, env = "HOOKWARDEN_CORE_INSTANCES_PER_INSTANCE")]
    pub core_instances_per_instance: Option<u32>,

    // --- Compiling plugins ---
    /// Longest a plugin may take to compile, in seconds (longer ones are
    /// stopped and refused; an upload also waits at most this long for its
    /// turn to compile): 1 to 3600 [default: 60].
    #[arg(long, env = "HOOKWARDEN_COMPILE_TIME_LIMIT_SECS")]
    pub compile_time_limit_secs: Option<u64>,
    /// Address space a plugin's compile may use, in MiB (more is refused):
    /// 256 to 1048576 [default: 4096].
    #[arg(long, env = "HOOKWARDEN_COMPILE_MEMORY_LIMIT_MIB")]
    pub compile_memory_limit_mib: Option<u64>,
    /// Plugins compiled at once; more uploads wait for a turn: 1 to 64
    /// [default: 1].
    #[arg(long, env = "HOOKWARDEN_MAX_COMPILES")]
    pub max_compiles: Option<u32>,

    // --- The default limits of a hook call ---
    /// Time budget of a call of a hook that sets none, in milliseconds,
    /// counted from the request's arrival: 1 to 2800 [default: 2000]. A
    /// hook's own `timeBudgetMs` is still at most 2800.
    #[arg(long, env = "HOOKWARDEN_DEFAULT_TIME_BUDGET_MS")]
    pub default_time_budget_ms: Option<u64>,
    /// Fuel of a call of a hook that sets none: 1 to 9223372036854775807
    /// [default: 1000000000].
    #[arg(long, env = "HOOKWARDEN_DEFAULT_FUEL")]
    pub default_fuel: Option<u64>,
    /// Linear memory of a plugin instance of a hook that sets none, in
    /// bytes: 65536 to 536870912 [default: 134217728, 128 MiB].
    #[arg(long, env = "HOOKWARDEN_DEFAULT_MEMORY_BYTES")]
    pub default_memory_bytes: Option<u64>,
    /// Plugin log lines kept per call (later ones are counted and
    /// dropped): 0 to 10000 [default: 64].
    #[arg(long, env = "HOOKWARDEN_DEFAULT_MAX_LOG_LINES")]
    pub default_max_log_lines: Option<u32>,
    /// Bytes kept of one plugin log line: 1 to 1048576 [default: 4096].
    #[arg(long, env = "HOOKWARDEN_DEFAULT_MAX_LOG_LINE_BYTES")]
    pub default_max_log_line_bytes: Option<u32>,
    /// Bytes kept of all plugin log lines of one call together: 0 to
    /// 16777216 [default: 16384].
    #[arg(long, env = "HOOKWARDEN_DEFAULT_MAX_LOG_BYTES")]
    pub default_max_log_bytes: Option<u32>,

    // --- Registrations, journal, replay ---
    /// Most hooks stored at once: 1 to 100000 [default: 1000].
    #[arg(long, env = "HOOKWARDEN_MAX_HOOKS")]
    pub max_hooks: Option<u64>,
    /// Most plugins stored at once: 1 to 100000 [default: 1000].
    #[arg(long, env = "HOOKWARDEN_MAX_PLUGINS")]
    pub max_plugins: Option<u64>,
    /// Execution journal records kept at most (the oldest go first): 0 to
    /// 10000000 [default: 10000].
    #[arg(long, env = "HOOKWARDEN_JOURNAL_MAX_RECORDS")]
    pub journal_max_records: Option<u64>,
    /// Age past which execution journal records are removed, in seconds: 1
    /// to 315360000 [default: 604800, 7 days].
    #[arg(long, env = "HOOKWARDEN_JOURNAL_MAX_AGE_SECS")]
    pub journal_max_age_secs: Option<u64>,
    /// How long an answer is kept for Okta's retry of the same eventId, in
    /// seconds; 0 keeps none: 0 to 3600 [default: 300].
    #[arg(long, env = "HOOKWARDEN_REPLAY_TTL_SECS")]
    pub replay_ttl_secs: Option<u64>,
    /// Most answers kept for retries; 0 keeps none: 0 to 1000000
    /// [default: 10000].
    #[arg(long, env = "HOOKWARDEN_REPLAY_CAPACITY")]
    pub replay_capacity: Option<u64>,
}

/// Every option resolved, as the parts' configurations.
#[derive(Debug, Clone)]
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
    /// Where spans are exported, if anywhere.
    pub otlp_endpoint: Option<String>,
    /// The server's bodies, connections, journal and replay cache. Its
    /// `public_url` is the default until the server is bound, and its
    /// `max_connections` as configured (before the open-file limit is
    /// applied).
    pub server: ServerConfig,
    /// Sizing of the sandbox.
    pub runtime: RuntimeConfig,
    /// Bounds on compiling plugins (time, memory, compiles at once).
    pub compile_limits: CompileLimits,
    /// The limits of hooks that do not override them.
    pub default_limits: Limits,
    /// Most hooks stored.
    pub max_hooks: usize,
    /// Most plugins stored.
    pub max_plugins: usize,
}

impl Settings {
    /// The registry's configuration, compiling with `compiler`.
    pub(crate) fn registry_config(&self, compiler: Compiler) -> RegistryConfig {
        RegistryConfig {
            runtime: self.runtime,
            default_limits: self.default_limits,
            max_hooks: self.max_hooks,
            max_plugins: self.max_plugins,
            compiler,
            compile_limits: self.compile_limits,
            ..RegistryConfig::new(&self.data_dir)
        }
    }
}

/// `value` if it is in `range`, `default` if it is `None`.
fn ranged<T: PartialOrd + Display + Copy>(
    option: &str,
    value: Option<T>,
    default: T,
    range: RangeInclusive<T>,
) -> anyhow::Result<T> {
    match value {
        None => Ok(default),
        Some(v) if range.contains(&v) => Ok(v),
        Some(_) => anyhow::bail!("{option} must be {} to {}", range.start(), range.end()),
    }
}

/// [`ranged`] as a `usize`.
fn ranged_usize(
    option: &str,
    value: Option<u64>,
    default: usize,
    range: RangeInclusive<u64>,
) -> anyhow::Result<usize> {
    let v = ranged(option, value, default as u64, range)?;
    usize::try_from(v).map_err(|_| anyhow::anyhow!("{option} is too large for this machine"))
}

impl Config {
    /// Resolves flags and environment (already in `self`) over the config
    /// file over the defaults, and checks every value.
    ///
    /// # Errors
    ///
    /// An unreadable or invalid config file (unknown keys are errors), a
    /// value outside its range (the error names the option), or a
    /// certificate without its key.
    pub(crate) fn resolve(self) -> anyhow::Result<Settings> {
        let merged = match self.config.clone() {
            Some(path) => self.over(read_file(&path)?)?,
            None => self,
        };
        merged.settings()
    }

    /// `self`'s options over `file`'s.
    fn over(self, file: Config) -> anyhow::Result<Config> {
        let table = |config: &Config| -> anyhow::Result<toml::Table> {
            match toml::Value::try_from(config)? {
                toml::Value::Table(table) => Ok(table),
                _ => anyhow::bail!("options are a table"),
            }
        };
        let mut merged = table(&file)?;
        merged.extend(table(&self)?);
        Ok(toml::Value::Table(merged).try_into()?)
    }

    /// The parts' configurations from the options given, over the defaults.
    ///
    /// # Errors
    ///
    /// A value outside its range, or a certificate without its key.
    pub(crate) fn settings(self) -> anyhow::Result<Settings> {
        let tls = match (self.tls_cert, self.tls_key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => anyhow::bail!("tls-cert and tls-key go together"),
        };
        let runtime_defaults = RuntimeConfig::default();
        let runtime = RuntimeConfig {
            max_instances: ranged(
                "max-instances",
                self.max_instances,
                runtime_defaults.max_instances,
                1..=100_000,
            )?,
            max_calls_per_hook: ranged(
                "max-calls-per-hook",
                self.max_calls_per_hook,
                runtime_defaults.max_calls_per_hook,
                1..=100_000,
            )?,
            max_queue_wait: Duration::from_millis(ranged(
                "max-queue-wait-ms",
                self.max_queue_wait_ms,
                runtime_defaults.max_queue_wait.as_millis() as u64,
                0..=ANSWER_DEADLINE.as_millis() as u64,
            )?),
            sandbox_threads: ranged(
                "sandbox-threads",
                self.sandbox_threads,
                runtime_defaults.sandbox_threads,
                1..=1024,
            )?,
            max_long_calls: ranged(
                "max-long-calls",
                self.max_long_calls,
                runtime_defaults.max_long_calls,
                1..=1024,
            )?,
            memories_per_instance: ranged(
                "memories-per-instance",
                self.memories_per_instance,
                runtime_defaults.memories_per_instance,
                1..=16,
            )?,
            core_instances_per_instance: ranged(
                "core-instances-per-instance",
                self.core_instances_per_instance,
                runtime_defaults.core_instances_per_instance,
                1..=1024,
            )?,
        };
        let compile_defaults = CompileLimits::default();
        let compile_limits = CompileLimits {
            time: Duration::from_secs(ranged(
                "compile-time-limit-secs",
                self.compile_time_limit_secs,
                compile_defaults.time.as_secs(),
                1..=3600,
            )?),
            memory_bytes: ranged(
                "compile-memory-limit-mib",
                self.compile_memory_limit_mib,
                compile_defaults.memory_bytes >> 20,
                256..=1 << 20,
            )? << 20,
            max_concurrent: ranged(
                "max-compiles",
                self.max_compiles,
                compile_defaults.max_concurrent as u32,
                1..=64,
            )? as usize,
        };
        let default_limits = Limits {
            time_budget_ms: ranged(
                "default-time-budget-ms",
                self.default_time_budget_ms,
                limits::DEFAULT_TIME_BUDGET_MS,
                1..=limits::MAX_TIME_BUDGET_MS,
            )?,
            fuel: ranged(
                "default-fuel",
                self.default_fuel,
                limits::DEFAULT_FUEL,
                1..=i64::MAX as u64,
            )?,
            memory_bytes: ranged(
                "default-memory-bytes",
                self.default_memory_bytes,
                limits::DEFAULT_MEMORY_BYTES,
                65536..=limits::MAX_MEMORY_BYTES,
            )?,
            max_log_lines: ranged(
                "default-max-log-lines",
                self.default_max_log_lines,
                limits::DEFAULT_MAX_LOG_LINES,
                0..=10_000,
            )?,
            max_log_line_bytes: ranged(
                "default-max-log-line-bytes",
                self.default_max_log_line_bytes,
                limits::DEFAULT_MAX_LOG_LINE_BYTES,
                1..=1 << 20,
            )?,
            max_log_bytes: ranged(
                "default-max-log-bytes",
                self.default_max_log_bytes,
                limits::DEFAULT_MAX_LOG_BYTES,
                0..=16 << 20,
            )?,
        };
        // The same checks as a hook's overrides get.
        default_limits
            .validate()
            .map_err(|e| anyhow::anyhow!("the default limits: {e}"))?;
        let server = ServerConfig {
            max_connections: ranged_usize(
                "max-connections",
                self.max_connections.map(u64::from),
                server::DEFAULT_MAX_CONNECTIONS,
                1..=1_000_000,
            )?,
            header_timeout: Duration::from_millis(ranged(
                "header-timeout-ms",
                self.header_timeout_ms,
                server::DEFAULT_HEADER_TIMEOUT.as_millis() as u64,
                100..=60_000,
            )?),
            max_body_bytes: ranged_usize(
                "max-body-bytes",
                self.max_body_bytes,
                server::DEFAULT_MAX_BODY_BYTES,
                1024..=64 << 20,
            )?,
            body_timeout: Duration::from_millis(ranged(
                "body-timeout-ms",
                self.body_timeout_ms,
                server::DEFAULT_BODY_TIMEOUT.as_millis() as u64,
                1..=60_000,
            )?),
            max_plugin_bytes: ranged_usize(
                "max-plugin-bytes",
                self.max_plugin_bytes,
                server::DEFAULT_MAX_PLUGIN_BYTES,
                1024..=1 << 30,
            )?,
            upload_timeout: Duration::from_secs(ranged(
                "upload-timeout-secs",
                self.upload_timeout_secs,
                server::DEFAULT_UPLOAD_TIMEOUT.as_secs(),
                1..=3600,
            )?),
            journal: JournalConfig {
                max_records: ranged_usize(
                    "journal-max-records",
                    self.journal_max_records,
                    journal::DEFAULT_MAX_RECORDS,
                    0..=10_000_000,
                )?,
                max_age: Duration::from_secs(ranged(
                    "journal-max-age-secs",
                    self.journal_max_age_secs,
                    journal::DEFAULT_MAX_AGE.as_secs(),
                    1..=315_360_000,
                )?),
            },
            replay_ttl: Duration::from_secs(ranged(
                "replay-ttl-secs",
                self.replay_ttl_secs,
                replay::DEFAULT_TTL.as_secs(),
                0..=3600,
            )?),
            replay_capacity: ranged_usize(
                "replay-capacity",
                self.replay_capacity,
                replay::DEFAULT_CAPACITY,
                0..=1_000_000,
            )?,
            ..ServerConfig::default()
        };
        Ok(Settings {
            listen: self
                .listen
                .unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("a valid default")),
            data_dir: self.data_dir.unwrap_or_else(|| DEFAULT_DATA_DIR.into()),
            public_url: self.public_url,
            admin_token_file: self.admin_token_file,
            tls,
            log_format: self.log_format.unwrap_or(LogFormat::Text),
            otlp_endpoint: self.otlp_endpoint,
            server,
            runtime,
            compile_limits,
            default_limits,
            max_hooks: ranged_usize(
                "max-hooks",
                self.max_hooks,
                registry::DEFAULT_MAX_HOOKS,
                1..=100_000,
            )?,
            max_plugins: ranged_usize(
                "max-plugins",
                self.max_plugins,
                registry::DEFAULT_MAX_PLUGINS,
                1..=100_000,
            )?,
        })
    }
}

fn read_file(path: &Path) -> anyhow::Result<Config> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("reading the config file {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("in the config file {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Args, Command, FromArgMatches};

    /// `Config` as `hookwarden serve ARGS` (and the environment) gives it.
    fn parse(args: &[&str]) -> Config {
        let command = Config::augment_args(Command::new("serve").no_binary_name(true));
        let matches = command.try_get_matches_from(args).unwrap();
        Config::from_arg_matches(&matches).unwrap()
    }

    fn file(dir: &tempfile::TempDir, text: &str) -> PathBuf {
        let path = dir.path().join("hookwarden.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The environment's place (between the flag and the file) is checked
    /// end to end, with a real process (`tests/e2e/config.rs`): setting a
    /// variable here would race the other tests' threads.
    #[test]
    fn a_flag_wins_over_the_file_and_the_file_over_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(&dir, "max-hooks = 30\n");
        let max_hooks = |args: Config| {
            Config {
                config: Some(path.clone()),
                ..args
            }
            .resolve()
            .unwrap()
            .max_hooks
        };
        assert_eq!(max_hooks(parse(&["--max-hooks", "10"])), 10, "the flag");
        assert_eq!(max_hooks(parse(&[])), 30, "the file");
        assert_eq!(
            Config::default().resolve().unwrap().max_hooks,
            registry::DEFAULT_MAX_HOOKS,
            "the default"
        );
        let command = Config::augment_args(Command::new("serve"));
        let arg = command
            .get_arguments()
            .find(|a| a.get_id() == "max_hooks")
            .unwrap();
        assert_eq!(
            arg.get_env().and_then(|e| e.to_str()),
            Some("HOOKWARDEN_MAX_HOOKS")
        );
    }

    #[test]
    fn invalid_values_are_errors_naming_the_option() {
        for (given, option) in [
            (
                Config {
                    max_body_bytes: Some(10),
                    ..Config::default()
                },
                "max-body-bytes must be 1024 to 67108864",
            ),
            (
                Config {
                    default_time_budget_ms: Some(limits::MAX_TIME_BUDGET_MS + 1),
                    ..Config::default()
                },
                "default-time-budget-ms must be 1 to 2800",
            ),
            (
                Config {
                    max_hooks: Some(0),
                    ..Config::default()
                },
                "max-hooks must be 1 to 100000",
            ),
            (
                Config {
                    sandbox_threads: Some(0),
                    ..Config::default()
                },
                "sandbox-threads must be 1 to 1024",
            ),
        ] {
            let error = given.resolve().unwrap_err().to_string();
            assert_eq!(error, option);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = file(&dir, "replay-ttl-secs = 7200\n");
        let error = Config {
            config: Some(path),
            ..Config::default()
        }
        .resolve()
        .unwrap_err();
        assert_eq!(error.to_string(), "replay-ttl-secs must be 0 to 3600");
        let path = file(&dir, "max-hooks = \"many\"\n");
        let error = Config {
            config: Some(path),
            ..Config::default()
        }
        .resolve()
        .unwrap_err();
        assert!(error.to_string().contains("max-hooks"), "{error}");
    }

    #[test]
    fn every_new_option_reaches_its_part() {
        let settings = Config {
            max_body_bytes: Some(2048),
            body_timeout_ms: Some(250),
            max_plugin_bytes: Some(1 << 20),
            upload_timeout_secs: Some(9),
            sandbox_threads: Some(3),
            max_long_calls: Some(2),
            memories_per_instance: Some(3),
            core_instances_per_instance: Some(40),
            default_time_budget_ms: Some(1500),
            default_fuel: Some(77),
            default_memory_bytes: Some(1 << 20),
            default_max_log_lines: Some(5),
            default_max_log_line_bytes: Some(100),
            default_max_log_bytes: Some(300),
            max_hooks: Some(4),
            max_plugins: Some(6),
            journal_max_records: Some(11),
            journal_max_age_secs: Some(60),
            replay_ttl_secs: Some(0),
            replay_capacity: Some(12),
            ..Config::default()
        }
        .resolve()
        .unwrap();
        let server = &settings.server;
        assert_eq!(server.max_body_bytes, 2048);
        assert_eq!(server.body_timeout, Duration::from_millis(250));
        assert_eq!(server.max_plugin_bytes, 1 << 20);
        assert_eq!(server.upload_timeout, Duration::from_secs(9));
        assert_eq!(server.journal.max_records, 11);
        assert_eq!(server.journal.max_age, Duration::from_secs(60));
        assert_eq!(server.replay_ttl, Duration::ZERO);
        assert_eq!(server.replay_capacity, 12);
        let runtime = settings.runtime;
        assert_eq!(runtime.sandbox_threads, 3);
        assert_eq!(runtime.max_long_calls, 2);
        assert_eq!(runtime.memories_per_instance, 3);
        assert_eq!(runtime.core_instances_per_instance, 40);
        assert_eq!(
            settings.default_limits,
            Limits {
                time_budget_ms: 1500,
                fuel: 77,
                memory_bytes: 1 << 20,
                max_log_lines: 5,
                max_log_line_bytes: 100,
                max_log_bytes: 300,
            }
        );
        let registry = settings.registry_config(Compiler::InProcess);
        assert_eq!((registry.max_hooks, registry.max_plugins), (4, 6));
        assert_eq!(registry.default_limits, settings.default_limits);
        assert_eq!(registry.runtime, runtime);
    }

    #[test]
    fn the_defaults_are_the_parts_defaults() {
        let settings = Config::default().resolve().unwrap();
        let server = ServerConfig::default();
        assert_eq!(settings.server.max_body_bytes, server.max_body_bytes);
        assert_eq!(settings.server.body_timeout, server.body_timeout);
        assert_eq!(settings.server.max_plugin_bytes, server.max_plugin_bytes);
        assert_eq!(settings.server.upload_timeout, server.upload_timeout);
        assert_eq!(settings.server.journal, server.journal);
        assert_eq!(settings.server.replay_ttl, server.replay_ttl);
        assert_eq!(settings.server.replay_capacity, server.replay_capacity);
        assert_eq!(settings.runtime, RuntimeConfig::default());
        assert_eq!(settings.default_limits, Limits::default());
        let registry = RegistryConfig::new("x");
        assert_eq!(
            (settings.max_hooks, settings.max_plugins),
            (registry.max_hooks, registry.max_plugins)
        );
    }

    /// The range written in an option's `--help` (`: LOW to HIGH`), if any.
    fn documented_range(help: &str) -> Option<(u64, u64)> {
        let words: Vec<&str> = help.split_whitespace().collect();
        let number = |w: &str| w.trim_end_matches([',', '.', ')', ']']).parse::<u64>().ok();
        words
            .windows(3)
            .find_map(|w| match (number(w[0]), w[1], number(w[2])) {
                (Some(low), "to", Some(high)) if w[0].ends_with(|c: char| c.is_ascii_digit()) => {
                    Some((low, high))
                }
                _ => None,
            })
    }

    /// Every numeric option's help states its range, and that range is the
    /// one checked: its ends are accepted, one past them is refused with
    /// the option's name and the same range.
    #[test]
    fn every_limit_is_checked_against_the_range_its_help_states() {
        const NOT_NUMBERS: [&str; 9] = [
            "config",
            "listen",
            "data-dir",
            "public-url",
            "admin-token-file",
            "tls-cert",
            "tls-key",
            "log-format",
            "otlp-endpoint",
        ];
        let command = Config::augment_args(Command::new("serve"));
        let resolve = |long: &str, value: u64| {
            let config: Config = toml::from_str(&format!("{long} = {value}")).unwrap();
            config.settings().map(drop).map_err(|e| e.to_string())
        };
        for arg in command.get_arguments() {
            let long = arg.get_long().unwrap();
            if NOT_NUMBERS.contains(&long) {
                continue;
            }
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let (low, high) =
                documented_range(&help).unwrap_or_else(|| panic!("--{long}: no range in {help:?}"));
            let refused = Err(format!("{long} must be {low} to {high}"));
            assert_eq!(resolve(long, low), Ok(()), "--{long} {low}");
            assert_eq!(resolve(long, high), Ok(()), "--{long} {high}");
            if low > 0 {
                assert_eq!(resolve(long, low - 1), refused, "--{long} {}", low - 1);
            }
            // TOML integers stop at i64::MAX.
            if high < i64::MAX as u64 {
                assert_eq!(resolve(long, high + 1), refused, "--{long} {}", high + 1);
            }
        }
    }

    /// Every option's flag is also its file key (same name), README's
    /// table of serving options lists its flag and environment variable,
    /// and README's example config file is a valid one.
    #[test]
    fn every_option_is_a_file_key_and_in_the_readme() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
            .expect("README.md");
        let command = Config::augment_args(Command::new("serve"));
        for arg in command.get_arguments() {
            let long = arg.get_long().expect("every option has a long flag");
            let env = arg
                .get_env()
                .and_then(|e| e.to_str())
                .expect("every option has an environment variable");
            assert_eq!(
                env,
                format!("HOOKWARDEN_{}", long.to_uppercase().replace('-', "_")),
                "--{long}"
            );
            assert!(
                readme.contains(&format!("`--{long}")),
                "README lacks --{long}"
            );
            assert!(readme.contains(&format!("`{env}`")), "README lacks {env}");
            if long == "config" {
                continue;
            }
            // A value of the wrong type is refused for its type, not as an
            // unknown key.
            let error = toml::from_str::<Config>(&format!("{long} = [[]]"))
                .expect_err("no option is a list of lists")
                .to_string();
            assert!(!error.contains("unknown field"), "{long}: {error}");
        }
        let example = readme
            .split("```toml\n# hookwarden.toml\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("README's example config file");
        let example: Config = toml::from_str(example).expect("README's example parses");
        example.settings().expect("README's example is valid");
    }
}
