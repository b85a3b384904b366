//! Realistic Okta requests for every hook type, for tests, demos and `hookwarden sample`.

use crate::hook_type::HookType;

/// Token hook: an authorize request minting both an ID and an access token.
pub const TOKEN: &str = include_str!("samples/token.json");
/// SAML assertion hook.
pub const SAML: &str = include_str!("samples/saml.json");
/// User-import hook with a matched Okta user.
pub(crate) const IMPORT: &str = include_str!("samples/import.json");
/// Registration hook, self-service registration (`self.service.registration`).
pub const REGISTRATION: &str = include_str!("samples/registration.json");
/// Registration hook, progressive profiling (`progressive.profile`).
pub const REGISTRATION_PROGRESSIVE: &str = include_str!("samples/registration-progressive.json");
/// Password-import hook.
pub(crate) const PASSWORD_IMPORT: &str = include_str!("samples/password-import.json");
/// Telephony hook (MFA verification).
pub(crate) const TELEPHONY: &str = include_str!("samples/telephony.json");

/// The default sample request for `hook_type` (JSON text).
pub fn request(hook_type: HookType) -> &'static str {
    match hook_type {
        HookType::Token => TOKEN,
        HookType::Saml => SAML,
        HookType::Import => IMPORT,
        HookType::Registration => REGISTRATION,
        HookType::PasswordImport => PASSWORD_IMPORT,
        HookType::Telephony => TELEPHONY,
    }
}

/// Every sample request of `hook_type`, the default ([`request`]) first.
pub fn all(hook_type: HookType) -> &'static [&'static str] {
    match hook_type {
        HookType::Token => &[TOKEN],
        HookType::Saml => &[SAML],
        HookType::Import => &[IMPORT],
        HookType::Registration => &[REGISTRATION, REGISTRATION_PROGRESSIVE],
        HookType::PasswordImport => &[PASSWORD_IMPORT],
        HookType::Telephony => &[TELEPHONY],
    }
}

/// The sample of `hook_type` whose `requestType` is `request_type`, or the
/// default sample when `request_type` is `None`; `None` when no sample has
/// that `requestType`.
pub fn with_request_type(hook_type: HookType, request_type: Option<&str>) -> Option<&'static str> {
    let Some(wanted) = request_type else {
        return Some(request(hook_type));
    };
    all(hook_type)
        .iter()
        .copied()
        .find(|text| self::request_type(text).as_deref() == Some(wanted))
}

/// The `requestType` of the sample `text`, if it has one.
pub fn request_type(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    Some(value.get("requestType")?.as_str()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::Envelope;

    #[test]
    fn every_sample_is_a_valid_envelope_of_its_type() {
        for t in HookType::ALL {
            Envelope::parse(request(t).as_bytes(), t).unwrap_or_else(|e| panic!("{t}: {e}"));
        }
        let progressive =
            Envelope::parse(REGISTRATION_PROGRESSIVE.as_bytes(), HookType::Registration).unwrap();
        assert_eq!(
            progressive.request.request_type.as_deref(),
            Some("progressive.profile")
        );
    }

    #[test]
    fn samples_are_found_by_request_type() {
        assert_eq!(
            with_request_type(HookType::Registration, Some("progressive.profile")),
            Some(REGISTRATION_PROGRESSIVE)
        );
        assert_eq!(
            with_request_type(HookType::Registration, Some("self.service.registration")),
            Some(REGISTRATION)
        );
        assert_eq!(with_request_type(HookType::Token, None), Some(TOKEN));
        assert_eq!(with_request_type(HookType::Token, Some("nope")), None);
        for t in HookType::ALL {
            assert_eq!(all(t)[0], request(t), "{t}: the default comes first");
        }
    }
}
