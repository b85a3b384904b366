//! Entry points for fuzzing untrusted input, shared by the cargo-fuzz targets in `host/fuzz/` and the corpus replay test.
//!
//! Each takes arbitrary bytes and must return without panicking whatever
//! they are.

use crate::answer::to_okta_json;
use crate::contract::{RequestFacts, check_answer};
use crate::envelope::Envelope;
use crate::hook_type::HookType;
use serde_json::Value;

/// The hook type a fuzz input is read as: its first byte picks one.
fn hook_type(data: &[u8]) -> (HookType, &[u8]) {
    match data.split_first() {
        Some((first, rest)) => (HookType::ALL[*first as usize % HookType::ALL.len()], rest),
        None => (HookType::Token, data),
    }
}

/// A request body of the type picked by the first byte, into the envelope
/// parser.
pub fn envelope(data: &[u8]) {
    let (hook, body) = hook_type(data);
    if let Ok(envelope) = Envelope::parse(body, hook) {
        assert!(serde_json::from_str::<Value>(&envelope.request.data).is_ok());
    }
}

/// A plugin's answer (as Okta JSON) of the type picked by the first byte,
/// into the contract checker, against that type's sample request.
pub fn answer(data: &[u8]) {
    let (hook, text) = hook_type(data);
    let Ok(answer) = serde_json::from_slice::<Value>(text) else {
        return;
    };
    let sample: Value =
        serde_json::from_str(crate::samples::request(hook)).expect("samples are JSON");
    let facts = RequestFacts {
        request_type: sample.get("requestType").and_then(Value::as_str),
        data: &sample["data"],
    };
    let _ = check_answer(hook, &facts, &answer, text.len());
}

/// A plugin's debug context as JSON text, through the WIT → Okta JSON
/// conversion.
pub fn debug_context(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let response = crate::runtime::bindings::types::Response {
        commands: Vec::new(),
        error: None,
        debug_context: Some(text),
    };
    let _ = to_okta_json(&response);
}
