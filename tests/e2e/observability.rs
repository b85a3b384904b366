//! What every call did: the execution journal and `GET /api/v1/logs`,
//! `/metrics`, the call span in the server's log, and retried eventIds
//! answered from the kept answer.

use hookwarden::HookType;
use hookwarden::JournalConfig;
use hookwarden::ServerConfig;
use hookwarden_tests::{
    ADMIN_TOKEN, HookOptions, SECRET, ServerProcess, TestServer, hook_body, plugin_bytes, sample,
};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn misbehave(mode: &str) -> HookOptions {
    HookOptions::new("misbehave", HookType::Token, &[("mode", mode)])
}

/// `GET /api/v1/logs` with `query`; the records and the `Link` header.
async fn logs(server: &TestServer, query: &str) -> (Vec<Value>, Vec<String>) {
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/logs{query}", server.base))
        .header("Authorization", format!("SSWS {ADMIN_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{query}");
    let links = response
        .headers()
        .get_all("link")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    (response.json().await.unwrap(), links)
}

#[tokio::test]
async fn every_outcome_is_recorded_with_its_reason_and_measurements() {
    let server = TestServer::start().await;
    let mut fuel = misbehave("loop");
    fuel.limits.fuel = Some(5_000_000);
    let mut memory = misbehave("alloc");
    memory.limits.memory_bytes = Some(16 << 20);
    let cases = [
        (misbehave("log"), "ok", None),
        (misbehave("echo"), "ok", None),
        (misbehave("panic"), "trapped", Some("plugin trapped")),
        (
            misbehave("error"),
            "plugin_error",
            Some("misbehave: asked to fail"),
        ),
        (
            misbehave("invalid"),
            "invalid_answer",
            Some("answer breaks Okta's rules"),
        ),
        (
            misbehave("loop").budget_ms(200).unmetered(),
            "out_of_time",
            Some("time budget of 200 ms"),
        ),
        (fuel, "out_of_fuel", Some("ran out of fuel")),
        (memory, "out_of_memory", Some("memory cap")),
    ];
    for (options, outcome, reason) in cases {
        let label = format!("{:?}", options.settings);
        let hook = server.hook(options).await;
        let request = sample(HookType::Token);
        let answer = server.call(&hook.id, &request).await;
        let event_id = request["eventId"].as_str().unwrap();
        let record = server.record_of(event_id).await;
        assert_eq!(record["outcome"], outcome, "{label}: {record}");
        assert_eq!(record["hookId"], hook.id.as_str());
        assert_eq!(record["hookType"], "com.okta.oauth2.tokens.transform");
        assert_eq!(record["pluginId"], hook.plugin_id.as_str());
        assert_eq!(record["source"], "hook");
        assert_eq!(record["status"], answer.status);
        assert_eq!(record["replay"], false);
        match reason {
            None => assert_eq!(record["reason"], Value::Null, "{label}"),
            Some(words) => assert!(
                record["reason"].as_str().unwrap().contains(words),
                "{label}: {record}"
            ),
        }
        assert!(record["durationUs"].as_u64().unwrap() > 0, "{label}");
        assert!(record["fuelConsumed"].as_u64().unwrap() > 0, "{label}");
        assert!(
            record["peakMemoryBytes"].as_u64().unwrap() >= 65536,
            "{label}"
        );
        assert!(record["published"].as_str().unwrap().ends_with('Z'));
        assert!(
            record.get("request").is_none(),
            "bodies are not kept by default"
        );
    }

    // What each kind of record carries.
    let (all, _) = logs(&server, "?outcome=ok").await;
    assert_eq!(all.len(), 2, "{all:?}");
    let log_record = &all[1];
    assert_eq!(log_record["logs"].as_array().unwrap().len(), 10);
    assert_eq!(
        log_record["logs"][0],
        json!({"level": "trace", "message": "misbehave: trace line 1"})
    );
    let echo_record = &all[0];
    assert_eq!(
        echo_record["debugContext"]["settings"],
        json!({"mode": "echo"})
    );
    let (invalid, _) = logs(&server, "?outcome=invalid_answer").await;
    assert_eq!(
        invalid[0]["findings"][0]["severity"], "error",
        "{invalid:?}"
    );
    assert!(
        invalid[0]["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("sub")
    );

    // A request refused before the plugin ran is recorded as rejected; so
    // is an `execute` from the admin API, with its source.
    let hook = server.hook(misbehave("echo")).await;
    let refused = server
        .call_raw(&hook.id, Some(SECRET), b"{not json".to_vec())
        .await;
    assert_eq!(refused.status, 400);
    let (rejected, _) = logs(&server, &format!("?hookId={}&outcome=rejected", hook.id)).await;
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0]["status"], 400);
    assert_eq!(rejected[0]["eventId"], Value::Null);
    let request = sample(HookType::Token);
    let (status, _) = server
        .api(
            "POST",
            &format!("/inlineHooks/{}/execute", hook.id),
            Some(&request),
        )
        .await;
    assert_eq!(status, 200);
    let executed = server.record_of(request["eventId"].as_str().unwrap()).await;
    assert_eq!(executed["source"], "execute");
}

#[tokio::test]
async fn the_logs_api_filters_by_hook_outcome_and_time_and_pages_with_link_headers() {
    let server = TestServer::start().await;
    let a = server.hook(misbehave("echo")).await;
    let b = server.hook(misbehave("error")).await;
    let before = hookwarden::internals::now_timestamp();
    let mut events = Vec::new();
    for i in 0..7 {
        let hook = if i % 2 == 0 { &a } else { &b };
        let request = sample(HookType::Token);
        events.push(request["eventId"].as_str().unwrap().to_owned());
        server.call(&hook.id, &request).await;
    }
    tokio::time::sleep(Duration::from_millis(5)).await;
    let after = hookwarden::internals::now_timestamp();

    // Newest first.
    let (all, links) = logs(&server, "").await;
    let listed: Vec<_> = all.iter().map(|r| r["eventId"].as_str().unwrap()).collect();
    let mut newest_first: Vec<_> = events.iter().map(String::as_str).collect();
    newest_first.reverse();
    assert_eq!(listed, newest_first);
    assert_eq!(links.len(), 1, "only self: {links:?}");
    assert!(
        links[0].ends_with("/api/v1/logs>; rel=\"self\""),
        "{links:?}"
    );

    // Filters.
    let (of_a, _) = logs(&server, &format!("?hookId={}", a.id)).await;
    assert_eq!(of_a.len(), 4);
    let (errors, _) = logs(&server, "?outcome=plugin_error").await;
    assert_eq!(errors.len(), 3);
    assert!(errors.iter().all(|r| r["hookId"] == b.id.as_str()));
    let (in_range, _) = logs(&server, &format!("?since={before}&until={after}")).await;
    assert_eq!(in_range.len(), 7);
    let (later, _) = logs(&server, &format!("?since={after}")).await;
    assert!(later.is_empty());

    // Pages of 3 following `next` links: 3 + 3 + 1, in order, no repeats.
    let mut seen = Vec::new();
    let mut query = "?limit=3".to_owned();
    for page in 0.. {
        let (records, links) = logs(&server, &query).await;
        seen.extend(
            records
                .iter()
                .map(|r| r["eventId"].as_str().unwrap().to_owned()),
        );
        let next = links.iter().find(|l| l.ends_with("rel=\"next\""));
        match next {
            Some(link) => {
                let url = link.trim_start_matches('<').split('>').next().unwrap();
                assert!(
                    url.starts_with(&format!("{}/api/v1/logs?", server.base)),
                    "{url}"
                );
                query = format!("?{}", url.split_once('?').unwrap().1);
                assert!(page < 3, "too many pages");
            }
            None => break,
        }
    }
    assert_eq!(
        seen,
        newest_first
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );

    // Bad parameters are Okta errors naming the parameter.
    for (query, field) in [
        ("?limit=0", "limit"),
        ("?limit=5000", "limit"),
        ("?since=yesterday", "since"),
        ("?after=zzz", "after"),
        ("?hook=calX", "hook"),
    ] {
        let response = reqwest::Client::new()
            .get(format!("{}/api/v1/logs{query}", server.base))
            .header("Authorization", format!("SSWS {ADMIN_TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errorCode"], "E0000001", "{query}: {body}");
        assert!(
            body["errorCauses"][0]["errorSummary"]
                .as_str()
                .unwrap()
                .contains(field),
            "{query}: {body}"
        );
    }
    // Without the admin token: nothing.
    let (status, _) = server.api_as(None, "GET", "/logs", None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn retention_keeps_the_newest_records_by_count_and_drops_old_ones_by_age() {
    let config = ServerConfig {
        journal: JournalConfig {
            max_records: 5,
            max_age: Duration::from_millis(400),
        },
        ..ServerConfig::default()
    };
    let server = TestServer::start_with(config.clone()).await;
    let hook = server.hook(misbehave("echo")).await;
    let mut events = Vec::new();
    for _ in 0..12 {
        let request = sample(HookType::Token);
        events.push(request["eventId"].as_str().unwrap().to_owned());
        server.call(&hook.id, &request).await;
    }
    let (kept, _) = logs(&server, "?limit=1000").await;
    // The bound is enforced with 1% slack between prunes: at most 5 + 0.
    assert_eq!(kept.len(), 5, "{kept:?}");
    let newest: Vec<_> = events.iter().rev().take(5).cloned().collect();
    let listed: Vec<_> = kept
        .iter()
        .map(|r| r["eventId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, newest);

    // Past the age, records go (here at the next start).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let dir = server.stop().await;
    let server = TestServer::start_in_config(dir, config).await;
    let (aged, _) = logs(&server, "").await;
    assert!(aged.is_empty(), "{aged:?}");
}

#[tokio::test]
async fn metrics_expose_calls_latency_fuel_memory_shed_and_compile_series() {
    // One call per hook at a time and no wait: a second concurrent call is shed.
    let server = TestServer::start_sized(hookwarden::RuntimeConfig {
        max_calls_per_hook: 1,
        max_queue_wait: Duration::ZERO,
        ..Default::default()
    })
    .await;
    let ok = server.hook(misbehave("echo")).await;
    let trapped = server.hook(misbehave("panic")).await;
    let slow = server.hook(HookOptions::slow(300)).await;
    for _ in 0..3 {
        server.call(&ok.id, &sample(HookType::Token)).await;
    }
    let retried = sample(HookType::Token);
    server.call(&trapped.id, &retried).await;
    server.call(&trapped.id, &retried).await;
    let first_request = sample(HookType::Token);
    let (first, second) = tokio::join!(server.call(&slow.id, &first_request), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        server.call(&slow.id, &sample(HookType::Token)).await
    });
    assert_eq!(first.outcome.as_deref(), Some("ok"));
    assert_eq!(second.outcome.as_deref(), Some("overloaded"));

    let response = reqwest::Client::new()
        .get(format!("{}/metrics", server.base))
        .header("Authorization", format!("SSWS {ADMIN_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    for line in [
        format!(
            "hookwarden_calls_total{{hook=\"{}\",outcome=\"ok\"}} 3",
            ok.id
        ),
        format!(
            "hookwarden_calls_total{{hook=\"{}\",outcome=\"trapped\"}} 1",
            trapped.id
        ),
        format!("hookwarden_replays_total{{hook=\"{}\"}} 1", trapped.id),
        format!("hookwarden_calls_shed_total{{hook=\"{}\"}} 1", slow.id),
        format!(
            "hookwarden_call_duration_seconds_count{{hook=\"{}\"}} 3",
            ok.id
        ),
        format!("hookwarden_call_fuel_count{{hook=\"{}\"}} 3", ok.id),
        format!(
            "hookwarden_call_peak_memory_bytes_count{{hook=\"{}\"}} 3",
            ok.id
        ),
        "hookwarden_instances_in_use 0".to_owned(),
        "hookwarden_compile_seconds_count 1".to_owned(),
        "hookwarden_journal_records 7".to_owned(),
    ] {
        assert!(text.contains(&line), "missing `{line}` in:\n{text}");
    }
    // Behind the admin token.
    let anonymous = reqwest::get(format!("{}/metrics", server.base))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn a_retried_event_id_is_answered_from_the_record_without_running_the_plugin() {
    let server = TestServer::start().await;
    // The plugin takes 300 ms; the retry must not.
    let hook = server.hook(HookOptions::slow(300)).await;
    let request = sample(HookType::Token);
    let first = server.call(&hook.id, &request).await;
    assert_eq!(first.outcome.as_deref(), Some("ok"));

    let started = Instant::now();
    let retry = reqwest::Client::new()
        .post(format!("{}/hooks/{}", server.base, hook.id))
        .header("Authorization", SECRET)
        .header("Content-Type", "application/json")
        .body(request.to_string())
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(retry.status().as_u16(), first.status);
    assert_eq!(retry.headers()["x-hookwarden-replay"], "true");
    assert_eq!(retry.headers()["x-hookwarden-outcome"], "ok");
    assert!(
        took < Duration::from_millis(200),
        "the retry ran the plugin: {took:?}"
    );

    let event_id = request["eventId"].as_str().unwrap();
    let (records, _) = logs(&server, &format!("?eventId={event_id}")).await;
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(records[0]["replay"], true);
    assert_eq!(records[0]["outcome"], "ok");
    assert_eq!(records[0]["fuelConsumed"], 0);
    assert_eq!(records[1]["replay"], false);
    assert!(records[1]["durationUs"].as_u64().unwrap() >= 300_000);

    // The same eventId with another body is another request: it runs.
    let mut other = request.clone();
    other["data"]["context"]["user"]["profile"]["login"] = json!("someone.else@example.com");
    let started = Instant::now();
    let answer = server.call(&hook.id, &other).await;
    assert_eq!(answer.outcome.as_deref(), Some("ok"));
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_hook_that_opts_in_keeps_its_bodies_redacted() {
    let server = TestServer::start().await;
    let (_, plugin) = server.upload(plugin_bytes("token_claims")).await;
    let mut body = hook_body(
        "kept",
        HookType::Token,
        plugin["id"].as_str().unwrap(),
        json!({"access.email": "{login}"}),
    );
    body["channel"]["config"]["recordBodies"] = json!(true);
    let (status, hook) = server.api("POST", "/inlineHooks", Some(&body)).await;
    assert_eq!(status, 200, "{hook}");
    assert_eq!(hook["channel"]["config"]["recordBodies"], true);
    let request = sample(HookType::Token);
    let email = request["data"]["context"]["user"]["profile"]["login"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = server.call(hook["id"].as_str().unwrap(), &request).await;
    assert!(
        answer.body.to_string().contains(&email),
        "the claim carries the email"
    );

    let record = server.record_of(request["eventId"].as_str().unwrap()).await;
    let kept = format!("{} {}", record["request"], record["response"]);
    assert!(!kept.contains(&email), "{kept}");
    assert_eq!(record["request"]["eventId"], request["eventId"]);
    assert_eq!(
        record["response"]["commands"][0]["value"][0]["path"],
        "/claims/email"
    );
    assert!(
        record["response"]["commands"][0]["value"][0]["value"]
            .as_str()
            .unwrap()
            .starts_with("[redacted")
    );
    let (status, bad) = server
        .api(
            "POST",
            "/inlineHooks",
            Some(&{
                let mut b = body.clone();
                b["channel"]["config"]["recordBodies"] = json!("yes");
                b
            }),
        )
        .await;
    assert_eq!(status, 400, "{bad}");
}

#[tokio::test]
async fn each_call_runs_in_a_span_with_its_hook_and_event_and_the_plugins_log_lines() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let server = ServerProcess::start_logging(&dir.path().join("data"), &[], "info", log);
    let (_, plugin) = server.upload(plugin_bytes("misbehave")).await;
    let (_, hook) = server
        .api(
            "POST",
            "/inlineHooks",
            Some(&hook_body(
                "logs",
                HookType::Token,
                plugin["id"].as_str().unwrap(),
                json!({"mode": "log"}),
            )),
        )
        .await;
    let id = hook["id"].as_str().unwrap();
    let request = sample(HookType::Token);
    let event_id = request["eventId"].as_str().unwrap();
    server.call(id, &request).await;
    assert!(server.terminate().success());

    let log = std::fs::read_to_string(&log_path).unwrap();
    let span = format!("hook_call{{hook={id} event_id={event_id}}}");
    let in_span: Vec<_> = log.lines().filter(|l| l.contains(&span)).collect();
    assert!(
        in_span
            .iter()
            .any(|l| l.contains("hookwarden::plugin") && l.contains("misbehave: warn line 2")),
        "{log}"
    );
    assert!(
        in_span
            .iter()
            .any(|l| l.contains("hook call") && l.contains("outcome=\"ok\"")),
        "{log}"
    );
    // Info level: the plugin's trace and debug lines are filtered out.
    assert!(!log.contains("misbehave: debug line 1"), "{log}");
}
