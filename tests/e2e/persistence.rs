//! Registrations live in sled and survive a restart.

use hookwarden::hook_type::HookType;
use hookwarden::store::HookStatus;
use hookwarden_tests::{HookOptions, TestServer, sample};

#[tokio::test]
async fn plugins_and_hooks_are_served_again_after_a_restart() {
    let server = TestServer::start().await;
    let active = server
        .hook(HookOptions::new(
            "token_claims",
            HookType::Token,
            &[("access.n", "{lastName}")],
        ))
        .await;
    let inactive = server
        .hook(HookOptions::new("import_link", HookType::Import, &[]))
        .await;
    server
        .registry
        .set_hook_status(&inactive.id, HookStatus::Inactive)
        .await
        .unwrap();
    let before = server.call(&active.id, &sample(HookType::Token)).await;
    assert_eq!(before.status, 200);

    let dir = server.stop().await;
    let server = TestServer::start_in(dir).await;

    assert_eq!(server.registry.plugins().unwrap().len(), 2);
    let after = server.call(&active.id, &sample(HookType::Token)).await;
    assert_eq!((after.status, &after.body), (200, &before.body));
    let record = server
        .registry
        .hook(&inactive.id)
        .expect("hook kept")
        .record
        .clone();
    assert_eq!(record.status, HookStatus::Inactive);
    assert_eq!(record, {
        let mut expected = inactive.clone();
        expected.status = HookStatus::Inactive;
        expected.last_updated = record.last_updated.clone();
        expected
    });
    assert_eq!(
        server
            .call(&inactive.id, &sample(HookType::Import))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_restart_loads_compiled_code_instead_of_recompiling() {
    let server = TestServer::start().await;
    for plugin in ["token_claims", "import_link"] {
        server
            .hook(HookOptions::new(plugin, HookType::Token, &[]))
            .await;
    }
    let first = server.registry.compile_stats();
    assert_eq!((first.compiled, first.loaded_from_cache), (2, 0));

    let server = TestServer::start_in(server.stop().await).await;
    let again = server.registry.compile_stats();
    assert_eq!(
        (again.compiled, again.loaded_from_cache),
        (0, 2),
        "a restart must not recompile cached plugins"
    );
    let hook = server.registry.hooks()[0].record.id.clone();
    assert!(server.call(&hook, &sample(HookType::Token)).await.status < 300);
}

#[tokio::test]
async fn compiled_code_that_does_not_match_its_digest_is_recompiled_not_loaded() {
    let server = TestServer::start().await;
    let hook = server
        .hook(HookOptions::new(
            "token_claims",
            HookType::Token,
            &[("access.n", "{lastName}")],
        ))
        .await;
    let dir = server.stop().await;

    // Tamper with every artifact: the host must refuse to deserialize them.
    let mut tampered = 0;
    for entry in walk(&dir.path().join("compiled")) {
        let mut bytes = std::fs::read(&entry).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&entry, bytes).unwrap();
        tampered += 1;
    }
    assert_eq!(tampered, 1, "one artifact was written");

    let server = TestServer::start_in(dir).await;
    let stats = server.registry.compile_stats();
    assert_eq!((stats.compiled, stats.loaded_from_cache), (1, 0));
    let answer = server.call(&hook.id, &sample(HookType::Token)).await;
    assert_eq!(answer.outcome.as_deref(), Some("ok"), "{:?}", answer.body);
}

/// Every file below `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
