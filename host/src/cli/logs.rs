//! `hookwarden logs`: the execution journal of a running server, one line per call, optionally followed as calls happen.

use super::client::{Api, Connection, print};
use crate::journal::ExecutionRecord;
use reqwest::Method;
use std::process::ExitCode;
use std::time::Duration;

/// How often `--follow` asks for new records.
const FOLLOW_INTERVAL: Duration = Duration::from_secs(1);
/// Records per page `--follow` asks for: 1000, the most the server gives.
/// More new records than this are fetched in several pages.
const FOLLOW_PAGE: u16 = 1000;

/// Options of `hookwarden logs`.
#[derive(clap::Args)]
pub struct LogsArgs {
    /// Only this hook's calls.
    #[arg(long, value_name = "HOOK_ID")]
    hook: Option<String>,
    /// Only calls with this outcome (ok, plugin_error, trapped, out_of_time,
    /// out_of_fuel, out_of_memory, invalid_answer, unavailable, overloaded,
    /// rejected).
    #[arg(long)]
    outcome: Option<String>,
    /// Only calls with this Okta eventId.
    #[arg(long, value_name = "EVENT_ID")]
    event_id: Option<String>,
    /// Only calls at or after this time (RFC 3339, e.g. 2026-11-22T10:00:00Z).
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only calls before this time (RFC 3339).
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// How many calls to show (1 to 1000) [default: 20].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
    limit: Option<u16>,
    /// Keep printing new calls as they happen (oldest first), until Ctrl-C.
    #[arg(long, short = 'f')]
    follow: bool,
    /// Also print each call's plugin log lines and contract findings.
    #[arg(long, short = 'v')]
    verbose: bool,
    #[command(flatten)]
    connection: Connection,
}

impl LogsArgs {
    /// The query parameters of `GET /api/v1/logs`.
    fn params(&self, limit: u16) -> Vec<(&'static str, String)> {
        let mut params = vec![("limit", limit.to_string())];
        for (name, value) in [
            ("hookId", &self.hook),
            ("outcome", &self.outcome),
            ("eventId", &self.event_id),
            ("since", &self.since),
            ("until", &self.until),
        ] {
            if let Some(value) = value {
                params.push((name, value.clone()));
            }
        }
        params
    }
}

/// Fetches one page of records, newest first.
async fn fetch(api: &Api, params: &[(&str, String)]) -> anyhow::Result<Vec<ExecutionRecord>> {
    let mut url = api.url(&["logs"]);
    url.query_pairs_mut().extend_pairs(params);
    let page = api.send(api.request_to(Method::GET, url)).await?;
    if page.is_null() {
        return Ok(Vec::new());
    }
    super::client::typed(page)
}

/// Runs `hookwarden logs`.
///
/// # Errors
///
/// When the server cannot be reached or refuses the query.
pub async fn run(args: LogsArgs) -> anyhow::Result<ExitCode> {
    let api = Api::new(&args.connection)?;
    let limit = args.limit.unwrap_or(20);
    let mut records = fetch(&api, &args.params(limit)).await?;
    records.reverse();
    show(&args, &records)?;
    if !args.follow {
        return Ok(ExitCode::SUCCESS);
    }
    let mut last = records.last().map(|r| r.id.clone());
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(ExitCode::SUCCESS),
            () = tokio::time::sleep(FOLLOW_INTERVAL) => {}
        }
        let fresh = newer_than(&api, &args, last.as_deref(), FOLLOW_PAGE).await?;
        if let Some(newest) = fresh.last() {
            last = Some(newest.id.clone());
        }
        show(&args, &fresh)?;
    }
}

/// Every record matching `args` newer than the record `last` (all of them
/// when `None`), oldest first: pages of `page` records back from the
/// newest until the page reaches `last`, so none is skipped whatever the
/// rate of calls. Record ids increase, and the journal makes a record
/// visible only after every older one, so "newer than `last`" is exactly
/// what has not been shown.
async fn newer_than(
    api: &Api,
    args: &LogsArgs,
    last: Option<&str>,
    page: u16,
) -> anyhow::Result<Vec<ExecutionRecord>> {
    let is_new = |r: &ExecutionRecord| last.is_none_or(|last| r.id.as_str() > last);
    let mut fresh = Vec::new();
    let mut params = args.params(page);
    loop {
        let records = fetch(api, &params).await?;
        let full = records.len() == usize::from(page);
        let oldest = records.last().map(|r| r.id.clone());
        let reached_last = records.iter().any(|r| !is_new(r));
        fresh.extend(records.into_iter().filter(is_new));
        match oldest {
            Some(oldest) if full && !reached_last => {
                params.retain(|(name, _)| *name != "after");
                params.push(("after", oldest));
            }
            _ => break,
        }
    }
    fresh.reverse();
    Ok(fresh)
}

/// Prints `records` (oldest first) as text, or with `--json` as one JSON
/// object per line.
fn show(args: &LogsArgs, records: &[ExecutionRecord]) -> anyhow::Result<()> {
    for record in records {
        let text = if args.connection.json {
            format!("{}\n", serde_json::to_string(record)?)
        } else {
            render(record, args.verbose)
        };
        print(&text)?;
    }
    Ok(())
}

/// One record as one line (and, verbose, its log lines and findings).
fn render(record: &ExecutionRecord, verbose: bool) -> String {
    let mut line = format!(
        "{}  {:<14} {}  {}  {:>8.2} ms  {:>11} fuel  {}",
        record.published,
        record.outcome,
        record.hook_id,
        record.event_id.as_deref().unwrap_or("-"),
        record.duration_us as f64 / 1000.0,
        record.fuel_consumed,
        record.status,
    );
    if record.replay {
        line.push_str("  replay");
    }
    if let Some(reason) = record.reason.as_deref().filter(|r| !r.is_empty()) {
        line.push_str("  ");
        line.push_str(reason);
    }
    line.push('\n');
    if verbose {
        for log in &record.logs {
            line.push_str(&format!(
                "    {:<5} {}\n",
                log.level.as_str(),
                log.message.escape_debug()
            ));
        }
        for finding in &record.findings {
            line.push_str(&format!(
                "    {} at {}: {}\n",
                finding.severity.as_str(),
                finding.location,
                finding.message
            ));
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_is_one_line_and_verbose_adds_its_logs() {
        let record: ExecutionRecord = serde_json::from_value(json!({
            "id": "00000000000000a1", "published": "2026-11-22T10:00:00.000Z",
            "publishedMs": 0, "hookType": "com.okta.oauth2.tokens.transform",
            "pluginId": "sha256:aa", "source": "hook", "peakMemoryBytes": 0,
            "droppedLogLines": 0,
            "outcome": "trapped", "hookId": "calX", "eventId": "evt1",
            "durationUs": 1500, "fuelConsumed": 42, "status": 200, "replay": true,
            "reason": "plugin trapped: unreachable",
            "logs": [{"level": "warn", "message": "line\nbreak"}],
            "findings": []
        }))
        .unwrap();
        let short = render(&record, false);
        assert_eq!(short.lines().count(), 1, "{short}");
        for part in [
            "trapped",
            "calX",
            "evt1",
            "1.50 ms",
            "42 fuel",
            "200",
            "replay",
            "unreachable",
        ] {
            assert!(short.contains(part), "{part} in {short}");
        }
        let long = render(&record, true);
        assert_eq!(long.lines().count(), 2, "{long}");
        assert!(long.contains("warn  line\\nbreak"), "{long}");
    }
}
