//! Registrations live in sled and survive a restart.

use hookwarden::HookType;
use hookwarden::internals::HookStatus;
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

    assert_eq!(server.registry.plugins().await.unwrap().len(), 2);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hook_whose_plugin_fails_to_load_is_listed_with_its_error_counted_and_deletable() {
    use hookwarden::RegistryConfig;
    use hookwarden::ServerConfig;
    use hookwarden::internals::{SledStore, Storage};

    let server = TestServer::start().await;
    let broken = server
        .hook(HookOptions::new(
            "token_claims",
            HookType::Token,
            &[("access.n", "{lastName}")],
        ))
        .await;
    let healthy = server
        .hook(HookOptions::new("import_link", HookType::Import, &[]))
        .await;
    let dir = server.stop().await;

    // Damage the stored plugin while the server is down: its bytes are no
    // longer a component and its compiled code is gone.
    {
        let store = SledStore::open(dir.path()).unwrap();
        let record = store.plugin(&broken.plugin_id).await.unwrap().unwrap();
        assert!(store.delete_plugin(&record.id).await.unwrap());
        store
            .put_plugin(&record, b"\0asm but not a component")
            .await
            .unwrap();
    }
    std::fs::remove_dir_all(dir.path().join("compiled")).unwrap();

    let registry = RegistryConfig {
        max_hooks: 2,
        ..RegistryConfig::new(dir.path())
    };
    let server = TestServer::start_on(dir, registry, ServerConfig::default()).await;

    // Listed and shown, with why it is not served.
    let (status, list) = server.api("GET", "/inlineHooks", None).await;
    assert_eq!(status, 200, "{list}");
    let listed = list.as_array().unwrap();
    assert_eq!(listed.len(), 2, "{list}");
    let shown = listed
        .iter()
        .find(|h| h["id"] == broken.id.as_str())
        .unwrap();
    let error = shown["_hookwarden"]["loadError"]
        .as_str()
        .unwrap_or_default();
    assert!(error.contains(&broken.plugin_id), "{shown}");
    assert!(shown["_links"].get("execute").is_none(), "{shown}");
    let (status, got) = server
        .api("GET", &format!("/inlineHooks/{}", broken.id), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(got["_hookwarden"]["loadError"], error);
    assert_eq!(
        got["channel"]["config"]["pluginId"],
        broken.plugin_id.as_str()
    );
    let (_, healthy_shown) = server
        .api("GET", &format!("/inlineHooks/{}", healthy.id), None)
        .await;
    assert!(
        healthy_shown.get("_hookwarden").is_none(),
        "{healthy_shown}"
    );

    // Never called: answered like an INACTIVE hook; the other hook serves.
    let call = server.call(&broken.id, &sample(HookType::Token)).await;
    assert_eq!(call.status, 404);
    let other = server.call(&healthy.id, &sample(HookType::Import)).await;
    assert_eq!(other.outcome.as_deref(), Some("ok"), "{other:?}");

    // It counts against the hook limit (2 here).
    let body = hookwarden_tests::hook_body(
        "third",
        HookType::Import,
        &healthy.plugin_id,
        serde_json::json!({}),
    );
    let (status, refused) = server.api("POST", "/inlineHooks", Some(&body)).await;
    assert_eq!(status, 409, "{refused}");

    // It keeps its plugin from being deleted.
    let plugin_path = format!("/plugins/{}", broken.plugin_id);
    let (status, in_use) = server.api("DELETE", &plugin_path, None).await;
    assert_eq!(status, 409, "{in_use}");
    assert!(in_use.to_string().contains(&broken.id), "{in_use}");

    // It can be deleted (it is not served, so its ACTIVE status does not
    // stand in the way); then the limit has room and the plugin can go.
    let hook_path = format!("/inlineHooks/{}", broken.id);
    let (status, _) = server.api("DELETE", &hook_path, None).await;
    assert_eq!(status, 204);
    let (status, _) = server.api("GET", &hook_path, None).await;
    assert_eq!(status, 404);
    let (status, created) = server.api("POST", "/inlineHooks", Some(&body)).await;
    assert_eq!(status, 200, "{created}");
    let (status, _) = server.api("DELETE", &plugin_path, None).await;
    assert_eq!(status, 204);
}
