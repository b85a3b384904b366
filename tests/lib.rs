//! Test support: a real Hookwarden server on loopback, with the real compiled plugins.

use hookwarden::AdminToken;
use hookwarden::App;
use hookwarden::FailurePolicy;
use hookwarden::HookType;
use hookwarden::LimitOverrides;
use hookwarden::RegistryConfig;
use hookwarden::RuntimeConfig;
use hookwarden::ServerConfig;
use hookwarden::internals::HookRecord;
use hookwarden::internals::Journal;
use hookwarden::internals::Pipeline;
use hookwarden::internals::Runtime;
use hookwarden::internals::{HookSpec, Parts, Registry};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The header every test hook authenticates with.
pub const AUTH_HEADER: &str = "Authorization";
/// The secret every test hook expects.
pub const SECRET: &str = "Basic aG9va3dhcmRlbjp0ZXN0";
/// The admin API token of every test server.
pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

/// Path of a compiled example plugin, e.g. `plugin_path("token_claims")`.
pub fn plugin_path(name: &str) -> PathBuf {
    hookwarden::internals::example_plugins::path(name)
}

/// Bytes of a compiled example plugin.
///
/// # Panics
///
/// If the plugin was not built.
pub fn plugin_bytes(name: &str) -> Vec<u8> {
    let path = plugin_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository")
        .to_path_buf()
}

/// Whether a missing guest toolchain fails the test run instead of skipping
/// (`HOOKWARDEN_REQUIRE_GUESTS=1`, which `.ci/run` sets, or `CI` set).
pub fn guests_required() -> bool {
    let set = |name| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    set("HOOKWARDEN_REQUIRE_GUESTS") || set("CI")
}

/// The exit status with which a guest example's `build.sh` says its
/// toolchain is not installed.
pub const MISSING_TOOLCHAIN: i32 = 127;

/// A non-Rust example plugin (`plugins/<lang>/<example>`), built by its
/// `build.sh` into `target/plugins/guests/<lang>/` once per test run, as
/// `(file name, bytes)`.
///
/// Returns `None`, after saying so loudly on stderr, when the language's
/// toolchain is not installed (`plugins/<lang>/install.sh` installs it),
/// unless [`guests_required`].
///
/// # Panics
///
/// If the build fails for any other reason, or the toolchain is missing
/// where guests are required.
pub fn guest_plugin(lang: &str, example: &str) -> Option<(String, Vec<u8>)> {
    type Built = Arc<std::sync::OnceLock<Option<PathBuf>>>;
    static BUILDS: std::sync::Mutex<Vec<((String, String), Built)>> =
        std::sync::Mutex::new(Vec::new());
    let key = (lang.to_owned(), example.to_owned());
    let cell = {
        let mut builds = BUILDS.lock().unwrap_or_else(|e| e.into_inner());
        match builds.iter().find(|(k, _)| *k == key) {
            Some((_, cell)) => cell.clone(),
            None => {
                let cell = Built::default();
                builds.push((key, cell.clone()));
                cell
            }
        }
    };
    let path = cell.get_or_init(|| build_guest(lang, example)).clone()?;
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    Some((name, bytes))
}

/// Runs `plugins/<lang>/<example>/build.sh`; see [`guest_plugin`].
fn build_guest(lang: &str, example: &str) -> Option<PathBuf> {
    let root = repo_root();
    let script = root
        .join("plugins")
        .join(lang)
        .join(example)
        .join("build.sh");
    assert!(script.is_file(), "{} is missing", script.display());
    let file = format!("{}.wasm", example.replace('-', "_"));
    let out = Path::new(hookwarden::internals::example_plugins::DIR)
        .join("../../guests")
        .join(lang)
        .join(file);
    std::fs::create_dir_all(out.parent().unwrap()).expect("creating the output directory");
    let started = std::time::Instant::now();
    let output = Command::new("bash")
        .arg(&script)
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => {
            eprintln!(
                "built {lang}/{example} in {:.1} s: {} bytes",
                started.elapsed().as_secs_f64(),
                std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0)
            );
            Some(out)
        }
        Some(MISSING_TOOLCHAIN) if !guests_required() => {
            eprintln!(
                "\n!!!!! SKIPPED: the {lang} example `{example}` was not built or tested because its toolchain is missing:\n{stderr}!!!!! Install it with `plugins/{lang}/install.sh` (CI does).\n"
            );
            None
        }
        _ => panic!(
            "{} failed ({}):\n{}\n{stderr}",
            script.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout)
        ),
    }
}

/// An Okta sample request for `hook_type` as a JSON value, with a fresh
/// `eventId` (as every Okta call but a retry has; the server replays the
/// answer to a repeated one).
pub fn sample(hook_type: HookType) -> Value {
    let mut request: Value =
        serde_json::from_str(hookwarden::internals::samples::request(hook_type))
            .expect("samples are JSON");
    fresh_event_id(&mut request);
    request
}

/// Gives `request` a new random `eventId`.
pub fn fresh_event_id(request: &mut Value) {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    request["eventId"] = Value::String(format!(
        "{}-{n}",
        hookwarden::internals::random_id("evt", 12)
    ));
}

/// What a hook call returned.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The `x-hookwarden-outcome` header, if any.
    pub outcome: Option<String>,
    /// The JSON body (`Null` when empty).
    pub body: Value,
}

/// How to create a test hook.
#[derive(Debug, Clone)]
pub struct HookOptions {
    /// Plugin file name without `.wasm`.
    pub plugin: &'static str,
    /// Hook type.
    pub hook_type: HookType,
    /// Settings.
    pub settings: Vec<(String, String)>,
    /// Limit overrides.
    pub limits: LimitOverrides,
    /// Failure policy.
    pub failure_policy: FailurePolicy,
}

impl HookOptions {
    /// A hook of `hook_type` running `plugin` with `settings`.
    pub fn new(plugin: &'static str, hook_type: HookType, settings: &[(&str, &str)]) -> Self {
        HookOptions {
            plugin,
            hook_type,
            settings: settings
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            limits: LimitOverrides::default(),
            failure_policy: FailurePolicy::default(),
        }
    }

    /// A token hook whose `misbehave` plugin busy-waits `ms` milliseconds
    /// per call, then answers "no changes"; its fuel is unmetered, so only
    /// the time budget could stop it.
    pub fn slow(ms: u64) -> Self {
        let ms = ms.to_string();
        HookOptions::new(
            "misbehave",
            HookType::Token,
            &[("mode", "slow"), ("slow_ms", &ms)],
        )
        .unmetered()
    }

    /// The same with a time budget in milliseconds.
    pub fn budget_ms(mut self, ms: u64) -> Self {
        self.limits.time_budget_ms = Some(ms);
        self
    }

    /// The same with so much fuel that only the time budget can stop it.
    pub fn unmetered(mut self) -> Self {
        self.limits.fuel = Some(u64::MAX / 2);
        self
    }
}

/// An HTTP client for one Hookwarden server: Okta's hook calls and the
/// admin API.
#[derive(Clone)]
pub struct Client {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    http: reqwest::Client,
}

/// A server running in this process on a loopback port with its own data
/// directory. Derefs to its [`Client`].
pub struct TestServer {
    /// The server's registry, for registering plugins and hooks.
    pub registry: Arc<Registry>,
    /// The server's execution journal, for adding records faster than
    /// calls could.
    pub journal: Arc<Journal>,
    /// The server's sandbox, for its gauges.
    pub runtime: Arc<Runtime>,
    /// The server's pipeline, to call a hook without HTTP.
    pub pipeline: Arc<Pipeline>,
    client: Client,
    dir: TempDir,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl std::ops::Deref for TestServer {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl TestServer {
    /// Starts a server on a fresh data directory.
    pub async fn start() -> TestServer {
        TestServer::start_in(tempfile::tempdir().expect("tempdir")).await
    }

    /// Starts a server on a fresh data directory with `config` (its
    /// `public_url` is replaced by the server's own address).
    pub async fn start_with(config: ServerConfig) -> TestServer {
        TestServer::start_in_with(tempfile::tempdir().expect("tempdir"), config).await
    }

    /// Starts a server on an existing data directory (a restart).
    pub async fn start_in(dir: TempDir) -> TestServer {
        TestServer::start_in_with(dir, ServerConfig::default()).await
    }

    /// Starts a server on a fresh data directory with its sandbox sized by
    /// `runtime` (instance slots, calls per hook, queue wait).
    pub async fn start_sized(runtime: RuntimeConfig) -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let registry = RegistryConfig {
            runtime,
            ..RegistryConfig::new(dir.path())
        };
        TestServer::start_on(dir, registry, ServerConfig::default()).await
    }

    /// Starts a server on an existing data directory with `config` (a
    /// restart with settings).
    pub async fn start_in_config(dir: TempDir, config: ServerConfig) -> TestServer {
        TestServer::start_in_with(dir, config).await
    }

    async fn start_in_with(dir: TempDir, config: ServerConfig) -> TestServer {
        let registry = RegistryConfig::new(dir.path());
        TestServer::start_on(dir, registry, config).await
    }

    /// Starts a server on `dir` (fresh or a restart) with the registry
    /// configured by `registry` (its data directory must be `dir`'s).
    pub async fn start_on(
        dir: TempDir,
        registry: RegistryConfig,
        config: ServerConfig,
    ) -> TestServer {
        let app = App::open(registry, &config)
            .await
            .expect("opening the registry");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding loopback");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (shutdown, rx) = oneshot::channel::<()>();
        let state = app.state(
            ServerConfig {
                public_url: base.clone(),
                ..config
            },
            AdminToken::new(ADMIN_TOKEN).expect("a strong token"),
        );
        let Parts {
            registry,
            journal,
            runtime,
            pipeline,
        } = hookwarden::internals::parts(&app);
        let task = tokio::spawn(hookwarden::serve(listener, state, async {
            let _ = rx.await;
        }));
        TestServer {
            registry,
            journal,
            runtime,
            pipeline,
            client: Client::new(base),
            dir,
            shutdown,
            task,
        }
    }

    /// Stops the server, waits for it to finish, and hands back its data
    /// directory for a restart.
    pub async fn stop(self) -> TempDir {
        let TestServer {
            registry,
            journal,
            dir,
            shutdown,
            task,
            client,
            runtime,
            pipeline,
        } = self;
        drop(client);
        drop((journal, runtime, pipeline));
        let _ = shutdown.send(());
        task.await.expect("server task").expect("server I/O");
        // The sled lock goes with the last reference to the registry.
        assert_eq!(Arc::strong_count(&registry), 1, "registry still referenced");
        drop(registry);
        dir
    }

    /// Registers `options.plugin` and creates an ACTIVE hook for it.
    pub async fn hook(&self, options: HookOptions) -> HookRecord {
        let plugin = self
            .registry
            .add_plugin(plugin_bytes(options.plugin))
            .await
            .expect("registering the plugin");
        self.registry
            .create_hook(HookSpec {
                name: format!("{} test hook", options.plugin),
                version: "1.0.0".into(),
                hook_type: options.hook_type,
                plugin_id: plugin.id,
                settings: options.settings.into_iter().collect(),
                limits: options.limits,
                failure_policy: options.failure_policy,
                auth_key: AUTH_HEADER.into(),
                auth_secret: Some(SECRET.into()),
                record_bodies: false,
            })
            .await
            .expect("creating the hook")
    }

    /// A client of this server, to move into a task.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The server's data directory.
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Client {
    /// A client for the server at `base` (`http://host:port`).
    pub fn new(base: String) -> Client {
        Client {
            base,
            http: reqwest::Client::new(),
        }
    }

    /// POSTs `body` to `/hooks/{id}` with the test secret.
    pub async fn call(&self, id: &str, body: &Value) -> Answer {
        self.call_raw(id, Some(SECRET), body.to_string().into_bytes())
            .await
    }

    /// POSTs raw bytes to `/hooks/{id}` with an optional auth header value.
    pub async fn call_raw(&self, id: &str, secret: Option<&str>, body: Vec<u8>) -> Answer {
        self.try_call_raw(id, secret, body)
            .await
            .expect("sending the hook call")
    }

    /// [`Client::call`] that returns `None` when no answer arrived (for
    /// servers that may be killed mid-call).
    pub async fn try_call(&self, id: &str, body: &Value) -> Option<Answer> {
        self.try_call_raw(id, Some(SECRET), body.to_string().into_bytes())
            .await
            .ok()
    }

    async fn try_call_raw(
        &self,
        id: &str,
        secret: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Answer, reqwest::Error> {
        let mut request = self
            .http
            .post(format!("{}/hooks/{id}", self.base))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .body(body);
        if let Some(secret) = secret {
            request = request.header(AUTH_HEADER, secret);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let outcome = response
            .headers()
            .get("x-hookwarden-outcome")
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = response.bytes().await?;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("answers are JSON")
        };
        Ok(Answer {
            status,
            outcome,
            body,
        })
    }

    /// Calls the admin API with the admin token: `method` on `/api/v1{path}`
    /// with an optional JSON body. Returns the status and the JSON body
    /// (`Null` when empty).
    pub async fn api(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.api_as(Some(ADMIN_TOKEN), method, path, body).await
    }

    /// The one execution record of `event_id`, from `GET /api/v1/logs`.
    ///
    /// # Panics
    ///
    /// Unless exactly one record has that eventId.
    pub async fn record_of(&self, event_id: &str) -> Value {
        let (status, records) = self
            .api("GET", &format!("/logs?eventId={event_id}"), None)
            .await;
        assert_eq!(status, 200, "{records}");
        let records = records.as_array().expect("a list of records");
        assert_eq!(records.len(), 1, "records of {event_id}: {records:?}");
        records[0].clone()
    }

    /// [`Client::api`] with another token (or none).
    pub async fn api_as(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        self.try_api_as(token, method, path, body)
            .await
            .expect("sending the admin request")
    }

    /// [`Client::api_as`] that reports a failed connection instead of
    /// panicking (for servers that may be killed mid-request).
    ///
    /// # Errors
    ///
    /// The transport error when no answer arrived.
    pub async fn try_api_as(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), reqwest::Error> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base));
        if let Some(token) = token {
            request = request.header("Authorization", format!("SSWS {token}"));
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        Ok(into_status_and_json(request.send().await?).await)
    }

    /// Uploads plugin bytes to `POST /api/v1/plugins`.
    pub async fn upload(&self, bytes: Vec<u8>) -> (u16, Value) {
        self.try_upload(bytes).await.expect("uploading")
    }

    /// [`Client::upload`] that reports a failed connection instead of
    /// panicking.
    ///
    /// # Errors
    ///
    /// The transport error when no answer arrived.
    pub async fn try_upload(&self, bytes: Vec<u8>) -> Result<(u16, Value), reqwest::Error> {
        let response = self
            .http
            .post(format!("{}/api/v1/plugins", self.base))
            .header("Authorization", format!("SSWS {ADMIN_TOKEN}"))
            .header("Content-Type", "application/wasm")
            .body(bytes)
            .send()
            .await?;
        Ok(into_status_and_json(response).await)
    }
}

/// The status and JSON body (`Null` when empty) of a response.
pub async fn into_status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("reading the body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    (status, body)
}

/// Checks that `body` is an Okta error object with code `code`: the code
/// (also as `errorLink`), a non-empty summary and id, and a list of causes.
#[track_caller]
pub fn assert_okta_error(body: &Value, code: &str) {
    assert_eq!(body["errorCode"], code, "{body}");
    assert_eq!(body["errorLink"], code, "{body}");
    assert!(
        body["errorSummary"].as_str().is_some_and(|s| !s.is_empty()),
        "{body}"
    );
    assert!(
        body["errorId"].as_str().is_some_and(|s| !s.is_empty()),
        "{body}"
    );
    assert!(body["errorCauses"].is_array(), "{body}");
}

/// A create body for `POST /api/v1/inlineHooks`.
pub fn hook_body(name: &str, hook_type: HookType, plugin_id: &str, settings: Value) -> Value {
    serde_json::json!({
        "name": name,
        "type": hook_type.event_type(),
        "version": "1.0.0",
        "channel": {
            "type": "WASM",
            "version": "1.0.0",
            "config": {
                "pluginId": plugin_id,
                "settings": settings,
                "authScheme": {"type": "HEADER", "key": AUTH_HEADER, "value": SECRET}
            }
        }
    })
}

/// The test package's copy of the `hookwarden` binary, beside the test
/// executable's `deps/` directory (where cargo builds it for the tests).
pub fn program() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("tests run from target/<profile>/deps");
    profile_dir.join(format!(
        "hookwarden-under-test{}",
        std::env::consts::EXE_SUFFIX
    ))
}

/// A real `hookwarden serve` process (the test package's copy of the
/// binary) on a loopback port, with [`ADMIN_TOKEN`]. Derefs to its
/// [`Client`].
pub struct ServerProcess {
    child: Child,
    client: Client,
    /// The URL it printed (`http://…` or `https://…`).
    pub url: String,
}

impl std::ops::Deref for ServerProcess {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl ServerProcess {
    /// Starts `hookwarden serve --listen 127.0.0.1:0 --data-dir DIR ARGS…`
    /// and waits until it prints where it listens.
    ///
    /// # Panics
    ///
    /// If the process cannot start or exits before listening.
    pub fn start(data_dir: &Path, args: &[&str]) -> ServerProcess {
        ServerProcess::start_logging(data_dir, args, "warn", Stdio::inherit())
    }

    /// [`ServerProcess::start`] with `RUST_LOG=rust_log` and the log
    /// (standard error) going to `log`.
    pub fn start_logging(
        data_dir: &Path,
        args: &[&str],
        rust_log: &str,
        log: impl Into<Stdio>,
    ) -> ServerProcess {
        ServerProcess::start_env(data_dir, args, &[("RUST_LOG", rust_log)], log)
    }

    /// [`ServerProcess::start`] with extra environment variables and the
    /// log (standard error) going to `log`.
    pub fn start_env(
        data_dir: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        log: impl Into<Stdio>,
    ) -> ServerProcess {
        ServerProcess::start_command(Command::new(program()), data_dir, args, env, log)
    }

    /// [`ServerProcess::start_logging`] with the process's open-file limit
    /// (soft and hard) set to `nofile`, through util-linux's `prlimit`.
    pub fn start_with_file_limit(
        nofile: u64,
        data_dir: &Path,
        args: &[&str],
        rust_log: &str,
        log: impl Into<Stdio>,
    ) -> ServerProcess {
        let mut command = Command::new("prlimit");
        command
            .arg(format!("--nofile={nofile}:{nofile}"))
            .arg("--")
            .arg(program());
        ServerProcess::start_command(command, data_dir, args, &[("RUST_LOG", rust_log)], log)
    }

    fn start_command(
        mut command: Command,
        data_dir: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        log: impl Into<Stdio>,
    ) -> ServerProcess {
        let mut child = command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(args)
            .env("HOOKWARDEN_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("starting the server");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("the server exited before listening")
                .expect("reading its output");
            if let Some(url) = line.strip_prefix("listening on ") {
                break url.to_owned();
            }
        };
        ServerProcess {
            child,
            client: Client::new(url.clone()),
            url,
        }
    }

    /// Asks the process to stop with SIGTERM and waits for it to exit.
    ///
    /// # Panics
    ///
    /// If the signal cannot be sent.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("running kill");
        assert!(sent.success(), "kill -TERM failed");
        self.child.wait().expect("reaping")
    }

    /// Kills the process with SIGKILL and reaps it.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaping");
    }
}

impl Drop for ServerProcess {
    /// A test that fails midway must not leave its server running (it
    /// would hold the test harness's output pipe open).
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
