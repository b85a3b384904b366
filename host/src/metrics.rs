//! Prometheus metrics: calls by hook and outcome, latency, fuel and memory per hook, instances in use, shed calls, replays, compile times.
//!
//! Served at `GET /metrics` in the Prometheus text format (behind the admin
//! token, like the admin API). Names and labels:
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `hookwarden_calls_total` | counter | `hook`, `outcome` (`ok`, `trapped`, ..., `overloaded`, `rejected`) |
//! | `hookwarden_call_duration_seconds` | histogram | `hook` |
//! | `hookwarden_call_fuel` | histogram | `hook` |
//! | `hookwarden_call_peak_memory_bytes` | histogram | `hook` |
//! | `hookwarden_calls_shed_total` | counter | `hook` |
//! | `hookwarden_replays_total` | counter | `hook` |
//! | `hookwarden_instances_in_use` | gauge | |
//! | `hookwarden_compile_seconds` | histogram | |
//! | `hookwarden_journal_records` | gauge | |
//!
//! Only calls that reached a known, authenticated hook are counted, so the
//! label values are hook ids the administrator created.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Duration;

/// Labels of a per-hook series.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HookLabel {
    hook: String,
}

/// Labels of a per-hook, per-outcome series.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    hook: String,
    outcome: String,
}

type HistogramFamily = Family<HookLabel, Histogram, fn() -> Histogram>;

fn latency() -> Histogram {
    // 50 µs to ~3.3 s.
    Histogram::new(exponential_buckets(0.000_05, 2.0, 17))
}

fn fuel() -> Histogram {
    // 10k to ~10G units.
    Histogram::new(exponential_buckets(10_000.0, 4.0, 11))
}

fn memory() -> Histogram {
    // 64 KiB to 512 MiB.
    Histogram::new(exponential_buckets(65_536.0, 2.0, 14))
}

/// The metrics of one server.
pub struct Metrics {
    registry: Registry,
    calls: Family<OutcomeLabels, Counter>,
    duration: HistogramFamily,
    fuel: HistogramFamily,
    memory: HistogramFamily,
    shed: Family<HookLabel, Counter>,
    replays: Family<HookLabel, Counter>,
    instances: Gauge,
    journal_records: Gauge,
    compile: Histogram,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("hookwarden");
        let calls = Family::<OutcomeLabels, Counter>::default();
        let duration = HistogramFamily::new_with_constructor(latency);
        let fuel_used = HistogramFamily::new_with_constructor(fuel);
        let memory_used = HistogramFamily::new_with_constructor(memory);
        let shed = Family::<HookLabel, Counter>::default();
        let replays = Family::<HookLabel, Counter>::default();
        let instances = Gauge::default();
        let journal_records = Gauge::default();
        let compile = Histogram::new(exponential_buckets(0.001, 2.0, 15));
        registry.register("calls", "Hook calls by hook and outcome", calls.clone());
        registry.register(
            "call_duration_seconds",
            "Time in the plugin per call (instantiation and call), by hook",
            duration.clone(),
        );
        registry.register(
            "call_fuel",
            "Fuel consumed per call, by hook",
            fuel_used.clone(),
        );
        registry.register(
            "call_peak_memory_bytes",
            "Peak linear memory per call, by hook",
            memory_used.clone(),
        );
        registry.register(
            "calls_shed",
            "Calls answered with the safe answer without running because the hook or the server was at its bound",
            shed.clone(),
        );
        registry.register(
            "replays",
            "Retried eventIds answered from the kept answer",
            replays.clone(),
        );
        registry.register(
            "instances_in_use",
            "Plugin instances alive now (calls in flight)",
            instances.clone(),
        );
        registry.register(
            "compile_seconds",
            "Time to compile a plugin (or load its cached compiled code)",
            compile.clone(),
        );
        registry.register(
            "journal_records",
            "Records in the execution journal",
            journal_records.clone(),
        );
        Metrics {
            registry,
            calls,
            duration,
            fuel: fuel_used,
            memory: memory_used,
            shed,
            replays,
            instances,
            journal_records,
            compile,
        }
    }
}

impl Metrics {
    /// Counts one call of `hook` that ended with `outcome`; `ran` says the
    /// plugin ran, so its time, fuel and memory are observed.
    pub fn call(&self, hook: &str, outcome: &str, ran: Option<(Duration, u64, u64)>) {
        let labels = OutcomeLabels {
            hook: hook.to_owned(),
            outcome: outcome.to_owned(),
        };
        self.calls.get_or_create(&labels).inc();
        let hook = HookLabel {
            hook: hook.to_owned(),
        };
        if outcome == "overloaded" {
            self.shed.get_or_create(&hook).inc();
        }
        if let Some((duration, fuel, memory)) = ran {
            self.duration
                .get_or_create(&hook)
                .observe(duration.as_secs_f64());
            self.fuel.get_or_create(&hook).observe(fuel as f64);
            self.memory.get_or_create(&hook).observe(memory as f64);
        }
    }

    /// Counts a replayed answer for `hook`.
    pub fn replay(&self, hook: &str) {
        self.replays
            .get_or_create(&HookLabel {
                hook: hook.to_owned(),
            })
            .inc();
    }

    /// Observes one compilation (or cache load).
    pub fn compiled(&self, took: Duration) {
        self.compile.observe(took.as_secs_f64());
    }

    /// The text exposition, with the gauges set to `instances` and
    /// `journal_records`.
    pub fn render(&self, instances: u32, journal_records: usize) -> String {
        self.instances.set(i64::from(instances));
        self.journal_records.set(journal_records as i64);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_render_as_named_series() {
        let metrics = Metrics::default();
        metrics.call(
            "calA",
            "ok",
            Some((Duration::from_micros(700), 150_000, 1 << 20)),
        );
        metrics.call("calA", "overloaded", None);
        metrics.replay("calA");
        metrics.compiled(Duration::from_millis(80));
        let text = metrics.render(3, 42);
        for line in [
            r#"hookwarden_calls_total{hook="calA",outcome="ok"} 1"#,
            r#"hookwarden_calls_total{hook="calA",outcome="overloaded"} 1"#,
            r#"hookwarden_calls_shed_total{hook="calA"} 1"#,
            r#"hookwarden_replays_total{hook="calA"} 1"#,
            r#"hookwarden_call_duration_seconds_count{hook="calA"} 1"#,
            r#"hookwarden_call_fuel_sum{hook="calA"} 150000.0"#,
            "hookwarden_instances_in_use 3",
            "hookwarden_journal_records 42",
            "hookwarden_compile_seconds_count 1",
        ] {
            assert!(text.contains(line), "missing `{line}` in:\n{text}");
        }
    }
}
