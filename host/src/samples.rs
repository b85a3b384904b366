//! Realistic Okta requests for every hook type, for tests, demos and `hookwarden sample`.

use crate::hook_type::HookType;

/// Token hook: an authorize request minting both an ID and an access token.
pub const TOKEN: &str = include_str!("samples/token.json");
/// SAML assertion hook.
pub const SAML: &str = include_str!("samples/saml.json");
/// User-import hook with a matched Okta user.
pub const IMPORT: &str = include_str!("samples/import.json");
/// Registration hook, self-service registration (`self.service.registration`).
pub const REGISTRATION: &str = include_str!("samples/registration.json");
/// Registration hook, progressive profiling (`progressive.profile`).
pub const REGISTRATION_PROGRESSIVE: &str = include_str!("samples/registration-progressive.json");
/// Password-import hook.
pub const PASSWORD_IMPORT: &str = include_str!("samples/password-import.json");
/// Telephony hook (MFA verification).
pub const TELEPHONY: &str = include_str!("samples/telephony.json");

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
}
