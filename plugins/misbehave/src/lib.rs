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
//!   * `envelope`: debugContext with every envelope member the plugin
//!     received (`eventId`, `eventTypeVersion`, `cloudEventVersion`, ...).
//!   * `no-summary`: an `error` without `errorSummary`, one cause whose
//!     `locationType` is `cookie` (not one Okta lists; any string is
//!     allowed) and one cause without `errorSummary` (only a `reason`).
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
//!   * `recurse`: recurses without end (exhausts the call stack).
//!   * `huge`: debugContext `{"blob": "xxx..."}` of `size` bytes (default
//!     4 MiB), far over Okta's 256 KB.
//!   * `many`: `count` commands (default 10000), each an ID-token patch
//!     adding one claim.
//!   * `log-flood`: writes log lines without end.
//!   * `escape`: tries to reach what the sandbox withholds (files, the
//!     environment, arguments, TCP to `127.0.0.1:<port>`, UDP, name lookup)
//!     and reads the wall clock, which it grants; debugContext reports each
//!     attempt as `"ok..."` or `"denied: <error>"`, and the clock's seconds
//!     since 1970.
//!   * `nap`: busy-waits `slow_ms` milliseconds (default 30), then sleeps
//!     `sleep_ms` (default 60000) in a WASI clock wait, then answers with no
//!     changes.
//!   * `huge-json`: one raw `com.okta.access.patch` command whose value is
//!     about `size` bytes (default 8 MiB) of JSON text: many small patch
//!     operations, the costliest JSON to parse and check.
//!   * `big-log`: one log line of `size` bytes (default 100 MiB).
//!   * `big-error`: fails with a message of `size` bytes (default 64 MiB).
//!   * `big-random`: asks WASI for `size` random bytes at once (default
//!     64 MiB).
//!   * `big-settings-key`: looks up a setting whose key is `size` bytes
//!     long (default 8 MiB).
//!   * `bad-log-pointer`: calls the host's `log` with a message pointer
//!     outside its memory (a trap while the host lifts the argument).
//!   * anything else: fails with `misbehave: unknown mode`.
//! * `slow_ms`, `sleep_ms`: the delays of `slow` and `nap`.
//! * `size`, `count`, `port`: see `huge`, `many`, the `big-*` modes and
//!   `escape`.

use hookwarden_guest::serde_json::json;
use hookwarden_guest::{
    ErrorCause, Handler, HookError, Patch, Request, Response, Result, log, settings,
};
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

/// Recurses until the stack runs out; `black_box` keeps it from becoming a loop.
fn recurse(depth: u64) -> u64 {
    if black_box(depth) == u64::MAX {
        return depth;
    }
    black_box(recurse(black_box(depth + 1))).wrapping_add(1)
}

/// Busy-waits `ms` milliseconds.
fn busy_wait(ms: u64) {
    let deadline = Instant::now() + Duration::from_millis(ms);
    while Instant::now() < deadline {
        black_box(());
    }
}

/// Calls the host's `log` import directly with a message pointer past the
/// end of linear memory: the host fails lifting the argument.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
fn log_bad_pointer() -> Result<()> {
    #[link(wasm_import_module = "hookwarden:inline-hook/log@0.2.0")]
    unsafe extern "C" {
        #[link_name = "log"]
        fn raw_log(level: i32, ptr: usize, len: usize);
    }
    // SAFETY: the host reads the message (and fails to: it is out of
    // bounds); nothing on this side is dereferenced.
    unsafe { raw_log(2, 0xFFFF_FF00, 0x1000) };
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
fn log_bad_pointer() -> Result<()> {
    Err("misbehave: bad-log-pointer needs the host".into())
}

/// Asks WASI for `len` random bytes in one call.
#[cfg(target_arch = "wasm32")]
fn random_bytes(len: u64) -> usize {
    wasip2::random::random::get_random_bytes(len).len()
}

#[cfg(not(target_arch = "wasm32"))]
fn random_bytes(len: u64) -> usize {
    len as usize
}

/// Keeps logging until a limit stops it.
fn log_forever() -> ! {
    let mut n = 0u64;
    loop {
        n += 1;
        log::info(format!("misbehave: flood line {n}"));
    }
}

/// `"ok"` or `"denied: <error>"`.
fn attempt<T, E: std::fmt::Display>(result: std::result::Result<T, E>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => format!("denied: {e}"),
    }
}

/// Tries everything the sandbox should withhold, and what it grants.
fn escape() -> Result<hookwarden_guest::serde_json::Value> {
    use std::net::{TcpStream, ToSocketAddrs, UdpSocket};
    let port: u16 = settings::parse("port")?.unwrap_or(80);
    let env = std::env::vars().count();
    let args = std::env::args().count();
    let found = |n: usize| {
        if n == 0 {
            "denied: none".to_string()
        } else {
            format!("ok: {n}")
        }
    };
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Ok(json!({
        "read_file": attempt(std::fs::read("/etc/passwd")),
        "read_dir": attempt(std::fs::read_dir("/")),
        "read_cwd": attempt(std::fs::read_dir(".")),
        "write_file": attempt(std::fs::write("/tmp/hookwarden-escape", b"x")),
        "env": found(env),
        "home": attempt(std::env::var("HOME")),
        "args": found(args),
        "tcp": attempt(TcpStream::connect(("127.0.0.1", port))),
        "udp": attempt(UdpSocket::bind("127.0.0.1:0")),
        "dns": attempt(("localhost", port).to_socket_addrs()),
        "wall_clock_secs": since_epoch,
    }))
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
            "envelope" => {
                let echo = json!({
                    "eventType": request.event_type,
                    "eventTypeVersion": request.event_type_version,
                    "cloudEventVersion": request.cloud_event_version,
                    "contentType": request.content_type,
                    "eventId": request.event_id,
                    "eventTime": request.event_time,
                    "source": request.source,
                    "requestType": request.request_type,
                });
                response.set_debug_context(echo)?;
            }
            "no-summary" => {
                response.set_error(
                    HookError::without_summary()
                        .with_cause(ErrorCause::new("no summary here").with_location_type("cookie"))
                        .with_cause(ErrorCause::without_summary().with_reason("NO_SUMMARY")),
                );
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
            "slow" => busy_wait(settings::parse("slow_ms")?.unwrap_or(100)),
            "nap" => {
                busy_wait(settings::parse("slow_ms")?.unwrap_or(30));
                let sleep_ms = settings::parse("sleep_ms")?.unwrap_or(60_000);
                std::thread::sleep(Duration::from_millis(sleep_ms));
            }
            "huge-json" => {
                let size: usize = settings::parse("size")?.unwrap_or(8 << 20);
                let mut text = String::with_capacity(size + 64);
                text.push('[');
                let mut i = 0u64;
                while text.len() < size {
                    if i > 0 {
                        text.push(',');
                    }
                    text.push_str(&format!(
                        r#"{{"op":"add","path":"/claims/c{i}","value":{i}}}"#
                    ));
                    i += 1;
                }
                text.push(']');
                response.raw_json("com.okta.access.patch", text);
            }
            "big-log" => {
                let size: usize = settings::parse("size")?.unwrap_or(100 << 20);
                log::info("x".repeat(size));
            }
            "big-error" => {
                let size: usize = settings::parse("size")?.unwrap_or(64 << 20);
                return Err("e".repeat(size).into());
            }
            "big-random" => {
                let size: u64 = settings::parse("size")?.unwrap_or(64 << 20);
                let got = random_bytes(size);
                response.set_debug_context(json!({ "random_bytes": got }))?;
            }
            "big-settings-key" => {
                let size: usize = settings::parse("size")?.unwrap_or(8 << 20);
                black_box(settings::get(&"k".repeat(size)));
            }
            "bad-log-pointer" => log_bad_pointer()?,
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
            "recurse" => {
                black_box(recurse(0));
            }
            "huge" => {
                let size = settings::parse("size")?.unwrap_or(4 << 20);
                response.set_debug_context(json!({ "blob": "x".repeat(size) }))?;
            }
            "many" => {
                let count: usize = settings::parse("count")?.unwrap_or(10_000);
                for i in 0..count {
                    let mut patch = Patch::new();
                    patch.add_claim(&format!("c{i}"), i)?;
                    response.identity_patch(patch);
                }
            }
            "log-flood" => log_forever(),
            "escape" => {
                response.set_debug_context(escape()?)?;
            }
            other => return Err(format!("misbehave: unknown mode `{other}`").into()),
        }
        Ok(response)
    }
}

hookwarden_guest::export_handler!(Misbehave);

#[cfg(test)]
mod tests;
