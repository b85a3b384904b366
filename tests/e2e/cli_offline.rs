//! The plugin author's offline commands, run as the real `hookwarden` program:
//! `sample`, `invoke` and `new` (whose projects are built for wasm32-wasip2
//! and invoked).

use hookwarden::HookType;
use hookwarden::internals::now_timestamp;
use hookwarden::internals::samples;
use hookwarden_tests::{plugin_path, sample};
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The program under test: the same as `hookwarden`.
const PROGRAM: &str = env!("CARGO_BIN_EXE_hookwarden-under-test");

/// What one run of the program did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        }
    }

    /// Asserts the exit code, showing both streams when it is wrong.
    fn expect_code(self, code: i32) -> Run {
        assert_eq!(self.code, code, "exit code of {self:#?}");
        self
    }

    /// Standard output as JSON.
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// Runs the program with `args` and no standard input.
fn hookwarden<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let output = Command::new(PROGRAM)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("starting hookwarden");
    Run::from(output)
}

/// Runs the program with `args`, writing `input` to its standard input.
fn hookwarden_with_stdin(args: &[&str], input: &str) -> Run {
    let mut child = Command::new(PROGRAM)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting hookwarden");
    let written = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes());
    // A program that fails before reading its input closes the pipe early;
    // its exit code and message are what the test checks.
    if let Err(e) = written {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing stdin: {e}"
        );
    }
    Run::from(child.wait_with_output().expect("waiting for hookwarden"))
}

fn plugin(name: &str) -> String {
    plugin_path(name).display().to_string()
}

fn without_id_and_time(mut request: Value) -> Value {
    let object = request.as_object_mut().expect("an object");
    object.remove("eventId");
    object.remove("eventTime");
    request
}

// ---- sample -------------------------------------------------------------

#[test]
fn sample_prints_every_type_fresh_and_otherwise_as_documented() {
    for t in HookType::ALL {
        for name in [t.short_name(), t.event_type()] {
            let before = now_timestamp();
            let printed = hookwarden(&["sample", name]).expect_code(0).json();
            let after = now_timestamp();
            assert_eq!(printed["eventType"], t.event_type(), "{name}");
            let time = printed["eventTime"].as_str().expect("eventTime");
            // Okta's format, e.g. 2026-11-22T08:00:00.000Z, and now.
            assert_eq!(time.len(), 24, "{time}");
            assert!(time.ends_with('Z') && time.as_bytes()[19] == b'.', "{time}");
            assert!(before.as_str() <= time && time <= after.as_str(), "{time}");
            let stored: Value =
                serde_json::from_str(hookwarden::internals::samples::request(t)).unwrap();
            assert_ne!(printed["eventId"], stored["eventId"], "{name}");
            assert_eq!(without_id_and_time(printed), without_id_and_time(sample(t)));
        }
    }
}

#[test]
fn two_samples_have_different_event_ids() {
    let a = hookwarden(&["sample", "token"]).expect_code(0).json();
    let b = hookwarden(&["sample", "token"]).expect_code(0).json();
    let (a, b) = (
        a["eventId"].as_str().unwrap(),
        b["eventId"].as_str().unwrap(),
    );
    assert_eq!(a.len(), 22, "{a}");
    assert_ne!(a, b);
}

#[test]
fn sample_selects_the_progressive_profile_registration_by_request_type() {
    let printed = hookwarden(&[
        "sample",
        "registration",
        "--request-type",
        "progressive.profile",
    ])
    .expect_code(0)
    .json();
    assert_eq!(printed["eventType"], HookType::Registration.event_type());
    assert_eq!(printed["requestType"], "progressive.profile");
    let file: Value = serde_json::from_str(samples::REGISTRATION_PROGRESSIVE).unwrap();
    assert_eq!(without_id_and_time(printed), without_id_and_time(file));

    let default = hookwarden(&["sample", "registration"])
        .expect_code(0)
        .json();
    assert_eq!(default["requestType"], "self.service.registration");
}

#[test]
fn sample_refuses_an_unknown_request_type_or_hook_type() {
    let run = hookwarden(&["sample", "registration", "--request-type", "progressive"]);
    let run = run.expect_code(1);
    assert!(run.stderr.contains("progressive.profile"), "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");

    let run = hookwarden(&["sample", "tokens"]);
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("password-import"), "{run:#?}");
}

// ---- invoke -------------------------------------------------------------

const DISPLAY_NAME: &str = "access.display_name={firstName} {lastName}";

#[test]
fn invoke_reports_status_outcome_costs_logs_and_the_answer() {
    let run = hookwarden(&[
        "invoke",
        &plugin("token_claims"),
        "--type",
        "token",
        "--setting",
        DISPLAY_NAME,
    ])
    .expect_code(0);
    let out = &run.stdout;
    for line in [
        "status:   200\n",
        "outcome:  ok\n",
        "findings: none\n",
        "logs:     1\n",
        "  info  added 1 claim(s)\n",
    ] {
        assert!(out.contains(line), "{line:?} missing from\n{out}");
    }
    for prefix in ["time:     ", "fuel:     ", "memory:   "] {
        let line = out.lines().find(|l| l.starts_with(prefix));
        let value = line.unwrap_or_else(|| panic!("no {prefix:?} in\n{out}"))[prefix.len()..]
            .split(' ')
            .next()
            .unwrap();
        let value: f64 = value
            .parse()
            .unwrap_or_else(|e| panic!("{prefix}{value}: {e}"));
        assert!(value > 0.0, "{prefix}{value}");
    }
    assert!(!out.contains("reason:"), "{out}");
    let (_, answer) = out.split_once("answer:\n").expect("an answer section");
    let answer: Value = serde_json::from_str(answer).expect("the answer is pretty JSON");
    assert_eq!(
        answer,
        json!({"commands": [{"type": "com.okta.access.patch", "value": [
            {"op": "add", "path": "/claims/display_name", "value": "Isaac Brock"}
        ]}]})
    );
}

#[test]
fn invoke_json_runs_every_example_plugin_with_outcome_ok() {
    let cases: [(&str, &str, &[&str]); 5] = [
        ("token_claims", "token", &[DISPLAY_NAME]),
        (
            "saml_attributes",
            "saml",
            &["attribute.fullName={firstName} {lastName}"],
        ),
        ("import_link", "import", &[]),
        (
            "registration_allowlist",
            "registration",
            &["allowed_domains=example.com"],
        ),
        ("misbehave", "password-import", &["mode=echo"]),
    ];
    for (name, hook_type, settings) in cases {
        let path = plugin(name);
        let mut args = vec!["invoke", path.as_str(), "--type", hook_type, "--json"];
        for setting in settings {
            args.extend(["--setting", setting]);
        }
        let report = hookwarden(&args).expect_code(0).json();
        assert_eq!(report["outcome"], "ok", "{name}: {report}");
        assert_eq!(report["reason"], Value::Null, "{name}: {report}");
        assert_eq!(report["plugin"], path.as_str());
        let event_type = hook_type.parse::<HookType>().unwrap().event_type();
        assert_eq!(report["hookType"], event_type, "{name}: {report}");
        assert!(report["fuelConsumed"].as_u64().unwrap() > 0, "{report}");
        assert!(report["peakMemoryBytes"].as_u64().unwrap() > 0, "{report}");
        assert!(report["durationMs"].as_f64().unwrap() > 0.0, "{report}");
        assert_eq!(report["limits"]["fuel"], 1_000_000_000u64, "{report}");
        assert!(report["findings"].is_array(), "{report}");
        assert!(report["logs"].is_array(), "{report}");
        assert!(report["answer"].is_object(), "{name}: {report}");
    }
}

#[test]
fn invoke_json_carries_the_computed_claim_and_the_log_lines() {
    let report = hookwarden(&[
        "invoke",
        &plugin("token_claims"),
        "--type",
        "com.okta.oauth2.tokens.transform",
        "--setting",
        DISPLAY_NAME,
        "--json",
    ])
    .expect_code(0)
    .json();
    assert_eq!(report["status"], 200);
    assert_eq!(
        report["answer"]["commands"][0]["value"][0]["value"],
        "Isaac Brock"
    );
    assert_eq!(
        report["logs"],
        json!([{"level": "info", "message": "added 1 claim(s)"}])
    );
}

#[test]
fn invoke_of_a_panicking_plugin_exits_2_with_outcome_trapped() {
    let args = [
        "invoke",
        &plugin("misbehave"),
        "--type",
        "token",
        "--setting",
        "mode=panic",
    ];
    let run = hookwarden(&args).expect_code(2);
    assert!(run.stdout.contains("outcome:  trapped"), "{}", run.stdout);
    assert!(
        run.stdout.contains("reason:   plugin trapped"),
        "{}",
        run.stdout
    );

    let report = hookwarden(&[&args[..], &["--json"]].concat())
        .expect_code(2)
        .json();
    assert_eq!(report["outcome"], "trapped");
    // The token type's safe answer: tokens issued unchanged.
    assert_eq!(
        report["answer"],
        json!({"debugContext": {"hookwarden": {"outcome": "trapped", "safeAnswer": true}}})
    );
}

#[test]
fn invoke_of_an_answer_that_breaks_oktas_rules_shows_the_finding_and_exits_2() {
    let run = hookwarden(&[
        "invoke",
        &plugin("misbehave"),
        "--type",
        "token",
        "--setting",
        "mode=invalid",
    ])
    .expect_code(2);
    assert!(
        run.stdout.contains("outcome:  invalid_answer"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  error   commands[0].value[0].path: claim `sub` is reserved"),
        "{}",
        run.stdout
    );
}

#[test]
fn invoke_applies_limit_overrides_and_refuses_out_of_range_ones() {
    let path = plugin("token_claims");
    let report = hookwarden(&[
        "invoke", &path, "--type", "token", "--fuel", "1000", "--json",
    ])
    .expect_code(2)
    .json();
    assert_eq!(report["outcome"], "out_of_fuel", "{report}");
    assert_eq!(report["limits"]["fuel"], 1000);

    let run = hookwarden(&[
        "invoke",
        &path,
        "--type",
        "token",
        "--time-budget-ms",
        "3000",
    ]);
    let run = run.expect_code(1);
    assert!(
        run.stderr.contains("--time-budget-ms") && run.stderr.contains("2800"),
        "{run:#?}"
    );
}

#[test]
fn invoke_reads_the_request_from_stdin() {
    let mut request = sample(HookType::Token);
    request["data"]["context"]["user"]["profile"]["firstName"] = json!("Ada");
    let report = hookwarden_with_stdin(
        &[
            "invoke",
            &plugin("token_claims"),
            "--type",
            "token",
            "--request",
            "-",
            "--setting",
            DISPLAY_NAME,
            "--json",
        ],
        &request.to_string(),
    )
    .expect_code(0)
    .json();
    assert_eq!(report["eventId"], request["eventId"]);
    assert_eq!(
        report["answer"]["commands"][0]["value"][0]["value"],
        "Ada Brock"
    );
}

#[test]
fn invoke_of_a_request_of_another_type_exits_1_with_the_envelope_error() {
    let run = hookwarden_with_stdin(
        &[
            "invoke",
            &plugin("token_claims"),
            "--type",
            "token",
            "--request",
            "-",
        ],
        samples::SAML,
    )
    .expect_code(1);
    assert!(
        run.stderr
            .contains("eventType: this hook handles `com.okta.oauth2.tokens.transform`"),
        "{run:#?}"
    );
    assert!(run.stdout.is_empty(), "{run:#?}");
}

#[test]
fn invoke_of_something_that_is_not_a_component_exits_1_saying_why() {
    let dir = tempfile::tempdir().unwrap();
    let core = dir.path().join("core.wasm");
    std::fs::write(&core, b"\0asm\x01\0\0\0").unwrap();
    let garbage = dir.path().join("garbage.wasm");
    std::fs::write(&garbage, b"#!/bin/sh\necho not wasm\n").unwrap();
    let missing = dir.path().join("missing.wasm");
    for (path, why) in [
        (&core, "this is a core WebAssembly module, not a component"),
        (&garbage, "do not start with a WebAssembly header"),
        (&missing, "cannot read the plugin"),
    ] {
        let run = hookwarden(&["invoke", path.to_str().unwrap(), "--type", "token"]);
        let run = run.expect_code(1);
        assert!(run.stderr.contains(why), "{why:?} not in {run:#?}");
        assert!(run.stdout.is_empty(), "{run:#?}");
    }
}

#[test]
fn invoke_of_a_missing_request_file_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("request.json");
    let run = hookwarden(&[
        "invoke",
        &plugin("token_claims"),
        "--type",
        "token",
        "--request",
        missing.to_str().unwrap(),
    ])
    .expect_code(1);
    assert!(run.stderr.contains("cannot read the request"), "{run:#?}");
}

#[test]
fn invoke_refuses_settings_the_admin_api_would_refuse() {
    let token = plugin("token_claims");
    let run =
        |setting: &str| hookwarden(&["invoke", &token, "--type", "token", "--setting", setting]);
    let bad_key = run("has space={lastName}").expect_code(1);
    assert!(
        bad_key
            .stderr
            .contains("setting `has space`: keys are 1 to 128"),
        "{bad_key:#?}"
    );
    let long_value = format!("access.n={}", "v".repeat(8193));
    let long = run(&long_value).expect_code(1);
    assert!(long.stderr.contains("at most 8192 bytes"), "{long:#?}");
    // The same rules accept what the admin API accepts.
    run("access.https://example.com/n={lastName}").expect_code(0);
}

// ---- new ----------------------------------------------------------------

/// The repository's guest SDK, canonical.
fn sdk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../guest-sdk")
        .canonicalize()
        .expect("the guest SDK")
}

/// Where the example plugins are built (`target/plugins`): building the
/// scaffolds there reuses their compiled dependencies.
fn plugin_target_dir() -> PathBuf {
    // The example plugins are in <target dir>/wasm32-wasip2/release.
    let plugin_dir = Path::new(hookwarden::internals::example_plugins::DIR);
    plugin_dir
        .parent()
        .and_then(Path::parent)
        .expect("the example plugins are in <target>/wasm32-wasip2/release")
        .to_path_buf()
}

/// Builds the project at `root` for wasm32-wasip2 into the plugins' target
/// dir and returns its component's path.
fn build_scaffold(root: &Path, crate_name: &str) -> PathBuf {
    // Pin the dependency versions the example plugins were built with, so
    // the build reuses their compiled dependencies and needs no network.
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/Cargo.lock");
    std::fs::copy(&lock, root.join("Cargo.lock")).expect("seeding Cargo.lock");
    let target_dir = plugin_target_dir();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "build",
            "--release",
            "--offline",
            "--target",
            "wasm32-wasip2",
        ])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir);
    // Flags meant for the outer (native) build must not leak into this one.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
    ] {
        command.env_remove(var);
    }
    let output = command.output().expect("running cargo");
    assert!(
        output.status.success(),
        "building {} failed:\n{}",
        root.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    target_dir
        .join("wasm32-wasip2/release")
        .join(format!("{crate_name}.wasm"))
}

/// What the scaffold of each type answers on its sample, by default.
fn expected_command(hook_type: HookType) -> Value {
    match hook_type {
        HookType::Token => json!({"type": "com.okta.access.patch", "value": [
            {"op": "add", "path": "/claims/display_name", "value": "Isaac Brock"}]}),
        HookType::Saml => json!({"type": "com.okta.assertion.patch", "value": [
            {"op": "add", "path": "/claims/fullName", "value": {
                "attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
                "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": "Isaac Brock"}]}}]}),
        HookType::Import => {
            json!({"type": "com.okta.action.update", "value": {"result": "CREATE_USER"}})
        }
        HookType::Registration => {
            json!({"type": "com.okta.action.update", "value": {"registration": "ALLOW"}})
        }
        HookType::PasswordImport => {
            json!({"type": "com.okta.action.update", "value": {"credential": "UNVERIFIED"}})
        }
        HookType::Telephony => json!({"type": "com.okta.telephony.action", "value": [
            {"status": "FAILED", "provider": "not configured"}]}),
    }
}

/// Checks the files `new` wrote for `name`.
fn check_scaffold_files(root: &Path, name: &str, hook_type: HookType) {
    let read = |file: &str| {
        std::fs::read_to_string(root.join(file))
            .unwrap_or_else(|e| panic!("{}/{file}: {e}", root.display()))
    };
    let manifest = read("Cargo.toml");
    assert!(manifest.contains("\n[workspace]\n"), "{manifest}");
    assert!(manifest.contains("crate-type = [\"cdylib\"]"), "{manifest}");
    let sdk = format!(
        "hookwarden-guest = {{ path = \"{}\" }}",
        sdk_dir().display()
    );
    assert!(manifest.contains(&sdk), "{sdk} not in {manifest}");
    assert!(read("src/lib.rs").contains("hookwarden_guest::export_handler!"));
    assert_eq!(read(".gitignore"), "target/\n");
    let readme = read("README.md");
    let wasm = format!(
        "target/wasm32-wasip2/release/{}.wasm",
        name.replace('-', "_")
    );
    for expected in [
        "cargo build --release --target wasm32-wasip2".to_owned(),
        format!("hookwarden invoke {wasm} --type {}", hook_type.short_name()),
    ] {
        assert!(readme.contains(&expected), "{expected} not in {readme}");
    }
}

#[test]
fn new_scaffolds_projects_of_every_type_that_build_and_answer_ok() {
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let mut built = Vec::new();
    for t in HookType::ALL {
        let name = format!("e2e-scaffold-{}", t.short_name());
        let run = hookwarden(&[
            "new",
            "--lang",
            "rust",
            &name,
            "--type",
            t.short_name(),
            "--dir",
            dir_arg,
        ])
        .expect_code(0);
        assert!(
            run.stdout
                .contains("cargo build --release --target wasm32-wasip2")
        );
        let root = dir.path().join(&name);
        check_scaffold_files(&root, &name, t);
        built.push((t, build_scaffold(&root, &name.replace('-', "_"))));
    }
    for (t, wasm) in built {
        let wasm = wasm.to_str().unwrap();
        let mut requests = vec![vec![]];
        if t == HookType::Registration {
            requests.push(vec!["--request-type", "progressive.profile"]);
        }
        for extra in requests {
            let args = [
                &["invoke", wasm, "--type", t.short_name(), "--json"],
                &extra[..],
            ]
            .concat();
            let report = hookwarden(&args).expect_code(0).json();
            assert_eq!(report["outcome"], "ok", "{t}: {report}");
            assert_eq!(report["findings"], json!([]), "{t}: {report}");
            assert_eq!(
                report["answer"]["commands"][0],
                expected_command(t),
                "{t}: {report}"
            );
            assert_eq!(report["logs"].as_array().unwrap().len(), 1, "{t}: {report}");
        }
    }
}

#[test]
fn new_refuses_an_existing_directory_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("taken");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("notes.txt"), "mine").unwrap();
    let run = hookwarden(&[
        "new",
        "--lang",
        "rust",
        "taken",
        "--type",
        "token",
        "--dir",
        dir.path().to_str().unwrap(),
    ])
    .expect_code(1);
    assert!(run.stderr.contains("already exists"), "{run:#?}");
    let entries: Vec<_> = std::fs::read_dir(&root).unwrap().collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(
        std::fs::read_to_string(root.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn new_refuses_bad_names_sdk_paths_and_languages_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let no_sdk = tempfile::tempdir().unwrap();
    // `None`: a usage error, whose exit code is the argument parser's.
    let cases: [(&[&str], Option<i32>, &str); 4] = [
        (
            &["--lang", "rust", "1st-hook"],
            Some(1),
            "not a valid package name",
        ),
        (&["--lang", "rust", "fn"], Some(1), "reserved"),
        (
            &[
                "--lang",
                "rust",
                "ok-name",
                "--sdk-path",
                no_sdk.path().to_str().unwrap(),
            ],
            Some(1),
            "has no Cargo.toml",
        ),
        (
            &["--lang", "python", "ok-name"],
            None,
            "wit/hook-handler.wit",
        ),
    ];
    for (args, code, message) in cases {
        let args = [&["new"], args, &["--type", "token", "--dir", dir_arg]].concat();
        let run = hookwarden(&args);
        match code {
            Some(code) => assert_eq!(run.code, code, "{run:#?}"),
            None => assert_ne!(run.code, 0, "{run:#?}"),
        }
        assert!(run.stderr.contains(message), "{message:?} not in {run:#?}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn new_uses_the_given_sdk_path_canonically() {
    let dir = tempfile::tempdir().unwrap();
    let roundabout = Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest-sdk/../guest-sdk");
    hookwarden(&[
        "new",
        "--lang",
        "rust",
        "via-sdk-path",
        "--type",
        "saml",
        "--dir",
        dir.path().to_str().unwrap(),
        "--sdk-path",
        roundabout.to_str().unwrap(),
    ])
    .expect_code(0);
    check_scaffold_files(
        &dir.path().join("via-sdk-path"),
        "via-sdk-path",
        HookType::Saml,
    );
}
