//! Patches for tokens and SAML assertions, and JSON-pointer paths.
//!
//! A [`Patch`] is the list of operations of one `com.okta.identity.patch`,
//! `com.okta.access.patch` or `com.okta.assertion.patch` command; hand it
//! to [`Response::identity_patch`](crate::Response::identity_patch),
//! [`Response::access_patch`](crate::Response::access_patch) or
//! [`Response::assertion_patch`](crate::Response::assertion_patch).

use crate::{PatchOp, PatchOperation, Result};
use serde::Serialize;
use serde_json::{Value, json};

/// SAML `NameFormat` "basic" (Okta's default for new attributes).
pub const NAME_FORMAT_BASIC: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";
/// SAML `NameFormat` "uri", for URI attribute names.
pub const NAME_FORMAT_URI: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
/// SAML `NameFormat` "unspecified".
pub const NAME_FORMAT_UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified";

/// Escapes one reference token of an RFC 6901 JSON pointer (the host's
/// own escaping, from the contract crate).
pub use hookwarden_contract::pointer::escape_token;

/// The patch path of a claim (or SAML attribute) named `name`:
/// `/claims/<name>`, with `name` escaped.
///
/// ```
/// use hookwarden_guest::patch::claim_path;
///
/// assert_eq!(claim_path("department"), "/claims/department");
/// assert_eq!(claim_path("https://example.com/role"), "/claims/https:~1~1example.com~1role");
/// ```
pub fn claim_path(name: &str) -> String {
    format!("/claims/{}", escape_token(name))
}

/// The lifetime path of a token patch, `/token/lifetime/expiration`.
pub use hookwarden_contract::wire::LIFETIME_PATH;

/// The operations of one token or assertion patch, in order.
///
/// Claim helpers take the claim *name* and escape it; the plain
/// [`add`](Patch::add), [`replace`](Patch::replace) and
/// [`remove`](Patch::remove) take a ready-made path (escape each segment
/// with [`escape_token`]). Values are anything `serde` can serialize.
///
/// ```
/// use hookwarden_guest::Patch;
/// use serde_json::json;
///
/// let mut patch = Patch::new();
/// patch
///     .add_claim("department", "Sales")?
///     .add_claim("https://example.com/roles", ["admin", "ops"])?
///     .replace_claim("preferred_username", json!("isaac"))?
///     .remove_claim("nickname")
///     .set_lifetime(3600);
/// assert_eq!(patch.len(), 5);
/// assert_eq!(patch.operations()[1].path, "/claims/https:~1~1example.com~1roles");
/// # Ok::<(), hookwarden_guest::Error>(())
/// ```
///
/// Okta's rules (checked by the host, not here): token patches may use
/// `add`, `replace` and `remove` on `/claims/...` and `replace` on
/// `/token/lifetime/expiration`; assertion patches only `add` and
/// `replace`; `replace` and `remove` only on what the request contains;
/// reserved claims (`iss`, `exp`, `jti`, `groups`, ...) cannot be changed,
/// except that `sub` and `aud` may change in access tokens. One bad
/// operation makes Okta ignore the whole answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch {
    operations: Vec<PatchOperation>,
}

fn to_json(value: impl Serialize) -> Result<String> {
    Ok(serde_json::to_string(&value)?)
}

impl Patch {
    /// An empty patch.
    pub fn new() -> Patch {
        Patch::default()
    }

    /// Appends a ready-made operation.
    pub fn push(&mut self, operation: PatchOperation) -> &mut Patch {
        self.operations.push(operation);
        self
    }

    fn op(&mut self, op: PatchOp, path: String, value: Option<String>) -> &mut Patch {
        self.push(PatchOperation { op, path, value })
    }

    /// `add` `value` at `path` (an RFC 6901 pointer such as
    /// `/claims/employee/department`; `/-` appends to an array). On an
    /// existing claim, `add` overwrites it.
    ///
    /// # Errors
    ///
    /// If `value` cannot be serialized to JSON.
    pub fn add(&mut self, path: impl Into<String>, value: impl Serialize) -> Result<&mut Patch> {
        let value = to_json(value)?;
        Ok(self.op(PatchOp::Add, path.into(), Some(value)))
    }

    /// `replace` what is at `path` with `value`.
    ///
    /// # Errors
    ///
    /// If `value` cannot be serialized to JSON.
    pub fn replace(
        &mut self,
        path: impl Into<String>,
        value: impl Serialize,
    ) -> Result<&mut Patch> {
        let value = to_json(value)?;
        Ok(self.op(PatchOp::Replace, path.into(), Some(value)))
    }

    /// `remove` what is at `path` (token patches only).
    pub fn remove(&mut self, path: impl Into<String>) -> &mut Patch {
        self.op(PatchOp::Remove, path.into(), None)
    }

    /// Adds (or overwrites) the claim `name` with `value`.
    ///
    /// # Errors
    ///
    /// If `value` cannot be serialized to JSON.
    pub fn add_claim(&mut self, name: &str, value: impl Serialize) -> Result<&mut Patch> {
        self.add(claim_path(name), value)
    }

    /// Replaces the existing claim `name` with `value`.
    ///
    /// # Errors
    ///
    /// If `value` cannot be serialized to JSON.
    pub fn replace_claim(&mut self, name: &str, value: impl Serialize) -> Result<&mut Patch> {
        self.replace(claim_path(name), value)
    }

    /// Removes the existing claim `name` (token patches only).
    pub fn remove_claim(&mut self, name: &str) -> &mut Patch {
        self.remove(claim_path(name))
    }

    /// Appends `value` to the array claim `name` (`/claims/<name>/-`).
    ///
    /// # Errors
    ///
    /// If `value` cannot be serialized to JSON.
    pub fn append_to_claim(&mut self, name: &str, value: impl Serialize) -> Result<&mut Patch> {
        self.add(format!("{}/-", claim_path(name)), value)
    }

    /// Sets the token's lifetime to `seconds` (`replace` at
    /// `/token/lifetime/expiration`). Okta accepts 300 to 86400 seconds
    /// (5 minutes to 1 day); the host rejects other values.
    pub fn set_lifetime(&mut self, seconds: u32) -> &mut Patch {
        self.op(
            PatchOp::Replace,
            LIFETIME_PATH.into(),
            Some(seconds.to_string()),
        )
    }

    /// Adds (or overwrites) a SAML attribute (`add` at `/claims/<name>`).
    pub fn add_attribute(&mut self, attribute: &SamlAttribute) -> &mut Patch {
        let value = attribute.to_value().to_string();
        self.op(PatchOp::Add, claim_path(&attribute.name), Some(value))
    }

    /// Replaces an existing SAML attribute (`replace` at `/claims/<name>`).
    pub fn replace_attribute(&mut self, attribute: &SamlAttribute) -> &mut Patch {
        let value = attribute.to_value().to_string();
        self.op(PatchOp::Replace, claim_path(&attribute.name), Some(value))
    }

    /// The operations so far.
    pub fn operations(&self) -> &[PatchOperation] {
        &self.operations
    }

    /// The number of operations.
    pub fn len(&self) -> usize {
        self.operations.len()
    }

    /// Whether there are no operations.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    /// The operations, for a [`Command`](crate::Command).
    pub fn into_operations(self) -> Vec<PatchOperation> {
        self.operations
    }
}

impl From<Patch> for Vec<PatchOperation> {
    fn from(patch: Patch) -> Vec<PatchOperation> {
        patch.operations
    }
}

impl FromIterator<PatchOperation> for Patch {
    fn from_iter<I: IntoIterator<Item = PatchOperation>>(iter: I) -> Patch {
        Patch {
            operations: iter.into_iter().collect(),
        }
    }
}

/// A SAML attribute for an assertion patch: a name, a `NameFormat`, and one
/// or more values, each with an `xsi:type`.
///
/// It becomes Okta's shape
/// `{"attributes": {"NameFormat": ...}, "attributeValues": [{"attributes": {"xsi:type": ...}, "value": ...}]}`.
///
/// ```
/// use hookwarden_guest::SamlAttribute;
/// use hookwarden_guest::patch::NAME_FORMAT_URI;
/// use serde_json::json;
///
/// let single = SamlAttribute::string("department", "Sales");
/// assert_eq!(single.to_value(), json!({
///     "attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
///     "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": "Sales"}]
/// }));
///
/// let multi = SamlAttribute::new("urn:example:groups")
///     .name_format(NAME_FORMAT_URI)
///     .values(["staff", "vpn"])
///     .typed_value("xs:integer", "42");
/// assert_eq!(multi.to_value()["attributeValues"][2], json!({"attributes": {"xsi:type": "xs:integer"}, "value": "42"}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlAttribute {
    name: String,
    name_format: String,
    values: Vec<(String, String)>,
}

impl SamlAttribute {
    /// An attribute named `name` with the basic `NameFormat` and no values
    /// yet.
    pub fn new(name: impl Into<String>) -> SamlAttribute {
        SamlAttribute {
            name: name.into(),
            name_format: NAME_FORMAT_BASIC.into(),
            values: Vec::new(),
        }
    }

    /// An attribute with the basic `NameFormat` and one `xs:string` value.
    pub fn string(name: impl Into<String>, value: impl Into<String>) -> SamlAttribute {
        SamlAttribute::new(name).value(value)
    }

    /// Sets the `NameFormat` (see [`NAME_FORMAT_BASIC`], [`NAME_FORMAT_URI`],
    /// [`NAME_FORMAT_UNSPECIFIED`]).
    #[must_use]
    pub fn name_format(mut self, name_format: impl Into<String>) -> SamlAttribute {
        self.name_format = name_format.into();
        self
    }

    /// Adds an `xs:string` value.
    #[must_use]
    pub fn value(self, value: impl Into<String>) -> SamlAttribute {
        self.typed_value("xs:string", value)
    }

    /// Adds several `xs:string` values.
    #[must_use]
    pub fn values<I>(self, values: I) -> SamlAttribute
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        values.into_iter().fold(self, SamlAttribute::value)
    }

    /// Adds a value with the given `xsi:type`, e.g. `xs:integer`.
    #[must_use]
    pub fn typed_value(
        mut self,
        xsi_type: impl Into<String>,
        value: impl Into<String>,
    ) -> SamlAttribute {
        self.values.push((xsi_type.into(), value.into()));
        self
    }

    /// The attribute's name (unescaped).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The attribute in Okta's JSON shape (the patch operation's value).
    pub fn to_value(&self) -> Value {
        let values: Vec<Value> = self
            .values
            .iter()
            .map(|(xsi_type, value)| json!({"attributes": {"xsi:type": xsi_type}, "value": value}))
            .collect();
        json!({
            "attributes": {"NameFormat": self.name_format},
            "attributeValues": values,
        })
    }
}
