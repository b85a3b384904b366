//! Runs a plugin once, offline, on a sample Okta request, exactly as the server would.
//!
//! ```sh
//! cargo build --release --target wasm32-wasip2 --manifest-path plugins/Cargo.toml
//! cargo run -p hookwarden --example invoke -- \
//!     plugins/target/wasm32-wasip2/release/token_claims.wasm token \
//!     'access.display_name={firstName} {lastName}'
//! ```
//!
//! Arguments: the component, the hook type (`token`, `saml`, `import`,
//! `registration`, `password-import`, `telephony` or the full event type),
//! then any number of `key=value` settings.
//!
//! `hookwarden invoke` is the full command-line version (request files,
//! limit overrides, contract findings, JSON output).

use hookwarden::hook_type::HookType;
use hookwarden::limits::Limits;
use hookwarden::pipeline::{HookRun, Pipeline, Sinks, Source};
use hookwarden::policy::FailurePolicy;
use hookwarden::runtime::{Runtime, RuntimeConfig};
use hookwarden::samples;
use std::sync::Arc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(hook_type)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: invoke PLUGIN.wasm HOOK_TYPE [key=value ...]");
    };
    let hook_type: HookType = hook_type.parse()?;
    let settings = args
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => Ok((k.to_owned(), v.to_owned())),
            None => Err(anyhow::anyhow!("setting `{kv}` is not key=value")),
        })
        .collect::<anyhow::Result<_>>()?;

    // One engine per process; compiling validates the component against the
    // hook-handler world.
    let runtime = Runtime::new(RuntimeConfig::default())?;
    let bytes = std::fs::read(&path)?;
    let plugin = runtime.compile(&bytes)?;

    let hook = HookRun {
        id: "example".into(),
        plugin_id: hookwarden::registry::plugin_id(&bytes),
        record_bodies: false,
        hook_type,
        plugin: Arc::new(plugin),
        settings: Arc::new(settings),
        limits: Limits::default(),
        failure_policy: FailurePolicy::default(),
        gate: runtime.call_gate(),
    };
    // The same pipeline as `POST /hooks/{id}`: envelope, sandboxed call,
    // contract check, failure policy; no sinks (nothing kept or journaled).
    let pipeline = Pipeline::new(Arc::new(runtime), Sinks::default());
    let arrived = std::time::Instant::now();
    let request = samples::request(hook_type);
    let answer = pipeline
        .call(&hook, Source::Execute, request.as_bytes(), arrived)
        .await?;
    let execution = answer
        .into_execution()
        .ok_or_else(|| anyhow::anyhow!("without a replay cache nothing is replayed"))?;

    println!("status:   {}", execution.reply.status());
    println!("outcome:  {}", execution.outcome.as_str());
    if let Some(reason) = &execution.reason {
        println!("reason:   {reason}");
    }
    println!("time:     {:?}", execution.duration);
    println!("fuel:     {}", execution.fuel_consumed);
    println!("memory:   {} bytes (peak)", execution.peak_memory_bytes);
    for finding in &execution.findings {
        println!(
            "finding:  {:?} {}: {}",
            finding.severity, finding.location, finding.message
        );
    }
    for line in &execution.logs {
        println!("log:      [{:?}] {}", line.level, line.message);
    }
    println!("{}", serde_json::to_string_pretty(&execution.reply.body())?);
    Ok(())
}
