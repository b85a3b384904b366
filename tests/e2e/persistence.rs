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
