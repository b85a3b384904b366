//! The six Okta inline-hook types and the facts about each that the host and
//! the guest SDK need.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An Okta inline-hook type, named on the wire by its `eventType` string.
///
/// The order of the variants (and of [`HookType::ALL`]) is the order
/// Okta's documentation lists them in; `Ord` follows it.
///
/// ```
/// use hookwarden_contract::HookType;
///
/// let t = HookType::from_event_type("com.okta.oauth2.tokens.transform");
/// assert_eq!(t, Some(HookType::Token));
/// assert_eq!("password-import".parse(), Ok(HookType::PasswordImport));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HookType {
    /// `com.okta.oauth2.tokens.transform`: ID and access token claims.
    #[serde(rename = "com.okta.oauth2.tokens.transform")]
    Token,
    /// `com.okta.saml.tokens.transform`: SAML assertion attributes.
    #[serde(rename = "com.okta.saml.tokens.transform")]
    Saml,
    /// `com.okta.import.transform`: user import from an app.
    #[serde(rename = "com.okta.import.transform")]
    Import,
    /// `com.okta.user.pre-registration`: self-service registration and
    /// progressive profiling.
    #[serde(rename = "com.okta.user.pre-registration")]
    Registration,
    /// `com.okta.user.credential.password.import`: password migration.
    #[serde(rename = "com.okta.user.credential.password.import")]
    PasswordImport,
    /// `com.okta.telephony.provider`: SMS and voice OTP delivery.
    #[serde(rename = "com.okta.telephony.provider")]
    Telephony,
}

impl HookType {
    /// Every hook type, in the order Okta's documentation lists them.
    pub const ALL: [HookType; 6] = [
        HookType::Token,
        HookType::Saml,
        HookType::Import,
        HookType::Registration,
        HookType::PasswordImport,
        HookType::Telephony,
    ];

    /// The `eventType` Okta sends, which is also the hook's `type`.
    pub fn event_type(self) -> &'static str {
        match self {
            HookType::Token => "com.okta.oauth2.tokens.transform",
            HookType::Saml => "com.okta.saml.tokens.transform",
            HookType::Import => "com.okta.import.transform",
            HookType::Registration => "com.okta.user.pre-registration",
            HookType::PasswordImport => "com.okta.user.credential.password.import",
            HookType::Telephony => "com.okta.telephony.provider",
        }
    }

    /// The hook type whose `eventType` is `event_type`, or `None` for one
    /// Okta does not document (short names are not accepted here; see
    /// [`FromStr`] for both).
    pub fn from_event_type(event_type: &str) -> Option<HookType> {
        HookType::ALL
            .into_iter()
            .find(|t| t.event_type() == event_type)
    }

    /// A short lowercase name for command lines and logs (`token`, `saml`,
    /// `import`, `registration`, `password-import`, `telephony`).
    pub fn short_name(self) -> &'static str {
        match self {
            HookType::Token => "token",
            HookType::Saml => "saml",
            HookType::Import => "import",
            HookType::Registration => "registration",
            HookType::PasswordImport => "password-import",
            HookType::Telephony => "telephony",
        }
    }

    /// Whether Okta accepts `204 No Content` as "no changes" for this type.
    /// Every type but telephony does.
    pub fn allows_empty_response(self) -> bool {
        !matches!(self, HookType::Telephony)
    }
}

impl fmt::Display for HookType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.event_type())
    }
}

/// The error for a string that names no hook type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownHookType(pub String);

impl fmt::Display for UnknownHookType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown hook type `{}`", self.0)
    }
}

impl std::error::Error for UnknownHookType {}

impl FromStr for HookType {
    type Err = UnknownHookType;

    /// Accepts the Okta `eventType` or the short name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HookType::ALL
            .into_iter()
            .find(|t| t.event_type() == s || t.short_name() == s)
            .ok_or_else(|| UnknownHookType(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_type_and_short_name_both_parse_back() {
        for t in HookType::ALL {
            assert_eq!(t.event_type().parse::<HookType>(), Ok(t));
            assert_eq!(t.short_name().parse::<HookType>(), Ok(t));
        }
        assert!("com.okta.unknown".parse::<HookType>().is_err());
        assert_eq!(
            "com.okta.unknown"
                .parse::<HookType>()
                .unwrap_err()
                .to_string(),
            "unknown hook type `com.okta.unknown`"
        );
    }

    #[test]
    fn from_event_type_knows_only_event_types() {
        for t in HookType::ALL {
            assert_eq!(HookType::from_event_type(t.event_type()), Some(t));
            assert_eq!(t.to_string(), t.event_type());
        }
        assert_eq!(HookType::from_event_type("token"), None);
        assert_eq!(HookType::from_event_type("com.okta.unknown"), None);
    }

    #[test]
    fn serde_uses_the_event_type() {
        let json = serde_json::to_string(&HookType::PasswordImport).unwrap();
        assert_eq!(json, "\"com.okta.user.credential.password.import\"");
        let back: HookType = serde_json::from_str(&json).unwrap();
        assert_eq!(back, HookType::PasswordImport);
    }

    #[test]
    fn only_telephony_refuses_empty_responses() {
        let refusing: Vec<_> = HookType::ALL
            .into_iter()
            .filter(|t| !t.allows_empty_response())
            .collect();
        assert_eq!(refusing, vec![HookType::Telephony]);
    }
}
