//! Instantiate + call, per plugin and language: what one hook call costs in
//! the sandbox (envelope parsing, a fresh instance, the call, the contract
//! check and the answer), without HTTP.
//!
//! ```sh
//! cargo test --workspace               # builds the JS, Python and C examples too
//! cargo bench -p hookwarden --bench plugins
//! ```
//!
//! The Rust examples are built with the host. The other languages' are read
//! from `target/plugins/guests/<lang>/` where the end-to-end tests (or their
//! `plugins/<lang>/<example>/build.sh`) put them; a missing one is skipped
//! with a note. Before measuring, each plugin's fuel and peak memory for
//! one call are printed.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use hookwarden::FailurePolicy;
use hookwarden::HookType;
use hookwarden::Limits;
use hookwarden::RuntimeConfig;
use hookwarden::internals::samples;
use hookwarden::internals::{Execution, HookRun, Outcome, Pipeline, Runtime, Sinks, Source};
use std::path::PathBuf;
use std::sync::Arc;

/// The allocator of the `hookwarden` binary, so these figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One plugin to measure.
struct Subject {
    lang: &'static str,
    name: &'static str,
    hook_type: HookType,
    settings: &'static [(&'static str, &'static str)],
}

const TOKEN: &[(&str, &str)] = &[
    ("access.display_name", "{firstName} {lastName}"),
    ("access.lifetime", "3600"),
    ("identity.locale_tag", "{locale}"),
];
const REGISTRATION: &[(&str, &str)] = &[("allowed_domains", "example.com, *.example.org")];

const SUBJECTS: &[Subject] = &[
    Subject {
        lang: "rust",
        name: "token_claims",
        hook_type: HookType::Token,
        settings: TOKEN,
    },
    Subject {
        lang: "c",
        name: "token_claims",
        hook_type: HookType::Token,
        settings: TOKEN,
    },
    Subject {
        lang: "js",
        name: "token_claims",
        hook_type: HookType::Token,
        settings: TOKEN,
    },
    Subject {
        lang: "rust",
        name: "registration_allowlist",
        hook_type: HookType::Registration,
        settings: REGISTRATION,
    },
    Subject {
        lang: "js",
        name: "registration_allowlist",
        hook_type: HookType::Registration,
        settings: REGISTRATION,
    },
    Subject {
        lang: "python",
        name: "registration_allowlist",
        hook_type: HookType::Registration,
        settings: REGISTRATION,
    },
    Subject {
        lang: "rust",
        name: "import_link",
        hook_type: HookType::Import,
        settings: &[],
    },
    Subject {
        lang: "python",
        name: "import_link",
        hook_type: HookType::Import,
        settings: &[],
    },
];

/// Where the component of `subject` is.
fn path(subject: &Subject) -> PathBuf {
    match subject.lang {
        "rust" => hookwarden::internals::example_plugins::path(subject.name),
        lang => PathBuf::from(hookwarden::internals::example_plugins::DIR)
            .join("../../guests")
            .join(lang)
            .join(format!("{}.wasm", subject.name)),
    }
}

fn plugins(c: &mut Criterion) {
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let runtime = Arc::new(Runtime::new(RuntimeConfig::default()).unwrap());
    // No sinks: only the call is measured.
    let pipeline = Pipeline::new(runtime.clone(), Sinks::default());
    let execute = async |hook: &HookRun, request: &[u8]| -> Execution {
        let answer = pipeline.call(hook, Source::Execute, request, std::time::Instant::now());
        answer.await.unwrap().into_execution().unwrap()
    };
    let mut group = c.benchmark_group("instantiate_call");
    for subject in SUBJECTS {
        let label = format!("{}/{}", subject.lang, subject.name);
        let path = path(subject);
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("skipping {label}: {} is not built", path.display());
            continue;
        };
        let started = std::time::Instant::now();
        let plugin = runtime.compile(&bytes).unwrap();
        let compile = started.elapsed();
        let hook = HookRun {
            id: label.clone(),
            plugin_id: hookwarden::internals::plugin_id(&bytes),
            record_bodies: false,
            hook_type: subject.hook_type,
            plugin: Arc::new(plugin),
            settings: Arc::new(
                subject
                    .settings
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            limits: Limits::default(),
            failure_policy: FailurePolicy::default(),
            gate: runtime.call_gate(),
        };
        let request = samples::request(subject.hook_type).as_bytes();
        let once = tokio.block_on(execute(&hook, request));
        assert_eq!(once.outcome, Outcome::Ok, "{label}: {:?}", once.reason);
        eprintln!(
            "{label}: {} bytes, compiled in {:.2} s, one call: {} fuel, {} KiB peak memory",
            bytes.len(),
            compile.as_secs_f64(),
            once.fuel_consumed,
            once.peak_memory_bytes / 1024
        );
        group.bench_function(&label, |b| {
            b.to_async(&tokio).iter(|| execute(&hook, request))
        });
    }
    group.finish();
}

criterion_group!(benches, plugins);
criterion_main!(benches);
