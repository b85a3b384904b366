//! What is sent back for a hook call: 204, or 200 with a JSON body encoded once.

use hookwarden_contract::verdict::OktaBody;
use serde_json::Value;
use std::sync::Arc;

/// The HTTP-level answer of an execution.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `204 No Content`: no changes, for types that allow it.
    NoContent,
    /// `200 OK` with this JSON body.
    Json(JsonBody),
}

/// A JSON answer with its encoding, made once: the size check, the HTTP
/// response and the replay cache all use the same bytes. Cheap to clone.
#[derive(Debug, Clone)]
pub struct JsonBody {
    value: Arc<Value>,
    encoded: bytes::Bytes,
}

impl JsonBody {
    /// Encodes `value` (compact JSON).
    pub fn new(value: Value) -> JsonBody {
        let encoded = serde_json::to_vec(&value).expect("a JSON value always encodes");
        JsonBody {
            value: Arc::new(value),
            encoded: encoded.into(),
        }
    }

    /// The answer as a JSON value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The answer as sent: compact JSON text.
    pub fn encoded(&self) -> &bytes::Bytes {
        &self.encoded
    }
}

impl From<OktaBody> for JsonBody {
    /// The body the contract's judgement built, with the encoding it
    /// checked (the same compact JSON as [`JsonBody::new`]'s).
    fn from(body: OktaBody) -> JsonBody {
        JsonBody {
            value: Arc::new(body.value),
            encoded: body.encoded.into(),
        }
    }
}

impl PartialEq for JsonBody {
    fn eq(&self, other: &JsonBody) -> bool {
        self.value == other.value
    }
}

impl Reply {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            Reply::NoContent => 204,
            Reply::Json(_) => 200,
        }
    }

    /// The body as Okta will read it (`{}` for 204, which has no body).
    pub fn body(&self) -> Value {
        match self {
            Reply::NoContent => Value::Object(Default::default()),
            Reply::Json(body) => body.value().clone(),
        }
    }
}
