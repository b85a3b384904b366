//! TEST FIXTURE, not an example: a token-hook handler built directly with
//! `wit-bindgen` against the previous WIT, `hookwarden:inline-hook@0.1.0`
//! (`host/wit-0.1/hook-handler.wit`), as plugins built before 0.2.0 are.
//! The end-to-end tests prove the host still uploads and runs it.
//!
//! It uses every part of the old world: it logs one line, reads the
//! setting `claim` (default `legacy`), answers with an access-token patch
//! adding that claim with the value `"0.1.0"` and a debugContext echoing
//! `eventId` and the two versions; with the setting `deny` set to `true` it
//! answers with an error instead (summary `denied by a 0.1.0 plugin`, one
//! cause).

#[allow(unsafe_code, missing_docs, clippy::all)]
mod bindings {
    //! Generated from the 0.1.0 WIT.
    wit_bindgen::generate!({
        path: "../../host/wit-0.1",
        world: "hook-handler",
    });
}

use bindings::hookwarden::inline_hook::types::{
    Command, ErrorCause, HookError, PatchOp, PatchOperation, Request, Response,
};
use bindings::hookwarden::inline_hook::{log, settings};
use bindings::{Guest, export};

struct Legacy;

/// `text` as a JSON string literal (the fixture has no JSON library).
fn quoted(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Guest for Legacy {
    fn handle(request: Request) -> Result<Response, String> {
        log::log(log::Level::Info, "a 0.1.0 plugin was called");
        if settings::get("deny").as_deref() == Some("true") {
            return Ok(Response {
                commands: Vec::new(),
                error: Some(HookError {
                    error_summary: "denied by a 0.1.0 plugin".into(),
                    error_causes: vec![ErrorCause {
                        error_summary: "old world".into(),
                        reason: Some("LEGACY".into()),
                        location_type: Some("body".into()),
                        location: None,
                        domain: None,
                    }],
                }),
                debug_context: None,
            });
        }
        let claim = settings::get("claim").unwrap_or_else(|| "legacy".into());
        let debug = format!(
            "{{\"eventId\":{},\"eventTypeVersion\":{},\"cloudEventVersion\":{}}}",
            quoted(&request.event_id),
            quoted(&request.event_type_version),
            quoted(&request.cloud_event_version)
        );
        Ok(Response {
            commands: vec![Command::AccessPatch(vec![PatchOperation {
                op: PatchOp::Add,
                path: format!("/claims/{claim}"),
                value: Some("\"0.1.0\"".into()),
            }])],
            error: None,
            debug_context: Some(debug),
        })
    }
}

#[allow(unsafe_code)]
const _: () = {
    export!(Legacy with_types_in bindings);
};
