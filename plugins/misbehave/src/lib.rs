//! TEST FIXTURE, not an example: a handler that misbehaves on purpose, so
//! that Hookwarden's tests can prove the host contains it (time, fuel and
//! memory limits, traps, invalid answers, no state between calls). Never
//! attach it to a real Okta hook.
//!
//! # Settings
//!
//! * `mode` picks the behaviour:
//!   * `echo` or no `mode`: debugContext `{"eventId", "eventType",
//!     "settings": {every setting}}`.
//!   * `loop`: spins forever.
//!   * `panic`: panics (a trap on wasm32).
//!   * `alloc`: allocates and fills 1 MiB blocks forever.
//!   * `error`: fails with `misbehave: asked to fail`.
//!   * `invalid`: an ID-token patch removing the reserved claim `sub` (reserved in ID tokens; access tokens may change it).
//!   * `bad-json`: a raw `com.okta.access.patch` whose value is `{not json`.
//!   * `slow`: busy-waits `slow_ms` milliseconds (default 100), then
//!     answers with no changes.
//!   * `state`: counts calls in a `static`; debugContext `{"calls": n}`
//!     (always 1, since every call gets a fresh instance).
//!   * `log`: writes 10 log lines, two at each level, and answers with no
//!     changes.
//!   * anything else: fails with `misbehave: unknown mode`.
//! * `slow_ms`: the delay of `slow`.

use hookwarden_guest::serde_json::json;
use hookwarden_guest::{Handler, Patch, Request, Response, Result, log, settings};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Calls seen by this instance (mode `state`).
static CALLS: AtomicU64 = AtomicU64::new(0);

/// The handler.
struct Misbehave;

/// Never returns; `black_box` keeps the optimiser from removing the loop.
fn spin_forever() -> ! {
    let mut n = 0u64;
    loop {
        n = black_box(n.wrapping_add(1));
    }
}

/// Keeps allocating 1 MiB blocks filled with non-zero bytes (so every page
/// is touched) until the memory limit stops it.
fn allocate_forever() -> ! {
    let mut hog: Vec<Vec<u8>> = Vec::new();
    loop {
        hog.push(vec![black_box(0xA5); 1 << 20]);
        black_box(&hog);
    }
}

impl Handler for Misbehave {
    fn handle(request: Request) -> Result<Response> {
        let mut response = Response::new();
        match settings::get("mode").as_deref().unwrap_or("echo") {
            "echo" => {
                let all: BTreeMap<String, String> = settings::list().into_iter().collect();
                let echo = json!({"eventId": request.event_id, "eventType": request.event_type, "settings": all});
                response.set_debug_context(echo)?;
            }
            "loop" => spin_forever(),
            "panic" => panic!("misbehave: asked to panic"),
            "alloc" => allocate_forever(),
            "error" => return Err("misbehave: asked to fail".into()),
            "invalid" => {
                let mut patch = Patch::new();
                patch.remove_claim("sub");
                response.identity_patch(patch);
            }
            "bad-json" => {
                response.raw_json("com.okta.access.patch", "{not json");
            }
            "slow" => {
                let ms = settings::parse("slow_ms")?.unwrap_or(100);
                let deadline = Instant::now() + Duration::from_millis(ms);
                while Instant::now() < deadline {
                    black_box(());
                }
            }
            "state" => {
                let calls = CALLS.fetch_add(1, Ordering::SeqCst) + 1;
                response.set_debug_context(json!({ "calls": calls }))?;
            }
            "log" => {
                for round in 1..=2 {
                    log::trace(format!("misbehave: trace line {round}"));
                    log::debug(format!("misbehave: debug line {round}"));
                    log::info(format!("misbehave: info line {round}"));
                    log::warn(format!("misbehave: warn line {round}"));
                    log::error(format!("misbehave: error line {round}"));
                }
            }
            other => return Err(format!("misbehave: unknown mode `{other}`").into()),
        }
        Ok(response)
    }
}

hookwarden_guest::export_handler!(Misbehave);

#[cfg(test)]
mod tests;
