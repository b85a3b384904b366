//! The host's own work per hook call, without the sandbox: parsing Okta's
//! request envelope, and turning a plugin's answer into Okta's JSON and
//! checking it against Okta's rules.
//!
//! ```sh
//! cargo bench -p hookwarden --bench pipeline
//! ```
//!
//! The request is the token sample (`hookwarden::internals::samples::TOKEN`, 2.9 KB);
//! the answer is what the `token_claims` example plugin returns for it with
//! the load benchmark's settings (one ID-token claim, one access-token claim
//! and the access token's lifetime).

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use hookwarden::HookType;
use hookwarden::internals::samples;
use hookwarden::internals::wit::{Command, PatchOp, PatchOperation, Response};
use hookwarden::internals::{Envelope, to_okta_json};
use hookwarden_contract::check::{self as contract, RequestFacts};
use std::hint::black_box;

/// The allocator of the `hookwarden` binary, so these figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The answer `token_claims` gives for the token sample.
fn token_answer() -> Response {
    let op = |op, path: &str, value: &str| PatchOperation {
        op,
        path: path.to_owned(),
        value: Some(value.to_owned()),
    };
    Response {
        commands: vec![
            Command::IdentityPatch(vec![op(PatchOp::Add, "/claims/locale_tag", r#""en_US""#)]),
            Command::AccessPatch(vec![
                op(PatchOp::Add, "/claims/display_name", r#""Isaac Brock""#),
                op(PatchOp::Replace, "/token/lifetime/expiration", "3600"),
            ]),
        ],
        error: None,
        debug_context: None,
    }
}

fn pipeline(c: &mut Criterion) {
    let body = samples::TOKEN.as_bytes();
    c.bench_function("envelope_parse/token", |b| {
        b.iter(|| Envelope::parse(black_box(body), HookType::Token).unwrap())
    });

    let envelope = Envelope::parse(body, HookType::Token).unwrap();
    let response = token_answer();
    let facts = RequestFacts {
        request_type: envelope.request.request_type.as_deref(),
        data: &envelope.data,
    };
    // Sanity: the answer is valid, so the checker walks its whole path.
    let answer = to_okta_json(&response).unwrap();
    let findings =
        contract::check_answer(HookType::Token, &facts, &answer, answer.to_string().len());
    assert!(findings.is_empty(), "{findings:?}");

    c.bench_function("answer_to_okta_json/token", |b| {
        b.iter(|| to_okta_json(black_box(&response)).unwrap())
    });
    // What the host does per answer (pipeline::judge): encode to learn
    // the size, then check.
    c.bench_function("answer_check/token", |b| {
        b.iter(|| {
            let answer = black_box(&answer);
            let findings =
                contract::check_answer(HookType::Token, &facts, answer, answer.to_string().len());
            assert!(findings.is_empty());
        })
    });
}

criterion_group! {
    name = benches;
    // Short: each of these takes microseconds.
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = pipeline
}
criterion_main!(benches);
