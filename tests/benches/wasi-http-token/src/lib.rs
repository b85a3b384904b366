//! Benchmark only: what the `token_claims` example plugin does for a token
//! hook, as a `wasi:http` proxy component that `wasmtime serve` runs with a
//! fresh instance per request (the load benchmark's `wasmtime-serve` row;
//! see BENCHMARKS.md).
//!
//! Per request it does what `tests/benches/native_baseline.rs` does, written
//! directly against `serde_json` (no guest SDK, whose bindings target
//! Hookwarden's world):
//!
//! 1. exactly one `Authorization` header whose SHA-256 equals that of the
//!    `HOOK_SECRET` environment variable (constant-time), else 401;
//! 2. the body parsed as JSON (400 if it is not);
//! 3. for each `HOOK_SETTING_<key>=<value>` environment variable, in key
//!    order, the plugin's rule: `access.lifetime` replaces the access
//!    token's lifetime (300 to 86400 s), other `access.<claim>` /
//!    `identity.<claim>` keys add a claim rendered from the profile's
//!    `{attr}` template, only if Okta is minting that token;
//! 4. the answer `{"commands":[identity patch, access patch]}` as compact
//!    JSON, or 204 when there is nothing to add.
//!
//! `tests/benches/load.sh` checks that it answers byte for byte what
//! Hookwarden and the native baseline answer before loading it. It does a
//! little less than they do (no typed models, no log lines), which can only
//! favour `wasmtime serve` in the comparison.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use wasi::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};
use wasi::io::streams::StreamError;

wasi::http::proxy::export!(TokenHook);

struct TokenHook;

impl wasi::exports::http::incoming_handler::Guest for TokenHook {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let (status, body) = answer(&request);
        let headers = Fields::new();
        if body.is_some() {
            let _ = headers.append("content-type", b"application/json");
        }
        let response = OutgoingResponse::new(headers);
        let _ = response.set_status_code(status);
        let outgoing = response.body().expect("the response body is taken once");
        ResponseOutparam::set(out, Ok(response));
        if let Some(body) = body {
            let stream = outgoing.write().expect("the body stream is taken once");
            for chunk in body.chunks(4096) {
                stream
                    .blocking_write_and_flush(chunk)
                    .expect("the client reads the answer");
            }
        }
        OutgoingBody::finish(outgoing, None).expect("the answer is complete");
    }
}

/// The status and, for 200, the JSON answer.
fn answer(request: &IncomingRequest) -> (u16, Option<Vec<u8>>) {
    if !authorized(request) {
        return (401, None);
    }
    let Some(body) = read_body(request) else {
        return (400, None);
    };
    let Ok(envelope) = serde_json::from_slice::<Value>(&body) else {
        return (400, None);
    };
    let data = &envelope["data"];
    let profile = &data["context"]["user"]["profile"];
    let (mut access, mut identity) = (Vec::new(), Vec::new());
    let mut settings: Vec<(String, String)> = std::env::vars()
        .filter_map(|(k, v)| Some((k.strip_prefix("HOOK_SETTING_")?.to_owned(), v)))
        .collect();
    settings.sort();
    for (key, value) in &settings {
        let (patch, minted, claim) = match key.split_once('.') {
            Some(("access", claim)) => (&mut access, data["access"].is_object(), claim),
            Some(("identity", claim)) => (&mut identity, data["identity"].is_object(), claim),
            _ => continue,
        };
        if !minted || claim.is_empty() {
            continue;
        }
        if key == "access.lifetime" {
            if let Ok(seconds @ 300..=86400) = value.trim().parse::<u32>() {
                patch.push(json!({"op": "replace", "path": "/token/lifetime/expiration", "value": seconds}));
            }
            continue;
        }
        if let Some(rendered) = render(value, profile) {
            patch.push(json!({"op": "add", "path": format!("/claims/{claim}"), "value": rendered}));
        }
    }
    let mut commands = Vec::new();
    for (kind, ops) in [
        ("com.okta.identity.patch", identity),
        ("com.okta.access.patch", access),
    ] {
        if !ops.is_empty() {
            commands.push(json!({"type": kind, "value": ops}));
        }
    }
    if commands.is_empty() {
        return (204, None);
    }
    let mut answer = Map::new();
    answer.insert("commands".into(), Value::Array(commands));
    (
        200,
        Some(serde_json::to_vec(&answer).expect("a JSON value serialises")),
    )
}

fn authorized(request: &IncomingRequest) -> bool {
    let values = request.headers().get("authorization");
    let ([value], Ok(secret)) = (values.as_slice(), std::env::var("HOOK_SECRET")) else {
        return false;
    };
    Sha256::digest(value)
        .ct_eq(&Sha256::digest(secret.as_bytes()))
        .into()
}

/// The whole request body, or `None` if it cannot be read.
fn read_body(request: &IncomingRequest) -> Option<Vec<u8>> {
    let body = request.consume().ok()?;
    let stream = body.stream().ok()?;
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(64 * 1024) {
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(_)) => return None,
        }
    }
    Some(bytes)
}

/// `template` with each `{attr}` replaced by the profile's `attr` (strings
/// as they are, other values as JSON text; `{{` and `}}` are literal
/// braces, a lone `}` is kept), or `None` if an attribute is missing or
/// null or a `{` is unclosed or empty: the guest SDK's `template::render`.
fn render(template: &str, profile: &Value) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let (brace, after) = (rest.as_bytes()[i], &rest[i + 1..]);
        if after.as_bytes().first() == Some(&brace) {
            out.push(brace as char);
            rest = &after[1..];
            continue;
        }
        if brace == b'}' {
            // A lone `}` is kept as is.
            out.push('}');
            rest = after;
            continue;
        }
        let end = after.find('}').filter(|&end| end > 0)?;
        match profile.get(&after[..end]) {
            None | Some(Value::Null) => return None,
            Some(Value::String(s)) => out.push_str(s),
            Some(other) => out.push_str(&other.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}
