//! The admin API's wire format, declared once: what `/api/v1/inlineHooks`
//! and `/api/v1/plugins` accept and answer.
//!
//! The server ([`crate::server::api`]) parses request bodies into
//! [`HookBody`] and answers with [`InlineHook`], [`Plugin`] and, on
//! failure, [`OktaError`]; the command line ([`crate::cli::client`])
//! builds its requests as [`HookBody`] and reads the answers into the same
//! types to show them. This module depends on no part of the server.
//!
//! A request is read leniently, member by member ([`Field`]), so that
//! [`HookBody::validate`], the one place where a hook body is checked,
//! reports every bad member at once, each as Okta's `"<field>: <message>"`,
//! and turns a good body into the registry's [`HookSpec`]. As in Okta's API,
//! members this schema does not know are ignored (`status`, `id`, `_links`,
//! ... of a hook sent back as it was fetched), member names are
//! case-sensitive, and an absent member and `null` mean the same.
//!
//! The auth secret ([`Secret`]) only ever travels in a request: no answer
//! type has a member for it, and its `Debug` output is `<redacted>`.

use crate::hook_type::HookType;
use crate::limits::{LimitOverrides, Limits};
use crate::policy::FailurePolicy;
use crate::registry::HookSpec;
use crate::store::Settings;
use crate::store::{HookRecord, HookStatus, PluginRecord};
use axum::http::{HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Longest hook name, as Okta: 255 characters.
pub(crate) const MAX_NAME_CHARS: usize = 255;
/// Most settings per hook: 256.
pub(crate) const MAX_SETTINGS: usize = 256;
/// Longest setting key: 128 characters of `A-Z a-z 0-9 . _ - : / ~`
/// (`/` and `~` for namespaced claim names such as
/// `access.https://example.com/roles`).
pub(crate) const MAX_SETTING_KEY_CHARS: usize = 128;
/// Longest setting value: 8 KiB.
pub(crate) const MAX_SETTING_VALUE_BYTES: usize = 8192;
/// Longest auth secret: 1024 bytes.
pub(crate) const MAX_SECRET_BYTES: usize = 1024;
/// Longest registration failure message: 1024 characters.
pub(crate) const MAX_MESSAGE_CHARS: usize = 1024;
/// Longest hook version string: 64 bytes.
pub(crate) const MAX_VERSION_BYTES: usize = 64;
/// The channel type of a Hookwarden hook.
pub(crate) const WASM_CHANNEL: &str = "WASM";
/// The version of both channels: `1.0.0`.
pub(crate) const CHANNEL_VERSION: &str = "1.0.0";
/// The only auth scheme type (compared ignoring ASCII case on input).
pub(crate) const HEADER_SCHEME: &str = "HEADER";

// --- Reading members leniently -----------------------------------------------

/// One member of a request body, read without failing: absent (or `null`),
/// given with the expected type, or given with another.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Field<T> {
    /// Absent or `null`.
    #[default]
    Absent,
    /// Given, of the expected type.
    Given(T),
    /// Given, of another type: the value, and what reading it said.
    Invalid {
        /// The value as sent.
        value: Value,
        /// Why it is not a `T` (the deserializer's message).
        error: String,
    },
}

/// What JSON a [`Field`] accepts before trying to read it as its type:
/// objects for the schema's structs (serde would also read a struct from an
/// array), anything for the rest.
pub(crate) trait Wire: DeserializeOwned {
    /// Whether `value` may be read as `Self`.
    fn accepts(_value: &Value) -> bool {
        true
    }
}

impl Wire for String {}
impl Wire for bool {}
impl Wire for LimitOverrides {}
impl<T: DeserializeOwned> Wire for Entries<T> {}

impl<T> Field<T> {
    /// Whether the member is absent (or `null`).
    pub(crate) fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// The value, if given with the expected type.
    pub fn given(&self) -> Option<&T> {
        match self {
            Field::Given(t) => Some(t),
            _ => None,
        }
    }
}

impl<'de, T: Wire> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if value.is_null() {
            return Ok(Field::Absent);
        }
        if !T::accepts(&value) {
            return Ok(Field::Invalid {
                value,
                error: "not an object".into(),
            });
        }
        Ok(match serde_json::from_value::<T>(value.clone()) {
            Ok(t) => Field::Given(t),
            Err(e) => Field::Invalid {
                value,
                error: e.to_string(),
            },
        })
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Absent => serializer.serialize_none(),
            Field::Given(t) => t.serialize(serializer),
            Field::Invalid { value, .. } => value.serialize(serializer),
        }
    }
}

/// An object's members in the order they were sent (so causes follow the
/// body), each read as a `T`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Entries<T>(pub Vec<(String, T)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Entries<T>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

impl<T: Serialize> Serialize for Entries<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// The hook's auth secret: the header value Okta sends. Write-only: it is
/// sent in create and replace bodies and never answered; `Debug` shows
/// `<redacted>`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(secret.into())
    }

    /// The secret itself.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Wire for Secret {}

// --- Requests ---------------------------------------------------------------

/// The body of `POST /api/v1/inlineHooks` (create) and `PUT` (or `POST`)
/// `/api/v1/inlineHooks/{id}` (full replacement).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct HookBody {
    /// Required: 1 to [`MAX_NAME_CHARS`] characters, not only blanks.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    /// Required on create: an Okta event type (or a short name such as
    /// `token`). On replace, optional and must be the hook's type.
    #[serde(rename = "type", skip_serializing_if = "Field::is_absent")]
    pub hook_type: Field<String>,
    /// Optional: 1 to [`MAX_VERSION_BYTES`] bytes. Default `1.0.0`.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub version: Field<String>,
    /// Required.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub channel: Field<ChannelBody>,
}

/// `channel` of a [`HookBody`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct ChannelBody {
    /// Required: `WASM`.
    #[serde(rename = "type", skip_serializing_if = "Field::is_absent")]
    pub channel_type: Field<String>,
    /// Ignored (always `1.0.0`).
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub version: Field<String>,
    /// Required.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub config: Field<ConfigBody>,
}

/// `channel.config` of a [`HookBody`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct ConfigBody {
    /// Required: a registered plugin's id.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub plugin_id: Field<String>,
    /// Optional: at most [`MAX_SETTINGS`] string values.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub settings: Field<Entries<Field<String>>>,
    /// Optional overrides of the server's default limits.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub limits: Field<LimitOverrides>,
    /// Optional.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub failure_policy: Field<FailurePolicyBody>,
    /// Optional: `true` or `false`. Default `false`.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub record_bodies: Field<bool>,
    /// Required.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub auth_scheme: Field<AuthSchemeBody>,
}

/// `channel.config.failurePolicy` of a [`HookBody`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct FailurePolicyBody {
    /// Registration hooks: 1 to [`MAX_MESSAGE_CHARS`] characters.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub registration_message: Field<String>,
    /// Any other member (each one is refused).
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// `channel.config.authScheme` of a [`HookBody`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct AuthSchemeBody {
    /// Required: `HEADER` (in any case).
    #[serde(rename = "type", skip_serializing_if = "Field::is_absent")]
    pub scheme_type: Field<String>,
    /// Required: the header's name.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub key: Field<String>,
    /// The secret: required on create; on replace, absent keeps the
    /// current one.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub value: Field<Secret>,
}

macro_rules! objects_only {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            fn accepts(value: &Value) -> bool {
                value.is_object()
            }
        }
    )*};
}
objects_only!(ChannelBody, ConfigBody, FailurePolicyBody, AuthSchemeBody);

/// A body that failed validation: Okta's `E0000001`, `Api validation
/// failed: <subject>` with one `"<field>: <message>"` cause per problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The single bad field, or `inlineHook` when there are several.
    pub subject: String,
    /// One `"<field>: <message>"` per problem, in the body's order.
    pub causes: Vec<String>,
}

/// Collects one error cause per bad field.
#[derive(Default)]
struct Causes(Vec<(String, String)>);

impl Causes {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_owned(), message.into()));
    }

    fn into_error(self) -> Option<Invalid> {
        if self.0.is_empty() {
            return None;
        }
        let subject = match self.0.as_slice() {
            [(field, _)] => field.clone(),
            _ => "inlineHook".to_owned(),
        };
        Some(Invalid {
            subject,
            causes: self
                .0
                .into_iter()
                .map(|(f, m)| format!("{f}: {m}"))
                .collect(),
        })
    }

    /// The value of a member that must be an object; `None`, with a cause
    /// when it is required or of another type, otherwise.
    fn object<'a, T>(&mut self, field: &'a Field<T>, name: &str, required: bool) -> Option<&'a T> {
        self.member(field, name, required, "must be an object")
    }

    /// The same for a string member.
    fn string<'a>(
        &mut self,
        field: &'a Field<String>,
        name: &str,
        required: bool,
    ) -> Option<&'a str> {
        self.member(field, name, required, "must be a string")
            .map(String::as_str)
    }

    fn member<'a, T>(
        &mut self,
        field: &'a Field<T>,
        name: &str,
        required: bool,
        wrong_type: &str,
    ) -> Option<&'a T> {
        match field {
            Field::Given(t) => Some(t),
            Field::Absent if !required => None,
            Field::Absent => {
                self.add(name, "is required");
                None
            }
            Field::Invalid { .. } => {
                self.add(name, wrong_type);
                None
            }
        }
    }
}

/// What [`HookBody::validate`] checks a body against.
pub(crate) struct Context<'a> {
    /// The type of the hook being replaced; `None` for a create.
    pub replacing: Option<HookType>,
    /// The limits a hook's overrides apply to (and are checked with).
    pub default_limits: Limits,
    /// Whether a plugin with this id is registered.
    pub plugin_exists: &'a dyn Fn(&str) -> bool,
}

impl HookBody {
    /// Reads a body that is already known to be a JSON object. Never fails
    /// on a member's type (see [`Field`]).
    ///
    /// # Errors
    ///
    /// Only what cannot happen for an object (kept as a message).
    pub(crate) fn from_object(object: Map<String, Value>) -> Result<HookBody, String> {
        serde_json::from_value(Value::Object(object)).map_err(|e| e.to_string())
    }

    /// Checks every member and makes the [`HookSpec`] to create or replace
    /// a hook with.
    ///
    /// # Errors
    ///
    /// [`Invalid`] with one cause per bad member.
    pub(crate) fn validate(&self, context: &Context<'_>) -> Result<HookSpec, Invalid> {
        let mut causes = Causes::default();
        let creating = context.replacing.is_none();
        let name = causes.string(&self.name, "name", true).unwrap_or("");
        if self.name.given().is_some()
            && (name.trim().is_empty() || name.chars().count() > MAX_NAME_CHARS)
        {
            causes.add("name", format!("must be 1 to {MAX_NAME_CHARS} characters"));
        }
        let hook_type = match (
            causes.string(&self.hook_type, "type", creating),
            context.replacing,
        ) {
            (Some(t), None) => t
                .parse::<HookType>()
                .map_err(|e| causes.add("type", e.to_string()))
                .ok(),
            (Some(t), Some(current)) if t != current.event_type() => {
                causes.add(
                    "type",
                    format!("cannot be changed (this hook is {current})"),
                );
                None
            }
            (_, Some(current)) => Some(current),
            (None, None) => None,
        };
        let version = causes
            .string(&self.version, "version", false)
            .unwrap_or(CHANNEL_VERSION);
        if version.is_empty() || version.len() > MAX_VERSION_BYTES {
            causes.add(
                "version",
                format!("must be 1 to {MAX_VERSION_BYTES} characters"),
            );
        }
        let mut plugin_id = String::new();
        let mut parts = None;
        if let Some(channel) = causes.object(&self.channel, "channel", true) {
            match causes.string(&channel.channel_type, "channel.type", true) {
                Some(WASM_CHANNEL) | None => {}
                Some(other) => causes.add(
                    "channel.type",
                    format!(
                        "must be WASM (Hookwarden runs hooks as WebAssembly plugins), not {other}"
                    ),
                ),
            }
            if let Some(config) = causes.object(&channel.config, "channel.config", true) {
                match causes.string(&config.plugin_id, "channel.config.pluginId", true) {
                    Some(id) if !(context.plugin_exists)(id) => causes.add(
                        "channel.config.pluginId",
                        format!("no plugin with id {id}; upload it to /api/v1/plugins first"),
                    ),
                    Some(id) => plugin_id = id.to_owned(),
                    None => {}
                }
                let settings = settings(config, &mut causes);
                let limits = limits(config, context.default_limits, &mut causes);
                let failure_policy = failure_policy(config, &mut causes);
                let record_bodies = match &config.record_bodies {
                    Field::Absent => false,
                    Field::Given(b) => *b,
                    Field::Invalid { .. } => {
                        causes.add("channel.config.recordBodies", "must be true or false");
                        false
                    }
                };
                let (auth_key, auth_secret) = auth_scheme(config, creating, &mut causes);
                parts = Some((
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
        ) = (hook_type, parts)
        else {
            return Err(Invalid {
                subject: "inlineHook".into(),
                causes: vec!["inlineHook: is incomplete".into()],
            });
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
}

fn settings(config: &ConfigBody, causes: &mut Causes) -> Settings {
    let mut out = Settings::new();
    let Some(Entries(entries)) = causes.object(&config.settings, "channel.config.settings", false)
    else {
        return out;
    };
    if entries.len() > MAX_SETTINGS {
        causes.add(
            "channel.config.settings",
            format!("at most {MAX_SETTINGS} settings"),
        );
    }
    for (key, value) in entries {
        let field = format!("channel.config.settings.{key}");
        if let Err(e) = check_setting_key(key) {
            causes.add(&field, e);
            continue;
        }
        match value {
            Field::Given(v) => match check_setting_value(v) {
                Ok(()) => {
                    out.insert(key.clone(), v.clone());
                }
                Err(e) => causes.add(&field, e),
            },
            // `null` is no string either.
            Field::Absent | Field::Invalid { .. } => causes.add(&field, "must be a string"),
        }
    }
    out
}

/// The rule for a setting's key, wherever settings come from (the admin
/// API, `hookwarden invoke`).
///
/// # Errors
///
/// What a good key is, unless `key` is 1 to [`MAX_SETTING_KEY_CHARS`]
/// characters of `A-Z a-z 0-9 . _ - : / ~`.
pub(crate) fn check_setting_key(key: &str) -> Result<(), String> {
    let ok = !key.is_empty()
        && key.chars().count() <= MAX_SETTING_KEY_CHARS
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':' | '/' | '~'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "keys are 1 to {MAX_SETTING_KEY_CHARS} characters of A-Z a-z 0-9 . _ - : / ~"
        ))
    }
}

/// The rule for a setting's value, wherever settings come from.
///
/// # Errors
///
/// If `value` is longer than [`MAX_SETTING_VALUE_BYTES`].
pub(crate) fn check_setting_value(value: &str) -> Result<(), String> {
    if value.len() <= MAX_SETTING_VALUE_BYTES {
        Ok(())
    } else {
        Err(format!("must be at most {MAX_SETTING_VALUE_BYTES} bytes"))
    }
}

fn limits(config: &ConfigBody, defaults: Limits, causes: &mut Causes) -> LimitOverrides {
    const FIELD: &str = "channel.config.limits";
    match &config.limits {
        Field::Absent => LimitOverrides::default(),
        Field::Given(overrides) => {
            if let Err(e) = overrides.resolve(defaults) {
                causes.add(FIELD, e.to_string());
            }
            *overrides
        }
        Field::Invalid { error, .. } => {
            causes.add(
                FIELD,
                format!("must be an object with optional positive integers timeBudgetMs, fuel, memoryBytes ({error})"),
            );
            LimitOverrides::default()
        }
    }
}

fn failure_policy(config: &ConfigBody, causes: &mut Causes) -> FailurePolicy {
    let Some(policy) = causes.object(
        &config.failure_policy,
        "channel.config.failurePolicy",
        false,
    ) else {
        return FailurePolicy::default();
    };
    for key in policy.unknown.keys() {
        causes.add(
            &format!("channel.config.failurePolicy.{key}"),
            "is not a failure-policy option (known: registrationMessage)",
        );
    }
    let field = "channel.config.failurePolicy.registrationMessage";
    let message = causes.string(&policy.registration_message, field, false);
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
    config: &ConfigBody,
    secret_required: bool,
    causes: &mut Causes,
) -> (String, Option<String>) {
    let Some(scheme) = causes.object(&config.auth_scheme, "channel.config.authScheme", true) else {
        return (String::new(), None);
    };
    match causes.string(&scheme.scheme_type, "channel.config.authScheme.type", true) {
        Some(t) if t.eq_ignore_ascii_case(HEADER_SCHEME) => {}
        Some(_) => causes.add("channel.config.authScheme.type", "must be HEADER"),
        None => {}
    }
    let key = causes
        .string(&scheme.key, "channel.config.authScheme.key", true)
        .unwrap_or("");
    if !key.is_empty() && HeaderName::from_bytes(key.as_bytes()).is_err() {
        causes.add(
            "channel.config.authScheme.key",
            "must be a valid HTTP header name",
        );
    }
    let value_field = "channel.config.authScheme.value";
    let value = causes
        .member(
            &scheme.value,
            value_field,
            secret_required,
            "must be a string",
        )
        .map(Secret::expose);
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

// --- Answers ----------------------------------------------------------------

/// A hook as the API shows it (`GET`, `POST`, `PUT` and the lifecycle
/// calls of `/api/v1/inlineHooks`). It has no member for the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InlineHook {
    /// `cal` and 17 letters and digits.
    pub id: String,
    /// ACTIVE or INACTIVE.
    pub status: HookStatus,
    /// The hook's name.
    pub name: String,
    /// The Okta event type.
    #[serde(rename = "type")]
    pub hook_type: HookType,
    /// The hook object's version string.
    pub version: String,
    /// How Hookwarden runs the hook.
    pub channel: WasmChannel,
    /// What to register in Okta: this channel, with `authScheme.value` set
    /// to the secret given to Hookwarden.
    pub okta_channel: HttpChannel,
    /// Creation time (RFC 3339, milliseconds).
    pub created: String,
    /// Last change (RFC 3339, milliseconds).
    pub last_updated: String,
    /// Okta's links: what can be done with the hook now.
    #[serde(rename = "_links")]
    pub links: Links,
    /// Hookwarden's own members: why a stored hook is not served.
    #[serde(
        rename = "_hookwarden",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub hookwarden: Option<HookwardenInfo>,
}

/// `channel` of an [`InlineHook`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WasmChannel {
    /// `WASM`.
    #[serde(rename = "type")]
    pub channel_type: String,
    /// `1.0.0`.
    pub version: String,
    /// The hook's configuration.
    pub config: WasmConfig,
}

/// `channel.config` of an [`InlineHook`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WasmConfig {
    /// The plugin that handles calls.
    pub plugin_id: String,
    /// Settings passed to the plugin.
    pub settings: Settings,
    /// The hook's overrides of the default limits.
    pub limits: LimitOverrides,
    /// Failure-policy options.
    pub failure_policy: FailurePolicy,
    /// Whether bodies are kept in the journal.
    pub record_bodies: bool,
    /// The auth header (never its value).
    pub auth_scheme: AuthSchemeView,
}

/// An auth scheme as answered: the header's name, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthSchemeView {
    /// `HEADER`.
    #[serde(rename = "type")]
    pub scheme_type: String,
    /// The header Okta sends the secret in.
    pub key: String,
}

/// `oktaChannel` of an [`InlineHook`]: Okta's HTTP channel for this hook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpChannel {
    /// `HTTP`.
    #[serde(rename = "type")]
    pub channel_type: String,
    /// `1.0.0`.
    pub version: String,
    /// Where and how Okta calls.
    pub config: HttpConfig,
}

/// `oktaChannel.config` of an [`InlineHook`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpConfig {
    /// `<public URL>/hooks/<id>`.
    pub uri: String,
    /// Extra headers Okta sends: none.
    pub headers: Vec<Map<String, Value>>,
    /// `POST`.
    pub method: String,
    /// The auth header (its value is the hook's secret).
    pub auth_scheme: AuthSchemeView,
}

/// `_links` of an [`InlineHook`], in Okta's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Links {
    /// INACTIVE hooks: `POST` to serve calls again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activate: Option<Link>,
    /// The hook itself.
    #[serde(rename = "self")]
    pub self_: Link,
    /// ACTIVE hooks: `POST` a request to run the plugin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execute: Option<Link>,
    /// ACTIVE hooks: `POST` to stop serving calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivate: Option<Link>,
    /// INACTIVE hooks (and hooks that failed to load): `DELETE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete: Option<Link>,
}

/// One of Okta's links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The URL.
    pub href: String,
    /// The methods it allows.
    pub hints: Hints,
}

/// `hints` of a [`Link`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hints {
    /// HTTP methods.
    pub allow: Vec<String>,
}

impl Link {
    fn new(href: impl Into<String>, allow: &[&str]) -> Link {
        Link {
            href: href.into(),
            hints: Hints {
                allow: allow.iter().map(|m| (*m).to_owned()).collect(),
            },
        }
    }
}

/// `_hookwarden` of an [`InlineHook`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HookwardenInfo {
    /// Why the stored hook could not be loaded (it is not served).
    pub load_error: String,
}

impl InlineHook {
    /// The hook `record` as the API shows it at `public_url`. A hook that
    /// failed to load when the server started (`load_error`) is shown as
    /// stored, with `_hookwarden.loadError` saying why it is not served,
    /// and links only to itself and its deletion.
    pub(crate) fn from_record(
        record: &HookRecord,
        load_error: Option<&str>,
        public_url: &str,
    ) -> Self {
        let id = &record.id;
        let self_href = format!("{public_url}/api/v1/inlineHooks/{id}");
        let this = Link::new(&self_href, &["GET", "PUT", "DELETE"]);
        let post = |path: &str| Some(Link::new(format!("{self_href}{path}"), &["POST"]));
        let delete = Some(Link::new(&self_href, &["DELETE"]));
        let links = match record.status {
            _ if load_error.is_some() => Links {
                self_: this,
                delete,
                ..Links::default_for(&self_href)
            },
            HookStatus::Active => Links {
                self_: this,
                execute: post("/execute"),
                deactivate: post("/lifecycle/deactivate"),
                ..Links::default_for(&self_href)
            },
            HookStatus::Inactive => Links {
                activate: post("/lifecycle/activate"),
                self_: this,
                delete,
                ..Links::default_for(&self_href)
            },
        };
        let auth = AuthSchemeView {
            scheme_type: HEADER_SCHEME.into(),
            key: record.auth_scheme.key.clone(),
        };
        InlineHook {
            id: id.clone(),
            status: record.status,
            name: record.name.clone(),
            hook_type: record.hook_type,
            version: record.version.clone(),
            channel: WasmChannel {
                channel_type: WASM_CHANNEL.into(),
                version: CHANNEL_VERSION.into(),
                config: WasmConfig {
                    plugin_id: record.plugin_id.clone(),
                    settings: record.settings.clone(),
                    limits: record.limits,
                    failure_policy: record.failure_policy.clone(),
                    record_bodies: record.record_bodies,
                    auth_scheme: auth.clone(),
                },
            },
            okta_channel: HttpChannel {
                channel_type: "HTTP".into(),
                version: CHANNEL_VERSION.into(),
                config: HttpConfig {
                    uri: format!("{public_url}/hooks/{id}"),
                    headers: Vec::new(),
                    method: "POST".into(),
                    auth_scheme: auth,
                },
            },
            created: record.created.clone(),
            last_updated: record.last_updated.clone(),
            links,
            hookwarden: load_error.map(|e| HookwardenInfo {
                load_error: e.to_owned(),
            }),
        }
    }

    /// Why the hook is not served, if it failed to load.
    pub(crate) fn load_error(&self) -> Option<&str> {
        self.hookwarden.as_ref().map(|h| h.load_error.as_str())
    }
}

impl Links {
    /// Only `self` (the base the other constructors fill in).
    fn default_for(self_href: &str) -> Links {
        Links {
            activate: None,
            self_: Link::new(self_href, &["GET", "PUT", "DELETE"]),
            execute: None,
            deactivate: None,
            delete: None,
        }
    }
}

/// A plugin as the API shows it (`/api/v1/plugins`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plugin {
    /// `sha256:<hex>` of the component's bytes.
    pub id: String,
    /// Size of the component in bytes.
    pub size: u64,
    /// When it was first uploaded (RFC 3339, milliseconds).
    pub created: String,
    /// The WIT world it implements.
    pub world: String,
}

impl From<PluginRecord> for Plugin {
    fn from(record: PluginRecord) -> Self {
        let PluginRecord {
            id,
            size,
            created,
            world,
        } = record;
        Plugin {
            id,
            size,
            created,
            world,
        }
    }
}

/// Okta's error object, the body of every error answer:
/// `{errorCode, errorSummary, errorLink, errorId, errorCauses}`. Made by
/// `server::error` (the one place errors become responses) and read by
/// the command line, which needs only `errorSummary` (the other members
/// default to empty when a server leaves them out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OktaError {
    /// E.g. `E0000007`.
    #[serde(default)]
    pub error_code: String,
    /// The headline.
    pub error_summary: String,
    /// Same value as `error_code`, as Okta sends it.
    #[serde(default)]
    pub error_link: String,
    /// An opaque id for this occurrence, to quote in logs and support.
    #[serde(default)]
    pub error_id: String,
    /// Details.
    #[serde(default)]
    pub error_causes: Vec<ErrorCause>,
}

/// One entry of `errorCauses` of an [`OktaError`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorCause {
    /// The cause in words, Okta style: `"<field>: <message>"`.
    pub error_summary: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn exists(id: &str) -> bool {
        id == "sha256:aa"
    }

    fn context(replacing: Option<HookType>) -> Context<'static> {
        Context {
            replacing,
            default_limits: Limits::default(),
            plugin_exists: &exists,
        }
    }

    fn body(value: Value) -> HookBody {
        let Value::Object(object) = value else {
            panic!("an object")
        };
        HookBody::from_object(object).unwrap()
    }

    fn good() -> Value {
        json!({
            "name": "n", "type": "token", "status": "INACTIVE",
            "channel": {"type": "WASM", "version": "1.0.0", "config": {
                "pluginId": "sha256:aa", "settings": {"b": "2", "a": "1"},
                "limits": {"fuel": 5}, "failurePolicy": {"registrationMessage": "m"},
                "recordBodies": true,
                "authScheme": {"type": "header", "key": "X-Key", "value": "Basic s3cret"}
            }}
        })
    }

    #[test]
    fn a_good_body_validates_into_a_spec_ignoring_unknown_members() {
        let spec = body(good()).validate(&context(None)).unwrap();
        assert_eq!(spec.name, "n");
        assert_eq!(spec.version, "1.0.0", "the default version");
        assert_eq!(spec.hook_type, HookType::Token);
        assert_eq!(spec.settings.len(), 2);
        assert_eq!(spec.limits.fuel, Some(5));
        assert_eq!(
            spec.failure_policy.registration_message.as_deref(),
            Some("m")
        );
        assert!(spec.record_bodies);
        assert_eq!(spec.auth_key, "X-Key");
        assert_eq!(spec.auth_secret.as_deref(), Some("Basic s3cret"));
    }

    #[test]
    fn a_body_round_trips_and_its_debug_output_hides_the_secret() {
        let parsed = body(good());
        let sent = serde_json::to_value(&parsed).unwrap();
        let mut expected = good();
        expected.as_object_mut().unwrap().remove("status");
        assert_eq!(
            sent, expected,
            "what is read is what is sent, unknown members aside"
        );
        assert_eq!(body(sent), parsed);
        let shown = format!("{parsed:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
    }

    #[test]
    fn every_bad_member_is_one_cause_in_the_bodys_order() {
        let error = body(json!({
            "name": 5, "type": "nope", "version": "",
            "channel": {"type": "HTTP", "config": {
                "pluginId": "sha256:bb", "settings": {"ok": "1", "bad key": "2", "n": null},
                "limits": {"timeBudgetMs": 2801}, "failurePolicy": {"other": 1},
                "recordBodies": "yes", "authScheme": {"type": "BASIC", "key": "bad key", "value": ""}
            }}
        }))
        .validate(&context(None))
        .unwrap_err();
        assert_eq!(error.subject, "inlineHook");
        let fields: Vec<&str> = error
            .causes
            .iter()
            .map(|c| c.split(": ").next().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "type",
                "version",
                "channel.type",
                "channel.config.pluginId",
                "channel.config.settings.bad key",
                "channel.config.settings.n",
                "channel.config.limits",
                "channel.config.failurePolicy.other",
                "channel.config.recordBodies",
                "channel.config.authScheme.type",
                "channel.config.authScheme.key",
                "channel.config.authScheme.value",
            ]
        );
        assert_eq!(error.causes[0], "name: must be a string");
        assert_eq!(error.causes[1], "type: unknown hook type `nope`");
    }

    #[test]
    fn required_members_and_wrong_types_are_named() {
        let error = body(json!({"name": "n", "type": "token"}))
            .validate(&context(None))
            .unwrap_err();
        assert_eq!(error.subject, "channel");
        assert_eq!(error.causes, ["channel: is required"]);
        let error = body(json!({"name": "n", "type": "token", "channel": []}))
            .validate(&context(None))
            .unwrap_err();
        assert_eq!(error.causes, ["channel: must be an object"]);
        let mut no_secret = good();
        no_secret["channel"]["config"]["authScheme"]
            .as_object_mut()
            .unwrap()
            .remove("value");
        let error = body(no_secret.clone())
            .validate(&context(None))
            .unwrap_err();
        assert_eq!(
            error.causes,
            ["channel.config.authScheme.value: is required"]
        );
        no_secret["type"] = json!(HookType::Token.event_type());
        let replaced = body(no_secret)
            .validate(&context(Some(HookType::Token)))
            .unwrap();
        assert_eq!(replaced.auth_secret, None, "a replace keeps the secret");
        let error = body(good())
            .validate(&context(Some(HookType::Saml)))
            .unwrap_err();
        assert!(
            error.causes[0].starts_with("type: cannot be changed"),
            "{error:?}"
        );
    }

    #[test]
    fn a_hook_answers_with_its_links_and_never_its_secret() {
        let record = HookRecord {
            id: "calX".into(),
            name: "n".into(),
            hook_type: HookType::Token,
            status: HookStatus::Inactive,
            version: "1.0.0".into(),
            created: "2026-01-01T00:00:00.000Z".into(),
            last_updated: "2026-01-01T00:00:00.000Z".into(),
            plugin_id: "sha256:aa".into(),
            settings: Settings::new(),
            limits: LimitOverrides::default(),
            failure_policy: FailurePolicy::default(),
            auth_scheme: crate::store::AuthScheme::new("Authorization", "Basic s3cret"),
            record_bodies: false,
        };
        let hook = InlineHook::from_record(&record, None, "https://h");
        let shown = serde_json::to_value(&hook).unwrap();
        assert!(!shown.to_string().contains("s3cret"));
        let links: Vec<&String> = shown["_links"].as_object().unwrap().keys().collect();
        assert_eq!(links, ["activate", "self", "delete"]);
        assert_eq!(shown["channel"]["config"]["limits"], json!({}));
        assert_eq!(
            shown["oktaChannel"]["config"]["uri"],
            "https://h/hooks/calX"
        );
        let back: InlineHook = serde_json::from_value(shown).unwrap();
        assert_eq!(back, hook);
    }
}
