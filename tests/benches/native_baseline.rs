//! Native baseline for the load benchmark: the `token_claims` example
//! plugin's handler compiled natively (no sandbox) behind axum.
//!
//! ```sh
//! cargo build --release -p hookwarden-tests --example native-baseline
//! HOOK_SECRET='Basic c2VjcmV0' target/release/examples/native-baseline 127.0.0.1:8091 \
//!     --setting 'access.display_name={firstName} {lastName}' [--checks]
//! ```
//!
//! `POST /hooks/{anything}` does what a hand-written native token-hook
//! service does, with the same code Hookwarden runs in the sandbox:
//!
//! 1. checks the `Authorization` header against `HOOK_SECRET` as Hookwarden
//!    does (exactly one value, SHA-256, constant-time compare): 401 if not;
//! 2. parses the body with the guest SDK's `Request::from_json` (serde_json;
//!    `data` re-encoded as text, as the host hands it to a plugin);
//! 3. runs `TokenClaims`, the handler of `plugins/token-claims` (its very
//!    source file, compiled here natively as a module), through
//!    `hookwarden_guest::testing::run` with the `--setting`s, where
//!    `settings::list()` and `log::*` hit the SDK's in-memory stand-in
//!    instead of host imports;
//! 4. answers `Response::to_okta_json()` as JSON, or 204 when empty, like
//!    Hookwarden for a token hook.
//!
//! With `--checks` it also does Hookwarden's own per-call work outside the
//! sandbox: the envelope is parsed and checked by
//! `hookwarden::internals::Envelope::parse` (instead of step 2) and the
//! answer is checked by `hookwarden_contract::check::check_answer` and sent as the
//! `hookwarden::internals::JsonBody` encoding it was measured with, so the gap
//! between this and Hookwarden is the sandbox plus the server's bookkeeping
//! (journal, replay cache, metrics, admission).
//!
//! It answers byte for byte what Hookwarden answers for the same request
//! and settings (`tests/benches/load.sh` checks that before loading).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hookwarden::HookType;
use hookwarden::internals::Envelope;
use hookwarden::internals::JsonBody;
use hookwarden_contract::check::{self as contract, RequestFacts};
use hookwarden_guest::Request;
use hookwarden_guest::testing;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The allocator Hookwarden's binary uses, so the comparison is of the
/// sandbox, not of allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The plugin's source as it is; on a native target its `export_handler!`
/// only defines symbols nothing calls.
#[path = "../../plugins/token-claims/src/lib.rs"]
mod token_claims;

/// What every call needs.
struct App {
    /// SHA-256 of the expected `Authorization` value.
    secret_sha256: [u8; 32],
    /// The hook's settings, as `hookwarden hook create --setting` takes them.
    settings: Vec<(String, String)>,
    /// Also run Hookwarden's envelope parser and answer checker.
    checks: bool,
}

fn authorized(app: &App, headers: &HeaderMap) -> bool {
    let mut values = headers.get_all("authorization").iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return false;
    };
    Sha256::digest(value.as_bytes())
        .ct_eq(&app.secret_sha256)
        .into()
}

/// The host's WIT request record, as the guest SDK's type.
fn guest_request(envelope: &Envelope) -> Request {
    let r = &envelope.request;
    Request {
        event_type: r.event_type.clone(),
        event_type_version: r.event_type_version.clone(),
        cloud_event_version: r.cloud_event_version.clone(),
        content_type: r.content_type.clone(),
        event_id: r.event_id.clone(),
        event_time: r.event_time.clone(),
        source: r.source.clone(),
        request_type: r.request_type.clone(),
        data: r.data.clone(),
    }
}

async fn hook(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if !authorized(&app, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let (request, envelope) = if app.checks {
        match Envelope::parse(&body, HookType::Token) {
            Ok(envelope) => (guest_request(&envelope), Some(envelope)),
            Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
        }
    } else {
        let parsed = std::str::from_utf8(&body)
            .map_err(|e| e.to_string())
            .and_then(|text| Request::from_json(text).map_err(|e| e.to_string()));
        match parsed {
            Ok(request) => (request, None),
            Err(e) => return (StatusCode::BAD_REQUEST, e).into_response(),
        }
    };
    let settings: Vec<(&str, &str)> = app
        .settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let run = testing::run::<token_claims::TokenClaims>(request, &settings);
    // A failed handler gets the token hook's safe answer: no commands.
    let answer = match run.result.map(|response| response.to_okta_json()) {
        Ok(Ok(answer)) => answer,
        _ => return StatusCode::NO_CONTENT.into_response(),
    };
    if answer.as_object().is_some_and(|o| o.is_empty()) {
        return StatusCode::NO_CONTENT.into_response();
    }
    let Some(envelope) = &envelope else {
        return axum::Json(answer).into_response();
    };
    // As Hookwarden does: one encoding serves the size check and the body.
    let body = JsonBody::new(answer);
    let facts = RequestFacts {
        request_type: envelope.request.request_type.as_deref(),
        data: &envelope.data,
    };
    let findings =
        contract::check_answer(HookType::Token, &facts, body.value(), body.encoded().len());
    if contract::has_errors(&findings) {
        return StatusCode::NO_CONTENT.into_response();
    }
    (
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body.encoded().clone(),
    )
        .into_response()
}

fn usage() -> ! {
    eprintln!(
        "usage: HOOK_SECRET=<Authorization value> native-baseline ADDR [--setting K=V]... [--checks]"
    );
    std::process::exit(2)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(addr) = args.next() else { usage() };
    let (mut settings, mut checks) = (Vec::new(), false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--checks" => checks = true,
            "--setting" => {
                let Some((k, v)) = args
                    .next()
                    .and_then(|s| s.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
                else {
                    usage()
                };
                settings.push((k, v));
            }
            _ => usage(),
        }
    }
    // `settings::list()` is sorted by key, as the host's is.
    settings.sort();
    let Ok(secret) = std::env::var("HOOK_SECRET") else {
        usage()
    };
    let app = Arc::new(App {
        secret_sha256: Sha256::digest(secret.as_bytes()).into(),
        settings,
        checks,
    });
    let router = Router::new()
        .route("/hooks/{id}", post(hook))
        .with_state(app);
    // The same runtime Hookwarden's `serve` uses: tokio's multi-threaded
    // scheduler, one worker per core.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(async {
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .unwrap_or_else(|e| panic!("cannot listen on {addr}: {e}"));
            eprintln!("native-baseline listening on {addr} (checks: {checks})");
            axum::serve(listener, router).await.expect("serve");
        });
}
