//! The admin commands (`hookwarden plugin ...`, `hookwarden hook ...`) as an
//! operator runs them: the real binary, as a process, against a real server.

use hookwarden::HookType;
use hookwarden_tests::{ADMIN_TOKEN, SECRET, TestServer, plugin_bytes, plugin_path, sample};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::process::Stdio;

/// How one run of the command ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts exit code 0 and returns the run.
    #[track_caller]
    fn ok(self) -> Run {
        assert_eq!(
            self.code,
            Some(0),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts exit code 1 and returns standard error.
    #[track_caller]
    fn failed(self) -> String {
        assert_eq!(
            self.code,
            Some(1),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self.stderr
    }

    /// Standard output as JSON.
    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// The value of the `key:` line of the human output.
    #[track_caller]
    fn field(&self, key: &str) -> String {
        let prefix = format!("{key}:");
        self.stdout
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no `{key}:` line in:\n{}", self.stdout))
            .trim()
            .to_owned()
    }
}

/// Runs `hookwarden <args> --server <server>` with `env` as the only
/// `HOOKWARDEN_*` variables.
async fn hookwarden_with(server: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_hookwarden-under-test"))
        .args(args)
        .args(["--server", server])
        .env_remove("HOOKWARDEN_URL")
        .env_remove("HOOKWARDEN_ADMIN_TOKEN")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .await
        .expect("running hookwarden");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// Runs `hookwarden <args>` against `server` with the admin token in
/// `HOOKWARDEN_ADMIN_TOKEN`.
async fn hookwarden(server: &TestServer, args: &[&str]) -> Run {
    hookwarden_with(
        &server.base,
        args,
        &[("HOOKWARDEN_ADMIN_TOKEN", ADMIN_TOKEN)],
    )
    .await
}

fn path_str(name: &str) -> String {
    plugin_path(name).to_str().expect("a UTF-8 path").to_owned()
}

/// Pushes `plugin` through the command and returns its id.
async fn push(server: &TestServer, plugin: &str) -> String {
    let run = hookwarden(server, &["plugin", "push", &path_str(plugin), "--json"])
        .await
        .ok();
    run.json()["id"].as_str().expect("an id").to_owned()
}

/// Creates a token hook adding `display_name` to the access token, with the
/// test secret given through `--secret-env`; returns the human output.
async fn create_token_hook(server: &TestServer) -> Run {
    let plugin = push(server, "token_claims").await;
    let args = [
        "hook",
        "create",
        "--name",
        "Display name",
        "--type",
        "token",
        "--plugin",
        &plugin,
        "--setting",
        "access.display_name={firstName} {lastName}",
        "--secret-env",
        "TEST_HOOK_SECRET",
    ];
    let env = [
        ("HOOKWARDEN_ADMIN_TOKEN", ADMIN_TOKEN),
        ("TEST_HOOK_SECRET", SECRET),
    ];
    hookwarden_with(&server.base, &args, &env).await.ok()
}

/// The access-token claim `display_name` an answer adds.
#[track_caller]
fn display_name(answer: &Value) -> &Value {
    let patch = answer["commands"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "com.okta.access.patch"))
        .unwrap_or_else(|| panic!("no access patch in {answer}"));
    &patch["value"][0]["value"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plugin_push_prints_the_sha256_id_and_list_and_get_show_it() {
    let server = TestServer::start().await;
    let bytes = plugin_bytes("token_claims");
    let expected = format!("sha256:{:x}", Sha256::digest(&bytes));

    let human = hookwarden(&server, &["plugin", "push", &path_str("token_claims")])
        .await
        .ok();
    assert_eq!(human.field("id"), expected);
    assert!(
        human
            .field("size")
            .starts_with(&format!("{} bytes", bytes.len()))
    );
    assert!(!human.field("created").is_empty());
    assert_eq!(
        human.stderr, "",
        "no progress when stderr is not a terminal"
    );

    let again = hookwarden(
        &server,
        &["plugin", "push", &path_str("token_claims"), "--json"],
    )
    .await
    .ok()
    .json();
    assert_eq!(
        (&again["id"], &again["size"]),
        (&json!(expected), &json!(bytes.len()))
    );

    let table = hookwarden(&server, &["plugin", "list"]).await.ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", table.stdout);
    assert!(lines[0].starts_with("ID"), "{}", table.stdout);
    assert!(lines[1].starts_with(&expected), "{}", table.stdout);
    let listed = hookwarden(&server, &["plugin", "list", "--json"])
        .await
        .ok()
        .json();
    assert_eq!(listed, json!([again]));
    let got = hookwarden(&server, &["plugin", "get", &expected, "--json"])
        .await
        .ok()
        .json();
    assert_eq!(got, again);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hook_created_with_secret_env_serves_oktas_calls() {
    let server = TestServer::start().await;
    let created = create_token_hook(&server).await;
    let id = created.field("id");
    assert_eq!(created.field("status"), "ACTIVE");
    assert!(
        created.stdout.contains("Register in Okta"),
        "{}",
        created.stdout
    );
    assert!(
        created
            .stdout
            .contains(&format!("uri:         {}/hooks/{id}", server.base)),
        "{}",
        created.stdout
    );
    assert!(
        created
            .stdout
            .contains("auth header: Authorization: <the hook's secret>")
    );

    let answer = server.call(&id, &sample(HookType::Token)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(display_name(&answer.body), "Isaac Brock");
    let wrong = server
        .call_raw(
            &id,
            Some("Basic wrong"),
            sample(HookType::Token).to_string().into_bytes(),
        )
        .await;
    assert_eq!(wrong.status, 401);

    let table = hookwarden(&server, &["hook", "list"]).await.ok();
    let row = table.stdout.lines().nth(1).unwrap_or_default();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells,
        [id.as_str(), "ACTIVE", "token", "Display", "name"],
        "{}",
        table.stdout
    );
    let listed = hookwarden(
        &server,
        &[
            "hook",
            "list",
            "--type",
            "com.okta.oauth2.tokens.transform",
            "--json",
        ],
    )
    .await
    .ok()
    .json();
    assert_eq!(listed[0]["id"], json!(id));
    let saml = hookwarden(&server, &["hook", "list", "--type", "saml", "--json"])
        .await
        .ok();
    assert_eq!(saml.json(), json!([]));

    let got = hookwarden(&server, &["hook", "get", &id, "--json"])
        .await
        .ok()
        .json();
    assert_eq!(got["name"], "Display name");
    assert_eq!(
        got["channel"]["config"]["settings"],
        json!({"access.display_name": "{firstName} {lastName}"})
    );
    assert!(
        got["channel"]["config"]["authScheme"]
            .get("value")
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_changes_a_setting_and_keeps_the_name_and_secret_unless_given() {
    let server = TestServer::start().await;
    let id = create_token_hook(&server).await.field("id");

    let updated = hookwarden(
        &server,
        &[
            "hook",
            "update",
            &id,
            "--setting",
            "access.display_name={lastName}",
            "--json",
        ],
    )
    .await
    .ok()
    .json();
    assert_eq!(updated["name"], "Display name");
    assert_eq!(
        updated["channel"]["config"]["settings"],
        json!({"access.display_name": "{lastName}"})
    );
    let answer = server.call(&id, &sample(HookType::Token)).await;
    assert_eq!(answer.status, 200, "the secret was kept: {:?}", answer.body);
    assert_eq!(display_name(&answer.body), "Brock");

    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("secret");
    std::fs::write(&secret_file, "Basic bmV3LXNlY3JldA==\nignored\n").unwrap();
    let secret_arg = secret_file.to_str().unwrap();
    hookwarden(
        &server,
        &[
            "hook",
            "update",
            &id,
            "--secret-file",
            secret_arg,
            "--name",
            "Renamed",
        ],
    )
    .await
    .ok();
    let body = sample(HookType::Token).to_string().into_bytes();
    let old = server.call_raw(&id, Some(SECRET), body.clone()).await;
    assert_eq!(old.status, 401, "the old secret no longer works");
    let new = server
        .call_raw(&id, Some("Basic bmV3LXNlY3JldA=="), body)
        .await;
    assert_eq!(new.status, 200, "{:?}", new.body);
    let got = hookwarden(&server, &["hook", "get", &id]).await.ok();
    assert_eq!(got.field("name"), "Renamed");
    assert_eq!(got.field("settings"), "access.display_name = {lastName}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_bodies_is_set_by_its_flag_and_kept_by_updates_that_do_not_name_it() {
    let server = TestServer::start().await;
    let plugin = push(&server, "token_claims").await;
    let env = [
        ("HOOKWARDEN_ADMIN_TOKEN", ADMIN_TOKEN),
        ("TEST_HOOK_SECRET", SECRET),
    ];
    let created = hookwarden_with(
        &server.base,
        &[
            "hook",
            "create",
            "--name",
            "Recorded",
            "--type",
            "token",
            "--plugin",
            &plugin,
            "--record-bodies",
            "--secret-env",
            "TEST_HOOK_SECRET",
        ],
        &env,
    )
    .await
    .ok();
    assert_eq!(created.field("record bodies"), "yes");
    let id = created.field("id");
    let record_bodies = |hook: &Value| hook["channel"]["config"]["recordBodies"].clone();

    // An update that changes something else keeps it on.
    let renamed = hookwarden(
        &server,
        &["hook", "update", &id, "--name", "Renamed", "--json"],
    )
    .await
    .ok()
    .json();
    assert_eq!(renamed["name"], "Renamed");
    assert_eq!(record_bodies(&renamed), true, "{renamed}");
    let (_, stored) = server.api("GET", &format!("/inlineHooks/{id}"), None).await;
    assert_eq!(record_bodies(&stored), true, "{stored}");
    // And the journal still keeps bodies.
    let request = sample(HookType::Token);
    server.call(&id, &request).await;
    let record = server.record_of(request["eventId"].as_str().unwrap()).await;
    assert!(record["request"].is_object(), "{record}");

    // The flag turns it off, and on again.
    let off = hookwarden(
        &server,
        &["hook", "update", &id, "--record-bodies=false", "--json"],
    )
    .await
    .ok()
    .json();
    assert_eq!(record_bodies(&off), false, "{off}");
    let kept_off = hookwarden(
        &server,
        &["hook", "update", &id, "--name", "Again", "--json"],
    )
    .await
    .ok()
    .json();
    assert_eq!(record_bodies(&kept_off), false, "{kept_off}");
    let on = hookwarden(&server, &["hook", "update", &id, "--record-bodies=true"])
        .await
        .ok();
    assert_eq!(on.field("record bodies"), "yes");

    // Without the flag, create leaves it off.
    let plain = create_token_hook(&server).await;
    assert_eq!(plain.field("record bodies"), "no");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_active_hook_cannot_be_deleted_until_deactivated() {
    let server = TestServer::start().await;
    let id = create_token_hook(&server).await.field("id");

    let refused = hookwarden(&server, &["hook", "delete", &id]).await.failed();
    assert!(
        refused.starts_with("error: Api validation failed: status\n"),
        "{refused}"
    );
    assert!(
        refused.contains(&format!(
            "\n  status: hook {id} is ACTIVE; deactivate it before deleting it"
        )),
        "{refused}"
    );

    let inactive = hookwarden(&server, &["hook", "deactivate", &id]).await.ok();
    assert_eq!(inactive.field("status"), "INACTIVE");
    assert_eq!(server.call(&id, &sample(HookType::Token)).await.status, 404);
    let active = hookwarden(&server, &["hook", "activate", &id, "--json"])
        .await
        .ok();
    assert_eq!(active.json()["status"], "ACTIVE");
    assert_eq!(server.call(&id, &sample(HookType::Token)).await.status, 200);

    hookwarden(&server, &["hook", "deactivate", &id]).await.ok();
    let deleted = hookwarden(&server, &["hook", "delete", &id]).await.ok();
    assert_eq!(deleted.stdout, format!("deleted inline hook {id}\n"));
    let gone = hookwarden(&server, &["hook", "get", &id]).await.failed();
    assert_eq!(
        gone,
        format!("error: Not found: Resource not found: {id} (InlineHook)\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execute_prints_the_answer_for_the_sample_or_the_given_request() {
    let server = TestServer::start().await;
    let id = create_token_hook(&server).await.field("id");

    let answer = hookwarden(&server, &["hook", "execute", &id])
        .await
        .ok()
        .json();
    assert_eq!(display_name(&answer), "Isaac Brock");

    let dir = tempfile::tempdir().unwrap();
    let mut request = sample(HookType::Token);
    request["data"]["context"]["user"]["profile"]["firstName"] = json!("Ada");
    let file = dir.path().join("request.json");
    std::fs::write(&file, request.to_string()).unwrap();
    let run = hookwarden(
        &server,
        &["hook", "execute", &id, "--request", file.to_str().unwrap()],
    )
    .await;
    assert_eq!(display_name(&run.ok().json()), "Ada Brock");

    let saml = dir.path().join("saml.json");
    std::fs::write(&saml, sample(HookType::Saml).to_string()).unwrap();
    let refused = hookwarden(
        &server,
        &["hook", "execute", &id, "--request", saml.to_str().unwrap()],
    )
    .await
    .failed();
    assert!(
        refused.starts_with("error: Api validation failed: eventType\n"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execute_of_a_failing_plugin_exits_1_with_the_outcome_and_reason() {
    let server = TestServer::start().await;
    let plugin = push(&server, "misbehave").await;
    let args = [
        "hook",
        "create",
        "--name",
        "Fails",
        "--type",
        "token",
        "--plugin",
        &plugin,
        "--setting",
        "mode=error",
        "--secret-env",
        "TEST_HOOK_SECRET",
        "--json",
    ];
    let env = [
        ("HOOKWARDEN_ADMIN_TOKEN", ADMIN_TOKEN),
        ("TEST_HOOK_SECRET", SECRET),
    ];
    let hook = hookwarden_with(&server.base, &args, &env).await.ok().json();
    let id = hook["id"].as_str().unwrap();

    let run = hookwarden(&server, &["hook", "execute", id]).await;
    assert_eq!(run.stdout, "");
    let error = run.failed();
    assert!(
        error.starts_with("error: An inline hook responded with an error.\n  outcome: "),
        "{error}"
    );
    assert!(error.contains("misbehave: asked to fail"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_validation_errors_show_the_summary_and_one_line_per_cause() {
    let server = TestServer::start().await;
    let args = [
        "hook",
        "create",
        "--name",
        "x",
        "--type",
        "token",
        "--plugin",
        "sha256:unknown",
        "--secret-env",
        "TEST_HOOK_SECRET",
    ];
    let env = [
        ("HOOKWARDEN_ADMIN_TOKEN", ADMIN_TOKEN),
        ("TEST_HOOK_SECRET", SECRET),
    ];
    let error = hookwarden_with(&server.base, &args, &env).await.failed();
    assert_eq!(
        error,
        "error: Api validation failed: channel.config.pluginId\n  channel.config.pluginId: \
         no plugin with id sha256:unknown; upload it to /api/v1/plugins first\n"
    );

    let no_secret = hookwarden(&server, &args[..8]).await.failed();
    assert!(no_secret.contains("--secret-env VAR"), "{no_secret}");
    let unset = hookwarden(&server, &args).await.failed();
    assert!(
        unset.contains("TEST_HOOK_SECRET (--secret-env) is not set"),
        "{unset}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_exits_1_with_invalid_token_provided() {
    let server = TestServer::start().await;
    let env = [("HOOKWARDEN_ADMIN_TOKEN", "not-the-token")];
    let run = hookwarden_with(&server.base, &["plugin", "list"], &env).await;
    assert_eq!(run.stdout, "");
    let error = run.failed();
    assert!(
        error.starts_with("error: Invalid token provided\n"),
        "{error}"
    );
    assert!(error.contains("hint: check the admin token"), "{error}");

    let missing = hookwarden_with(&server.base, &["hook", "list"], &[])
        .await
        .failed();
    assert!(missing.contains("no admin token"), "{missing}");
    assert!(missing.contains("HOOKWARDEN_ADMIN_TOKEN"), "{missing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_exits_1_naming_its_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let env = [("HOOKWARDEN_ADMIN_TOKEN", ADMIN_TOKEN)];
    let error = hookwarden_with(&url, &["hook", "list"], &env)
        .await
        .failed();
    assert!(
        error.starts_with(&format!(
            "error: cannot connect to the Hookwarden server at {url}: "
        )),
        "{error}"
    );
    assert!(error.contains("--server or HOOKWARDEN_URL"), "{error}");

    let tls = hookwarden_with("https://hooks.example.com", &["hook", "list"], &env)
        .await
        .failed();
    assert!(tls.contains("TLS client support is not built in"), "{tls}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_shows_calls_filters_them_and_follows_new_ones() {
    let server = TestServer::start().await;
    let created = create_token_hook(&server).await;
    let id = created.field("id");
    let first = sample(HookType::Token);
    server.call(&id, &first).await;
    let refused = server
        .call_raw(&id, Some(SECRET), b"{not json".to_vec())
        .await;
    assert_eq!(refused.status, 400);

    // Oldest first, one line each.
    let run = hookwarden(&server, &["logs", "--hook", &id]).await.ok();
    let lines: Vec<_> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    let event_id = first["eventId"].as_str().unwrap();
    assert!(
        lines[0].contains(" ok ") && lines[0].contains(event_id),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("rejected") && lines[1].contains("400"),
        "{}",
        lines[1]
    );
    let json = hookwarden(&server, &["logs", "--outcome", "ok", "--json"])
        .await
        .ok();
    assert_eq!(json.json()["eventId"], first["eventId"], "{}", json.stdout);
    let bad = hookwarden(&server, &["logs", "--since", "yesterday"])
        .await
        .failed();
    assert!(bad.contains("since"), "{bad}");

    // --follow prints a call made after it started.
    let mut follow = tokio::process::Command::new(env!("CARGO_BIN_EXE_hookwarden-under-test"))
        .args(["logs", "--follow", "--hook", &id, "--server", &server.base])
        .env("HOOKWARDEN_ADMIN_TOKEN", ADMIN_TOKEN)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut out = tokio::io::BufReader::new(follow.stdout.take().unwrap());
    let mut seen = String::new();
    for _ in 0..2 {
        tokio::io::AsyncBufReadExt::read_line(&mut out, &mut seen)
            .await
            .unwrap();
    }
    let later = sample(HookType::Token);
    server.call(&id, &later).await;
    let mut line = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        tokio::io::AsyncBufReadExt::read_line(&mut out, &mut line),
    )
    .await
    .expect("--follow printed the new call")
    .unwrap();
    assert!(line.contains(later["eventId"].as_str().unwrap()), "{line}");
    follow.kill().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_follow_prints_every_record_once_past_a_thousand_a_second() {
    const BURST: usize = 2_500;
    let server = TestServer::start().await;
    let id = create_token_hook(&server).await.field("id");
    let first = sample(HookType::Token);
    server.call(&id, &first).await;

    let mut follow = tokio::process::Command::new(env!("CARGO_BIN_EXE_hookwarden-under-test"))
        .args([
            "logs",
            "--follow",
            "--json",
            "--hook",
            &id,
            "--server",
            &server.base,
        ])
        .env("HOOKWARDEN_ADMIN_TOKEN", ADMIN_TOKEN)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut out = tokio::io::BufReader::new(follow.stdout.take().unwrap());
    let mut line = String::new();
    tokio::io::AsyncBufReadExt::read_line(&mut out, &mut line)
        .await
        .unwrap();
    assert!(line.contains(first["eventId"].as_str().unwrap()), "{line}");

    // 2,500 records from four threads at once, far past 1,000 a second
    // (and past the 1,000 a page holds), then a real call.
    let started = std::time::Instant::now();
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (journal, id) = (server.journal.clone(), id.clone());
            std::thread::spawn(move || {
                for n in (writer..BURST).step_by(4) {
                    let mut record = hookwarden::internals::rejected(
                        &id,
                        HookType::Token,
                        "sha256:burst",
                        hookwarden::internals::JournalSource::Hook,
                        400,
                        "burst".into(),
                    );
                    record.event_id = Some(format!("burst-{n}"));
                    journal.add(record);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(1),
        "the burst took {took:?}"
    );
    let last = sample(HookType::Token);
    server.call(&id, &last).await;

    let mut seen = std::collections::HashMap::<String, usize>::new();
    let read_all = async {
        while !seen.contains_key(last["eventId"].as_str().unwrap()) {
            line.clear();
            let n = tokio::io::AsyncBufReadExt::read_line(&mut out, &mut line)
                .await
                .unwrap();
            assert!(n > 0, "--follow ended");
            let record: Value = serde_json::from_str(&line).unwrap();
            *seen
                .entry(record["eventId"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), read_all)
        .await
        .expect("--follow printed the call after the burst");
    // Nothing more comes (no record twice).
    line.clear();
    let more = tokio::time::timeout(
        std::time::Duration::from_millis(2500),
        tokio::io::AsyncBufReadExt::read_line(&mut out, &mut line),
    )
    .await;
    assert!(more.is_err(), "printed again: {line}");
    follow.kill().await.unwrap();

    let missing: Vec<_> = (0..BURST)
        .filter(|n| !seen.contains_key(&format!("burst-{n}")))
        .collect();
    assert!(
        missing.is_empty(),
        "{} records never printed, the first: {:?}",
        missing.len(),
        &missing[..missing.len().min(20)]
    );
    let twice: Vec<_> = seen.iter().filter(|(_, count)| **count > 1).collect();
    assert!(twice.is_empty(), "printed more than once: {twice:?}");
    assert_eq!(seen.len(), BURST + 1, "the burst and the last call");
}
