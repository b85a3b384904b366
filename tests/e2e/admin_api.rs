//! The admin API (`/api/v1`), endpoint by endpoint and error by error,
//! against a real server on loopback with the real compiled plugins.
//!
//! An upload over the size limit (413) is covered in `requests.rs` with a
//! server whose limit is lowered.

use hookwarden::HookType;
use hookwarden_tests::{
    ADMIN_TOKEN, AUTH_HEADER, SECRET, TestServer, assert_okta_error, hook_body,
    into_status_and_json, plugin_bytes, sample,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The world every example plugin implements.
const WORLD: &str = "hookwarden:inline-hook/hook-handler@0.2.0";
/// The bytes of `(module)`: a valid core module, not a component.
const CORE_MODULE: &[u8] = b"\0asm\x01\0\0\0";
/// Settings of the token hook that adds `display_name` to access tokens.
fn display_name_settings() -> Value {
    json!({"access.display_name": "{firstName} {lastName}"})
}

/// `sha256:<hex>` of `bytes`, computed independently of the server.
fn sha256_id(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

/// The `errorSummary` of every cause of an Okta error.
fn causes(body: &Value) -> Vec<String> {
    body["errorCauses"]
        .as_array()
        .unwrap_or_else(|| panic!("no errorCauses in {body}"))
        .iter()
        .map(|c| {
            c["errorSummary"]
                .as_str()
                .unwrap_or_else(|| panic!("a cause without errorSummary in {body}"))
                .to_owned()
        })
        .collect()
}

/// Fails if the hook secret, or its SHA-256, shows anywhere in `body`.
#[track_caller]
fn assert_no_secret(body: &Value, secret: &str) {
    let text = body.to_string();
    assert!(!text.contains(secret), "the secret leaked: {text}");
    let digest = format!("{:x}", Sha256::digest(secret.as_bytes()));
    assert!(
        !text.contains(&digest),
        "the secret's digest leaked: {text}"
    );
}

/// Checks a timestamp looks like Okta's: `2025-03-13T23:38:58.000Z`.
#[track_caller]
fn assert_timestamp(value: &Value) {
    let s = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    let b = s.as_bytes();
    assert!(
        s.len() == 24 && b[10] == b'T' && b[19] == b'.' && s.ends_with('Z'),
        "not an RFC 3339 timestamp with milliseconds: {s}"
    );
}

/// Sends `method` to `/api/v1{path}` with an arbitrary `Authorization`
/// header (or none), `Content-Type` and raw body.
async fn raw(
    server: &TestServer,
    method: &str,
    path: &str,
    authorization: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new()
        .request(method, format!("{}/api/v1{path}", server.base))
        .body(body);
    if let Some(authorization) = authorization {
        request = request.header("Authorization", authorization);
    }
    if let Some(content_type) = content_type {
        request = request.header("Content-Type", content_type);
    }
    into_status_and_json(request.send().await.expect("sending")).await
}

/// Sends raw bytes as a JSON body with the admin token.
async fn raw_json(server: &TestServer, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
    let auth = format!("SSWS {ADMIN_TOKEN}");
    raw(
        server,
        method,
        path,
        Some(&auth),
        Some("application/json"),
        body.to_vec(),
    )
    .await
}

/// Uploads a compiled example plugin; returns its id.
async fn upload(server: &TestServer, plugin: &str) -> String {
    let (status, body) = server.upload(plugin_bytes(plugin)).await;
    assert_eq!(status, 200, "{body}");
    body["id"].as_str().expect("an id").to_owned()
}

/// Creates a hook through the API; returns the response.
async fn create(server: &TestServer, body: &Value) -> Value {
    let (status, created) = server.api("POST", "/inlineHooks", Some(body)).await;
    assert_eq!(status, 200, "{created}");
    created
}

/// Creates the display-name token hook; returns its id.
async fn token_hook(server: &TestServer) -> String {
    let plugin = upload(server, "token_claims").await;
    let body = hook_body(
        "Display name",
        HookType::Token,
        &plugin,
        display_name_settings(),
    );
    create(server, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// POSTs to a hook's lifecycle endpoint; returns the hook.
async fn lifecycle(server: &TestServer, id: &str, action: &str) -> Value {
    let (status, hook) = server
        .api(
            "POST",
            &format!("/inlineHooks/{id}/lifecycle/{action}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{action}: {hook}");
    hook
}

/// The access-token claim `display_name` an answer adds.
#[track_caller]
fn display_name(answer: &Value) -> &Value {
    let patch = answer["commands"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "com.okta.access.patch"))
        .unwrap_or_else(|| panic!("no access patch in {answer}"));
    let op = &patch["value"][0];
    assert_eq!(op["op"], "add", "{answer}");
    assert_eq!(op["path"], "/claims/display_name", "{answer}");
    &op["value"]
}

// ---------------------------------------------------------------- admin auth

#[tokio::test]
async fn every_admin_route_refuses_a_missing_wrong_or_non_ssws_token_with_401() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let plugin = sha256_id(&plugin_bytes("token_claims"));
    let hook_json = hook_body("x", HookType::Token, &plugin, json!({})).to_string();
    let routes: Vec<(&str, String, Option<&str>, Vec<u8>)> = vec![
        (
            "POST",
            "/plugins".into(),
            Some("application/wasm"),
            plugin_bytes("misbehave"),
        ),
        ("GET", "/plugins".into(), None, vec![]),
        ("GET", format!("/plugins/{plugin}"), None, vec![]),
        ("DELETE", format!("/plugins/{plugin}"), None, vec![]),
        ("GET", "/inlineHooks".into(), None, vec![]),
        (
            "POST",
            "/inlineHooks".into(),
            Some("application/json"),
            hook_json.clone().into_bytes(),
        ),
        ("GET", format!("/inlineHooks/{id}"), None, vec![]),
        (
            "PUT",
            format!("/inlineHooks/{id}"),
            Some("application/json"),
            hook_json.into_bytes(),
        ),
        ("DELETE", format!("/inlineHooks/{id}"), None, vec![]),
        (
            "POST",
            format!("/inlineHooks/{id}/lifecycle/deactivate"),
            None,
            vec![],
        ),
        (
            "POST",
            format!("/inlineHooks/{id}/execute"),
            Some("application/json"),
            sample(HookType::Token).to_string().into_bytes(),
        ),
    ];
    let wrong_token = format!("SSWS {ADMIN_TOKEN}x");
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let bare = ADMIN_TOKEN.to_owned();
    let hook_secret = format!("SSWS {SECRET}");
    let bad_credentials = [
        None,
        Some(wrong_token.as_str()),
        Some(bearer.as_str()),
        Some(bare.as_str()),
        Some("SSWS"),
        Some("SSWS "),
        Some(SECRET),
        Some(hook_secret.as_str()),
    ];
    for (method, path, content_type, body) in &routes {
        for authorization in bad_credentials {
            let (status, answer) = raw(
                &server,
                method,
                path,
                authorization,
                *content_type,
                body.clone(),
            )
            .await;
            assert_eq!(
                status, 401,
                "{method} {path} with {authorization:?}: {answer}"
            );
            assert_okta_error(&answer, "E0000011");
            assert_eq!(answer["errorSummary"], "Invalid token provided");
        }
    }

    // Nothing was changed by the refused requests.
    let (_, plugins) = server.api("GET", "/plugins", None).await;
    assert_eq!(plugins.as_array().unwrap().len(), 1, "{plugins}");
    let (_, hooks) = server.api("GET", "/inlineHooks", None).await;
    assert_eq!(hooks.as_array().unwrap().len(), 1, "{hooks}");
    assert_eq!(hooks[0]["status"], "ACTIVE");
    assert_eq!(hooks[0]["name"], "Display name");
}

#[tokio::test]
async fn the_admin_token_is_not_a_hook_secret_on_the_hook_endpoint() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let body = sample(HookType::Token).to_string().into_bytes();
    let ssws = format!("SSWS {ADMIN_TOKEN}");
    for credential in [ADMIN_TOKEN, ssws.as_str()] {
        let answer = server.call_raw(&id, Some(credential), body.clone()).await;
        assert_eq!(answer.status, 401, "{credential}: {:?}", answer.body);
        assert_okta_error(&answer.body, "E0000011");
    }
    // The hook's own secret still works.
    assert_eq!(server.call(&id, &sample(HookType::Token)).await.status, 200);
}

// ------------------------------------------------------------------- plugins

#[tokio::test]
async fn uploading_a_plugin_answers_its_sha256_id_size_creation_time_and_world() {
    let server = TestServer::start().await;
    let bytes = plugin_bytes("token_claims");
    let (status, record) = server.upload(bytes.clone()).await;
    assert_eq!(status, 200, "{record}");
    let id = record["id"].as_str().unwrap();
    let hex = id.strip_prefix("sha256:").expect("a sha256: id");
    assert_eq!(hex.len(), 64, "{id}");
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{id}"
    );
    assert_eq!(id, sha256_id(&bytes));
    assert_eq!(record["size"], bytes.len() as u64);
    assert_eq!(record["world"], WORLD);
    assert_timestamp(&record["created"]);
}

#[tokio::test]
async fn uploading_the_same_bytes_twice_returns_the_same_record() {
    let server = TestServer::start().await;
    let bytes = plugin_bytes("misbehave");
    let (_, first) = server.upload(bytes.clone()).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, second) = server.upload(bytes).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(first, second, "created must not move either");
    let (_, plugins) = server.api("GET", "/plugins", None).await;
    assert_eq!(plugins, json!([first]));
}

#[tokio::test]
async fn an_upload_without_the_wasm_content_type_is_415_and_not_stored() {
    let server = TestServer::start().await;
    let auth = format!("SSWS {ADMIN_TOKEN}");
    for content_type in [
        Some("application/octet-stream"),
        Some("application/json"),
        None,
    ] {
        let (status, body) = raw(
            &server,
            "POST",
            "/plugins",
            Some(&auth),
            content_type,
            plugin_bytes("misbehave"),
        )
        .await;
        assert_eq!(status, 415, "{content_type:?}: {body}");
        assert_okta_error(&body, "E0000001");
        assert!(
            causes(&body).iter().any(|c| c.contains("application/wasm")),
            "{body}"
        );
    }
    // A parameter after the media type is fine.
    let (status, body) = raw(
        &server,
        "POST",
        "/plugins",
        Some(&auth),
        Some("application/wasm; charset=binary"),
        plugin_bytes("misbehave"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, plugins) = server.api("GET", "/plugins", None).await;
    assert_eq!(plugins.as_array().unwrap().len(), 1, "{plugins}");
}

#[tokio::test]
async fn a_core_module_is_refused_with_400_saying_it_is_not_a_component() {
    let server = TestServer::start().await;
    let (status, body) = server.upload(CORE_MODULE.to_vec()).await;
    assert_eq!(status, 400, "{body}");
    assert_okta_error(&body, "E0000001");
    let causes = causes(&body);
    assert!(
        causes
            .iter()
            .any(|c| c.starts_with("plugin: ") && c.contains("not a component")),
        "{body}"
    );
    let (_, plugins) = server.api("GET", "/plugins", None).await;
    assert_eq!(plugins, json!([]));
}

#[tokio::test]
async fn random_bytes_and_an_empty_upload_are_refused_with_400() {
    let server = TestServer::start().await;
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for bytes in [random, b"\0asm\x0d\0\x01\0garbage".to_vec(), vec![]] {
        let (status, body) = server.upload(bytes.clone()).await;
        assert_eq!(status, 400, "{} bytes: {body}", bytes.len());
        assert_okta_error(&body, "E0000001");
        assert!(!causes(&body).is_empty(), "{body}");
    }
    let (_, plugins) = server.api("GET", "/plugins", None).await;
    assert_eq!(plugins, json!([]));
}

#[tokio::test]
async fn plugins_are_listed_and_fetched_by_id() {
    let server = TestServer::start().await;
    let (_, token) = server.upload(plugin_bytes("token_claims")).await;
    let (_, misbehave) = server.upload(plugin_bytes("misbehave")).await;
    let (status, list) = server.api("GET", "/plugins", None).await;
    assert_eq!(status, 200);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(
        list.contains(&token) && list.contains(&misbehave),
        "{list:?}"
    );
    for record in [&token, &misbehave] {
        let id = record["id"].as_str().unwrap();
        let (status, got) = server.api("GET", &format!("/plugins/{id}"), None).await;
        assert_eq!(status, 200, "{got}");
        assert_eq!(&got, record);
    }
}

#[tokio::test]
async fn an_unknown_plugin_is_404_e0000007() {
    let server = TestServer::start().await;
    let unknown = sha256_id(b"never uploaded");
    for method in ["GET", "DELETE"] {
        let (status, body) = server
            .api(method, &format!("/plugins/{unknown}"), None)
            .await;
        assert_eq!(status, 404, "{method}: {body}");
        assert_okta_error(&body, "E0000007");
        assert_eq!(
            body["errorSummary"],
            format!("Not found: Resource not found: {unknown} (Plugin)")
        );
    }
}

#[tokio::test]
async fn a_plugin_in_use_cannot_be_deleted_until_its_hook_is_gone() {
    let server = TestServer::start().await;
    let plugin = upload(&server, "token_claims").await;
    let body = hook_body("user", HookType::Token, &plugin, json!({}));
    let id = create(&server, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/plugins/{plugin}");

    let (status, refused) = server.api("DELETE", &path, None).await;
    assert_eq!(status, 409, "{refused}");
    assert_okta_error(&refused, "E0000195");
    assert!(
        refused["errorSummary"]
            .as_str()
            .unwrap()
            .starts_with("Api validation failed due to conflict: "),
        "{refused}"
    );
    assert!(
        refused.to_string().contains(&id),
        "names the hook: {refused}"
    );
    assert_eq!(server.api("GET", &path, None).await.0, 200);

    // Still refused while the hook is merely INACTIVE.
    lifecycle(&server, &id, "deactivate").await;
    assert_eq!(server.api("DELETE", &path, None).await.0, 409);

    let hook_path = format!("/inlineHooks/{id}");
    assert_eq!(server.api("DELETE", &hook_path, None).await.0, 204);
    let (status, body) = server.api("DELETE", &path, None).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(body, Value::Null, "204 has no body");
    assert_eq!(server.api("GET", &path, None).await.0, 404);
    assert_eq!(server.api("GET", "/plugins", None).await.1, json!([]));
    // A hook can no longer name it.
    let (status, refused) = server
        .api("POST", "/inlineHooks", Some(&body_for(&plugin)))
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        causes(&refused)
            .iter()
            .any(|c| c.starts_with("channel.config.pluginId: ")),
        "{refused}"
    );
}

fn body_for(plugin: &str) -> Value {
    hook_body("again", HookType::Token, plugin, json!({}))
}

// -------------------------------------------------------- inline hooks: CRUD

#[tokio::test]
async fn creating_a_hook_answers_200_with_the_full_okta_shaped_object() {
    let server = TestServer::start().await;
    let plugin = upload(&server, "token_claims").await;
    let mut body = hook_body(
        "Display name",
        HookType::Token,
        &plugin,
        display_name_settings(),
    );
    body["channel"]["config"]["limits"] = json!({"timeBudgetMs": 500});
    body["channel"]["config"]["failurePolicy"] = json!({"registrationMessage": "Try later"});
    body["version"] = json!("1.0.2");
    let hook = create(&server, &body).await;

    let id = hook["id"].as_str().unwrap();
    assert!(id.starts_with("cal") && id.len() == 20, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
    assert_eq!(hook["status"], "ACTIVE");
    assert_eq!(hook["name"], "Display name");
    assert_eq!(hook["type"], "com.okta.oauth2.tokens.transform");
    assert_eq!(hook["version"], "1.0.2");
    let channel = &hook["channel"];
    assert_eq!(channel["type"], "WASM");
    assert_eq!(channel["version"], "1.0.0");
    let config = &channel["config"];
    assert_eq!(config["pluginId"], plugin.as_str());
    assert_eq!(config["settings"], display_name_settings());
    assert_eq!(config["limits"], json!({"timeBudgetMs": 500}));
    assert_eq!(
        config["failurePolicy"],
        json!({"registrationMessage": "Try later"})
    );
    assert_eq!(
        config["authScheme"],
        json!({"type": "HEADER", "key": AUTH_HEADER})
    );
    let okta = &hook["oktaChannel"];
    assert_eq!(okta["type"], "HTTP");
    assert_eq!(okta["config"]["uri"], format!("{}/hooks/{id}", server.base));
    assert_eq!(okta["config"]["method"], "POST");
    assert_eq!(okta["config"]["headers"], json!([]));
    assert_eq!(okta["config"]["authScheme"]["type"], "HEADER");
    assert_eq!(okta["config"]["authScheme"]["key"], AUTH_HEADER);
    assert_timestamp(&hook["created"]);
    assert_timestamp(&hook["lastUpdated"]);
    assert_eq!(hook["created"], hook["lastUpdated"]);
    assert_active_links(&server, &hook);
    assert_no_secret(&hook, SECRET);

    // GET answers the same object.
    let (status, got) = server.api("GET", &format!("/inlineHooks/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(got, hook);
    // And the oktaChannel it advertises is really where the hook answers.
    let answer = server.call(id, &sample(HookType::Token)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(display_name(&answer.body), "Isaac Brock");
}

#[track_caller]
fn assert_active_links(server: &TestServer, hook: &Value) {
    let id = hook["id"].as_str().unwrap();
    let self_href = format!("{}/api/v1/inlineHooks/{id}", server.base);
    let links = hook["_links"].as_object().expect("_links");
    let mut names: Vec<&str> = links.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["deactivate", "execute", "self"], "{hook}");
    assert_eq!(links["self"]["href"], self_href);
    assert_eq!(links["execute"]["href"], format!("{self_href}/execute"));
    assert_eq!(links["execute"]["hints"]["allow"], json!(["POST"]));
    assert_eq!(
        links["deactivate"]["href"],
        format!("{self_href}/lifecycle/deactivate")
    );
    assert_eq!(links["deactivate"]["hints"]["allow"], json!(["POST"]));
}

#[track_caller]
fn assert_inactive_links(server: &TestServer, hook: &Value) {
    let id = hook["id"].as_str().unwrap();
    let self_href = format!("{}/api/v1/inlineHooks/{id}", server.base);
    let links = hook["_links"].as_object().expect("_links");
    let mut names: Vec<&str> = links.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["activate", "delete", "self"], "{hook}");
    assert_eq!(links["self"]["href"], self_href);
    assert_eq!(
        links["activate"]["href"],
        format!("{self_href}/lifecycle/activate")
    );
    assert_eq!(links["activate"]["hints"]["allow"], json!(["POST"]));
    assert_eq!(links["delete"]["href"], self_href);
    assert_eq!(links["delete"]["hints"]["allow"], json!(["DELETE"]));
}

#[tokio::test]
async fn a_hook_is_created_active_even_when_the_body_says_inactive() {
    let server = TestServer::start().await;
    let plugin = upload(&server, "token_claims").await;
    let mut body = hook_body("x", HookType::Token, &plugin, display_name_settings());
    body["status"] = json!("INACTIVE");
    let hook = create(&server, &body).await;
    assert_eq!(hook["status"], "ACTIVE", "{hook}");
    let id = hook["id"].as_str().unwrap();
    let (_, got) = server.api("GET", &format!("/inlineHooks/{id}"), None).await;
    assert_eq!(got["status"], "ACTIVE", "{got}");
    // Okta's calls are served at once.
    let answer = server.call(id, &sample(HookType::Token)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(display_name(&answer.body), "Isaac Brock");
}

#[tokio::test]
async fn the_auth_header_name_is_echoed_as_submitted_and_matched_case_insensitively() {
    let server = TestServer::start().await;
    let plugin = upload(&server, "token_claims").await;
    let mut body = hook_body("lower", HookType::Token, &plugin, display_name_settings());
    body["channel"]["config"]["authScheme"]["key"] = json!("authorization");
    let hook = create(&server, &body).await;
    assert_eq!(
        hook["channel"]["config"]["authScheme"]["key"],
        "authorization"
    );
    assert_eq!(
        hook["oktaChannel"]["config"]["authScheme"]["key"],
        "authorization"
    );
    // Okta sends `Authorization`; header names are case-insensitive.
    let id = hook["id"].as_str().unwrap();
    let answer = server.call(id, &sample(HookType::Token)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
}

#[tokio::test]
async fn the_secret_appears_in_no_response_of_any_endpoint() {
    let server = TestServer::start().await;
    let plugin = upload(&server, "token_claims").await;
    let body = hook_body("s", HookType::Token, &plugin, display_name_settings());
    let mut seen = vec![create(&server, &body).await];
    let id = seen[0]["id"].as_str().unwrap().to_owned();
    let path = format!("/inlineHooks/{id}");
    seen.push(server.api("GET", &path, None).await.1);
    seen.push(server.api("GET", "/inlineHooks", None).await.1);
    seen.push(server.api("PUT", &path, Some(&body)).await.1);
    seen.push(server.api("POST", &path, Some(&body)).await.1);
    seen.push(lifecycle(&server, &id, "deactivate").await);
    seen.push(server.api("GET", "/inlineHooks?type=token", None).await.1);
    seen.push(lifecycle(&server, &id, "activate").await);
    seen.push(
        server
            .api(
                "POST",
                &format!("{path}/execute"),
                Some(&sample(HookType::Token)),
            )
            .await
            .1,
    );
    // Error answers about the secret do not echo it either.
    let mut bad = body.clone();
    bad["channel"]["config"]["authScheme"]["value"] = json!(format!("{SECRET}\n"));
    let (status, refused) = server.api("PUT", &path, Some(&bad)).await;
    assert_eq!(status, 400, "{refused}");
    seen.push(refused);
    for response in &seen {
        assert_ne!(response, &Value::Null);
        assert_no_secret(response, SECRET);
    }
}

// ---------------------------------------------------------- validation

#[tokio::test]
async fn a_body_with_many_bad_fields_gets_one_cause_per_field() {
    let server = TestServer::start().await;
    let body = json!({
        "type": "com.okta.not.a.hook",
        "version": "1.0.0",
        "channel": {
            "type": "HTTP",
            "version": "1.0.0",
            "config": {
                "pluginId": sha256_id(b"never uploaded"),
                "settings": {"ok": "fine", "count": 3},
                "limits": {"timeBudgetMs": 3000},
                "authScheme": {"type": "HEADER", "key": "Bad Header"}
            }
        }
    });
    let (status, refused) = server.api("POST", "/inlineHooks", Some(&body)).await;
    assert_eq!(status, 400, "{refused}");
    assert_okta_error(&refused, "E0000001");
    assert_eq!(
        refused["errorSummary"], "Api validation failed: inlineHook",
        "{refused}"
    );
    let causes = causes(&refused);
    let expected = [
        "name: ",
        "type: ",
        "channel.type: ",
        "channel.config.pluginId: ",
        "channel.config.settings.count: ",
        "channel.config.limits: ",
        "channel.config.authScheme.key: ",
        "channel.config.authScheme.value: ",
    ];
    assert_eq!(causes.len(), expected.len(), "{causes:#?}");
    for prefix in expected {
        assert_eq!(
            causes.iter().filter(|c| c.starts_with(prefix)).count(),
            1,
            "one cause starting {prefix:?} in {causes:#?}"
        );
    }
    assert!(
        causes.iter().any(|c| c.contains("3000")),
        "the time budget cause quotes the value: {causes:#?}"
    );
    assert_eq!(server.api("GET", "/inlineHooks", None).await.1, json!([]));
}

#[tokio::test]
async fn each_bad_field_alone_is_400_e0000001_naming_that_field() {
    let server = TestServer::start().await;
    let plugin = upload(&server, "token_claims").await;
    let good = hook_body("ok", HookType::Token, &plugin, json!({}));
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit); 10] = [
        ("name", |b| {
            b.as_object_mut().unwrap().remove("name");
        }),
        ("name", |b| b["name"] = json!("   ")),
        ("name", |b| b["name"] = json!("n".repeat(256))),
        ("type", |b| b["type"] = json!("com.okta.unknown")),
        ("channel.type", |b| b["channel"]["type"] = json!("HTTP")),
        ("channel.config.pluginId", |b| {
            b["channel"]["config"]["pluginId"] = json!("sha256:0000")
        }),
        ("channel.config.authScheme", |b| {
            b["channel"]["config"]
                .as_object_mut()
                .unwrap()
                .remove("authScheme");
        }),
        ("channel.config.authScheme.value", |b| {
            b["channel"]["config"]["authScheme"]
                .as_object_mut()
                .unwrap()
                .remove("value");
        }),
        ("channel.config.authScheme.key", |b| {
            b["channel"]["config"]["authScheme"]["key"] = json!("Auth:orization")
        }),
        ("channel.config.limits", |b| {
            b["channel"]["config"]["limits"] = json!({"timeBudgetMs": 3000})
        }),
    ];
    for (field, edit) in cases {
        let mut body = good.clone();
        edit(&mut body);
        let (status, refused) = server.api("POST", "/inlineHooks", Some(&body)).await;
        assert_eq!(status, 400, "{field}: {refused}");
        assert_okta_error(&refused, "E0000001");
        assert_eq!(
            refused["errorSummary"],
            format!("Api validation failed: {field}"),
            "{refused}"
        );
        let causes = causes(&refused);
        assert_eq!(causes.len(), 1, "{field}: {causes:?}");
        assert!(causes[0].starts_with(&format!("{field}: ")), "{causes:?}");
    }
    // Settings values must be strings, whatever the JSON type.
    for value in [
        json!(1),
        json!(true),
        json!(null),
        json!(["a"]),
        json!({"a": "b"}),
    ] {
        let mut body = good.clone();
        body["channel"]["config"]["settings"] = json!({"key": value});
        let (status, refused) = server.api("POST", "/inlineHooks", Some(&body)).await;
        assert_eq!(status, 400, "{value}: {refused}");
        assert_eq!(
            causes(&refused),
            ["channel.config.settings.key: must be a string"],
            "{refused}"
        );
    }
    assert_eq!(server.api("GET", "/inlineHooks", None).await.1, json!([]));
    // The good body itself passes.
    create(&server, &good).await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_400_e0000003() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    for (method, path) in [
        ("POST", "/inlineHooks".to_owned()),
        ("PUT", format!("/inlineHooks/{id}")),
        ("POST", format!("/inlineHooks/{id}")),
    ] {
        for body in [
            &b"{\"name\": "[..],
            b"",
            b"[1, 2]",
            b"\"a string\"",
            b"\xff",
        ] {
            let (status, refused) = raw_json(&server, method, &path, body).await;
            assert_eq!(status, 400, "{method} {path} {body:?}: {refused}");
            assert_okta_error(&refused, "E0000003");
            assert_eq!(
                refused["errorSummary"],
                "The request body was not well-formed."
            );
        }
    }
    let (_, hooks) = server.api("GET", "/inlineHooks", None).await;
    assert_eq!(hooks.as_array().unwrap().len(), 1);
    assert_eq!(hooks[0]["name"], "Display name");
}

#[tokio::test]
async fn an_unknown_hook_id_is_404_with_oktas_exact_text_on_every_route() {
    let server = TestServer::start().await;
    let plugin = upload(&server, "token_claims").await;
    let body = hook_body("x", HookType::Token, &plugin, json!({}));
    let unknown = "calUnknown0000000000";
    let routes = [
        ("GET", format!("/inlineHooks/{unknown}"), None),
        ("PUT", format!("/inlineHooks/{unknown}"), Some(&body)),
        ("POST", format!("/inlineHooks/{unknown}"), Some(&body)),
        ("DELETE", format!("/inlineHooks/{unknown}"), None),
        (
            "POST",
            format!("/inlineHooks/{unknown}/lifecycle/activate"),
            None,
        ),
        (
            "POST",
            format!("/inlineHooks/{unknown}/lifecycle/deactivate"),
            None,
        ),
    ];
    for (method, path, body) in routes {
        let (status, refused) = server.api(method, &path, body).await;
        assert_eq!(status, 404, "{method} {path}: {refused}");
        assert_okta_error(&refused, "E0000007");
        assert_eq!(
            refused["errorSummary"],
            format!("Not found: Resource not found: {unknown} (InlineHook)")
        );
    }
    let execute = format!("/inlineHooks/{unknown}/execute");
    let (status, refused) = server
        .api("POST", &execute, Some(&sample(HookType::Token)))
        .await;
    assert_eq!(status, 404, "{refused}");
    assert_eq!(
        refused["errorSummary"],
        format!("Not found: Resource not found: {unknown} (InlineHook)")
    );
}

// ------------------------------------------------------------------ list

#[tokio::test]
async fn listing_hooks_filters_by_type_and_refuses_an_unknown_type() {
    let server = TestServer::start().await;
    let token_plugin = upload(&server, "token_claims").await;
    let echo_plugin = upload(&server, "misbehave").await;
    let token = create(
        &server,
        &hook_body("t", HookType::Token, &token_plugin, json!({})),
    )
    .await;
    let saml = create(
        &server,
        &hook_body("s", HookType::Saml, &echo_plugin, json!({})),
    )
    .await;
    let (status, all) = server.api("GET", "/inlineHooks", None).await;
    assert_eq!(status, 200);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.contains(&token) && all.contains(&saml), "{all:?}");

    let (status, tokens) = server
        .api(
            "GET",
            "/inlineHooks?type=com.okta.oauth2.tokens.transform",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(tokens, json!([token]));
    let (_, samls) = server
        .api(
            "GET",
            "/inlineHooks?type=com.okta.saml.tokens.transform",
            None,
        )
        .await;
    assert_eq!(samls, json!([saml]));
    let (_, imports) = server
        .api("GET", "/inlineHooks?type=com.okta.import.transform", None)
        .await;
    assert_eq!(imports, json!([]));

    let (status, refused) = server
        .api("GET", "/inlineHooks?type=com.okta.not.a.hook", None)
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_okta_error(&refused, "E0000001");
    assert!(causes(&refused)[0].starts_with("type: "), "{refused}");
}

// ------------------------------------------------------------------- replace

#[tokio::test]
async fn put_replaces_the_whole_hook_but_keeps_type_status_and_created() {
    let server = TestServer::start().await;
    let plugin = upload(&server, "token_claims").await;
    let mut original = hook_body("before", HookType::Token, &plugin, display_name_settings());
    original["channel"]["config"]["limits"] = json!({"timeBudgetMs": 500});
    let before = create(&server, &original).await;
    let id = before["id"].as_str().unwrap();
    let path = format!("/inlineHooks/{id}");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    // No settings, no limits, and a status the server must ignore.
    let mut replacement = hook_body("after", HookType::Token, &plugin, json!({}));
    replacement["channel"]["config"]
        .as_object_mut()
        .unwrap()
        .remove("settings");
    replacement["status"] = json!("INACTIVE");
    replacement["version"] = json!("1.0.1");
    let (status, after) = server.api("PUT", &path, Some(&replacement)).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["name"], "after");
    assert_eq!(after["version"], "1.0.1");
    assert_eq!(after["status"], "ACTIVE", "status in a PUT body is ignored");
    assert_eq!(after["type"], before["type"]);
    assert_eq!(after["channel"]["config"]["settings"], json!({}));
    assert_eq!(after["channel"]["config"]["limits"], json!({}));
    assert_eq!(after["created"], before["created"]);
    assert_timestamp(&after["lastUpdated"]);
    assert!(
        after["lastUpdated"].as_str() >= before["lastUpdated"].as_str(),
        "{before} then {after}"
    );
    assert_active_links(&server, &after);
    assert_eq!(server.api("GET", &path, None).await.1, after);
    // The hook now runs with no settings: nothing to change, so 204.
    let answer = server.call(id, &sample(HookType::Token)).await;
    assert_eq!(answer.status, 204, "{:?}", answer.body);
    assert_eq!(answer.outcome.as_deref(), Some("ok"));

    // An INACTIVE hook stays INACTIVE whatever a PUT says.
    lifecycle(&server, id, "deactivate").await;
    replacement["status"] = json!("ACTIVE");
    let (status, after) = server.api("PUT", &path, Some(&replacement)).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["status"], "INACTIVE");
    assert_inactive_links(&server, &after);
}

#[tokio::test]
async fn post_to_a_hook_replaces_it_like_put() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let plugin = sha256_id(&plugin_bytes("token_claims"));
    let body = hook_body(
        "by post",
        HookType::Token,
        &plugin,
        json!({"access.display_name": "{lastName}"}),
    );
    let (status, after) = server
        .api("POST", &format!("/inlineHooks/{id}"), Some(&body))
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["name"], "by post");
    let answer = server.call(&id, &sample(HookType::Token)).await;
    assert_eq!(display_name(&answer.body), "Brock");
}

#[tokio::test]
async fn put_cannot_change_the_type() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let path = format!("/inlineHooks/{id}");
    let plugin = sha256_id(&plugin_bytes("token_claims"));
    let body = hook_body("saml now", HookType::Saml, &plugin, json!({}));
    let (status, refused) = server.api("PUT", &path, Some(&body)).await;
    assert_eq!(status, 400, "{refused}");
    assert_okta_error(&refused, "E0000001");
    let causes = causes(&refused);
    assert_eq!(causes.len(), 1, "{causes:?}");
    assert!(causes[0].starts_with("type: "), "{causes:?}");
    let (_, hook) = server.api("GET", &path, None).await;
    assert_eq!(hook["type"], "com.okta.oauth2.tokens.transform");
    assert_eq!(hook["name"], "Display name", "nothing was replaced");
}

#[tokio::test]
async fn put_without_a_secret_keeps_the_old_one_and_with_one_switches_to_it() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let path = format!("/inlineHooks/{id}");
    let plugin = sha256_id(&plugin_bytes("token_claims"));
    let call_body = sample(HookType::Token).to_string().into_bytes();

    let mut keep = hook_body("kept", HookType::Token, &plugin, display_name_settings());
    keep["channel"]["config"]["authScheme"]
        .as_object_mut()
        .unwrap()
        .remove("value");
    let (status, after) = server.api("PUT", &path, Some(&keep)).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["name"], "kept");
    let answer = server.call_raw(&id, Some(SECRET), call_body.clone()).await;
    assert_eq!(answer.status, 200, "the old secret still works");

    const NEW_SECRET: &str = "Basic bmV3OnNlY3JldA==";
    let mut switch = keep.clone();
    switch["channel"]["config"]["authScheme"]["value"] = json!(NEW_SECRET);
    let (status, after) = server.api("PUT", &path, Some(&switch)).await;
    assert_eq!(status, 200, "{after}");
    assert_no_secret(&after, NEW_SECRET);
    let old = server.call_raw(&id, Some(SECRET), call_body.clone()).await;
    assert_eq!(old.status, 401, "the old secret no longer works");
    let new = server.call_raw(&id, Some(NEW_SECRET), call_body).await;
    assert_eq!(new.status, 200, "{:?}", new.body);
    assert_eq!(display_name(&new.body), "Isaac Brock");
}

// ----------------------------------------------------------------- lifecycle

#[tokio::test]
async fn deactivate_and_activate_return_the_hook_with_its_new_status_and_links() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let (_, created) = server.api("GET", &format!("/inlineHooks/{id}"), None).await;

    let inactive = lifecycle(&server, &id, "deactivate").await;
    assert_eq!(inactive["status"], "INACTIVE");
    assert_eq!(inactive["id"], id.as_str());
    assert_eq!(inactive["created"], created["created"]);
    assert!(inactive["lastUpdated"].as_str() >= created["lastUpdated"].as_str());
    assert_inactive_links(&server, &inactive);
    assert_eq!(
        server
            .api("GET", &format!("/inlineHooks/{id}"), None)
            .await
            .1,
        inactive
    );
    // Okta's calls to an INACTIVE hook find nothing.
    let answer = server.call(&id, &sample(HookType::Token)).await;
    assert_eq!(answer.status, 404, "{:?}", answer.body);
    assert_okta_error(&answer.body, "E0000007");

    // Deactivating twice is harmless.
    assert_eq!(
        lifecycle(&server, &id, "deactivate").await["status"],
        "INACTIVE"
    );

    let active = lifecycle(&server, &id, "activate").await;
    assert_eq!(active["status"], "ACTIVE");
    assert_active_links(&server, &active);
    let answer = server.call(&id, &sample(HookType::Token)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(display_name(&answer.body), "Isaac Brock");
}

#[tokio::test]
async fn an_active_hook_cannot_be_deleted_but_an_inactive_one_can() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let path = format!("/inlineHooks/{id}");

    let (status, refused) = server.api("DELETE", &path, None).await;
    assert_eq!(status, 400, "{refused}");
    assert_okta_error(&refused, "E0000001");
    assert!(
        causes(&refused)
            .iter()
            .any(|c| c.to_lowercase().contains("deactivat")),
        "the cause says to deactivate first: {refused}"
    );
    assert_eq!(server.api("GET", &path, None).await.0, 200);
    assert_eq!(server.call(&id, &sample(HookType::Token)).await.status, 200);

    lifecycle(&server, &id, "deactivate").await;
    let (status, body) = server.api("DELETE", &path, None).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(body, Value::Null, "204 has no body");
    let (status, gone) = server.api("GET", &path, None).await;
    assert_eq!(status, 404, "{gone}");
    assert_okta_error(&gone, "E0000007");
    assert_eq!(server.api("GET", "/inlineHooks", None).await.1, json!([]));
    assert_eq!(server.call(&id, &sample(HookType::Token)).await.status, 404);
    assert_eq!(server.api("DELETE", &path, None).await.0, 404);
}

// ------------------------------------------------------------------- execute

#[tokio::test]
async fn execute_runs_the_plugin_and_answers_like_the_hook_endpoint() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let path = format!("/inlineHooks/{id}/execute");
    let (status, executed) = server
        .api("POST", &path, Some(&sample(HookType::Token)))
        .await;
    assert_eq!(status, 200, "{executed}");
    assert_eq!(display_name(&executed), "Isaac Brock");
    let called = server.call(&id, &sample(HookType::Token)).await;
    assert_eq!(called.status, 200);
    assert_eq!(executed, called.body, "the same answer as /hooks/{{id}}");

    // It tests INACTIVE hooks too, before they go live.
    lifecycle(&server, &id, "deactivate").await;
    let (status, executed) = server
        .api("POST", &path, Some(&sample(HookType::Token)))
        .await;
    assert_eq!(status, 200, "{executed}");
    assert_eq!(display_name(&executed), "Isaac Brock");
}

#[tokio::test]
async fn execute_reports_a_trapping_plugin_as_400_e0000135() {
    let server = TestServer::start().await;
    let plugin = upload(&server, "misbehave").await;
    let body = hook_body("panics", HookType::Token, &plugin, json!({"mode": "panic"}));
    let id = create(&server, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, refused) = server
        .api(
            "POST",
            &format!("/inlineHooks/{id}/execute"),
            Some(&sample(HookType::Token)),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_okta_error(&refused, "E0000135");
    assert_eq!(
        refused["errorSummary"],
        "An inline hook responded with an error."
    );
    let causes = causes(&refused);
    assert!(causes.iter().any(|c| c == "outcome: trapped"), "{causes:?}");
    // Okta's own call still gets the safe answer.
    let answer = server.call(&id, &sample(HookType::Token)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.outcome.as_deref(), Some("trapped"));
}

#[tokio::test]
async fn execute_refuses_malformed_json_and_a_wrong_event_type() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let path = format!("/inlineHooks/{id}/execute");
    for body in [&b"{\"eventType\": "[..], b"", b"[1]"] {
        let (status, refused) = raw_json(&server, "POST", &path, body).await;
        assert_eq!(status, 400, "{body:?}: {refused}");
        assert_okta_error(&refused, "E0000003");
    }
    let mut saml = sample(HookType::Token);
    saml["eventType"] = json!("com.okta.saml.tokens.transform");
    let (status, refused) = server.api("POST", &path, Some(&saml)).await;
    assert_eq!(status, 400, "{refused}");
    assert_okta_error(&refused, "E0000001");
    assert!(
        causes(&refused).iter().any(|c| c.starts_with("eventType")),
        "{refused}"
    );
}

// --------------------------------------------------------------- methods

#[tokio::test]
async fn a_wrong_method_on_an_existing_route_is_405_e0000022() {
    let server = TestServer::start().await;
    let id = token_hook(&server).await;
    let routes = [
        ("PATCH", "/inlineHooks".to_owned()),
        ("PUT", "/inlineHooks".to_owned()),
        ("DELETE", "/inlineHooks".to_owned()),
        ("PATCH", format!("/inlineHooks/{id}")),
        ("GET", format!("/inlineHooks/{id}/execute")),
        ("GET", format!("/inlineHooks/{id}/lifecycle/activate")),
        ("PUT", "/plugins".to_owned()),
        ("POST", format!("/plugins/{}", sha256_id(b"x"))),
    ];
    for (method, path) in routes {
        let (status, refused) = server.api(method, &path, None).await;
        assert_eq!(status, 405, "{method} {path}: {refused}");
        assert_okta_error(&refused, "E0000022");
    }
    // Nothing changed.
    let (_, hooks) = server.api("GET", "/inlineHooks", None).await;
    assert_eq!(hooks.as_array().unwrap().len(), 1);
}
