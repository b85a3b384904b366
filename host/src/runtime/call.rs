//! One plugin call: a fresh store, the limits enforced, and what happened reported.

use super::bindings::types::{Request, Response};
use super::host_api::LogLine;
use super::{Plugin, Runtime};
use crate::limits::Limits;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::OwnedSemaphorePermit;
use wasmtime::component::ResourceTable;
use wasmtime::{ResourceLimiter, Store, Trap, UpdateDeadline};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// The settings an administrator attached to a hook, passed read-only to its plugin.
pub type Settings = BTreeMap<String, String>;

/// How long a call runs before it counts as long: 20 ms. From then on it
/// runs only while it holds a long-call turn ([`RuntimeConfig::max_long_calls`](super::RuntimeConfig::max_long_calls)).
pub const LONG_CALL_AFTER: Duration = Duration::from_millis(20);

/// Extra time past the budget before the host stops waiting on a call that
/// somehow failed to notice its epoch deadline. Never reached in practice.
const BACKSTOP_GRACE: Duration = Duration::from_millis(50);

/// Why a plugin call produced no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallFailure {
    /// The plugin returned `err(message)` from `handle`.
    #[error("plugin returned an error: {0}")]
    PluginError(String),
    /// The plugin trapped (a panic, `unreachable`, a bad memory access...).
    #[error("plugin trapped: {0}")]
    Trapped(String),
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
    pub fn not_run(failure: CallFailure, waited: Duration) -> CallReport {
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

/// Upper bound on table elements per table; tables hold function references.
const MAX_TABLE_ELEMENTS: usize = 1 << 20;

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
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }
}

/// The data of one call's store.
pub struct CallState {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: CallLimiter,
    pub(super) settings: Arc<Settings>,
    pub(super) logs: Vec<LogLine>,
    pub(super) dropped_log_lines: u32,
    pub(super) max_log_lines: usize,
    pub(super) max_log_line_bytes: usize,
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
        .build()
}

impl Runtime {
    /// Runs `plugin` once on `request` in a fresh store under `limits`.
    ///
    /// Never fails as a Rust call: every failure of the plugin is reported in
    /// [`CallReport::result`]. The call yields to the async runtime at every
    /// epoch tick, so a plugin that loops forever does not stall other tasks,
    /// and it is stopped at its time budget.
    pub async fn call(
        &self,
        plugin: &Plugin,
        request: &Request,
        settings: Arc<Settings>,
        limits: &Limits,
    ) -> CallReport {
        let start = Instant::now();
        let budget = limits.time_budget();
        let deadline = start + budget;
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
            dropped_log_lines: 0,
            max_log_lines: limits.max_log_lines as usize,
            max_log_line_bytes: limits.max_log_line_bytes as usize,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        // Fuel is enabled engine-wide, so setting it cannot fail.
        let _ = store.set_fuel(limits.fuel);
        store.set_epoch_deadline(1);
        let long_after = start + LONG_CALL_AFTER;
        let turns = self.long_call_turns.clone();
        let turn: Arc<std::sync::Mutex<Option<OwnedSemaphorePermit>>> = Arc::default();
        store.epoch_deadline_callback(move |_| {
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
            let release = turn.lock().unwrap_or_else(|e| e.into_inner()).take();
            Ok(UpdateDeadline::YieldCustom(
                1,
                Box::pin(async move {
                    drop(release);
                    tokio::task::yield_now().await;
                    let wait = tokio::time::timeout_at(deadline.into(), turns.acquire_owned());
                    if let Ok(Ok(permit)) = wait.await {
                        *turn.lock().unwrap_or_else(|e| e.into_inner()) = Some(permit);
                    }
                }),
            ))
        });

        let run = plugin.run(&mut store, request);
        let outcome = tokio::time::timeout(budget + BACKSTOP_GRACE, run).await;

        let fuel_left = store.get_fuel().unwrap_or(0);
        let state = store.into_data();
        let result = match outcome {
            Err(_elapsed) => Err(CallFailure::OutOfTime(limits.time_budget_ms)),
            Ok(Ok(Ok(response))) => Ok(response),
            Ok(Ok(Err(message))) => Err(CallFailure::PluginError(message)),
            Ok(Err((during_instantiation, error))) => Err(classify(
                error,
                during_instantiation,
                state.limiter.refused,
                limits,
            )),
        };
        CallReport {
            result,
            duration: start.elapsed(),
            fuel_consumed: limits.fuel.saturating_sub(fuel_left),
            peak_memory_bytes: state.limiter.peak,
            logs: state.logs,
            dropped_log_lines: state.dropped_log_lines,
        }
    }
}

/// Maps a wasmtime error from instantiation or the call to a [`CallFailure`].
fn classify(
    error: wasmtime::Error,
    during_instantiation: bool,
    memory_refused: bool,
    limits: &Limits,
) -> CallFailure {
    match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => return CallFailure::OutOfTime(limits.time_budget_ms),
        Some(Trap::OutOfFuel) => return CallFailure::OutOfFuel(limits.fuel),
        _ => {}
    }
    // A refused memory.grow makes the guest's allocator fail; the trap that
    // follows (an abort, usually `unreachable`) is the consequence.
    if memory_refused {
        return CallFailure::OutOfMemory(limits.memory_bytes);
    }
    if during_instantiation && error.downcast_ref::<Trap>().is_none() {
        return CallFailure::Instantiate(format!("{error:#}"));
    }
    CallFailure::Trapped(trap_summary(&error))
}

/// The trap's own words without the wasm backtrace, which can be long.
fn trap_summary(error: &wasmtime::Error) -> String {
    let text = match error.downcast_ref::<Trap>() {
        Some(trap) => trap.to_string(),
        None => format!("{error}"),
    };
    text.lines().next().unwrap_or_default().to_owned()
}
