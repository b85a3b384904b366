//! Load generator for the load benchmark (`tests/benches/load.sh`): bounded
//! HTTP/1.1 load on loopback, one fresh `eventId` per request, latency
//! percentiles and the server's CPU time per request.
//!
//! ```sh
//! cargo build --release -p hookwarden-tests --example loadgen
//! # closed loop: 50 connections, each sends its next request when the last is answered
//! target/release/examples/loadgen run --url http://127.0.0.1:8080/hooks/ID \
//!     --body host/src/samples/token.json --header 'Authorization: Basic c2VjcmV0' \
//!     --label hookwarden --connections 50 --duration 10 --warmup 2 --server-pid PID
//! # open loop: 1000 requests/s on a fixed schedule, whatever the answers do
//! target/release/examples/loadgen run ... --rate 1000
//! # the Markdown table of the results (one JSON line per run), ratios to BASELINE
//! target/release/examples/loadgen table results.jsonl native
//! # the body as sent (compact JSON), with its own eventId
//! target/release/examples/loadgen compact host/src/samples/token.json
//! ```
//!
//! Why not oha or wrk: Hookwarden keeps each answer for 5 minutes by hook,
//! `eventId` and body (Okta's retry gets the kept answer without a second
//! plugin run), so a load generator that repeats one body measures replays,
//! not plugin calls. Here every request carries its own `eventId` (the
//! body's `eventId` with `-<run>-<n>` appended; the body is sent compact, 2.8 KB
//! for the token sample), and the run fails if any answer is not a 2xx,
//! lacks the `x-hookwarden-outcome: ok` a Hookwarden server sends, or is a
//! replay.
//!
//! **Closed loop** (no `--rate`): `--connections` keep-alive connections,
//! each sending its next request as soon as the previous is answered; the
//! throughput is the server's capacity. **Open loop** (`--rate R`): request
//! `i` is due at `start + i/R`, sent on connection `i mod --connections`;
//! a request sent late because its connection was still waiting for an
//! earlier answer has its latency measured from when it was due (no
//! coordinated omission), one sent late only because the client's timer
//! woke late is measured from when it was sent.
//!
//! Latencies and counts cover the `--duration` seconds after `--warmup`.
//! With `--server-pid`, the server's CPU time (user + system, from
//! `/proc/PID/stat`) over those seconds is divided by the requests answered
//! in them. The load generator runs on the same cores as the server: its
//! own CPU per request is printed too.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const USAGE: &str = "usage:
  loadgen run --url URL --body FILE [--header 'Name: value']... [--label L] [--round N]
              [--connections N] [--duration SECS] [--warmup SECS] [--rate REQ_PER_S]
              [--server-pid PID] [--threads N]
  loadgen table RESULTS.jsonl BASELINE_LABEL
  loadgen compact FILE      (prints the JSON body as loadgen sends it)";

fn usage() -> ! {
    eprintln!("{USAGE}");
    std::process::exit(2)
}

/// What `loadgen run` was asked to do.
struct Options {
    url: hyper::Uri,
    body: String,
    headers: Vec<(String, String)>,
    label: String,
    round: u32,
    connections: usize,
    duration: Duration,
    warmup: Duration,
    rate: Option<f64>,
    server_pid: Option<u32>,
    threads: usize,
}

fn parse_options(mut args: impl Iterator<Item = String>) -> Options {
    let mut o = Options {
        url: hyper::Uri::default(),
        body: String::new(),
        headers: Vec::new(),
        label: "server".into(),
        round: 1,
        connections: 50,
        duration: Duration::from_secs(10),
        warmup: Duration::from_secs(2),
        rate: None,
        server_pid: None,
        threads: 1,
    };
    let mut url = None;
    let secs = |s: String| Duration::from_secs_f64(s.parse().unwrap_or_else(|_| usage()));
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--url" => url = Some(value),
            "--body" => {
                o.body = std::fs::read_to_string(&value)
                    .unwrap_or_else(|e| panic!("cannot read {value}: {e}"))
            }
            "--header" => {
                let (name, v) = value.split_once(':').unwrap_or_else(|| usage());
                o.headers
                    .push((name.trim().to_owned(), v.trim().to_owned()));
            }
            "--label" => o.label = value,
            "--round" => o.round = value.parse().unwrap_or_else(|_| usage()),
            "--connections" => o.connections = value.parse().unwrap_or_else(|_| usage()),
            "--duration" => o.duration = secs(value),
            "--warmup" => o.warmup = secs(value),
            "--rate" => o.rate = Some(value.parse().unwrap_or_else(|_| usage())),
            "--server-pid" => o.server_pid = Some(value.parse().unwrap_or_else(|_| usage())),
            "--threads" => o.threads = value.parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    o.url = url
        .unwrap_or_else(|| usage())
        .parse()
        .unwrap_or_else(|_| usage());
    if o.body.is_empty() || o.connections == 0 || o.threads == 0 {
        usage()
    }
    o
}

/// The request body split around its `eventId`, so each request gets its own.
struct BodyTemplate {
    before: Vec<u8>,
    event_id: String,
    /// Unique per run, so runs against the same server never repeat an
    /// `eventId`.
    run: u128,
    after: Vec<u8>,
}

impl BodyTemplate {
    const MARK: &'static str = "\u{1}EVENT-ID\u{1}";

    fn new(text: &str) -> BodyTemplate {
        let mut value: Value = serde_json::from_str(text).expect("the body must be JSON");
        let event_id = value["eventId"]
            .as_str()
            .expect("the body must have a string eventId")
            .to_owned();
        value["eventId"] = Value::String(Self::MARK.into());
        let compact = value.to_string();
        let mark = serde_json::to_string(Self::MARK).unwrap();
        let at = compact.find(&mark).unwrap();
        BodyTemplate {
            before: compact.as_bytes()[..at + 1].to_vec(),
            event_id,
            run: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
            after: compact.as_bytes()[at + mark.len() - 1..].to_vec(),
        }
    }

    /// The body with `eventId` = `<original>-<run>-<n>`.
    fn body(&self, n: u64) -> Bytes {
        let id = format!("{}-{}-{n}", self.event_id, self.run);
        let mut out = Vec::with_capacity(self.before.len() + id.len() + self.after.len());
        out.extend_from_slice(&self.before);
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(&self.after);
        out.into()
    }
}

/// What one connection saw during the measured window.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    errors: u64,
    not_ok: u64,
    replays: u64,
    first_error: Option<String>,
}

impl Tally {
    fn error(&mut self, what: String) {
        self.errors += 1;
        self.first_error.get_or_insert(what);
    }
}

/// The shared, read-only setup of a run.
struct Plan {
    url: hyper::Uri,
    host: String,
    headers: Vec<(String, String)>,
    template: BodyTemplate,
    connections: usize,
    rate: Option<f64>,
    start: Instant,
    measure_from: Instant,
    end: Instant,
}

async fn connection(plan: Arc<Plan>, index: usize, stop: Arc<AtomicBool>) -> Tally {
    let mut tally = Tally::default();
    let addr = format!(
        "{}:{}",
        plan.url.host().unwrap(),
        plan.url.port_u16().unwrap_or(80)
    );
    let stream = match tokio::net::TcpStream::connect(&addr).await {
        Ok(s) => s,
        Err(e) => {
            tally.error(format!("connect {addr}: {e}"));
            return tally;
        }
    };
    stream.set_nodelay(true).ok();
    let (mut sender, conn) = match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
    {
        Ok(pair) => pair,
        Err(e) => {
            tally.error(format!("handshake: {e}"));
            return tally;
        }
    };
    tokio::spawn(conn);
    let path = plan.url.path_and_query().map_or("/", |p| p.as_str());
    let mut last_done = Instant::now();
    for k in 0u64.. {
        let n = index as u64 + k * plan.connections as u64;
        // When this request is due, in the open loop.
        let due = plan
            .rate
            .map(|rate| plan.start + Duration::from_secs_f64(n as f64 / rate));
        if let Some(due) = due {
            if due >= plan.end {
                break;
            }
            tokio::time::sleep_until(due.into()).await;
        }
        if stop.load(Ordering::Relaxed) || Instant::now() >= plan.end {
            break;
        }
        let mut request = Request::post(path)
            .header("host", &plan.host)
            .header("content-type", "application/json");
        for (name, value) in &plan.headers {
            request = request.header(name, value);
        }
        let request = request
            .body(Full::new(plan.template.body(n)))
            .expect("request");
        let sent = Instant::now();
        // Late because the connection was busy: the wait counts.
        let started = match due {
            Some(due) if last_done > due => due,
            _ => sent,
        };
        let result = async {
            let response = sender.send_request(request).await?;
            let (parts, body) = response.into_parts();
            body.collect().await?;
            Ok::<_, hyper::Error>(parts)
        }
        .await;
        let done = Instant::now();
        last_done = done;
        let parts = match result {
            Ok(parts) => parts,
            Err(e) => {
                // The connection is gone: stop here, whenever it happened.
                tally.error(format!("request: {e}"));
                break;
            }
        };
        if started < plan.measure_from || done > plan.end {
            continue;
        }
        if !parts.status.is_success() {
            tally.error(format!("status {}", parts.status));
            continue;
        }
        let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
        if header("x-hookwarden-outcome").is_some_and(|o| o != "ok") {
            tally.not_ok += 1;
        }
        if header("x-hookwarden-replay").is_some() {
            tally.replays += 1;
        }
        let us = (done - started).as_micros().min(u32::MAX as u128) as u32;
        tally.latencies_us.push(us);
    }
    tally
}

/// User + system CPU time of a process so far, from `/proc/PID/stat`.
fn cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces), from field 3.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn run(o: Options) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.threads)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let template = BodyTemplate::new(&o.body);
    let body_bytes = template.body(0).len();
    let start = Instant::now() + Duration::from_millis(50);
    let plan = Arc::new(Plan {
        host: o.url.authority().map(|a| a.to_string()).unwrap_or_default(),
        url: o.url.clone(),
        headers: o.headers.clone(),
        template,
        connections: o.connections,
        rate: o.rate,
        start,
        measure_from: start + o.warmup,
        end: start + o.warmup + o.duration,
    });
    let server_pid = o.server_pid.map(|p| p.to_string());
    let tallies = runtime.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        let tasks: Vec<_> = (0..o.connections)
            .map(|i| tokio::spawn(connection(plan.clone(), i, stop.clone())))
            .collect();
        // CPU times over exactly the measured window.
        tokio::time::sleep_until(plan.measure_from.into()).await;
        let server_before = server_pid.as_deref().and_then(cpu_time);
        let client_before = cpu_time("self");
        tokio::time::sleep_until(plan.end.into()).await;
        let server_after = server_pid.as_deref().and_then(cpu_time);
        let client_after = cpu_time("self");
        stop.store(true, Ordering::Relaxed);
        let mut tallies = Vec::new();
        for task in tasks {
            tallies.push(task.await.expect("connection task"));
        }
        let cpu = |a: Option<Duration>, b: Option<Duration>| a.zip(b).map(|(a, b)| b - a);
        (
            tallies,
            cpu(server_before, server_after),
            cpu(client_before, client_after),
        )
    });
    let (tallies, server_cpu, client_cpu) = tallies;
    let mut latencies: Vec<u32> = tallies
        .iter()
        .flat_map(|t| t.latencies_us.iter().copied())
        .collect();
    latencies.sort_unstable();
    let sum = |f: fn(&Tally) -> u64| tallies.iter().map(f).sum::<u64>();
    let (errors, not_ok, replays) = (sum(|t| t.errors), sum(|t| t.not_ok), sum(|t| t.replays));
    let first_error = tallies.iter().find_map(|t| t.first_error.clone());
    let answered = latencies.len() as u64;
    let per_request = |cpu: Option<Duration>| {
        cpu.filter(|_| answered > 0)
            .map(|c| c.as_secs_f64() * 1e6 / answered as f64)
    };
    let result = json!({
        "label": o.label,
        "round": o.round,
        "mode": match o.rate { Some(r) => format!("open loop, {r} req/s"), None => "closed loop".into() },
        "connections": o.connections,
        "seconds": o.duration.as_secs_f64(),
        "body_bytes": body_bytes,
        "answered": answered,
        "req_per_s": answered as f64 / o.duration.as_secs_f64(),
        "p50_us": percentile(&latencies, 0.50),
        "p90_us": percentile(&latencies, 0.90),
        "p99_us": percentile(&latencies, 0.99),
        "max_us": latencies.last().copied().unwrap_or(0),
        "errors": errors,
        "first_error": first_error,
        "not_ok": not_ok,
        "replays": replays,
        "server_cpu_us_per_req": per_request(server_cpu),
        "server_cores_busy": server_cpu.map(|c| c.as_secs_f64() / o.duration.as_secs_f64()),
        "client_cpu_us_per_req": per_request(client_cpu),
    });
    println!("{result}");
    if errors > 0 || not_ok > 0 || replays > 0 || answered == 0 {
        eprintln!(
            "loadgen: {}: {answered} answered, {errors} errors (first: {}), {not_ok} not ok, {replays} replays",
            o.label,
            first_error.as_deref().unwrap_or("none")
        );
        std::process::exit(1);
    }
}

fn ms(us: &Value) -> String {
    us.as_f64()
        .map_or("-".into(), |us| format!("{:.2} ms", us / 1000.0))
}

fn table(path: &str, baseline: &str) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let runs: Vec<Value> = std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(&l).expect("a JSON line"))
        .collect();
    println!(
        "| server | load | round | req/s | p50 | p99 | server CPU µs/req | req/s vs {baseline} | CPU/req vs {baseline} |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for run in &runs {
        // The baseline of the same round and load.
        let base = runs.iter().find(|r| {
            r["label"] == baseline && r["mode"] == run["mode"] && r["round"] == run["round"]
        });
        let open_loop = run["mode"].as_str().is_some_and(|m| m.starts_with("open"));
        let ratio = |key: &str| {
            // At a fixed rate every server answers that rate.
            if open_loop && key == "req_per_s" {
                return "-".to_owned();
            }
            let (Some(a), Some(b)) = (
                run[key].as_f64(),
                base.and_then(|b| b[key].as_f64()).filter(|b| *b > 0.0),
            ) else {
                return "-".to_owned();
            };
            format!("{:.2}x", a / b)
        };
        let cpu = run["server_cpu_us_per_req"]
            .as_f64()
            .map_or("-".into(), |c| format!("{c:.0}"));
        println!(
            "| {} | {} | {} | {:.0} | {} | {} | {cpu} | {} | {} |",
            run["label"].as_str().unwrap_or("?"),
            run["mode"].as_str().unwrap_or("?"),
            run["round"],
            run["req_per_s"].as_f64().unwrap_or(0.0),
            ms(&run["p50_us"]),
            ms(&run["p99_us"]),
            ratio("req_per_s"),
            ratio("server_cpu_us_per_req"),
        );
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("run") => run(parse_options(args)),
        Some("compact") => {
            let path = args.next().unwrap_or_else(|| usage());
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
            let value: Value = serde_json::from_str(&text).expect("the body must be JSON");
            print!("{value}");
        }
        Some("table") => {
            let (Some(path), Some(baseline)) = (args.next(), args.next()) else {
                usage()
            };
            table(&path, &baseline);
        }
        _ => usage(),
    }
}
