//! SAML assertion hook (`com.okta.saml.tokens.transform`).

use super::{Claims, Issuer, Lifetime, Profile, RequestContext, Session, User, null_as_default};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// `data` of a SAML assertion hook: Okta is about to send an assertion for
/// a custom SAML app.
///
/// Answer with [`Response::assertion_patch`](crate::Response::assertion_patch)
/// (`add` and `replace` only); an `error` makes Okta deny the SSO and show
/// its `errorSummary` on an error page.
///
/// # Example
///
/// ```rust,standalone_crate
/// use hookwarden_guest::{Handler, Patch, Request, Response, Result, SamlAttribute};
///
/// /// Adds the user's groups-of-interest as a multi-valued attribute.
/// struct Teams;
///
/// impl Handler for Teams {
///     fn handle(request: Request) -> Result<Response> {
///         let data = request.saml_data()?;
///         let login = data.user_profile().and_then(|p| p.get_str("login")).unwrap_or_default();
///         let teams = if login.ends_with("@example.com") { vec!["staff", "vpn"] } else { vec!["guest"] };
///         let mut patch = Patch::new();
///         patch.add_attribute(&SamlAttribute::new("teams").values(teams));
///         let mut response = Response::new();
///         response.assertion_patch(patch);
///         Ok(response)
///     }
/// }
///
/// hookwarden_guest::export_handler!(Teams);
/// # let request = Request::from_json(r#"{"eventType": "com.okta.saml.tokens.transform",
/// #   "eventId": "e1", "data": {"context": {"user": {"profile": {"login": "a@example.com"}}}}}"#).unwrap();
/// # let run = hookwarden_guest::testing::run::<Teams>(request, &[]);
/// # let value = &run.okta_json()["commands"][0]["value"][0]["value"];
/// # assert_eq!(value["attributeValues"][1]["value"], "vpn");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SamlData {
    /// What the hook cannot change: request, protocol, session, user.
    pub context: SamlContext,
    /// The assertion Okta is about to send.
    pub assertion: Option<Assertion>,
}

impl SamlData {
    /// `context.user.profile`, if present.
    pub fn user_profile(&self) -> Option<&Profile> {
        self.context.user.as_ref().map(|u| &u.profile)
    }
}

/// `data.context` of a SAML hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SamlContext {
    /// The SSO request.
    pub request: Option<RequestContext>,
    /// `SAML2.0` and the app as issuer.
    pub protocol: Option<SamlProtocol>,
    /// The user's session.
    pub session: Option<Session>,
    /// The user signing in.
    pub user: Option<User>,
}

/// `context.protocol` of a SAML hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SamlProtocol {
    /// `SAML2.0`.
    #[serde(rename = "type")]
    pub protocol_type: Option<String>,
    /// The SAML app (`id`, `name`, `uri`).
    pub issuer: Option<Issuer>,
}

/// `data.assertion`. Patch paths mirror it: `/subject/...`,
/// `/authentication/...`, `/conditions/...`, `/claims/...`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Assertion {
    /// The subject.
    pub subject: Option<Subject>,
    /// The authentication statement.
    pub authentication: Option<Authentication>,
    /// Conditions (audiences).
    pub conditions: Option<Conditions>,
    /// Attribute statements by attribute name.
    #[serde(deserialize_with = "null_as_default")]
    pub claims: BTreeMap<String, SamlClaim>,
    /// Assertion lifetime.
    pub lifetime: Option<Lifetime>,
}

/// `assertion.subject`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Subject {
    /// The NameID.
    pub name_id: Option<String>,
    /// NameID format URN.
    pub name_format: Option<String>,
    /// Subject confirmation.
    pub confirmation: Option<SubjectConfirmation>,
}

/// `assertion.subject.confirmation`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubjectConfirmation {
    /// Confirmation method URN, e.g. `urn:oasis:names:tc:SAML:2.0:cm:bearer`.
    pub method: Option<String>,
    /// Confirmation data.
    pub data: Option<ConfirmationData>,
}

/// `assertion.subject.confirmation.data`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfirmationData {
    /// The SP's assertion consumer URL.
    pub recipient: Option<String>,
}

/// `assertion.authentication`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Authentication {
    /// The session index.
    pub session_index: Option<String>,
    /// The authentication context.
    pub authn_context: Option<AuthnContext>,
}

/// `assertion.authentication.authnContext`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthnContext {
    /// Class reference URN, e.g. `...:ac:classes:PasswordProtectedTransport`.
    pub authn_context_class_ref: Option<String>,
}

/// `assertion.conditions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Conditions {
    /// Audience URIs.
    #[serde(deserialize_with = "null_as_default")]
    pub audience_restriction: Vec<String>,
}

/// One attribute statement in `assertion.claims`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SamlClaim {
    /// XML attributes of the `Attribute` element, e.g. `NameFormat`.
    #[serde(deserialize_with = "null_as_default")]
    pub attributes: Claims,
    /// The values.
    #[serde(deserialize_with = "null_as_default")]
    pub attribute_values: Vec<SamlAttributeValue>,
}

impl SamlClaim {
    /// The `NameFormat` attribute, if set.
    pub fn name_format(&self) -> Option<&str> {
        self.attributes.get("NameFormat").and_then(Value::as_str)
    }
}

/// One value of a SAML attribute.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SamlAttributeValue {
    /// XML attributes of the value, e.g. `xsi:type`.
    #[serde(deserialize_with = "null_as_default")]
    pub attributes: Claims,
    /// The value (Okta sends strings, whatever the `xsi:type`).
    pub value: Value,
}

impl SamlAttributeValue {
    /// The `xsi:type` attribute, e.g. `xs:string`.
    pub fn xsi_type(&self) -> Option<&str> {
        self.attributes.get("xsi:type").and_then(Value::as_str)
    }
}
