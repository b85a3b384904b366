//! `hookwarden invoke`: one offline run of a plugin, through the server's pipeline, and its report.

use crate::admin_schema::{MAX_SETTINGS, check_setting_key, check_setting_value};
use crate::contract::Finding;
use crate::hook_type::HookType;
use crate::limits::{LimitError, LimitOverrides, Limits};
use crate::pipeline::{Answer, Execution, HookRun, Pipeline, Sinks, Source};
use crate::policy::{FailurePolicy, Outcome};
use crate::registry::plugin_id;
use crate::reply::Reply;
use crate::runtime::{LogLine, Plugin, Runtime, RuntimeConfig};
use crate::store::Settings;
use anyhow::{Context, anyhow, bail};
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Exit code of `invoke` when the plugin's answer would not reach Okta:
/// it failed, or its answer broke Okta's rules, and the failure policy's
/// safe answer is sent instead.
pub(crate) const EXIT_REPLACED: u8 = 2;

/// Options of `hookwarden invoke`.
#[derive(clap::Args)]
#[command(
    after_help = "Exit code: 0 when Okta would get the plugin's answer (outcome ok); \
    2 when the plugin failed or broke Okta's rules, so the hook type's safe answer is sent \
    instead; 1 on an error (unreadable file, not a usable component, not a request of the type)."
)]
pub struct InvokeArgs {
    /// The plugin: a WebAssembly component built for wasm32-wasip2.
    #[arg(value_name = "PLUGIN.wasm")]
    pub plugin: PathBuf,
    /// The hook type to run it as: token, saml, import, registration,
    /// password-import, telephony, or Okta's event type.
    #[arg(long = "type", value_name = "TYPE", value_parser = super::parse_hook_type)]
    pub hook_type: HookType,
    /// The Okta request: a JSON file, or `-` for standard input. Default:
    /// the type's sample as `hookwarden sample` prints it.
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// Without --request: which sample, by `requestType` (e.g.
    /// `progressive.profile` for registration).
    #[arg(long, value_name = "REQUEST_TYPE", conflicts_with = "request")]
    pub request_type: Option<String>,
    /// A setting for the plugin, as the hook's administrator would give it;
    /// repeat for more.
    #[arg(long = "setting", value_name = "KEY=VALUE", value_parser = parse_setting)]
    pub settings: Vec<(String, String)>,
    /// Wall-clock budget of the call in milliseconds, counted from when the
    /// request is handed over (as the server counts from its arrival): 1 to
    /// 2800. Default 2000.
    #[arg(long, value_name = "MS")]
    pub time_budget_ms: Option<u64>,
    /// Fuel for the call (about one unit per WebAssembly instruction); at
    /// least 1. Default 1000000000.
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,
    /// Cap on the plugin's linear memory, in bytes: 65536 to 536870912.
    /// Default 134217728 (128 MiB).
    #[arg(long, value_name = "BYTES")]
    pub memory_bytes: Option<u64>,
    /// Print one JSON object (on one line) instead of the report.
    #[arg(long)]
    pub json: bool,
}

/// Parses `key=value`; the value may contain `=`.
fn parse_setting(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("`{s}` is not KEY=VALUE")),
    }
}

/// Runs the plugin and prints the report; see [`super::invoke`].
pub(super) async fn run(args: InvokeArgs) -> anyhow::Result<ExitCode> {
    let limits = LimitOverrides {
        time_budget_ms: args.time_budget_ms,
        fuel: args.fuel,
        memory_bytes: args.memory_bytes,
    }
    .resolve(Limits::default())
    .map_err(|e| {
        let flag = match e {
            LimitError::TimeBudget(_) => "--time-budget-ms",
            LimitError::Fuel => "--fuel",
            LimitError::Memory(_) => "--memory-bytes",
        };
        anyhow!("{flag}: {e}")
    })?;
    let settings = settings_map(&args.settings)?;
    let request = read_request(&args)?;
    let bytes = std::fs::read(&args.plugin)
        .with_context(|| format!("cannot read the plugin {}", args.plugin.display()))?;
    let id = plugin_id(&bytes);
    let (runtime, plugin) = compile(bytes)
        .await
        .with_context(|| format!("{} is not a usable plugin", args.plugin.display()))?;

    let hook = HookRun {
        id: "invoke".into(),
        plugin_id: id,
        record_bodies: false,
        hook_type: args.hook_type,
        plugin: Arc::new(plugin),
        settings: Arc::new(settings),
        limits,
        failure_policy: FailurePolicy::default(),
        gate: runtime.call_gate(),
    };
    // No sinks: nothing is kept, counted or journaled offline. The source
    // only matters to the sinks.
    let pipeline = Pipeline::new(Arc::new(runtime), Sinks::default());
    let answer = pipeline
        .call(&hook, Source::Execute, &request, std::time::Instant::now())
        .await
        .map_err(|e| anyhow!("the request is not a {} request: {e}", args.hook_type))?;
    let Answer::Ran(execution) = answer else {
        bail!("a pipeline without a replay cache replayed an answer")
    };

    let report = Report::new(&args.plugin, hook.hook_type, hook.limits, &execution);
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{}", report.to_text()?);
    }
    Ok(match execution.outcome {
        Outcome::Ok => ExitCode::SUCCESS,
        _ => ExitCode::from(EXIT_REPLACED),
    })
}

/// The settings as the plugin sees them, under the admin API's rules (at
/// most [`MAX_SETTINGS`], each key and value checked as a hook's are); a
/// key given twice is an error.
fn settings_map(pairs: &[(String, String)]) -> anyhow::Result<Settings> {
    if pairs.len() > MAX_SETTINGS {
        bail!("at most {MAX_SETTINGS} settings");
    }
    let mut settings = Settings::new();
    for (key, value) in pairs {
        check_setting_key(key).map_err(|e| anyhow!("setting `{key}`: {e}"))?;
        check_setting_value(value).map_err(|e| anyhow!("setting `{key}`: {e}"))?;
        if settings.insert(key.clone(), value.clone()).is_some() {
            bail!("setting `{key}` is given more than once");
        }
    }
    Ok(settings)
}

/// The request body: the file, standard input for `-`, or a fresh sample.
fn read_request(args: &InvokeArgs) -> anyhow::Result<Vec<u8>> {
    match &args.request {
        Some(path) if path == Path::new("-") => {
            let mut body = Vec::new();
            std::io::stdin()
                .read_to_end(&mut body)
                .context("cannot read the request from standard input")?;
            Ok(body)
        }
        Some(path) => std::fs::read(path)
            .with_context(|| format!("cannot read the request {}", path.display())),
        None => Ok(
            super::sample::fresh_request(args.hook_type, args.request_type.as_deref())?
                .into_bytes(),
        ),
    }
}

/// Creates the runtime exactly as the server does and compiles the plugin,
/// off the async threads (compiling is CPU-heavy).
async fn compile(bytes: Vec<u8>) -> anyhow::Result<(Runtime, Plugin)> {
    tokio::task::spawn_blocking(move || {
        let runtime = Runtime::new(RuntimeConfig::default())?;
        let plugin = runtime.compile(&bytes)?;
        Ok((runtime, plugin))
    })
    .await?
}

/// What `invoke` reports: the `--json` object, and the source of the text
/// report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    /// The plugin file as given.
    plugin: String,
    /// The hook type (Okta's event type).
    hook_type: HookType,
    /// The request's `eventId` (empty when it had none).
    event_id: &'a str,
    /// The HTTP status Okta would get (200 or 204).
    status: u16,
    /// How the call ended (`ok`, `trapped`, `invalid_answer`, ...).
    outcome: Outcome,
    /// Why it failed, when it did.
    reason: Option<&'a str>,
    /// Time spent in the plugin (instantiation plus call), in milliseconds.
    duration_ms: f64,
    /// Fuel consumed.
    fuel_consumed: u64,
    /// Peak linear memory, in bytes.
    peak_memory_bytes: u64,
    /// The limits the call ran under.
    limits: Limits,
    /// Contract findings about the plugin's answer.
    findings: &'a [Finding],
    /// The plugin's log lines.
    logs: &'a [LogLine],
    /// Log lines dropped past the limit.
    dropped_log_lines: u32,
    /// The body Okta would get; `null` for 204 No Content.
    answer: Option<Value>,
}

impl<'a> Report<'a> {
    fn new(plugin: &Path, hook_type: HookType, limits: Limits, execution: &'a Execution) -> Self {
        Report {
            plugin: plugin.display().to_string(),
            hook_type,
            event_id: &execution.event_id,
            status: execution.reply.status(),
            outcome: execution.outcome,
            reason: execution.reason.as_deref(),
            duration_ms: execution.duration.as_secs_f64() * 1000.0,
            fuel_consumed: execution.fuel_consumed,
            peak_memory_bytes: execution.peak_memory_bytes,
            limits,
            findings: &execution.findings,
            logs: &execution.logs,
            dropped_log_lines: execution.dropped_log_lines,
            answer: match &execution.reply {
                Reply::NoContent => None,
                Reply::Json(body) => Some(body.value().clone()),
            },
        }
    }

    /// The human-readable report: one `name: value` line per fact, the
    /// findings and log lines indented below their heading, then the
    /// answer as pretty JSON.
    fn to_text(&self) -> anyhow::Result<String> {
        let mut out = String::new();
        self.write_summary(&mut out)?;
        self.write_findings(&mut out)?;
        self.write_logs(&mut out)?;
        self.write_answer(&mut out)?;
        Ok(out)
    }

    fn write_summary(&self, out: &mut String) -> anyhow::Result<()> {
        let limits = &self.limits;
        writeln!(out, "plugin:   {}", self.plugin)?;
        writeln!(out, "type:     {}", self.hook_type)?;
        let event_id = if self.event_id.is_empty() {
            "(none: the server would not replay it)"
        } else {
            self.event_id
        };
        writeln!(out, "eventId:  {event_id}")?;
        writeln!(out, "status:   {}", self.status)?;
        match self.outcome {
            Outcome::Ok => writeln!(out, "outcome:  ok")?,
            other => writeln!(
                out,
                "outcome:  {} (Okta gets the failure policy's safe answer below)",
                other.as_str()
            )?,
        }
        if let Some(reason) = self.reason {
            writeln!(out, "reason:   {reason}")?;
        }
        writeln!(
            out,
            "time:     {:.3} ms (budget {} ms)",
            self.duration_ms, limits.time_budget_ms
        )?;
        writeln!(out, "fuel:     {} (of {})", self.fuel_consumed, limits.fuel)?;
        writeln!(
            out,
            "memory:   {} bytes peak ({}; cap {})",
            self.peak_memory_bytes,
            mebibytes(self.peak_memory_bytes),
            mebibytes(limits.memory_bytes)
        )?;
        Ok(())
    }

    fn write_findings(&self, out: &mut String) -> anyhow::Result<()> {
        if self.findings.is_empty() {
            writeln!(out, "findings: none")?;
            return Ok(());
        }
        writeln!(out, "findings: {}", self.findings.len())?;
        for finding in self.findings {
            let severity = finding.severity.as_str();
            let location = match finding.location.as_str() {
                "" => "(the whole answer)",
                location => location,
            };
            writeln!(out, "  {severity:<7} {location}: {}", finding.message)?;
        }
        Ok(())
    }

    fn write_logs(&self, out: &mut String) -> anyhow::Result<()> {
        if self.logs.is_empty() && self.dropped_log_lines == 0 {
            writeln!(out, "logs:     none")?;
            return Ok(());
        }
        writeln!(out, "logs:     {}", self.logs.len())?;
        for line in self.logs {
            writeln!(out, "  {:<5} {}", line.level.as_str(), line.message)?;
        }
        if self.dropped_log_lines > 0 {
            writeln!(
                out,
                "  ({} more line(s) dropped: the limit is {} per call)",
                self.dropped_log_lines, self.limits.max_log_lines
            )?;
        }
        Ok(())
    }

    fn write_answer(&self, out: &mut String) -> anyhow::Result<()> {
        match &self.answer {
            None => writeln!(out, "answer:   none (204 No Content: Okta changes nothing)")?,
            Some(body) => writeln!(out, "answer:\n{}", serde_json::to_string_pretty(body)?)?,
        }
        Ok(())
    }
}

/// `bytes` in MiB with one decimal, e.g. `1.1 MiB`.
fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Severity;
    use crate::runtime::LogLevel;
    use std::time::Duration;

    fn execution(outcome: Outcome, reply: Reply) -> Execution {
        Execution {
            reply,
            outcome,
            reason: (outcome != Outcome::Ok).then(|| "plugin trapped: unreachable".into()),
            findings: vec![Finding {
                severity: Severity::Warning,
                location: String::new(),
                message: "commands are ignored".into(),
            }],
            event_id: "evt1".into(),
            plugin_debug_context: None,
            duration: Duration::from_micros(1500),
            fuel_consumed: 42,
            peak_memory_bytes: 3 << 20,
            logs: vec![LogLine {
                level: LogLevel::Warn,
                message: "careful".into(),
            }],
            dropped_log_lines: 2,
        }
    }

    #[test]
    fn the_text_report_names_every_fact() {
        let execution = execution(
            Outcome::Trapped,
            Reply::Json(crate::reply::JsonBody::new(serde_json::json!({"k": 1}))),
        );
        let report = Report::new(
            Path::new("p.wasm"),
            HookType::Token,
            Limits::default(),
            &execution,
        );
        let text = report.to_text().unwrap();
        for expected in [
            "plugin:   p.wasm\n",
            "type:     com.okta.oauth2.tokens.transform\n",
            "eventId:  evt1\n",
            "status:   200\n",
            "outcome:  trapped (Okta gets the failure policy's safe answer below)\n",
            "reason:   plugin trapped: unreachable\n",
            "time:     1.500 ms (budget 2000 ms)\n",
            "fuel:     42 (of 1000000000)\n",
            "memory:   3145728 bytes peak (3.0 MiB; cap 128.0 MiB)\n",
            "findings: 1\n  warning (the whole answer): commands are ignored\n",
            "logs:     1\n  warn  careful\n  (2 more line(s) dropped: the limit is 64 per call)\n",
            "answer:\n{\n  \"k\": 1\n}\n",
        ] {
            assert!(text.contains(expected), "{expected:?} not in\n{text}");
        }
    }

    #[test]
    fn no_content_has_no_answer_body() {
        let execution = execution(Outcome::Ok, Reply::NoContent);
        let report = Report::new(
            Path::new("p.wasm"),
            HookType::Token,
            Limits::default(),
            &execution,
        );
        assert_eq!(report.answer, None);
        let text = report.to_text().unwrap();
        assert!(text.contains("status:   204\n"), "{text}");
        assert!(text.contains("outcome:  ok\n"), "{text}");
        assert!(text.contains("answer:   none (204 No Content"), "{text}");
        assert!(!text.contains("reason:"), "{text}");
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["answer"], Value::Null);
        assert_eq!(json["outcome"], "ok");
        assert_eq!(json["hookType"], "com.okta.oauth2.tokens.transform");
        assert_eq!(json["fuelConsumed"], 42);
        assert_eq!(json["logs"][0]["level"], "warn");
    }

    #[test]
    fn settings_are_key_value_and_unique() {
        assert_eq!(
            parse_setting("a.b={x}={y}"),
            Ok(("a.b".into(), "{x}={y}".into()))
        );
        assert!(parse_setting("novalue").is_err());
        assert!(parse_setting("=v").is_err());
        let pairs = vec![("k".to_owned(), "1".to_owned()), ("k".into(), "2".into())];
        assert!(settings_map(&pairs).is_err());
    }

    #[test]
    fn settings_follow_the_admin_apis_rules() {
        let one = |k: &str, v: &str| settings_map(&[(k.to_owned(), v.to_owned())]);
        assert!(one("access.https://example.com/roles~x", "v").is_ok());
        let bad_key = one("has space", "v").unwrap_err().to_string();
        assert!(
            bad_key.contains("setting `has space`: keys are 1 to 128"),
            "{bad_key}"
        );
        assert!(one(&"k".repeat(129), "v").is_err());
        assert!(one("k", &"v".repeat(8192)).is_ok());
        let long = one("k", &"v".repeat(8193)).unwrap_err().to_string();
        assert!(long.contains("at most 8192 bytes"), "{long}");
        let many: Vec<_> = (0..257).map(|i| (format!("k{i}"), String::new())).collect();
        assert!(settings_map(&many[..256]).is_ok());
        let e = settings_map(&many).unwrap_err().to_string();
        assert!(e.contains("at most 256 settings"), "{e}");
    }

    #[test]
    fn mebibytes_has_one_decimal() {
        assert_eq!(mebibytes(128 << 20), "128.0 MiB");
        assert_eq!(mebibytes(1_179_648), "1.1 MiB");
    }
}
