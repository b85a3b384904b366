//! `hookwarden plugin ...` and `hookwarden hook ...`: the admin API of a running server from the command line.
//!
//! Every command takes the [`Connection`] options: the server's URL and
//! admin token (from flags or the environment) and `--json`. Output is for
//! a person by default (aligned `key: value` lines, a small table for
//! lists) and the server's own JSON, pretty-printed, with `--json`. When the
//! server answers with Okta's error object, the command fails with
//! `error: <errorSummary>` and one line per cause on standard error, and
//! exits with 1.
//!
//! The client speaks plain HTTP only: TLS client support is not built in,
//! and an `https://` server URL is refused with a message saying so.

use crate::admin_schema::{
    AuthSchemeBody, CHANNEL_VERSION, ChannelBody, ConfigBody, Entries, FailurePolicyBody, Field,
    HEADER_SCHEME, HookBody, InlineHook, OktaError, Plugin, Secret, WASM_CHANNEL,
};
use crate::hook_type::HookType;
use crate::limits::LimitOverrides;
use crate::store::HookStatus;
use anyhow::{Context, anyhow, bail};
use bytes::Bytes;
use clap::{Args, Subcommand};
use futures_util::StreamExt;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The server the client talks to unless told otherwise: `serve`'s default
/// listen address.
pub(crate) const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";

/// Uploads of at least 1 MiB show their progress (on a terminal).
const LARGE_UPLOAD_BYTES: usize = 1 << 20;
/// Uploads are sent in pieces of 64 KiB, counted for the progress display.
const UPLOAD_CHUNK_BYTES: usize = 64 << 10;
/// How long to wait for the TCP connection to the server: 10 s. There is no
/// limit on the answer, because compiling a large plugin takes a while.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The auth header of a new hook unless `--header-key` says otherwise.
const DEFAULT_HEADER_KEY: &str = "Authorization";

/// How to reach the server; flattened into every client command.
#[derive(Args)]
pub struct Connection {
    /// The server's base URL (plain http; TLS client support is not built
    /// in).
    #[arg(long, env = "HOOKWARDEN_URL", default_value = DEFAULT_SERVER, value_name = "URL")]
    pub(super) server: String,
    /// The admin API token. Prefer the HOOKWARDEN_ADMIN_TOKEN environment
    /// variable: a flag's value is visible to other users of the machine
    /// (e.g. in `ps`).
    #[arg(
        long,
        env = "HOOKWARDEN_ADMIN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    token: Option<String>,
    /// Print the server's JSON (pretty) instead of the human-readable form.
    #[arg(long)]
    pub(super) json: bool,
}

/// `hookwarden plugin` subcommands.
#[derive(Subcommand)]
pub(crate) enum PluginCommand {
    /// Upload a plugin component; the server validates and compiles it.
    /// Uploading the same bytes again returns the same plugin.
    Push(PushArgs),
    /// List plugins.
    List(Connection),
    /// Show one plugin.
    Get(IdArgs),
    /// Delete a plugin that no hook uses.
    Delete(IdArgs),
}

/// Options of `hookwarden plugin push`.
#[derive(Args)]
pub(crate) struct PushArgs {
    /// The component (`.wasm`), at most 64 MiB.
    file: PathBuf,
    #[command(flatten)]
    connection: Connection,
}

/// Options of a command about one plugin or hook.
#[derive(Args)]
pub(crate) struct IdArgs {
    /// The plugin's or hook's id.
    id: String,
    #[command(flatten)]
    connection: Connection,
}

/// `hookwarden hook` subcommands.
#[derive(Subcommand)]
pub(crate) enum HookCommand {
    /// Create an inline hook (always ACTIVE) and show what to register in
    /// Okta.
    Create(CreateArgs),
    /// List inline hooks.
    List(ListHooksArgs),
    /// Show one inline hook.
    Get(IdArgs),
    /// Replace an inline hook: fields given as flags change, the others keep
    /// their current values (the secret too, unless --secret-env or
    /// --secret-file is given). The type cannot change.
    Update(UpdateArgs),
    /// Serve Okta's calls to a hook again.
    Activate(IdArgs),
    /// Stop serving Okta's calls to a hook (they get 404).
    Deactivate(IdArgs),
    /// Delete an INACTIVE hook.
    Delete(IdArgs),
    /// Run a hook's plugin on a request, exactly as Okta's call would, and
    /// print its answer. Exits with 1 when the plugin fails.
    Execute(ExecuteArgs),
}

/// Options of `hookwarden hook create`.
#[derive(Args)]
pub(crate) struct CreateArgs {
    /// The hook's name.
    #[arg(long)]
    name: String,
    /// The hook type: an Okta event type or token, saml, import,
    /// registration, password-import, telephony.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_hook_type)]
    hook_type: HookType,
    /// The plugin's id (`sha256:...`, as `plugin push` prints it).
    #[arg(long, value_name = "ID")]
    plugin: String,
    #[command(flatten)]
    fields: HookFields,
    #[command(flatten)]
    connection: Connection,
}

/// Options of `hookwarden hook update`.
#[derive(Args)]
pub(crate) struct UpdateArgs {
    /// The hook's id.
    id: String,
    /// A new name.
    #[arg(long)]
    name: Option<String>,
    /// Another plugin's id.
    #[arg(long, value_name = "ID")]
    plugin: Option<String>,
    #[command(flatten)]
    fields: HookFields,
    /// Remove this setting (repeatable).
    #[arg(long = "remove-setting", value_name = "KEY")]
    removed_settings: Vec<String>,
    #[command(flatten)]
    connection: Connection,
}

/// The hook's fields that `create` and `update` set the same way.
#[derive(Args)]
pub(crate) struct HookFields {
    /// A plugin setting (repeatable). On update, sets or adds this setting
    /// and keeps the others.
    #[arg(long = "setting", value_name = "KEY=VALUE", value_parser = parse_setting)]
    settings: Vec<(String, String)>,
    #[command(flatten)]
    secret: SecretSource,
    /// The HTTP header Okta sends the secret in. On create the default is
    /// Authorization.
    #[arg(long, value_name = "NAME")]
    header_key: Option<String>,
    /// Time budget per call in milliseconds, counted from the request's
    /// arrival, 1 to 2800 (server default 2000).
    #[arg(long, value_name = "MS")]
    time_budget_ms: Option<u64>,
    /// Fuel per call (server default 1000000000).
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Linear memory per instance in bytes, 65536 to 536870912 (server
    /// default 128 MiB).
    #[arg(long, value_name = "BYTES")]
    memory_bytes: Option<u64>,
    /// Registration hooks: the message the end user sees when the plugin
    /// fails.
    #[arg(long, value_name = "TEXT")]
    registration_message: Option<String>,
    /// Keep this hook's request and answer bodies, redacted, in the
    /// execution journal: `--record-bodies` or `--record-bodies=true` turns
    /// it on, `--record-bodies=false` off. On create the default is off; on
    /// update the hook keeps its current choice.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", action = clap::ArgAction::Set)]
    record_bodies: Option<bool>,
}

/// Where the hook's secret (the auth header's value Okta will send) comes
/// from. Never a flag of its own: command lines are visible to other users.
#[derive(Args)]
#[group(multiple = false)]
pub(crate) struct SecretSource {
    /// The name of an environment variable holding the hook's secret, the
    /// auth header's value Okta will send (e.g. `Basic ...`). Required on
    /// create (or --secret-file).
    #[arg(long, value_name = "VAR")]
    secret_env: Option<String>,
    /// A file whose first line is the hook's secret.
    #[arg(long, value_name = "FILE")]
    secret_file: Option<PathBuf>,
}

/// Options of `hookwarden hook list`.
#[derive(Args)]
pub(crate) struct ListHooksArgs {
    /// Only hooks of this type (an Okta event type or a short name).
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_hook_type)]
    hook_type: Option<HookType>,
    #[command(flatten)]
    connection: Connection,
}

/// Options of `hookwarden hook execute`.
#[derive(Args)]
pub(crate) struct ExecuteArgs {
    /// The hook's id.
    id: String,
    /// The Okta request to send (`-` for standard input). Default: the
    /// sample request for the hook's type (see `hookwarden sample`).
    #[arg(long, value_name = "FILE")]
    request: Option<PathBuf>,
    #[command(flatten)]
    connection: Connection,
}

/// Runs a `plugin` subcommand.
///
/// # Errors
///
/// When the server cannot be reached, answers with an error (shown as its
/// summary and causes), or a file cannot be read.
pub(crate) async fn run_plugin(command: PluginCommand) -> anyhow::Result<ExitCode> {
    match command {
        PluginCommand::Push(args) => push(args).await,
        PluginCommand::List(connection) => {
            let plugins = Api::new(&connection)?
                .call(Method::GET, &["plugins"])
                .await?;
            emit(&connection, &plugins, |p: &Vec<Plugin>| {
                render_plugin_table(p)
            })
        }
        PluginCommand::Get(args) => show(&args, "plugins", render_plugin).await,
        PluginCommand::Delete(args) => delete(&args, "plugins", "plugin").await,
    }?;
    Ok(ExitCode::SUCCESS)
}

/// Runs a `hook` subcommand.
///
/// # Errors
///
/// When the server cannot be reached, answers with an error (shown as its
/// summary and causes; for `execute`, how the plugin failed), a file or
/// the secret cannot be read, or an argument is invalid.
pub(crate) async fn run_hook(command: HookCommand) -> anyhow::Result<ExitCode> {
    match command {
        HookCommand::Create(args) => create(args).await,
        HookCommand::List(args) => list_hooks(args).await,
        HookCommand::Get(args) => show(&args, "inlineHooks", render_hook).await,
        HookCommand::Update(args) => update(args).await,
        HookCommand::Activate(args) => lifecycle(&args, "activate").await,
        HookCommand::Deactivate(args) => lifecycle(&args, "deactivate").await,
        HookCommand::Delete(args) => delete(&args, "inlineHooks", "inline hook").await,
        HookCommand::Execute(args) => execute(args).await,
    }?;
    Ok(ExitCode::SUCCESS)
}

// --- Commands ---------------------------------------------------------------

/// `plugin push`: streams the file, with progress on a terminal.
async fn push(args: PushArgs) -> anyhow::Result<()> {
    let api = Api::new(&args.connection)?;
    let bytes = read_file(&args.file)?;
    let total = bytes.len();
    let progress = Progress::new(total, std::io::stderr().is_terminal());
    let request = api
        .request(Method::POST, &["plugins"])
        .header(CONTENT_TYPE, "application/wasm")
        .header(CONTENT_LENGTH, total)
        .body(upload_body(Bytes::from(bytes), progress));
    let plugin = api.send(request).await?;
    emit(&args.connection, &plugin, render_plugin)
}

/// `GET /api/v1/<collection>/<id>`, shown with `render`.
async fn show<T: DeserializeOwned>(
    args: &IdArgs,
    collection: &str,
    render: fn(&T) -> String,
) -> anyhow::Result<()> {
    let value = Api::new(&args.connection)?
        .call(Method::GET, &[collection, &args.id])
        .await?;
    emit(&args.connection, &value, render)
}

/// `plugin delete` and `hook delete`.
async fn delete(args: &IdArgs, collection: &str, what: &str) -> anyhow::Result<()> {
    Api::new(&args.connection)?
        .call(Method::DELETE, &[collection, &args.id])
        .await?;
    if args.connection.json {
        return Ok(());
    }
    print(&format!("deleted {what} {}\n", args.id))
}

/// `hook activate` and `hook deactivate`.
async fn lifecycle(args: &IdArgs, action: &str) -> anyhow::Result<()> {
    let path = ["inlineHooks", &args.id, "lifecycle", action];
    let hook = Api::new(&args.connection)?
        .call(Method::POST, &path)
        .await?;
    emit(&args.connection, &hook, render_hook)
}

/// `hook list [--type T]`.
async fn list_hooks(args: ListHooksArgs) -> anyhow::Result<()> {
    let api = Api::new(&args.connection)?;
    let mut request = api.request(Method::GET, &["inlineHooks"]);
    if let Some(hook_type) = args.hook_type {
        request = request.query(&[("type", hook_type.event_type())]);
    }
    let hooks = api.send(request).await?;
    emit(&args.connection, &hooks, |h: &Vec<InlineHook>| {
        render_hook_table(h)
    })
}

/// `hook create`: the body is the flags applied to an empty hook.
async fn create(args: CreateArgs) -> anyhow::Result<()> {
    if !args.fields.secret.is_given() {
        bail!(
            "the hook needs the secret Okta will send: name an environment variable holding it \
             with --secret-env VAR, or a file with --secret-file FILE"
        );
    }
    let change = Change {
        name: Some(&args.name),
        plugin: Some(&args.plugin),
        fields: &args.fields,
        removed_settings: &[],
    };
    let mut body = change.apply_to(None)?;
    body.hook_type = Field::Given(args.hook_type.event_type().to_owned());
    let hook = Api::new(&args.connection)?
        .call_with(Method::POST, &["inlineHooks"], &body)
        .await?;
    emit(&args.connection, &hook, render_hook)
}

/// `hook update`: fetches the hook, applies the flags, and PUTs the result
/// (a full replacement).
async fn update(args: UpdateArgs) -> anyhow::Result<()> {
    let api = Api::new(&args.connection)?;
    let path = ["inlineHooks", &*args.id];
    let current = typed::<InlineHook>(api.call(Method::GET, &path).await?)?;
    let change = Change {
        name: args.name.as_deref(),
        plugin: args.plugin.as_deref(),
        fields: &args.fields,
        removed_settings: &args.removed_settings,
    };
    let body = change.apply_to(Some(&current))?;
    let hook = api.call_with(Method::PUT, &path, &body).await?;
    emit(&args.connection, &hook, render_hook)
}

/// `hook execute`: prints the plugin's answer, or fails with the server's
/// account of how the plugin failed.
async fn execute(args: ExecuteArgs) -> anyhow::Result<()> {
    let api = Api::new(&args.connection)?;
    let body = match &args.request {
        Some(path) => read_request(path)?,
        None => {
            let hook = api.call(Method::GET, &["inlineHooks", &args.id]).await?;
            sample_for(&typed(hook)?).as_bytes().to_vec()
        }
    };
    let request = api
        .request(Method::POST, &["inlineHooks", &args.id, "execute"])
        .header(CONTENT_TYPE, "application/json")
        .body(body);
    let answer = api.send(request).await?;
    match (&answer, args.connection.json) {
        (Value::Null, true) => Ok(()),
        (Value::Null, false) => {
            print("no changes: the plugin's answer is empty (204 No Content)\n")
        }
        (answer, _) => print(&pretty(answer)?),
    }
}

// --- Request bodies ---------------------------------------------------------

/// What `create` and `update` change in a hook.
struct Change<'a> {
    name: Option<&'a str>,
    plugin: Option<&'a str>,
    fields: &'a HookFields,
    removed_settings: &'a [String],
}

impl Change<'_> {
    /// The create or replace body: `current` (the hook as the server shows
    /// it, or `None` for a new one) with this change applied. Without a new
    /// secret, `authScheme.value` is left out so the server keeps the
    /// current one. Every other member is sent, the current value where no
    /// flag changes it: a PUT replaces the whole hook, and an optional
    /// member left out takes its default (`recordBodies`: `false`).
    fn apply_to(&self, current: Option<&InlineHook>) -> anyhow::Result<HookBody> {
        let config = current.map(|hook| &hook.channel.config);
        let header_key = self
            .fields
            .header_key
            .as_deref()
            .or(config.map(|c| c.auth_scheme.key.as_str()))
            .unwrap_or(DEFAULT_HEADER_KEY);
        let secret = self.fields.secret.read()?;
        let given = |text: &str| Field::Given(text.to_owned());
        let config = ConfigBody {
            plugin_id: optional(self.plugin.or(config.map(|c| c.plugin_id.as_str()))),
            settings: Field::Given(self.settings(config.map(|c| &c.settings))?),
            limits: Field::Given(self.limits(config.map(|c| c.limits).unwrap_or_default())),
            failure_policy: Field::Given(FailurePolicyBody {
                registration_message: optional(
                    self.fields
                        .registration_message
                        .as_deref()
                        .or(config.and_then(|c| c.failure_policy.registration_message.as_deref())),
                ),
                unknown: serde_json::Map::new(),
            }),
            record_bodies: Field::Given(
                self.fields
                    .record_bodies
                    .or(config.map(|c| c.record_bodies))
                    .unwrap_or(false),
            ),
            auth_scheme: Field::Given(AuthSchemeBody {
                scheme_type: given(HEADER_SCHEME),
                key: given(header_key),
                value: secret.map_or(Field::Absent, |s| Field::Given(Secret::new(s))),
            }),
        };
        Ok(HookBody {
            name: optional(self.name.or(current.map(|h| h.name.as_str()))),
            hook_type: Field::Absent,
            version: given(current.map_or(CHANNEL_VERSION, |h| h.version.as_str())),
            channel: Field::Given(ChannelBody {
                channel_type: given(WASM_CHANNEL),
                version: given(CHANNEL_VERSION),
                config: Field::Given(config),
            }),
        })
    }

    fn settings(
        &self,
        current: Option<&crate::store::Settings>,
    ) -> anyhow::Result<Entries<Field<String>>> {
        let mut settings = current.cloned().unwrap_or_default();
        for key in self.removed_settings {
            if settings.remove(key).is_none() {
                bail!("the hook has no setting `{key}` to remove");
            }
        }
        for (key, value) in &self.fields.settings {
            settings.insert(key.clone(), value.clone());
        }
        Ok(Entries(
            settings
                .into_iter()
                .map(|(k, v)| (k, Field::Given(v)))
                .collect(),
        ))
    }

    fn limits(&self, current: LimitOverrides) -> LimitOverrides {
        LimitOverrides {
            time_budget_ms: self.fields.time_budget_ms.or(current.time_budget_ms),
            fuel: self.fields.fuel.or(current.fuel),
            memory_bytes: self.fields.memory_bytes.or(current.memory_bytes),
        }
    }
}

/// A string member that is sent when it has a value.
fn optional(text: Option<&str>) -> Field<String> {
    text.map_or(Field::Absent, |t| Field::Given(t.to_owned()))
}

/// The server's answer read as `T`.
pub(super) fn typed<T: DeserializeOwned>(value: Value) -> anyhow::Result<T> {
    serde_json::from_value(value).context("the server's answer is not in the expected form")
}

impl SecretSource {
    fn is_given(&self) -> bool {
        self.secret_env.is_some() || self.secret_file.is_some()
    }

    /// The secret, if a source is given.
    fn read(&self) -> anyhow::Result<Option<String>> {
        let secret = match (&self.secret_env, &self.secret_file) {
            (Some(var), _) => std::env::var(var).map_err(|e| match e {
                std::env::VarError::NotPresent => {
                    anyhow!("the environment variable {var} (--secret-env) is not set")
                }
                std::env::VarError::NotUnicode(_) => {
                    anyhow!("the environment variable {var} (--secret-env) is not valid UTF-8")
                }
            })?,
            (None, Some(path)) => first_line(path)?,
            (None, None) => return Ok(None),
        };
        if secret.trim().is_empty() {
            bail!("the hook's secret is empty");
        }
        Ok(Some(secret.trim().to_owned()))
    }
}

/// The first line of a text file (the secret file).
fn first_line(path: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the secret file {}", path.display()))?;
    Ok(text.lines().next().unwrap_or("").to_owned())
}

/// The whole file, with its name in the error.
fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// `--request FILE` of `execute`, `-` being standard input.
fn read_request(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path != Path::new("-") {
        return read_file(path);
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("reading the request from standard input")?;
    Ok(bytes)
}

/// The sample Okta request for the type of `hook`.
fn sample_for(hook: &InlineHook) -> &'static str {
    crate::samples::request(hook.hook_type)
}

/// `--type`: an Okta event type or a short name.
fn parse_hook_type(text: &str) -> Result<HookType, String> {
    text.parse().map_err(|e| {
        let names: Vec<&str> = HookType::ALL.iter().map(|t| t.short_name()).collect();
        format!(
            "{e}; use an Okta event type or one of: {}",
            names.join(", ")
        )
    })
}

/// `--setting KEY=VALUE`.
fn parse_setting(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .ok_or_else(|| format!("expected KEY=VALUE, got `{text}`"))
}

// --- Upload progress --------------------------------------------------------

/// Reports an upload's progress on standard error: every 10% for a large
/// file, then that the server is compiling. Silent when standard error is
/// not a terminal.
struct Progress {
    total: usize,
    sent: usize,
    shown_tenths: usize,
    visible: bool,
}

impl Progress {
    fn new(total: usize, visible: bool) -> Progress {
        Progress {
            total,
            sent: 0,
            shown_tenths: 0,
            visible,
        }
    }

    /// Counts `bytes` more handed to the connection.
    fn advance(&mut self, bytes: usize) {
        self.sent += bytes;
        if !self.visible {
            return;
        }
        if self.total >= LARGE_UPLOAD_BYTES {
            let tenths = self.sent * 10 / self.total;
            if tenths > self.shown_tenths {
                self.shown_tenths = tenths;
                eprintln!(
                    "uploaded {:>3}% ({} of {})",
                    tenths * 10,
                    human_size(self.sent),
                    human_size(self.total)
                );
            }
        }
        if self.sent == self.total {
            eprintln!("validating and compiling…");
        }
    }
}

/// The upload as a stream of chunks, counted by `progress` as they go.
fn upload_body(bytes: Bytes, mut progress: Progress) -> reqwest::Body {
    let chunks: Vec<Bytes> = (0..bytes.len())
        .step_by(UPLOAD_CHUNK_BYTES)
        .map(|start| bytes.slice(start..bytes.len().min(start + UPLOAD_CHUNK_BYTES)))
        .collect();
    let stream = futures_util::stream::iter(chunks).map(move |chunk| {
        progress.advance(chunk.len());
        Ok::<_, std::io::Error>(chunk)
    });
    reqwest::Body::wrap_stream(stream)
}

// --- HTTP -------------------------------------------------------------------

/// The admin API of one server.
pub(super) struct Api {
    base: Url,
    token: HeaderValue,
    http: reqwest::Client,
}

impl Api {
    /// Checks the URL and the token; sends nothing yet.
    pub(super) fn new(connection: &Connection) -> anyhow::Result<Api> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .context("setting up the HTTP client")?;
        Ok(Api {
            base: server_url(&connection.server)?,
            token: admin_token(connection.token.as_deref())?,
            http,
        })
    }

    /// `/api/v1/<path>` on the server, each part of `path` percent-encoded
    /// as one segment.
    pub(super) fn url(&self, path: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(["api", "v1"]).extend(path);
        }
        url
    }

    /// A request to `url` with the admin token.
    pub(super) fn request_to(&self, method: Method, url: Url) -> RequestBuilder {
        self.http
            .request(method, url)
            .header(AUTHORIZATION, self.token.clone())
            .header(ACCEPT, "application/json")
    }

    /// A request to `/api/v1/<path>` with the admin token.
    fn request(&self, method: Method, path: &[&str]) -> RequestBuilder {
        self.request_to(method, self.url(path))
    }

    /// Sends `request` and returns the answer's JSON (`Null` when empty); an
    /// error status becomes a [`ServerError`].
    pub(super) async fn send(&self, request: RequestBuilder) -> anyhow::Result<Value> {
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(&self.base, &e))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(&self.base, &e))?;
        if !status.is_success() {
            return Err(ServerError::new(status, &bytes).into());
        }
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).context("the server's answer is not JSON")
    }

    /// `method` on `/api/v1/<path>` without a body; the answer's JSON
    /// (`Null` when empty).
    async fn call(&self, method: Method, path: &[&str]) -> anyhow::Result<Value> {
        self.send(self.request(method, path)).await
    }

    /// `method` on `/api/v1/<path>` with `body` as JSON; the answer's JSON.
    async fn call_with(
        &self,
        method: Method,
        path: &[&str],
        body: &impl Serialize,
    ) -> anyhow::Result<Value> {
        let request = self
            .request(method, path)
            .header(CONTENT_TYPE, "application/json")
            .body(serde_json::to_string(body)?);
        self.send(request).await
    }
}

/// The server's base URL, which must be plain `http://`.
fn server_url(text: &str) -> anyhow::Result<Url> {
    let url = Url::parse(text).ok().filter(|u| !u.cannot_be_a_base());
    match url {
        Some(url) if url.scheme() == "http" => Ok(url),
        Some(url) if url.scheme() == "https" => bail!(
            "cannot use {text}: TLS client support is not built into this hookwarden; \
             use an http:// URL (e.g. the server on loopback, or through an SSH tunnel)"
        ),
        _ => bail!(
            "the server URL (--server or HOOKWARDEN_URL) must be an http:// URL such as \
             {DEFAULT_SERVER}, not `{text}`"
        ),
    }
}

/// The `Authorization` header for `token`, marked sensitive.
fn admin_token(token: Option<&str>) -> anyhow::Result<HeaderValue> {
    let token = token
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            anyhow!("no admin token: set the HOOKWARDEN_ADMIN_TOKEN environment variable (or pass --token)")
        })?;
    let mut value = HeaderValue::from_str(&format!("SSWS {token}")).map_err(|_| {
        anyhow!("the admin token has characters that cannot travel in an HTTP header")
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A failure to talk to the server at all, naming its URL.
fn transport_error(base: &Url, error: &reqwest::Error) -> anyhow::Error {
    let cause = root_cause(error);
    let server = base.as_str().trim_end_matches('/');
    if error.is_connect() {
        anyhow!(
            "cannot connect to the Hookwarden server at {server}: {cause} \
             (is it running? set its URL with --server or HOOKWARDEN_URL)"
        )
    } else if error.is_timeout() {
        anyhow!("the Hookwarden server at {server} did not answer in time: {cause}")
    } else {
        anyhow!("talking to the Hookwarden server at {server}: {cause}")
    }
}

/// The innermost error's message (e.g. `Connection refused (os error 111)`).
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// An error answer from the server, usually Okta's error object. Shown as
/// its summary and one indented line per cause.
#[derive(Debug)]
struct ServerError {
    status: StatusCode,
    summary: String,
    causes: Vec<String>,
}

impl ServerError {
    fn new(status: StatusCode, body: &[u8]) -> ServerError {
        if let Ok(okta) = serde_json::from_slice::<OktaError>(body) {
            return ServerError {
                status,
                summary: okta.error_summary,
                causes: okta
                    .error_causes
                    .into_iter()
                    .map(|c| c.error_summary)
                    .collect(),
            };
        }
        let text: String = String::from_utf8_lossy(body).chars().take(300).collect();
        ServerError {
            status,
            summary: format!("the server answered {status}"),
            causes: Some(text.trim().to_owned())
                .filter(|t| !t.is_empty())
                .into_iter()
                .collect(),
        }
    }
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary)?;
        for cause in &self.causes {
            write!(f, "\n  {cause}")?;
        }
        if self.status == StatusCode::UNAUTHORIZED {
            f.write_str("\n  hint: check the admin token (HOOKWARDEN_ADMIN_TOKEN or --token)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServerError {}

// --- Output -----------------------------------------------------------------

/// Prints `value` (the server's answer) as pretty JSON with `--json`, else
/// read as a `T` and shown as `render` makes it.
fn emit<T: DeserializeOwned>(
    connection: &Connection,
    value: &Value,
    render: impl FnOnce(&T) -> String,
) -> anyhow::Result<()> {
    if connection.json {
        print(&pretty(value)?)
    } else {
        print(&render(&typed::<T>(value.clone())?))
    }
}

fn pretty(value: &Value) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

/// Writes to standard output; a closed pipe is an error, not a panic.
pub(super) fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("writing to standard output")
}

/// A plugin record as `key: value` lines.
fn render_plugin(plugin: &Plugin) -> String {
    let size = plugin.size;
    render_fields(&[
        ("id", plugin.id.clone()),
        (
            "size",
            format!("{size} bytes ({})", human_size(size as usize)),
        ),
        ("created", plugin.created.clone()),
        ("world", plugin.world.clone()),
    ])
}

/// Plugins as a table.
fn render_plugin_table(plugins: &[Plugin]) -> String {
    let rows: Vec<Vec<String>> = plugins
        .iter()
        .map(|p| vec![p.id.clone(), human_size(p.size as usize), p.created.clone()])
        .collect();
    if rows.is_empty() {
        return "no plugins\n".into();
    }
    render_table(&["ID", "SIZE", "CREATED"], &rows)
}

/// `ACTIVE` or `INACTIVE`.
fn status_text(status: HookStatus) -> &'static str {
    match status {
        HookStatus::Active => "ACTIVE",
        HookStatus::Inactive => "INACTIVE",
    }
}

/// A hook as `key: value` lines, then what to register in Okta.
fn render_hook(hook: &InlineHook) -> String {
    let config = &hook.channel.config;
    let header_key = config.auth_scheme.key.clone();
    let settings: Vec<String> = config
        .settings
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect();
    let limits: Vec<String> = [
        ("timeBudgetMs", config.limits.time_budget_ms),
        ("fuel", config.limits.fuel),
        ("memoryBytes", config.limits.memory_bytes),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| format!("{k}: {v}")))
    .collect();
    let mut fields = vec![
        ("id", hook.id.clone()),
        ("name", hook.name.clone()),
        ("status", status_text(hook.status).to_owned()),
        (
            "type",
            format!(
                "{} ({})",
                hook.hook_type.event_type(),
                hook.hook_type.short_name()
            ),
        ),
        ("plugin", config.plugin_id.clone()),
        ("settings", lines_or(&settings, "(none)")),
        ("limits", lines_or(&limits, "server defaults")),
    ];
    if let Some(message) = &config.failure_policy.registration_message {
        fields.push(("failure message", message.clone()));
    }
    if let Some(error) = hook.load_error() {
        fields.push(("load error", format!("{error} (not served)")));
    }
    fields.push((
        "record bodies",
        if config.record_bodies { "yes" } else { "no" }.into(),
    ));
    fields.extend([
        ("auth header", header_key.clone()),
        ("created", hook.created.clone()),
        ("last updated", hook.last_updated.clone()),
    ]);
    let okta = render_fields(&[
        ("uri", hook.okta_channel.config.uri.clone()),
        ("method", hook.okta_channel.config.method.clone()),
        ("auth header", format!("{header_key}: <the hook's secret>")),
    ]);
    let okta: String = okta.lines().map(|l| format!("  {l}\n")).collect();
    format!(
        "{}\nRegister in Okta as an HTTP inline hook:\n{okta}",
        render_fields(&fields)
    )
}

/// Hooks as a table.
fn render_hook_table(hooks: &[InlineHook]) -> String {
    let rows: Vec<Vec<String>> = hooks
        .iter()
        .map(|h| {
            vec![
                h.id.clone(),
                status_text(h.status).to_owned(),
                h.hook_type.short_name().to_owned(),
                h.name.clone(),
            ]
        })
        .collect();
    if rows.is_empty() {
        return "no inline hooks\n".into();
    }
    render_table(&["ID", "STATUS", "TYPE", "NAME"], &rows)
}

/// One line per entry, or `empty`.
fn lines_or(lines: &[String], empty: &str) -> String {
    if lines.is_empty() {
        empty.to_owned()
    } else {
        lines.join("\n")
    }
}

/// Aligned `key: value` lines; a value's further lines are indented under
/// its first.
fn render_fields(fields: &[(&str, String)]) -> String {
    let width = fields.iter().map(|(k, _)| k.len() + 1).max().unwrap_or(0);
    let mut out = String::new();
    for (key, value) in fields {
        let mut lines = value.lines();
        let label = format!("{key}:");
        out += &format!("{label:<width$} {}\n", lines.next().unwrap_or(""));
        for line in lines {
            out += &format!("{:width$} {line}\n", "");
        }
    }
    out
}

/// A table with a header row, columns two spaces apart.
fn render_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        padded.join("  ").trim_end().to_owned() + "\n"
    };
    let mut out = line(&mut headers.iter().copied());
    for row in rows {
        out += &line(&mut row.iter().map(String::as_str));
    }
    out
}

/// `512 bytes`, `120.6 KiB`, `12.0 MiB`.
fn human_size(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.1} MiB", b / (KIB * KIB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_align_and_indent_continuation_lines() {
        let out = render_fields(&[("id", "x".into()), ("settings", "a = 1\nb = 2".into())]);
        assert_eq!(out, "id:       x\nsettings: a = 1\n          b = 2\n");
    }

    #[test]
    fn tables_pad_columns_to_the_widest_cell() {
        let rows = vec![vec!["calLongId".to_owned(), "ACTIVE".to_owned()]];
        assert_eq!(
            render_table(&["ID", "STATUS"], &rows),
            "ID         STATUS\ncalLongId  ACTIVE\n"
        );
    }

    #[test]
    fn only_plain_http_server_urls_are_accepted() {
        assert!(server_url("http://127.0.0.1:8080").is_ok());
        let tls = server_url("https://hooks.example.com").unwrap_err();
        assert!(
            tls.to_string()
                .contains("TLS client support is not built in"),
            "{tls}"
        );
        assert!(server_url("localhost:8080").is_err());
        assert!(server_url("127.0.0.1:8080").is_err());
    }

    #[test]
    fn paths_are_percent_encoded_segments_under_api_v1() {
        let api = Api {
            base: server_url("http://h:1/prefix/").unwrap(),
            token: HeaderValue::from_static("SSWS t"),
            http: reqwest::Client::new(),
        };
        assert_eq!(
            api.url(&["inlineHooks", "a/../b"]).as_str(),
            "http://h:1/prefix/api/v1/inlineHooks/a%2F..%2Fb"
        );
    }

    #[test]
    fn an_update_keeps_what_no_flag_changes_and_omits_the_secret() {
        let current: InlineHook = serde_json::from_value(json!({
            "id": "calX", "status": "ACTIVE",
            "name": "old", "version": "1.0.0", "type": "com.okta.oauth2.tokens.transform",
            "channel": {"type": "WASM", "version": "1.0.0", "config": {
                "pluginId": "sha256:aa", "settings": {"a": "1", "b": "2"},
                "limits": {"fuel": 5}, "failurePolicy": {}, "recordBodies": true,
                "authScheme": {"type": "HEADER", "key": "X-Secret"}
            }},
            "oktaChannel": {"type": "HTTP", "version": "1.0.0", "config": {
                "uri": "http://h/hooks/calX", "headers": [], "method": "POST",
                "authScheme": {"type": "HEADER", "key": "X-Secret"}
            }},
            "created": "2026-01-01T00:00:00.000Z", "lastUpdated": "2026-01-01T00:00:00.000Z",
            "_links": {"self": {"href": "http://h/api/v1/inlineHooks/calX",
                                "hints": {"allow": ["GET", "PUT", "DELETE"]}}}
        }))
        .unwrap();
        let fields = HookFields {
            settings: vec![("b".into(), "3".into())],
            secret: SecretSource {
                secret_env: None,
                secret_file: None,
            },
            header_key: None,
            time_budget_ms: Some(100),
            fuel: None,
            memory_bytes: None,
            registration_message: None,
            record_bodies: None,
        };
        let removed = ["a".to_owned()];
        let change = Change {
            name: None,
            plugin: None,
            fields: &fields,
            removed_settings: &removed,
        };
        let body = serde_json::to_value(change.apply_to(Some(&current)).unwrap()).unwrap();
        assert_eq!(body["name"], "old");
        let config = &body["channel"]["config"];
        assert_eq!(config["pluginId"], "sha256:aa");
        assert_eq!(config["settings"], json!({"b": "3"}));
        assert_eq!(config["limits"], json!({"fuel": 5, "timeBudgetMs": 100}));
        assert_eq!(config["recordBodies"], true, "kept, not reset");
        assert_eq!(
            config["authScheme"],
            json!({"type": "HEADER", "key": "X-Secret"})
        );
        assert!(body.get("type").is_none());
    }

    #[test]
    fn okta_errors_show_their_summary_and_causes() {
        let body = br#"{"errorCode":"E0000001","errorSummary":"Api validation failed: name",
            "errorCauses":[{"errorSummary":"name: is required"}]}"#;
        let error = ServerError::new(StatusCode::BAD_REQUEST, body);
        assert_eq!(
            error.to_string(),
            "Api validation failed: name\n  name: is required"
        );
        let other = ServerError::new(StatusCode::BAD_GATEWAY, b"upstream down");
        assert_eq!(
            other.to_string(),
            "the server answered 502 Bad Gateway\n  upstream down"
        );
    }
}
