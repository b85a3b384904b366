//! OpenTelemetry export: with `--otlp-endpoint`, each hook call's span
//! reaches an OTLP/HTTP collector with its hook id, eventId and the
//! plugin's log lines, and no secret; without it, nothing is sent, even
//! with the standard `OTEL_EXPORTER_OTLP_*` variables set.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use hookwarden::HookType;
use hookwarden_tests::{ADMIN_TOKEN, SECRET, ServerProcess, hook_body, plugin_bytes, sample};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use serde_json::json;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

/// What the collector received: the body of every `POST /v1/traces`.
type Received = Arc<Mutex<Vec<Bytes>>>;

/// A minimal OTLP/HTTP collector on a loopback port; its base URL and
/// what it receives.
async fn collector() -> (String, Received) {
    let received = Received::default();
    let app = Router::new()
        .route(
            "/v1/traces",
            post(|State(received): State<Received>, body: Bytes| async move {
                received.lock().unwrap().push(body);
                // An empty ExportTraceServiceResponse.
                (
                    [("content-type", "application/x-protobuf")],
                    Vec::<u8>::new(),
                )
            }),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

/// Starts a server with `args` and `env`, makes one call to a hook whose
/// plugin logs, stops the server gracefully (which flushes the exporter),
/// and returns the hook id and the call's eventId. The tests run on a
/// multi-threaded runtime: stopping the server blocks this thread while
/// the collector must still answer its last export.
async fn one_logging_call(args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start_env(&dir.path().join("data"), args, env, Stdio::null());
    let (_, plugin) = server.upload(plugin_bytes("misbehave")).await;
    let (status, hook) = server
        .api(
            "POST",
            "/inlineHooks",
            Some(&hook_body(
                "traced",
                HookType::Token,
                plugin["id"].as_str().unwrap(),
                json!({"mode": "log"}),
            )),
        )
        .await;
    assert_eq!(status, 200, "{hook}");
    let hook_id = hook["id"].as_str().unwrap().to_owned();
    let request = sample(HookType::Token);
    let answer = server.call(&hook_id, &request).await;
    assert_eq!(answer.outcome.as_deref(), Some("ok"), "{:?}", answer.body);
    assert!(server.terminate().success(), "the server must stop cleanly");
    (hook_id, request["eventId"].as_str().unwrap().to_owned())
}

/// A span's string attribute.
fn attribute<'a>(span: &'a Span, key: &str) -> Option<&'a str> {
    span.attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
            AnyValue::StringValue(s) => Some(s.as_str()),
            _ => None,
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_call_is_a_span_with_its_hook_event_and_plugin_logs_and_no_secret() {
    let (url, received) = collector().await;
    let (hook_id, event_id) = one_logging_call(&["--otlp-endpoint", &url], &[]).await;

    let bodies = received.lock().unwrap().clone();
    assert!(!bodies.is_empty(), "no spans reached the collector");
    for body in &bodies {
        for secret in [SECRET, ADMIN_TOKEN] {
            assert!(
                !body.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a secret was exported"
            );
        }
    }
    let spans: Vec<(String, Span)> = bodies
        .iter()
        .map(|body| ExportTraceServiceRequest::decode(body.as_ref()).expect("OTLP protobuf"))
        .flat_map(|request| request.resource_spans)
        .flat_map(|rs| {
            let service = rs
                .resource
                .iter()
                .flat_map(|r| &r.attributes)
                .find(|kv| kv.key == "service.name")
                .and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
                    AnyValue::StringValue(s) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            rs.scope_spans
                .into_iter()
                .flat_map(|ss| ss.spans)
                .map(move |span| (service.clone(), span))
        })
        .collect();
    let (service, call) = spans
        .iter()
        .find(|(_, span)| span.name == "hook_call")
        .unwrap_or_else(|| panic!("no hook_call span among {spans:?}"));
    assert_eq!(service, "hookwarden");
    assert_eq!(attribute(call, "hook"), Some(hook_id.as_str()));
    assert_eq!(attribute(call, "event_id"), Some(event_id.as_str()));
    // An event's text: its name (the log message) and its string fields.
    let events: Vec<String> = call
        .events
        .iter()
        .map(|e| {
            let mut text = e.name.clone();
            for kv in &e.attributes {
                if let Some(AnyValue::StringValue(s)) =
                    kv.value.as_ref().and_then(|v| v.value.as_ref())
                {
                    text.push_str(&format!(" {}={s}", kv.key));
                }
            }
            text
        })
        .collect();
    // misbehave's `log` mode writes two lines per level; `info` and above
    // pass the default filter, `debug` and `trace` do not.
    for line in ["info line 1", "warn line 2", "error line 1"] {
        assert!(
            events.iter().any(|e| e.contains(line)),
            "`{line}` is not a span event: {events:?}"
        );
    }
    assert!(
        !events.iter().any(|e| e.contains("debug line")),
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| e.contains("outcome=ok")),
        "the outcome line is a span event: {events:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_flag_nothing_is_exported() {
    let (url, received) = collector().await;
    let traces = format!("{url}/v1/traces");
    one_logging_call(
        &[],
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &url),
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &traces),
        ],
    )
    .await;
    assert!(
        received.lock().unwrap().is_empty(),
        "spans were exported without --otlp-endpoint"
    );
}
