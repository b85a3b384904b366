//! Per-call resource limits for plugins: time, fuel, memory and log volume.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Okta's own timeout for an inline-hook call. A time budget must stay below
/// it so that the host can still answer with the safe outcome in time.
pub(crate) const OKTA_TIMEOUT: Duration = Duration::from_millis(3000);

/// Default wall-clock budget of one hook call: 2000 ms, counted from the
/// moment the request arrived (see [`Limits::time_budget_ms`]).
pub const DEFAULT_TIME_BUDGET_MS: u64 = 2000;
/// Largest time budget a hook may set: 2800 ms. The host's own work on an
/// answer after the plugin stops is bounded (at most
/// [`ANSWER_HANDLING`] for an answer of Okta's largest size), so every
/// answer leaves by arrival + 2800 + 100 = 2900 ms, 100 ms inside Okta's
/// 3000 ms timeout for the network.
pub(crate) const MAX_TIME_BUDGET_MS: u64 = 2800;
/// What the arithmetic of the deadline reserves for the host's own work on
/// an answer once the plugin has stopped (lifting, converting, checking and
/// encoding at most 256 KB): 100 ms.
pub(crate) const ANSWER_HANDLING: Duration = Duration::from_millis(100);

// The arithmetic above, checked when the crate compiles: the longest budget
// plus the answer handling leaves 100 ms of Okta's timeout for the network.
const _: () = assert!(
    MAX_TIME_BUDGET_MS + ANSWER_HANDLING.as_millis() as u64 + 100
        <= OKTA_TIMEOUT.as_millis() as u64
);
/// Default fuel for one plugin call: 1,000,000,000 units (one unit is
/// roughly one WebAssembly instruction). A tight loop burns this in about
/// 75 ms on the reference machine (2 cores), so fuel, not the time budget,
/// stops a CPU-bound runaway, and stops it early; a realistic hook uses a
/// small fraction of it. The time budget bounds everything fuel does not
/// count (time spent in host calls, waiting on clocks).
pub(crate) const DEFAULT_FUEL: u64 = 1_000_000_000;
/// Default cap on the linear memory of one plugin instance: 128 MiB.
/// Enough for the interpreters that JavaScript and Python components carry.
pub(crate) const DEFAULT_MEMORY_BYTES: u64 = 128 << 20;
/// Hard ceiling for any per-hook memory cap: 512 MiB (it sizes the pooling
/// allocator's slots, so it is fixed for the process).
pub(crate) const MAX_MEMORY_BYTES: u64 = 512 << 20;
/// The default log bounds of one call: 64 lines, 4 KiB a line, 16 KiB in
/// all. They live in the contract crate, so the guest SDK's native
/// `testing` keeps a plugin's lines as the host does.
pub(crate) use hookwarden_contract::logs::{
    DEFAULT_MAX_LOG_BYTES, DEFAULT_MAX_LOG_LINE_BYTES, DEFAULT_MAX_LOG_LINES,
};

/// The limits one plugin call runs under.
///
/// Each hook may override any of them; unset fields take the defaults above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Wall-clock budget of a call in milliseconds, counted from the moment
    /// the request arrived: it covers reading the body, waiting for a turn,
    /// instantiation and the plugin's run. The plugin is stopped when it is
    /// spent. Default 2000; 1 to 2800.
    pub time_budget_ms: u64,
    /// Fuel for the call. Default 1,000,000,000; at least 1.
    pub fuel: u64,
    /// Cap on the plugin's linear memory, in bytes. Default 128 MiB; at most
    /// 512 MiB.
    pub memory_bytes: u64,
    /// Log lines kept per call. Default 64.
    pub max_log_lines: u32,
    /// Bytes kept per log message. Default 4096.
    pub max_log_line_bytes: u32,
    /// Bytes kept of all log messages of a call together. Default 16 KiB
    /// ([`DEFAULT_MAX_LOG_BYTES`]).
    pub max_log_bytes: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            time_budget_ms: DEFAULT_TIME_BUDGET_MS,
            fuel: DEFAULT_FUEL,
            memory_bytes: DEFAULT_MEMORY_BYTES,
            max_log_lines: DEFAULT_MAX_LOG_LINES,
            max_log_line_bytes: DEFAULT_MAX_LOG_LINE_BYTES,
            max_log_bytes: DEFAULT_MAX_LOG_BYTES,
        }
    }
}

/// Per-hook overrides of [`Limits`]; `None` means "use the default".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LimitOverrides {
    /// See [`Limits::time_budget_ms`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_budget_ms: Option<u64>,
    /// See [`Limits::fuel`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel: Option<u64>,
    /// See [`Limits::memory_bytes`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_bytes: Option<u64>,
}

/// A limit outside its allowed range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// The time budget is zero or above 2800 ms.
    #[error(
        "timeBudgetMs must be between 1 and {MAX_TIME_BUDGET_MS} (counted from the request's arrival; \
         with the host's answer handling every answer then leaves by 2900 ms, inside Okta's 3000 ms); got {0}"
    )]
    TimeBudget(u64),
    /// Fuel is zero.
    #[error("fuel must be at least 1")]
    Fuel,
    /// The memory cap is below one WebAssembly page or above the ceiling.
    #[error("memoryBytes must be between 65536 and {MAX_MEMORY_BYTES}; got {0}")]
    Memory(u64),
}

impl LimitOverrides {
    /// Applies these overrides to `base`.
    ///
    /// # Errors
    ///
    /// A [`LimitError`] for the first override outside its range.
    pub(crate) fn resolve(&self, base: Limits) -> Result<Limits, LimitError> {
        let limits = Limits {
            time_budget_ms: self.time_budget_ms.unwrap_or(base.time_budget_ms),
            fuel: self.fuel.unwrap_or(base.fuel),
            memory_bytes: self.memory_bytes.unwrap_or(base.memory_bytes),
            ..base
        };
        limits.validate()?;
        Ok(limits)
    }
}

impl Limits {
    /// Checks every field against its allowed range.
    ///
    /// # Errors
    ///
    /// A [`LimitError`] for the first field outside its range.
    pub(crate) fn validate(&self) -> Result<(), LimitError> {
        if !(1..=MAX_TIME_BUDGET_MS).contains(&self.time_budget_ms) {
            return Err(LimitError::TimeBudget(self.time_budget_ms));
        }
        if self.fuel == 0 {
            return Err(LimitError::Fuel);
        }
        if !(65536..=MAX_MEMORY_BYTES).contains(&self.memory_bytes) {
            return Err(LimitError::Memory(self.memory_bytes));
        }
        Ok(())
    }

    /// The time budget as a [`Duration`].
    pub(crate) fn time_budget(&self) -> Duration {
        Duration::from_millis(self.time_budget_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_below_oktas_timeout() {
        let limits = Limits::default();
        limits.validate().unwrap();
        assert!(limits.time_budget() < OKTA_TIMEOUT);
    }

    #[test]
    fn the_longest_budget_plus_answer_handling_ends_inside_oktas_timeout() {
        let worst = Duration::from_millis(MAX_TIME_BUDGET_MS) + ANSWER_HANDLING;
        assert_eq!(worst, crate::runtime::ANSWER_DEADLINE);
        assert!(worst < OKTA_TIMEOUT);
    }

    #[test]
    fn a_budget_past_the_maximum_is_refused() {
        for ms in [0, 2801, 2999, 3000, 10_000] {
            let o = LimitOverrides {
                time_budget_ms: Some(ms),
                ..Default::default()
            };
            assert_eq!(
                o.resolve(Limits::default()),
                Err(LimitError::TimeBudget(ms))
            );
        }
        let ok = LimitOverrides {
            time_budget_ms: Some(MAX_TIME_BUDGET_MS),
            ..Default::default()
        };
        assert_eq!(
            ok.resolve(Limits::default()).unwrap().time_budget_ms,
            MAX_TIME_BUDGET_MS
        );
    }

    #[test]
    fn overrides_replace_only_what_they_set() {
        let o = LimitOverrides {
            fuel: Some(5),
            ..Default::default()
        };
        let l = o.resolve(Limits::default()).unwrap();
        assert_eq!(l.fuel, 5);
        assert_eq!(l.time_budget_ms, DEFAULT_TIME_BUDGET_MS);
        assert_eq!(l.memory_bytes, DEFAULT_MEMORY_BYTES);
    }

    #[test]
    fn memory_cap_is_bounded_both_ways() {
        for bytes in [0, 65535, MAX_MEMORY_BYTES + 1] {
            let o = LimitOverrides {
                memory_bytes: Some(bytes),
                ..Default::default()
            };
            assert_eq!(o.resolve(Limits::default()), Err(LimitError::Memory(bytes)));
        }
    }
}
