//! Token hook (`com.okta.oauth2.tokens.transform`).

use super::{Claims, Issuer, Lifetime, Profile, RequestContext, Session, User, null_as_default};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// `data` of a token hook: a custom authorization server is minting tokens.
///
/// `identity` and `access` are present only for the tokens being minted;
/// patching a token that is absent makes Okta discard the whole answer.
/// Answer with [`Response::identity_patch`](crate::Response::identity_patch)
/// and [`Response::access_patch`](crate::Response::access_patch); an `error`
/// makes the token request fail with `server_error`.
///
/// # Example
///
/// ```rust,standalone_crate
/// use hookwarden_guest::{Handler, Patch, Request, Response, Result};
///
/// /// Puts the user's full name into the ID token and shortens the access token.
/// struct FullName;
///
/// impl Handler for FullName {
///     fn handle(request: Request) -> Result<Response> {
///         let data = request.token_data()?;
///         let mut response = Response::new();
///         if let (Some(_), Some(profile)) = (&data.identity, data.user_profile()) {
///             let first = profile.get_str("firstName").unwrap_or_default();
///             let last = profile.get_str("lastName").unwrap_or_default();
///             let mut patch = Patch::new();
///             patch.add_claim("full_name", format!("{first} {last}"))?;
///             response.identity_patch(patch);
///         }
///         if data.access.is_some() {
///             let mut patch = Patch::new();
///             patch.set_lifetime(900);
///             response.access_patch(patch);
///         }
///         Ok(response)
///     }
/// }
///
/// hookwarden_guest::export_handler!(FullName);
/// # let request = Request::from_json(r#"{"eventType": "com.okta.oauth2.tokens.transform",
/// #   "eventId": "e1", "data": {"context": {"user": {"profile": {"firstName": "Isaac", "lastName": "Brock"}}},
/// #   "identity": {"claims": {}}, "access": {"claims": {}}}}"#).unwrap();
/// # let run = hookwarden_guest::testing::run::<FullName>(request, &[]);
/// # assert_eq!(run.okta_json(), serde_json::json!({"commands": [
/// #   {"type": "com.okta.identity.patch", "value": [{"op": "add", "path": "/claims/full_name", "value": "Isaac Brock"}]},
/// #   {"type": "com.okta.access.patch", "value": [{"op": "replace", "path": "/token/lifetime/expiration", "value": 900}]}
/// # ]}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenData {
    /// What the hook cannot change: request, protocol, session, user, policy.
    pub context: TokenContext,
    /// The ID token being minted, if any.
    pub identity: Option<IdentityToken>,
    /// The access token being minted, if any.
    pub access: Option<AccessToken>,
    /// The refresh token being minted, if any (Okta's `refresh_token`).
    pub refresh_token: Option<RefreshToken>,
}

impl TokenData {
    /// `context.user.profile`, if the token is minted for a user (a
    /// client-credentials grant has none).
    pub fn user_profile(&self) -> Option<&Profile> {
        self.context.user.as_ref().map(|u| &u.profile)
    }
}

/// `data.context` of a token hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenContext {
    /// The `/authorize` or `/token` request that triggered the hook; its
    /// URL includes every query parameter, even ones Okta ignores.
    pub request: Option<RequestContext>,
    /// The OAuth 2.0 request and client.
    pub protocol: Option<OAuthProtocol>,
    /// The user's session (absent for grants without one).
    pub session: Option<Session>,
    /// The user the tokens are for (absent for client credentials).
    pub user: Option<User>,
    /// The access policy and rule that selected the hook.
    pub policy: Option<TokenPolicy>,
}

/// `context.protocol` of a token hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuthProtocol {
    /// `OAUTH2.0`.
    #[serde(rename = "type")]
    pub protocol_type: Option<String>,
    /// The OAuth request parameters.
    pub request: Option<OAuthRequest>,
    /// The authorization server.
    pub issuer: Option<Issuer>,
    /// The OAuth client.
    pub client: Option<OAuthClient>,
    /// Okta's `OriginalGrant` on refresh grants (`authorization`,
    /// `refresh_token`), as JSON.
    #[serde(rename = "OriginalGrant")]
    pub original_grant: Option<Value>,
}

/// `context.protocol.request`: the OAuth parameters (snake_case in Okta's
/// JSON, like the OAuth parameter names).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuthRequest {
    /// `client_id`.
    pub client_id: Option<String>,
    /// `grant_type` (on `/token` requests).
    pub grant_type: Option<String>,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `response_mode`, e.g. `fragment`.
    pub response_mode: Option<String>,
    /// `response_type`, e.g. `token id_token`.
    pub response_type: Option<String>,
    /// Requested scopes, space-separated.
    pub scope: Option<String>,
    /// The client's `state`.
    pub state: Option<String>,
}

/// `context.protocol.client`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuthClient {
    /// Client id.
    pub id: Option<String>,
    /// Client (app) name.
    pub name: Option<String>,
    /// Client type, e.g. `PUBLIC`.
    #[serde(rename = "type")]
    pub client_type: Option<String>,
}

/// `context.policy`: the access policy whose rule runs the hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenPolicy {
    /// Policy id.
    pub id: Option<String>,
    /// The rule.
    pub rule: Option<PolicyRule>,
}

/// `context.policy.rule`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyRule {
    /// Rule id.
    pub id: Option<String>,
}

/// `data.identity`: the ID token being minted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityToken {
    /// Its claims so far.
    #[serde(deserialize_with = "null_as_default")]
    pub claims: Claims,
    /// Its lifetime.
    pub token: TokenInfo,
}

/// `data.access`: the access token being minted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessToken {
    /// Its claims so far.
    #[serde(deserialize_with = "null_as_default")]
    pub claims: Claims,
    /// Its lifetime.
    pub token: TokenInfo,
    /// Granted scopes by name.
    #[serde(deserialize_with = "null_as_default")]
    pub scopes: BTreeMap<String, Scope>,
}

/// `token` of an ID or access token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenInfo {
    /// Lifetime; change it with [`Patch::set_lifetime`](crate::Patch::set_lifetime).
    pub lifetime: Option<Lifetime>,
}

/// One granted scope in `access.scopes`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scope {
    /// Scope id.
    pub id: Option<String>,
    /// `GRANT`.
    pub action: Option<String>,
}

/// `data.refresh_token`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RefreshToken {
    /// The refresh token's id.
    pub jti: Option<String>,
}
