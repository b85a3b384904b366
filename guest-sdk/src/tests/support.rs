//! Helpers shared by the tests.

use crate::{Handler, Request, Response, Result};

pub const TOKEN: &str = include_str!("../../../host/src/samples/token.json");
pub const SAML: &str = include_str!("../../../host/src/samples/saml.json");
pub const IMPORT: &str = include_str!("../../../host/src/samples/import.json");
pub const REGISTRATION: &str = include_str!("../../../host/src/samples/registration.json");
pub const REGISTRATION_PROGRESSIVE: &str =
    include_str!("../../../host/src/samples/registration-progressive.json");
pub const PASSWORD_IMPORT: &str = include_str!("../../../host/src/samples/password-import.json");
pub const TELEPHONY: &str = include_str!("../../../host/src/samples/telephony.json");

pub const ALL: [&str; 7] = [
    TOKEN,
    SAML,
    IMPORT,
    REGISTRATION,
    REGISTRATION_PROGRESSIVE,
    PASSWORD_IMPORT,
    TELEPHONY,
];

pub fn request(sample: &str) -> Request {
    Request::from_json(sample).expect("sample parses")
}

/// A handler that fails, to test the export path.
pub struct Failing;

impl Handler for Failing {
    fn handle(_: Request) -> Result<Response> {
        Err("asked to fail".into())
    }
}

// The export macro must expand inside a crate that uses it; this also
// proves it compiles natively.
crate::export_handler!(Failing);
