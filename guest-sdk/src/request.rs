//! The request side: the envelope, the hook type and typed access to Okta's `data`.

use crate::data::{
    ImportData, PasswordImportData, RegistrationData, SamlData, TelephonyData, TokenData,
};
use crate::{Error, HookType, Request, Result};
use hookwarden_contract::envelope::{Envelope, EnvelopeError};
use hookwarden_contract::wire;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Which flow fired a registration hook (Okta's `requestType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistrationKind {
    /// `self.service.registration`, or no `requestType` at all (Classic
    /// Engine): a new user; the form is in `data.userProfile`.
    SelfService,
    /// `progressive.profile`: an existing user adds or changes profile
    /// attributes; the changes are in `data.userProfileUpdate`.
    ProgressiveProfile,
}

/// The SDK's error for a request body the host would refuse with a 400.
fn envelope_error(e: EnvelopeError) -> Error {
    let text = match e {
        EnvelopeError::WrongType { field, expected } => format!("{field} must be {expected}"),
        other => other.to_string(),
    };
    Error::new(format!("request envelope: {text}"))
}

impl Request {
    /// Parses the body Okta POSTs (the full envelope) into a `Request` with
    /// the host's own parser (`hookwarden_contract::envelope`), so a test
    /// request is one the host would accept. Useful in tests.
    ///
    /// `eventType` and `data` (an object) are required; `eventTypeVersion`,
    /// `cloudEventVersion` and `contentType` default to `"1.0"`, `"0.1"`
    /// and `"application/json"`, the other members to empty or absent
    /// (`null` counts as absent). The two versions may also be JSON numbers,
    /// as in Okta's OpenAPI examples: `1` becomes `"1"`. A request without
    /// `eventId` gets an empty one (the host never replays such a request).
    ///
    /// ```
    /// let request = hookwarden_guest::Request::from_json(
    ///     r#"{"eventType": "com.okta.import.transform", "eventId": "e1", "data": {"context": {}}}"#,
    /// )?;
    /// assert_eq!(request.event_id, "e1");
    /// assert_eq!(request.data, r#"{"context":{}}"#);
    ///
    /// let numbers = hookwarden_guest::Request::from_json(
    ///     r#"{"eventType": "com.okta.import.transform", "eventTypeVersion": 1,
    ///         "cloudEventVersion": 0.1, "data": {}}"#,
    /// )?;
    /// assert_eq!((numbers.event_type_version.as_str(), numbers.cloud_event_version.as_str()), ("1", "0.1"));
    /// assert_eq!(numbers.event_id, "");
    /// # Ok::<(), hookwarden_guest::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// If `body` is not such a JSON object.
    pub fn from_json(body: &str) -> Result<Request> {
        let e = Envelope::parse(body.as_bytes()).map_err(envelope_error)?;
        Ok(crate::response::wit_request(e).0)
    }

    /// The hook type named by `eventType`, or `None` for an event type this
    /// crate does not know.
    pub fn hook_type(&self) -> Option<HookType> {
        HookType::from_event_type(&self.event_type)
    }

    /// Okta's `data` as an untyped JSON value.
    ///
    /// # Errors
    ///
    /// If `data` is not valid JSON (the host never sends such a request).
    pub fn data_value(&self) -> Result<Value> {
        serde_json::from_str(&self.data).map_err(|e| Error::new(format!("data: {e}")))
    }

    /// Okta's `data` parsed into any deserializable type, for shapes this
    /// crate does not model.
    ///
    /// # Errors
    ///
    /// If `data` does not deserialize into `T`.
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_str(&self.data).map_err(|e| Error::new(format!("data: {e}")))
    }

    fn typed<T: DeserializeOwned>(&self, expected: HookType) -> Result<T> {
        if self.event_type != expected.event_type() {
            return Err(Error::new(format!(
                "expected a `{expected}` request, got eventType `{}`",
                self.event_type
            )));
        }
        self.data_as()
    }

    /// `data` of a token hook; see [`TokenData`] for an example handler.
    ///
    /// # Errors
    ///
    /// If `eventType` is not `com.okta.oauth2.tokens.transform` or `data`
    /// does not have the token hook's shape.
    pub fn token_data(&self) -> Result<TokenData> {
        self.typed(HookType::Token)
    }

    /// `data` of a SAML assertion hook; see [`SamlData`] for an example.
    ///
    /// # Errors
    ///
    /// If `eventType` is not `com.okta.saml.tokens.transform` or `data`
    /// does not have the SAML hook's shape.
    pub fn saml_data(&self) -> Result<SamlData> {
        self.typed(HookType::Saml)
    }

    /// `data` of a user-import hook; see [`ImportData`] for an example.
    ///
    /// # Errors
    ///
    /// If `eventType` is not `com.okta.import.transform` or `data` does not
    /// have the import hook's shape.
    pub fn import_data(&self) -> Result<ImportData> {
        self.typed(HookType::Import)
    }

    /// `data` of a registration hook, for both self-service registration
    /// and progressive profiling; see [`RegistrationData`] for an example
    /// and [`Request::registration_kind`] to tell the two apart.
    ///
    /// # Errors
    ///
    /// If `eventType` is not `com.okta.user.pre-registration` or `data`
    /// does not have the registration hook's shape.
    pub fn registration_data(&self) -> Result<RegistrationData> {
        self.typed(HookType::Registration)
    }

    /// `data` of a password-import hook; see [`PasswordImportData`] for an
    /// example.
    ///
    /// # Errors
    ///
    /// If `eventType` is not `com.okta.user.credential.password.import` or
    /// `data` does not have the password-import hook's shape.
    pub fn password_import_data(&self) -> Result<PasswordImportData> {
        self.typed(HookType::PasswordImport)
    }

    /// `data` of a telephony hook; see [`TelephonyData`] for an example.
    ///
    /// # Errors
    ///
    /// If `eventType` is not `com.okta.telephony.provider` or `data` does
    /// not have the telephony hook's shape.
    pub fn telephony_data(&self) -> Result<TelephonyData> {
        self.typed(HookType::Telephony)
    }

    /// Which registration flow fired a registration hook, from
    /// `requestType` (absent means self-service registration, as Classic
    /// Engine sends it).
    ///
    /// # Errors
    ///
    /// If this is not a registration hook, or `requestType` is neither
    /// `self.service.registration` nor `progressive.profile`.
    pub fn registration_kind(&self) -> Result<RegistrationKind> {
        if self.hook_type() != Some(HookType::Registration) {
            return Err(Error::new(format!(
                "expected a `{}` request, got eventType `{}`",
                HookType::Registration,
                self.event_type
            )));
        }
        match self.request_type.as_deref() {
            None | Some(wire::SELF_SERVICE_REGISTRATION) => Ok(RegistrationKind::SelfService),
            Some(wire::PROGRESSIVE_PROFILE) => Ok(RegistrationKind::ProgressiveProfile),
            Some(other) => Err(Error::new(format!(
                "unknown registration requestType `{other}`"
            ))),
        }
    }
}
