//! Compile bombs: components built to be slow or memory-hungry to compile are refused at the compile limits, and hold up nothing while they compile.

use hookwarden::HookType;
use hookwarden_tests::{
    Client, ServerProcess, TestServer, assert_okta_error, hook_body, plugin_bytes, sample,
};
use serde_json::{Value, json};
use std::fmt::Write;
use std::time::{Duration, Instant};

/// A component whose one core function has `locals` locals, all live
/// around a loop holding `blocks` `if` blocks that each read two locals and
/// write a third: the compiler's work and memory grow with locals times
/// blocks. `compile_bomb(1000, 5000)` is 77 KB and took 22 s to compile
/// here without limits; `compile_bomb(20000, 1000)` is 16 KB and needs more
/// than 256 MiB of address space.
fn compile_bomb(locals: usize, blocks: usize) -> Vec<u8> {
    let mut body = String::new();
    for i in 0..blocks {
        let (a, b, c) = (i * 7 % locals, (i * 13 + 1) % locals, (i * 31 + 2) % locals);
        writeln!(
            body,
            "(if (local.get {a}) (then (local.set {a} (i32.add (local.get {b}) (local.get {c})))))"
        )
        .unwrap();
    }
    let wat = format!(
        "(component (core module (func (local {}) (loop $l {body} (br_if $l (local.get 0))))))",
        "i32 ".repeat(locals)
    );
    wat::parse_str(wat).expect("the bomb is valid WAT")
}

/// The single cause of a refused upload.
fn cause(body: &Value) -> &str {
    body["errorCauses"][0]["errorSummary"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_compile_bomb_is_refused_at_the_compile_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), &["--compile-time-limit-secs", "2"]);
    let started = Instant::now();
    let (status, body) = server.upload(compile_bomb(1000, 5000)).await;
    let took = started.elapsed();
    assert_eq!(status, 400, "{body}");
    assert_okta_error(&body, "E0000001");
    assert!(
        cause(&body).contains("compile time limit of 2 s")
            && cause(&body).contains("--compile-time-limit-secs"),
        "{body}"
    );
    assert!(
        took < Duration::from_secs(4),
        "refused after {took:?}, not at the 2 s limit"
    );
    let (_, plugins) = server.api("GET", "/plugins", None).await;
    assert_eq!(plugins, json!([]), "nothing stored");
}

#[tokio::test]
async fn admin_changes_and_hooks_keep_working_while_a_bomb_compiles() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), &["--compile-time-limit-secs", "8"]);
    let (status, plugin) = server.upload(plugin_bytes("token_claims")).await;
    assert_eq!(status, 200, "{plugin}");
    let (status, hook) = server
        .api(
            "POST",
            "/inlineHooks",
            Some(&hook_body(
                "neighbour",
                HookType::Token,
                plugin["id"].as_str().unwrap(),
                json!({"access.n": "{lastName}"}),
            )),
        )
        .await;
    assert_eq!(status, 200, "{hook}");
    let id = hook["id"].as_str().unwrap().to_owned();

    let uploader = Client::new(server.url.clone());
    let bomb = tokio::spawn(async move {
        let started = Instant::now();
        let refused = uploader.upload(compile_bomb(1000, 5000)).await;
        (refused, started.elapsed())
    });
    // Let the upload arrive and its compile start.
    tokio::time::sleep(Duration::from_millis(500)).await;

    for action in ["deactivate", "activate"] {
        let started = Instant::now();
        let (status, body) = server
            .api(
                "POST",
                &format!("/inlineHooks/{id}/lifecycle/{action}"),
                None,
            )
            .await;
        let took = started.elapsed();
        assert_eq!(status, 200, "{action}: {body}");
        assert!(
            took < Duration::from_secs(1),
            "{action} took {took:?} while a plugin compiled"
        );
    }
    let started = Instant::now();
    let answer = server.call(&id, &sample(HookType::Token)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        !bomb.is_finished(),
        "the bomb must still be compiling for this test to show anything"
    );

    let ((status, body), took) = bomb.await.unwrap();
    assert_eq!(status, 400, "{body}");
    assert!(cause(&body).contains("compile time limit of 8 s"), "{body}");
    assert!(took < Duration::from_secs(10), "refused after {took:?}");
}

#[tokio::test]
async fn a_compile_bomb_is_refused_at_the_compile_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), &["--compile-memory-limit-mib", "256"]);
    // A real plugin compiles within 256 MiB.
    let (status, body) = server.upload(plugin_bytes("token_claims")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server.upload(compile_bomb(20000, 1000)).await;
    assert_eq!(status, 400, "{body}");
    assert_okta_error(&body, "E0000001");
    assert!(
        cause(&body).contains("compile memory limit of 256 MiB")
            && cause(&body).contains("--compile-memory-limit-mib"),
        "{body}"
    );
    let (_, plugins) = server.api("GET", "/plugins", None).await;
    assert_eq!(plugins.as_array().map(Vec::len), Some(1), "{plugins}");
}

#[tokio::test]
async fn compiles_take_turns_and_an_upload_without_a_turn_in_time_gets_503() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        dir.path(),
        &["--compile-time-limit-secs", "3", "--max-compiles", "1"],
    );
    let upload_after = |delay_ms: u64| {
        let client = Client::new(server.url.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            let started = Instant::now();
            let answer = client.upload(compile_bomb(1000, 5000)).await;
            (answer, started.elapsed())
        })
    };
    // A compiles from 0 to 3 s; B waits for A's turn, then compiles from 3
    // to 6 s; C, arriving at 1 s, gets no turn by 4 s.
    let (a, b, c) = (upload_after(0), upload_after(500), upload_after(1000));
    let ((a, _), (b, b_took), (c, c_took)) = (a.await.unwrap(), b.await.unwrap(), c.await.unwrap());
    for (status, body) in [&a, &b] {
        assert_eq!(*status, 400, "{body}");
        assert!(cause(body).contains("compile time limit of 3 s"), "{body}");
    }
    assert!(
        b_took > Duration::from_millis(4500),
        "B compiled only after A's turn, not beside it: {b_took:?}"
    );
    let (status, body) = c;
    assert_eq!(status, 503, "{body}");
    assert_okta_error(&body, "E0000009");
    assert!(
        body["errorSummary"]
            .as_str()
            .is_some_and(|s| s.contains("busy compiling") && s.contains("at most 1 at once")),
        "{body}"
    );
    assert!(c_took < Duration::from_millis(4500), "C waited {c_took:?}");
}

#[tokio::test]
async fn invalid_components_are_refused_by_the_worker_with_the_compilers_reason() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), &[]);
    // A component header, then a core module section holding garbage.
    let (status, body) = server
        .upload(b"\0asm\x0d\0\x01\0\x01\x04\0asm".to_vec())
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        cause(&body).starts_with("plugin: not a valid WebAssembly component: "),
        "{body}"
    );
    // Compiled fine, but not the hook-handler world: checked in the server.
    let (status, body) = server.upload(wat::parse_str("(component)").unwrap()).await;
    assert_eq!(status, 400, "{body}");
    assert!(cause(&body).contains("hook-handler world"), "{body}");
}

#[tokio::test]
async fn two_uploads_of_the_same_bytes_at_once_store_one_plugin() {
    let server = TestServer::start().await;
    let bytes = plugin_bytes("token_claims");
    let (a, b) = tokio::join!(
        server.registry.add_plugin(bytes.clone()),
        server.registry.add_plugin(bytes)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b, "the second upload returns the first's record");
    assert_eq!(server.registry.plugins().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_restart_removes_compiled_code_of_other_engines_and_deleted_plugins_and_keeps_its_own() {
    let server = TestServer::start().await;
    server
        .registry
        .add_plugin(plugin_bytes("token_claims"))
        .await
        .unwrap();
    let compiled = server.data_dir().join("compiled");
    let current = compiled.join(server.runtime.engine_key());
    let stale = compiled.join("0123456789abcdef");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("old.cwasm"), b"old machine code").unwrap();
    std::fs::write(current.join(".tmpKilled"), b"half written").unwrap();
    let unstored = current.join(format!("{}.cwasm", "ab".repeat(32)));
    std::fs::write(&unstored, b"code of a deleted plugin").unwrap();

    let dir = server.stop().await;
    let server = TestServer::start_in(dir).await;
    assert!(!stale.exists(), "the other engine's directory is removed");
    assert!(current.is_dir(), "this engine's directory is kept");
    assert!(!current.join(".tmpKilled").exists(), "temporary files go");
    assert!(!unstored.exists(), "code of plugins no longer stored goes");
    let stats = server.registry.compile_stats();
    assert_eq!((stats.compiled, stats.loaded_from_cache), (0, 1));
}
