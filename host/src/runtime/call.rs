//! One plugin call: a fresh store, the limits enforced, and what happened reported.

use super::bindings::types::{Request, Response};
use super::host_api::LogLine;
use super::{Plugin, Runtime};
use crate::limits::Limits;
use crate::text::cut;
use hookwarden_contract::logs::LogBudget;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::OwnedSemaphorePermit;
use wasmtime::component::ResourceTable;
use wasmtime::{CallHook, ResourceLimiter, Store, Trap, UpdateDeadline};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::store::Settings;

/// How long a call runs before it counts as long: 20 ms. From then on it
/// runs only while it holds a long-call turn ([`RuntimeConfig::max_long_calls`](super::RuntimeConfig::max_long_calls)).
pub(crate) const LONG_CALL_AFTER: Duration = Duration::from_millis(20);

/// Extra time past the deadline before the host stops waiting on a call
/// that does not notice its epoch deadline: one blocked in a host call (a
/// WASI clock wait), where the epoch is not checked. The wait is dropped
/// then, so such a call ends at most this long after its deadline.
const BACKSTOP_GRACE: Duration = Duration::from_millis(20);

/// Most bytes a plugin can hand the host in one transfer: the arguments of
/// one host call (a `log` message, a WASI write) or its answer: 1 MiB.
/// wasmtime's hostcall fuel stops a larger transfer before the host
/// allocates it, so no single host call copies more than this (well under
/// a millisecond); a call that tries traps, and its answer is replaced.
/// Okta's own cap on a whole answer is 256 KB.
pub(crate) const MAX_HOSTCALL_BYTES: usize = 1 << 20;

/// Most random bytes a plugin may ask WASI for in one call: 1 MiB (the
/// host generates and copies them within a millisecond or two). Language
/// runtimes ask for a few dozen bytes.
pub(crate) const MAX_RANDOM_BYTES: u64 = 1 << 20;

/// Bytes kept of a message the plugin controls (its `err(...)` text, a
/// trap's description) in the recorded reason: 1 KiB, cut on a character
/// boundary and marked.
pub(crate) const MAX_REASON_BYTES: usize = 1024;

/// Why a plugin call produced no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallFailure {
    /// The plugin returned `err(message)` from `handle`.
    #[error("plugin returned an error: {0}")]
    PluginError(String),
    /// The plugin trapped (a panic, `unreachable`, a bad memory access...).
    #[error("plugin trapped: {0}")]
    Trapped(String),
    /// The plugin handed the host more than [`MAX_HOSTCALL_BYTES`] in one
    /// host call's arguments.
    #[error(
        "plugin passed more than {MAX_HOSTCALL_BYTES} bytes to one host call (the most the host accepts at once)"
    )]
    HostCallTooLarge,
    /// The plugin's answer is larger than the host accepts (see
    /// [`MAX_HOSTCALL_BYTES`] and Okta's 256 KB).
    #[error("{0}")]
    AnswerTooLarge(String),
    /// The call ran past its wall-clock budget.
    #[error("plugin exceeded its time budget of {0} ms")]
    OutOfTime(u64),
    /// The call used up its fuel.
    #[error("plugin ran out of fuel ({0} units)")]
    OutOfFuel(u64),
    /// The plugin tried to grow its memory past the cap.
    #[error("plugin exceeded its memory cap of {0} bytes")]
    OutOfMemory(u64),
    /// The plugin could not be instantiated (for example the instance pool
    /// is exhausted).
    #[error("plugin could not be instantiated: {0}")]
    Instantiate(String),
    /// The call was shed before it ran: too many calls in flight.
    #[error(transparent)]
    Overloaded(#[from] super::Shed),
}

/// Everything observed about one call.
#[derive(Debug)]
pub struct CallReport {
    /// The plugin's answer, or why there is none.
    pub result: Result<Response, CallFailure>,
    /// Wall-clock time from store creation to the end of the call.
    pub duration: Duration,
    /// Fuel the call consumed.
    pub fuel_consumed: u64,
    /// Highest total linear memory of the instance, in bytes.
    pub peak_memory_bytes: u64,
    /// Lines the plugin logged, bounded by [`Limits::max_log_lines`].
    pub logs: Vec<LogLine>,
    /// Lines dropped past the bound.
    pub dropped_log_lines: u32,
}

impl CallReport {
    /// The report of a call that never ran, after `waited`.
    pub(crate) fn not_run(failure: CallFailure, waited: Duration) -> CallReport {
        CallReport {
            result: Err(failure),
            duration: waited,
            fuel_consumed: 0,
            peak_memory_bytes: 0,
            logs: Vec::new(),
            dropped_log_lines: 0,
        }
    }
}

/// Enforces the per-call memory cap across all of an instance's memories
/// and records the peak.
struct CallLimiter {
    cap: u64,
    total: u64,
    peak: u64,
    refused: bool,
}

impl ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let grown = self.total + (desired.saturating_sub(current)) as u64;
        if grown > self.cap {
            self.refused = true;
            return Ok(false);
        }
        self.total = grown;
        self.peak = self.peak.max(grown);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // The pool's table slots refuse growth past them as well; checked
        // here so the bound holds whatever the allocator.
        Ok(desired <= super::TABLE_ELEMENTS)
    }
}

/// The data of one call's store.
pub(crate) struct CallState {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: CallLimiter,
    pub(super) settings: Arc<Settings>,
    pub(super) logs: Vec<LogLine>,
    /// What is left of the call's log bounds (the contract crate's, which
    /// the guest SDK's `testing` applies too).
    pub(super) log_budget: LogBudget,
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// A WASI context that grants nothing: no preopened directories, no
/// environment, no arguments, closed stdio, no network. Clocks and random
/// numbers remain, as every language runtime needs them.
fn sandboxed_wasi() -> WasiCtx {
    WasiCtx::builder()
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .max_random_size(MAX_RANDOM_BYTES)
        .build()
}

/// The long-call turn a call holds, if any; shared by the epoch callback
/// (which hands it round) and the call hook (which gives it up in host
/// calls).
type Turn = Arc<std::sync::Mutex<Option<OwnedSemaphorePermit>>>;

fn give_up(turn: &Turn) {
    drop(turn.lock().unwrap_or_else(|e| e.into_inner()).take());
}

/// How long past a call's deadline the caller waits for the sandbox's
/// report before it answers without it: 50 ms. Only reached when the
/// sandbox threads are all held by work WebAssembly cannot interrupt (one
/// instruction touching a hundred megabytes of fresh memory, say); the
/// call's task is aborted then and its slot comes back when it ends.
const REPORT_GRACE: Duration = Duration::from_millis(50);

impl Runtime {
    /// Runs `plugin` once on `request` in a fresh store under `limits`,
    /// stopping it at `deadline` (the request's arrival plus its time
    /// budget). `ticket` is held until the instance is gone.
    ///
    /// The call runs on the sandbox's own threads, never on the caller's:
    /// whatever a plugin does there, the caller's runtime keeps serving and
    /// this future ends by `deadline` + [`REPORT_GRACE`].
    ///
    /// Never fails as a Rust call: every failure of the plugin is reported in
    /// [`CallReport::result`]. The call yields to the async runtime at every
    /// epoch tick, so a plugin that loops forever does not stall other tasks,
    /// and it is stopped at its deadline; one blocked in a host call is
    /// dropped at most [`BACKSTOP_GRACE`] later.
    pub async fn call(
        &self,
        plugin: Arc<Plugin>,
        request: Request,
        settings: Arc<Settings>,
        limits: Limits,
        deadline: Instant,
        ticket: super::Ticket,
    ) -> CallReport {
        let start = Instant::now();
        let (engine, turns) = (self.engine.clone(), self.long_call_turns.clone());
        // The plugin's log lines are events of the caller's span.
        let span = tracing::Span::current();
        let task = self.sandbox().spawn(tracing::Instrument::instrument(
            async move {
                let report = run_in_store(
                    engine, turns, &plugin, &request, settings, &limits, deadline,
                )
                .await;
                drop(ticket);
                report
            },
            span,
        ));
        let abort = task.abort_handle();
        match tokio::time::timeout_at((deadline + REPORT_GRACE).into(), task).await {
            Ok(Ok(report)) => report,
            Ok(Err(panicked)) => CallReport::not_run(
                CallFailure::Instantiate(format!("the sandbox task failed: {panicked}")),
                start.elapsed(),
            ),
            Err(_late) => {
                abort.abort();
                CallReport::not_run(
                    CallFailure::OutOfTime(limits.time_budget_ms),
                    start.elapsed(),
                )
            }
        }
    }
}

/// [`Runtime::call`]'s work, on a sandbox thread.
async fn run_in_store(
    engine: wasmtime::Engine,
    turns: Arc<tokio::sync::Semaphore>,
    plugin: &Plugin,
    request: &Request,
    settings: Arc<Settings>,
    limits: &Limits,
    deadline: Instant,
) -> CallReport {
    let start = Instant::now();
    let state = CallState {
        wasi: sandboxed_wasi(),
        table: ResourceTable::new(),
        limiter: CallLimiter {
            cap: limits.memory_bytes,
            total: 0,
            peak: 0,
            refused: false,
        },
        settings,
        logs: Vec::new(),
        log_budget: LogBudget::new(
            limits.max_log_lines as usize,
            limits.max_log_line_bytes as usize,
            limits.max_log_bytes as usize,
        ),
    };
    let mut store = Store::new(&engine, state);
    store.limiter(|s| &mut s.limiter);
    store.set_hostcall_fuel(MAX_HOSTCALL_BYTES);
    // Fuel is enabled engine-wide, so setting it cannot fail.
    let _ = store.set_fuel(limits.fuel);
    store.set_epoch_deadline(1);
    let long_after = start + LONG_CALL_AFTER;
    let turn: Turn = Arc::default();
    store.epoch_deadline_callback({
        let turn = turn.clone();
        move |_| {
            let now = Instant::now();
            if now >= deadline {
                return Ok(UpdateDeadline::Interrupt);
            }
            // tokio's yield_now defers the wake-up until the scheduler has
            // polled its I/O and timer driver; a plain `Yield` wakes at
            // once, and a looping plugin would then starve the driver of
            // its worker thread for up to 61 ticks.
            if now < long_after {
                return Ok(UpdateDeadline::YieldCustom(
                    1,
                    Box::pin(tokio::task::yield_now()),
                ));
            }
            // A long call runs only while it holds one of the few long-call
            // turns. It gives its turn back at every tick and queues for the
            // next (the semaphore is fair), so long calls take turns on those
            // cores and short calls never queue behind them.
            let (turns, turn) = (turns.clone(), turn.clone());
            give_up(&turn);
            Ok(UpdateDeadline::YieldCustom(
                1,
                Box::pin(async move {
                    tokio::task::yield_now().await;
                    let wait = tokio::time::timeout_at(deadline.into(), turns.acquire_owned());
                    if let Ok(Ok(permit)) = wait.await {
                        *turn.lock().unwrap_or_else(|e| e.into_inner()) = Some(permit);
                    }
                }),
            ))
        }
    });
    // A call waiting in the host (a WASI clock wait, say) uses no core:
    // it gives its turn up on the way in. Back in WebAssembly it runs on
    // until the next tick, where it queues for a turn again.
    store.call_hook(move |_, hook| {
        if matches!(hook, CallHook::CallingHost) {
            give_up(&turn);
        }
        Ok(())
    });

    let run = plugin.run(&mut store, request);
    let outcome = tokio::time::timeout_at((deadline + BACKSTOP_GRACE).into(), run).await;

    let fuel_left = store.get_fuel().unwrap_or(0);
    let state = store.into_data();
    let result = match outcome {
        Err(_elapsed) => Err(CallFailure::OutOfTime(limits.time_budget_ms)),
        Ok(Ok(Ok(response))) => Ok(response),
        Ok(Ok(Err(message))) => Err(CallFailure::PluginError(cut(message, MAX_REASON_BYTES))),
        Ok(Err((during_instantiation, error))) => Err(classify(
            &error,
            Phase {
                during_instantiation,
                // An error raised while WebAssembly was on the stack (a
                // host call's) carries a wasm backtrace; the lift of the
                // answer happens after the guest returned.
                in_host_call: error.downcast_ref::<wasmtime::WasmBacktrace>().is_some(),
                memory_refused: state.limiter.refused,
            },
            limits,
        )),
    };
    CallReport {
        result,
        duration: start.elapsed(),
        fuel_consumed: limits.fuel.saturating_sub(fuel_left),
        peak_memory_bytes: state.limiter.peak,
        logs: state.logs,
        dropped_log_lines: state.log_budget.dropped(),
    }
}

/// Where a call was when wasmtime returned an error.
struct Phase {
    during_instantiation: bool,
    in_host_call: bool,
    memory_refused: bool,
}

/// The text of wasmtime's hostcall-fuel error (its type is private): a
/// transfer from the guest to the host went past [`MAX_HOSTCALL_BYTES`].
const HOSTCALL_FUEL_EXHAUSTED: &str = "fuel allocated for hostcalls has been exhausted";

/// Maps a wasmtime error from instantiation or the call to a [`CallFailure`].
fn classify(error: &wasmtime::Error, phase: Phase, limits: &Limits) -> CallFailure {
    match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => return CallFailure::OutOfTime(limits.time_budget_ms),
        Some(Trap::OutOfFuel) => return CallFailure::OutOfFuel(limits.fuel),
        _ => {}
    }
    // A refused memory.grow makes the guest's allocator fail; the trap that
    // follows (an abort, usually `unreachable`) is the consequence.
    if phase.memory_refused {
        return CallFailure::OutOfMemory(limits.memory_bytes);
    }
    if error
        .chain()
        .any(|cause| cause.to_string().contains(HOSTCALL_FUEL_EXHAUSTED))
    {
        // Inside a host call it was that call's arguments; otherwise the
        // lift of the answer itself.
        return if phase.in_host_call {
            CallFailure::HostCallTooLarge
        } else {
            CallFailure::AnswerTooLarge(format!(
                "answer is larger than {MAX_HOSTCALL_BYTES} bytes (Okta accepts at most 256 KB); it was not read"
            ))
        };
    }
    if phase.during_instantiation && error.downcast_ref::<Trap>().is_none() {
        return CallFailure::Instantiate(cut(error_chain(error), MAX_REASON_BYTES));
    }
    CallFailure::Trapped(cut(error_chain(error), MAX_REASON_BYTES))
}

/// Every cause of `error`, outermost first, joined with `: `, without the
/// wasm backtrace (which can be long): a trap inside a host call's argument
/// lowering is only explained by the causes below wasmtime's context.
fn error_chain(error: &wasmtime::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        let first = text.lines().next().unwrap_or_default().trim();
        // wasmtime's backtrace context ("error while executing at wasm
        // backtrace:" and one line per frame) says where, not why.
        if first.starts_with("error while executing at wasm backtrace") {
            continue;
        }
        if !first.is_empty() && !parts.iter().any(|p| p.contains(first)) {
            parts.push(first.to_owned());
        }
    }
    if parts.is_empty() {
        "no cause given".into()
    } else {
        parts.join(": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_chain_keeps_every_cause_and_drops_backtraces() {
        let root = wasmtime::Error::msg("invalid utf-8 sequence of 1 bytes from index 3");
        let error = root
            .context("error lowering the argument")
            .context("error while executing at wasm backtrace:\n    0: 0x1 - <unknown>!f");
        let chain = error_chain(&error);
        assert_eq!(
            chain,
            "error lowering the argument: invalid utf-8 sequence of 1 bytes from index 3"
        );
    }

    #[test]
    fn hostcall_fuel_exhaustion_is_named_by_where_it_happened() {
        let error = || {
            wasmtime::Error::msg(format!(
                "too much data is being copied between the host and the guest: {HOSTCALL_FUEL_EXHAUSTED}"
            ))
        };
        let phase = |in_host_call| Phase {
            during_instantiation: false,
            in_host_call,
            memory_refused: false,
        };
        let limits = Limits::default();
        assert_eq!(
            classify(&error(), phase(true), &limits),
            CallFailure::HostCallTooLarge
        );
        assert!(matches!(
            classify(&error(), phase(false), &limits),
            CallFailure::AnswerTooLarge(_)
        ));
    }
}
