//! Typed models of Okta's `data` object, one per hook type.
//!
//! Reach them through the accessors on [`Request`](crate::Request)
//! ([`token_data`](crate::Request::token_data),
//! [`saml_data`](crate::Request::saml_data), ...). Each model's page has a
//! complete example handler for its hook type.
//!
//! The models follow Okta's documented requests but are lenient, because
//! Okta adds members over time and leaves some out depending on the flow:
//! unknown members are ignored, every member may be missing (`Option`, or
//! empty for lists and maps), and `null` is treated like a missing member.
//! Open-ended attribute sets (user profiles, token claims) are kept as JSON
//! maps ([`Profile`], [`Claims`]). When you need a member the models do not
//! have, read [`Request::data_value`](crate::Request::data_value) or
//! [`Request::data_as`](crate::Request::data_as).

mod import;
mod password_import;
mod registration;
mod saml;
mod telephony;
mod token;

pub use import::{
    AppUser, Application, ImportAction, ImportContext, ImportData, ImportJob, ImportUser,
};
pub use password_import::{
    CredentialAction, PasswordCredential, PasswordImportContext, PasswordImportData,
};
pub use registration::{RegistrationContext, RegistrationData};
pub use saml::{
    Assertion, Authentication, AuthnContext, Conditions, ConfirmationData, SamlAttributeValue,
    SamlClaim, SamlContext, SamlData, SamlProtocol, Subject, SubjectConfirmation,
};
pub use telephony::{MessageProfile, TelephonyContext, TelephonyData, TelephonyUserProfile};
pub use token::{
    AccessToken, IdentityToken, OAuthClient, OAuthProtocol, OAuthRequest, PolicyRule, RefreshToken,
    Scope, TokenContext, TokenData, TokenInfo, TokenPolicy,
};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// Token claims or SAML attribute attributes: an open-ended JSON object.
pub type Claims = Map<String, Value>;

/// Deserializes `null` as the type's default (empty list, empty map, ...).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A user profile: attribute name to JSON value, e.g. `login`, `firstName`,
/// `email`, and whatever custom attributes the org defines.
///
/// It dereferences to a [`serde_json::Map`], so every map method works;
/// [`get_str`](Profile::get_str) reads string attributes.
///
/// ```
/// use hookwarden_guest::data::Profile;
/// use serde_json::json;
///
/// let profile: Profile = serde_json::from_value(json!({"email": "a@example.com", "age": 7}))?;
/// assert_eq!(profile.get_str("email"), Some("a@example.com"));
/// assert_eq!(profile.get_str("age"), None); // not a string
/// assert_eq!(profile["age"], 7);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Profile(#[serde(deserialize_with = "null_as_default")] pub Map<String, Value>);

impl Profile {
    /// The attribute `name` if it is a JSON string.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }
}

impl std::ops::Deref for Profile {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Map<String, Value> {
        &self.0
    }
}

impl std::ops::DerefMut for Profile {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl From<Map<String, Value>> for Profile {
    fn from(map: Map<String, Value>) -> Profile {
        Profile(map)
    }
}

/// `data.context.request`: the end-user or API request that made Okta call
/// the hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RequestContext {
    /// Okta's request id, e.g. `reqv66CbCaCStGEFc8AdfS0ng`.
    pub id: Option<String>,
    /// HTTP method, e.g. `GET`.
    pub method: Option<String>,
    /// The requested URL, with its query string.
    pub url: Option<Url>,
    /// The client's IP address.
    pub ip_address: Option<String>,
}

/// A URL as Okta wraps it: `{"value": "..."}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Url {
    /// The URL (absolute, or a path such as `/idp/idx/enroll/new`).
    pub value: Option<String>,
}

/// `data.context.user`: the Okta user the flow is about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct User {
    /// The user's id, e.g. `00uq8tMo3zV0OfJON0g3`.
    pub id: Option<String>,
    /// When the password last changed (ISO-8601).
    pub password_changed: Option<String>,
    /// The user's profile attributes.
    pub profile: Profile,
    /// Okta's `_links` (`groups`, `factors`), as JSON.
    #[serde(rename = "_links")]
    pub links: Option<Value>,
}

/// `data.context.session`: the user's Okta session (token and SAML hooks).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Session {
    /// Session id.
    pub id: Option<String>,
    /// The signed-in user's id.
    pub user_id: Option<String>,
    /// The signed-in user's login.
    pub login: Option<String>,
    /// Creation time (ISO-8601).
    pub created_at: Option<String>,
    /// Expiry time (ISO-8601).
    pub expires_at: Option<String>,
    /// Session status, e.g. `ACTIVE`.
    pub status: Option<String>,
    /// Last password verification (ISO-8601).
    pub last_password_verification: Option<String>,
    /// Last factor verification (ISO-8601).
    pub last_factor_verification: Option<String>,
    /// Authentication methods used, e.g. `["PASSWORD"]`.
    #[serde(deserialize_with = "null_as_default")]
    pub amr: Vec<String>,
    /// The identity provider that authenticated the user.
    pub idp: Option<SessionIdp>,
    /// Whether MFA is active for the session.
    pub mfa_active: Option<bool>,
}

/// `session.idp`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionIdp {
    /// Identity provider id.
    pub id: Option<String>,
    /// Identity provider type, e.g. `OKTA`.
    #[serde(rename = "type")]
    pub idp_type: Option<String>,
}

/// An issuer: the authorization server (token hooks, only `uri`) or the
/// SAML app (SAML hooks).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Issuer {
    /// App id (SAML).
    pub id: Option<String>,
    /// App name (SAML).
    pub name: Option<String>,
    /// Issuer URI.
    pub uri: Option<String>,
}

/// A token or assertion lifetime.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Lifetime {
    /// Lifetime in seconds.
    pub expiration: Option<u64>,
}
