//! Isolation under load: a healthy hook's latency alone, and beside a hook
//! whose plugin loops forever and receives a steady share of the calls.
//!
//! ```sh
//! cargo bench -p hookwarden-tests --bench isolation            # 5 s per phase
//! HOOKWARDEN_BENCH_SECS=30 cargo bench -p hookwarden-tests --bench isolation
//! ```
//!
//! A real server on loopback in this process (release build), the real
//! `token_claims` and `misbehave` plugins. Prints one Markdown table:
//! healthy-hook latency percentiles per phase and the ratio to the phase
//! without a neighbour.

use hookwarden::HookType;
use hookwarden_tests::{HookOptions, TestServer, sample};
use std::time::{Duration, Instant};

/// Healthy calls per second, and the looping neighbour's.
const HEALTHY_RATE: u32 = 200;
const NEIGHBOUR_RATE: u32 = 20;

/// Offers `rate` calls/s to `hook` for `secs`; returns each latency and
/// whether the answer's outcome was `ok`.
async fn offer(server: &TestServer, hook: &str, rate: u32, secs: u64) -> Vec<(Duration, bool)> {
    let mut ticker = tokio::time::interval(Duration::from_secs(1) / rate);
    let mut calls = Vec::new();
    for _ in 0..rate as u64 * secs {
        ticker.tick().await;
        let (client, hook, body) = ((**server).clone(), hook.to_owned(), sample(HookType::Token));
        calls.push(tokio::spawn(async move {
            let started = Instant::now();
            let answer = client.call(&hook, &body).await;
            (started.elapsed(), answer.outcome.as_deref() == Some("ok"))
        }));
    }
    let mut out = Vec::new();
    for call in calls {
        out.push(call.await.unwrap());
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let secs: u64 = std::env::var("HOOKWARDEN_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    tokio.block_on(async {
        let server = TestServer::start().await;
        let healthy = server
            .hook(HookOptions::new(
                "token_claims",
                HookType::Token,
                &[("access.display_name", "{firstName} {lastName}")],
            ))
            .await;
        let fuel_bound = server
            .hook(HookOptions::new("misbehave", HookType::Token, &[("mode", "loop")]))
            .await;
        let time_bound = server
            .hook(HookOptions::new("misbehave", HookType::Token, &[("mode", "loop")]).unmetered())
            .await;

        println!(
            "healthy hook at {HEALTHY_RATE} calls/s for {secs} s; neighbour at {NEIGHBOUR_RATE} calls/s"
        );
        println!("| neighbour | healthy ok | p50 | p99 | max | p50 ratio | p99 ratio |");
        println!("|---|---|---|---|---|---|---|");
        let mut baseline = None;
        for (label, neighbour) in [
            ("none", None),
            ("loop, default limits (fuel stops it)", Some(&fuel_bound.id)),
            ("loop, unmetered (the 2 s budget stops it)", Some(&time_bound.id)),
        ] {
            let neighbour_load = async {
                if let Some(id) = neighbour {
                    offer(&server, id, NEIGHBOUR_RATE, secs).await;
                }
            };
            let (results, ()) = tokio::join!(offer(&server, &healthy.id, HEALTHY_RATE, secs), neighbour_load);
            let ok = results.iter().filter(|(_, ok)| *ok).count();
            let mut latencies: Vec<Duration> = results.iter().map(|(d, _)| *d).collect();
            latencies.sort();
            let (p50, p99, max) = (
                percentile(&latencies, 0.5),
                percentile(&latencies, 0.99),
                *latencies.last().unwrap(),
            );
            let (b50, b99) = *baseline.get_or_insert((p50, p99));
            println!(
                "| {label} | {ok}/{} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} | {:.2} |",
                results.len(),
                p50.as_secs_f64() * 1e3,
                p99.as_secs_f64() * 1e3,
                max.as_secs_f64() * 1e3,
                p50.as_secs_f64() / b50.as_secs_f64(),
                p99.as_secs_f64() / b99.as_secs_f64(),
            );
        }
    });
}
