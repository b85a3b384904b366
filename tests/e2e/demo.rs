//! `hookwarden demo` starts a server with the example hooks and prints
//! curl commands that work when pasted.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn every_curl_command_the_demo_prints_gets_the_plugins_answer() {
    let mut child = Command::new(hookwarden_tests::program())
        .args(["demo", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting the demo");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut commands = Vec::new();
    loop {
        let line = lines
            .next()
            .expect("the demo exited before listening")
            .unwrap();
        if line.starts_with("curl ") && line.contains("/hooks/") {
            commands.push(line);
        } else if line.starts_with("listening on ") {
            break;
        }
    }
    assert_eq!(commands.len(), 4, "{commands:?}");
    let mut types = std::collections::BTreeSet::new();
    for command in &commands {
        let output = Command::new("sh").args(["-c", command]).output().unwrap();
        assert!(output.status.success(), "{command}");
        let answer: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{command}: {e}: {:?}", output.stdout));
        // Each example answers with commands of its own, never a safe answer.
        assert!(answer["commands"].is_array(), "{command}: {answer}");
        assert!(answer.get("debugContext").is_none(), "{command}: {answer}");
        for command in answer["commands"].as_array().unwrap() {
            types.insert(command["type"].as_str().unwrap().to_owned());
        }
    }
    let expected = [
        "com.okta.access.patch",    // token: display_name
        "com.okta.action.update",   // import LINK_USER, registration ALLOW
        "com.okta.assertion.patch", // SAML: fullName
        "com.okta.identity.patch",  // token: locale_tag
        "com.okta.user.update",     // import: the linked user
    ];
    assert_eq!(types, expected.map(String::from).into_iter().collect());
    child.kill().unwrap();
    child.wait().unwrap();
}
