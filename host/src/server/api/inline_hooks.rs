//! `/api/v1/inlineHooks`: Okta's Inline Hooks Management API, with a `WASM` channel.
//!
//! Follows Okta's observed behaviour: create answers 200 and the hook is
//! always ACTIVE (`status` in a body is ignored); PUT (or POST to the hook)
//! replaces name, version and channel while `type` is immutable; DELETE
//! needs an INACTIVE hook and answers 204; lifecycle calls are POSTs without
//! a body that return the hook. The auth secret is write-only: it is never
//! returned and a PUT without it keeps the current one. Every other optional
//! member a PUT leaves out (`settings`, `limits`, `failurePolicy`,
//! `recordBodies`) takes its default, as in Okta's full replacement; a
//! client that changes one field sends the others as they are (the CLI's
//! `hook update` does).

use crate::hook_type::HookType;
use crate::limits::LimitOverrides;
use crate::pipeline::{Answer, Execution, Source};
use crate::policy::{FailurePolicy, Outcome};
use crate::registry::HookSpec;
use crate::server::error::ApiError;
use crate::server::hooks::answer_response;
use crate::server::{AppState, read_body};
use crate::store::Settings;
use crate::store::{HookRecord, HookStatus};
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Longest hook name, as Okta: 255 characters.
pub const MAX_NAME_CHARS: usize = 255;
/// Most settings per hook: 256.
pub const MAX_SETTINGS: usize = 256;
/// Longest setting key: 128 characters of `A-Z a-z 0-9 . _ - : / ~`
/// (`/` and `~` for namespaced claim names such as
/// `access.https://example.com/roles`).
pub const MAX_SETTING_KEY_CHARS: usize = 128;
/// Longest setting value: 8 KiB.
pub const MAX_SETTING_VALUE_BYTES: usize = 8192;
/// Longest auth secret: 1024 bytes.
pub const MAX_SECRET_BYTES: usize = 1024;
/// Longest registration failure message: 1024 characters.
pub const MAX_MESSAGE_CHARS: usize = 1024;

/// The hook as the API shows it. A hook that failed to load when the
/// server started (`load_error`) is shown as stored, with
/// `_hookwarden.loadError` saying why it is not served, and links only to
/// itself and its deletion.
fn representation(record: &HookRecord, load_error: Option<&str>, public_url: &str) -> Value {
    let id = &record.id;
    let self_href = format!("{public_url}/api/v1/inlineHooks/{id}");
    let post = |href: String| json!({"href": href, "hints": {"allow": ["POST"]}});
    let links = match record.status {
        _ if load_error.is_some() => json!({
            "self": {"href": self_href, "hints": {"allow": ["GET", "PUT", "DELETE"]}},
            "delete": {"href": self_href, "hints": {"allow": ["DELETE"]}},
        }),
        HookStatus::Active => json!({
            "self": {"href": self_href, "hints": {"allow": ["GET", "PUT", "DELETE"]}},
            "execute": post(format!("{self_href}/execute")),
            "deactivate": post(format!("{self_href}/lifecycle/deactivate")),
        }),
        HookStatus::Inactive => json!({
            "activate": post(format!("{self_href}/lifecycle/activate")),
            "self": {"href": self_href, "hints": {"allow": ["GET", "PUT", "DELETE"]}},
            "delete": {"href": self_href, "hints": {"allow": ["DELETE"]}},
        }),
    };
    let auth = json!({"type": "HEADER", "key": record.auth_scheme.key});
    let mut shown = json!({
        "id": id,
        "status": record.status,
        "name": record.name,
        "type": record.hook_type,
        "version": record.version,
        "channel": {
            "type": "WASM",
            "version": "1.0.0",
            "config": {
                "pluginId": record.plugin_id,
                "settings": record.settings,
                "limits": record.limits,
                "failurePolicy": record.failure_policy,
                "recordBodies": record.record_bodies,
                "authScheme": auth,
            }
        },
        // What to register in Okta: this channel, with authScheme.value set
        // to the secret given to Hookwarden.
        "oktaChannel": {
            "type": "HTTP",
            "version": "1.0.0",
            "config": {
                "uri": format!("{public_url}/hooks/{id}"),
                "headers": [],
                "method": "POST",
                "authScheme": auth,
            }
        },
        "created": record.created,
        "lastUpdated": record.last_updated,
        "_links": links,
    });
    if let Some(error) = load_error {
        shown["_hookwarden"] = json!({"loadError": error});
    }
    shown
}

/// Collects one error cause per bad field.
#[derive(Default)]
struct Causes(Vec<(String, String)>);

impl Causes {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_owned(), message.into()));
    }

    fn into_error(self) -> Option<ApiError> {
        if self.0.is_empty() {
            return None;
        }
        let subject = match self.0.as_slice() {
            [(field, _)] => field.clone(),
            _ => "inlineHook".to_owned(),
        };
        Some(ApiError::Validation {
            subject,
            causes: self
                .0
                .into_iter()
                .map(|(f, m)| format!("{f}: {m}"))
                .collect(),
        })
    }
}

fn parse_json_body(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(obj)) => Ok(obj),
        Ok(_) => Err(ApiError::MalformedJson(
            "the body must be a JSON object".into(),
        )),
        Err(e) => Err(ApiError::MalformedJson(e.to_string())),
    }
}

fn object<'a>(
    parent: &'a Map<String, Value>,
    key: &str,
    field: &str,
    required: bool,
    causes: &mut Causes,
) -> Option<&'a Map<String, Value>> {
    match parent.get(key) {
        Some(Value::Object(o)) => Some(o),
        None | Some(Value::Null) if !required => None,
        None | Some(Value::Null) => {
            causes.add(field, "is required");
            None
        }
        Some(_) => {
            causes.add(field, "must be an object");
            None
        }
    }
}

fn string<'a>(
    parent: &'a Map<String, Value>,
    key: &str,
    field: &str,
    required: bool,
    causes: &mut Causes,
) -> Option<&'a str> {
    match parent.get(key) {
        Some(Value::String(s)) => Some(s),
        None | Some(Value::Null) if !required => None,
        None | Some(Value::Null) => {
            causes.add(field, "is required");
            None
        }
        Some(_) => {
            causes.add(field, "must be a string");
            None
        }
    }
}

fn settings(config: &Map<String, Value>, causes: &mut Causes) -> Settings {
    let mut out = Settings::new();
    let Some(obj) = object(config, "settings", "channel.config.settings", false, causes) else {
        return out;
    };
    if obj.len() > MAX_SETTINGS {
        causes.add(
            "channel.config.settings",
            format!("at most {MAX_SETTINGS} settings"),
        );
    }
    for (key, value) in obj {
        let field = format!("channel.config.settings.{key}");
        let key_ok = !key.is_empty()
            && key.chars().count() <= MAX_SETTING_KEY_CHARS
            && key.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':' | '/' | '~')
            });
        if !key_ok {
            causes.add(
                &field,
                format!(
                    "keys are 1 to {MAX_SETTING_KEY_CHARS} characters of A-Z a-z 0-9 . _ - : / ~"
                ),
            );
            continue;
        }
        match value {
            Value::String(v) if v.len() <= MAX_SETTING_VALUE_BYTES => {
                out.insert(key.clone(), v.clone());
            }
            Value::String(_) => causes.add(
                &field,
                format!("must be at most {MAX_SETTING_VALUE_BYTES} bytes"),
            ),
            _ => causes.add(&field, "must be a string"),
        }
    }
    out
}

fn limits(config: &Map<String, Value>, state: &AppState, causes: &mut Causes) -> LimitOverrides {
    const FIELD: &str = "channel.config.limits";
    let Some(value) = config.get("limits").filter(|v| !v.is_null()) else {
        return LimitOverrides::default();
    };
    match serde_json::from_value::<LimitOverrides>(value.clone()) {
        Ok(overrides) => {
            if let Err(e) = overrides.resolve(state.registry.default_limits()) {
                causes.add(FIELD, e.to_string());
            }
            overrides
        }
        Err(e) => {
            causes.add(
                FIELD,
                format!("must be an object with optional positive integers timeBudgetMs, fuel, memoryBytes ({e})"),
            );
            LimitOverrides::default()
        }
    }
}

fn failure_policy(config: &Map<String, Value>, causes: &mut Causes) -> FailurePolicy {
    let Some(obj) = object(
        config,
        "failurePolicy",
        "channel.config.failurePolicy",
        false,
        causes,
    ) else {
        return FailurePolicy::default();
    };
    for key in obj.keys().filter(|k| *k != "registrationMessage") {
        causes.add(
            &format!("channel.config.failurePolicy.{key}"),
            "is not a failure-policy option (known: registrationMessage)",
        );
    }
    let field = "channel.config.failurePolicy.registrationMessage";
    let message = string(obj, "registrationMessage", field, false, causes);
    if let Some(m) = message
        && (m.trim().is_empty() || m.chars().count() > MAX_MESSAGE_CHARS)
    {
        causes.add(
            field,
            format!("must be 1 to {MAX_MESSAGE_CHARS} characters"),
        );
    }
    FailurePolicy {
        registration_message: message.map(str::to_owned),
    }
}

/// The auth header name and, when given, the secret.
fn auth_scheme(
    config: &Map<String, Value>,
    secret_required: bool,
    causes: &mut Causes,
) -> (String, Option<String>) {
    const FIELD: &str = "channel.config.authScheme";
    let Some(obj) = object(config, "authScheme", FIELD, true, causes) else {
        return (String::new(), None);
    };
    match string(obj, "type", "channel.config.authScheme.type", true, causes) {
        Some(t) if t.eq_ignore_ascii_case("HEADER") => {}
        Some(_) => causes.add("channel.config.authScheme.type", "must be HEADER"),
        None => {}
    }
    let key = string(obj, "key", "channel.config.authScheme.key", true, causes).unwrap_or("");
    if !key.is_empty() && HeaderName::from_bytes(key.as_bytes()).is_err() {
        causes.add(
            "channel.config.authScheme.key",
            "must be a valid HTTP header name",
        );
    }
    let value_field = "channel.config.authScheme.value";
    let value = string(obj, "value", value_field, secret_required, causes);
    if let Some(v) = value {
        let valid = !v.is_empty()
            && v.len() <= MAX_SECRET_BYTES
            && HeaderValue::from_str(v).is_ok_and(|h| h.to_str().is_ok());
        if !valid {
            causes.add(
                value_field,
                format!("must be 1 to {MAX_SECRET_BYTES} visible ASCII characters (it travels in an HTTP header)"),
            );
        }
    }
    (key.to_owned(), value.map(str::to_owned))
}

/// Validates a create or replace body into a [`HookSpec`]. `current` is the
/// hook being replaced.
fn hook_spec(
    body: &Map<String, Value>,
    current: Option<&HookRecord>,
    state: &AppState,
) -> Result<HookSpec, ApiError> {
    let mut causes = Causes::default();
    let name = string(body, "name", "name", true, &mut causes).unwrap_or("");
    if body.get("name").is_some_and(Value::is_string)
        && (name.trim().is_empty() || name.chars().count() > MAX_NAME_CHARS)
    {
        causes.add("name", format!("must be 1 to {MAX_NAME_CHARS} characters"));
    }
    let hook_type = match (
        string(body, "type", "type", current.is_none(), &mut causes),
        current,
    ) {
        (Some(t), None) => t
            .parse::<HookType>()
            .map_err(|e| causes.add("type", e.to_string()))
            .ok(),
        (Some(t), Some(cur)) if t != cur.hook_type.event_type() => {
            causes.add(
                "type",
                format!("cannot be changed (this hook is {})", cur.hook_type),
            );
            None
        }
        (_, Some(cur)) => Some(cur.hook_type),
        (None, None) => None,
    };
    let version = string(body, "version", "version", false, &mut causes).unwrap_or("1.0.0");
    if version.is_empty() || version.len() > 64 {
        causes.add("version", "must be 1 to 64 characters");
    }
    let mut plugin_id = String::new();
    let mut spec_parts = None;
    if let Some(channel) = object(body, "channel", "channel", true, &mut causes) {
        match string(channel, "type", "channel.type", true, &mut causes) {
            Some("WASM") | None => {}
            Some(other) => causes.add(
                "channel.type",
                format!("must be WASM (Hookwarden runs hooks as WebAssembly plugins), not {other}"),
            ),
        }
        if let Some(config) = object(channel, "config", "channel.config", true, &mut causes) {
            match string(
                config,
                "pluginId",
                "channel.config.pluginId",
                true,
                &mut causes,
            ) {
                Some(id) if state.registry.plugin(id).is_none() => causes.add(
                    "channel.config.pluginId",
                    format!("no plugin with id {id}; upload it to /api/v1/plugins first"),
                ),
                Some(id) => plugin_id = id.to_owned(),
                None => {}
            }
            let settings = settings(config, &mut causes);
            let limits = limits(config, state, &mut causes);
            let failure_policy = failure_policy(config, &mut causes);
            let record_bodies = match config.get("recordBodies") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => {
                    causes.add("channel.config.recordBodies", "must be true or false");
                    false
                }
            };
            let (auth_key, auth_secret) = auth_scheme(config, current.is_none(), &mut causes);
            spec_parts = Some((
                settings,
                limits,
                failure_policy,
                record_bodies,
                auth_key,
                auth_secret,
            ));
        }
    }
    if let Some(error) = causes.into_error() {
        return Err(error);
    }
    let (
        Some(hook_type),
        Some((settings, limits, failure_policy, record_bodies, auth_key, auth_secret)),
    ) = (hook_type, spec_parts)
    else {
        return Err(ApiError::invalid("inlineHook", "is incomplete"));
    };
    Ok(HookSpec {
        name: name.to_owned(),
        version: version.to_owned(),
        hook_type,
        plugin_id,
        settings,
        limits,
        failure_policy,
        auth_key,
        auth_secret,
        record_bodies,
    })
}

/// A hook body: `application/json`, within the size and time limits, an object.
async fn json_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Map<String, Value>, ApiError> {
    super::require_content_type(headers, "application/json")?;
    let bytes = read_body(
        body,
        state.config.max_body_bytes,
        state.config.upload_timeout,
    )
    .await?;
    parse_json_body(&bytes)
}

fn shown(state: &AppState, record: &HookRecord) -> Json<Value> {
    Json(representation(record, None, &state.config.public_url))
}

/// `POST /api/v1/inlineHooks`: creates an ACTIVE hook; answers 200.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let body = json_body(&state, &headers, body).await?;
    let spec = hook_spec(&body, None, &state)?;
    let record = state.registry.create_hook(spec).await?;
    tracing::info!(hook = %record.id, r#type = %record.hook_type, "inline hook created");
    Ok(shown(&state, &record))
}

/// `GET /api/v1/inlineHooks[?type=...]`.
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let filter = match query.get("type") {
        None => None,
        Some(t) => Some(
            t.parse::<HookType>()
                .map_err(|e| ApiError::invalid("type", e))?,
        ),
    };
    let hooks = state
        .registry
        .records()
        .into_iter()
        .filter(|(record, _)| filter.is_none_or(|t| record.hook_type == t))
        .map(|(record, error)| representation(&record, error.as_deref(), &state.config.public_url))
        .collect();
    Ok(Json(hooks))
}

/// The stored hook `id`, with its load error if it failed to load.
fn current(state: &AppState, id: &str) -> Result<(HookRecord, Option<String>), ApiError> {
    state
        .registry
        .stored_hook(id)
        .ok_or_else(|| ApiError::hook_not_found(id))
}

/// `GET /api/v1/inlineHooks/{id}`.
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (record, load_error) = current(&state, &id)?;
    Ok(Json(representation(
        &record,
        load_error.as_deref(),
        &state.config.public_url,
    )))
}

/// `PUT` (or `POST`) `/api/v1/inlineHooks/{id}`: full replacement; `type`
/// is immutable and `status` is ignored. The next call uses the new version;
/// calls in flight finish with the old one.
pub async fn replace(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let (existing, _) = current(&state, &id)?;
    let body = json_body(&state, &headers, body).await?;
    let spec = hook_spec(&body, Some(&existing), &state)?;
    let record = state.registry.replace_hook(&id, spec).await?;
    tracing::info!(hook = %id, plugin = %record.plugin_id, "inline hook replaced");
    Ok(shown(&state, &record))
}

/// Sets a hook's status and answers with the hook.
async fn set_status(
    state: &AppState,
    id: &str,
    status: HookStatus,
) -> Result<Json<Value>, ApiError> {
    let record = state.registry.set_hook_status(id, status).await?;
    tracing::info!(hook = %id, status = ?status, "inline hook status set");
    Ok(shown(state, &record))
}

/// `POST /api/v1/inlineHooks/{id}/lifecycle/activate`.
pub async fn activate(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    set_status(&state, &id, HookStatus::Active).await
}

/// `POST /api/v1/inlineHooks/{id}/lifecycle/deactivate`.
pub async fn deactivate(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    set_status(&state, &id, HookStatus::Inactive).await
}

/// `DELETE /api/v1/inlineHooks/{id}`: only INACTIVE hooks; answers 204.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.registry.delete_hook(&id).await?;
    tracing::info!(hook = %id, "inline hook deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Why an execution failed, as error causes.
fn failure_causes(execution: &Execution) -> Vec<String> {
    let mut causes = vec![format!("outcome: {}", execution.outcome.as_str())];
    if let Some(reason) = &execution.reason {
        causes.push(format!("reason: {reason}"));
    }
    for finding in &execution.findings {
        causes.push(format!("{}: {}", finding.location, finding.message));
    }
    causes.push(format!("safeAnswer: {}", execution.reply.body()));
    causes
}

/// `POST /api/v1/inlineHooks/{id}/execute`: runs the hook's plugin on the
/// body exactly as `/hooks/{id}` would (whatever the hook's status) and
/// returns its answer, or 400 `E0000135` saying how it failed.
pub async fn execute(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let arrived = std::time::Instant::now();
    let hook = state
        .registry
        .hook(&id)
        .ok_or_else(|| ApiError::hook_not_found(&id))?;
    let bytes = read_body(
        body,
        state.config.max_body_bytes,
        state.config.body_timeout.min(hook.run.limits.time_budget()),
    )
    .await?;
    let answer = state
        .pipeline
        .call(&hook.run, Source::Execute, &bytes, arrived)
        .await?;
    if let Answer::Ran(execution) = &answer
        && execution.outcome != Outcome::Ok
    {
        return Err(ApiError::HookFailed(failure_causes(execution)));
    }
    Ok(answer_response(&answer))
}
