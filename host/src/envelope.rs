//! The request envelope Okta POSTs to a hook, as the plugin receives it.
//!
//! The parse and its rules are [`hookwarden_contract::envelope`]'s (the
//! guest SDK's `Request::from_json` uses the same); this module makes the
//! WIT [`Request`] of a parsed envelope.

use crate::hook_type::HookType;
use crate::runtime::bindings::types::Request;
pub use hookwarden_contract::envelope::EnvelopeError;
use serde_json::Value;

/// A checked request: the WIT record for the plugin and the parsed `data`
/// for the answer checker.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// What the plugin receives.
    pub request: Request,
    /// Okta's `data` object.
    pub data: Value,
}

impl Envelope {
    /// Parses `body` as a request envelope for a hook of type `hook`
    /// ([`hookwarden_contract::envelope::Envelope::parse_for`], where the
    /// rules are written).
    ///
    /// A request without `eventId` (or with `null`) is accepted, reaches
    /// the plugin with an empty `event-id` and is never replayed (see
    /// [`Envelope::event_id`]).
    ///
    /// # Errors
    ///
    /// An [`EnvelopeError`] naming the first problem found.
    pub fn parse(body: &[u8], hook: HookType) -> Result<Envelope, EnvelopeError> {
        let e = hookwarden_contract::envelope::Envelope::parse_for(body, hook)?;
        let (request, data) = crate::answer::wit_request(e);
        Ok(Envelope { request, data })
    }

    /// The request's `eventId`, or `None` when it had none (absent, `null`
    /// or empty): such a request is not replayed and is journaled without
    /// an `eventId`.
    pub fn event_id(&self) -> Option<&str> {
        Some(self.request.event_id.as_str()).filter(|id| !id.is_empty())
    }
}

#[cfg(test)]
mod tests {
    //! The parse's rules are tested in the contract crate; these test the
    //! WIT request made of it.
    use super::*;
    use serde_json::json;

    const TOKEN: &[u8] = br#"{"eventType": "com.okta.oauth2.tokens.transform",
        "eventId": "3OWo4oo-QQ-rBWfRyTmQYw", "data": {"context": {}}}"#;

    #[test]
    fn a_minimal_envelope_gets_oktas_defaults() {
        let env = Envelope::parse(TOKEN, HookType::Token).unwrap();
        assert_eq!(env.request.event_id, "3OWo4oo-QQ-rBWfRyTmQYw");
        assert_eq!(env.request.event_type_version, "1.0");
        assert_eq!(env.request.cloud_event_version, "0.1");
        assert_eq!(env.request.request_type, None);
        assert_eq!(env.data, json!({"context": {}}));
        assert_eq!(env.request.data, r#"{"context":{}}"#);
        assert_eq!(env.event_id(), Some("3OWo4oo-QQ-rBWfRyTmQYw"));
    }

    #[test]
    fn a_request_without_an_event_id_reaches_the_plugin_with_an_empty_one() {
        let body = br#"{"eventType": "com.okta.oauth2.tokens.transform", "data": {}}"#;
        let env = Envelope::parse(body, HookType::Token).unwrap();
        assert_eq!(env.request.event_id, "");
        assert_eq!(env.event_id(), None);
    }
}
