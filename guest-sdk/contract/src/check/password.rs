//! Password import hook answers (contract §2.5): `{"credential": "VERIFIED" | "UNVERIFIED"}`.

use super::{ACTION_UPDATE, Answer, Report, shape};
use crate::wire;

/// Checks a password import hook answer.
///
/// Only `com.okta.action.update` is accepted (checked with the other
/// command types); its value is exactly `{"credential": ...}`. Okta documents
/// no meaning for `error` here, so it is left alone.
pub(super) fn check(answer: &Answer<'_>, report: &mut Report) {
    for command in answer.commands_of(ACTION_UPDATE) {
        shape::single_choice(
            command,
            "credential",
            &[wire::VERIFIED, wire::UNVERIFIED],
            report,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::Finding;
    use super::super::test_support::*;
    use super::*;
    use crate::HookType;
    use serde_json::{Value, json};

    fn run(value: Value) -> Vec<Finding> {
        let data = json!({
            "context": {"credential": {"username": "isaac@example.com", "password": "Okta"}},
            "action": {"credential": "UNVERIFIED"}
        });
        let answer = json!({"commands": [{"type": ACTION_UPDATE, "value": value}]});
        check_hook(HookType::PasswordImport, None, &data, &answer)
    }

    #[test]
    fn both_verdicts_are_valid() {
        assert_clean(&run(json!({"credential": "VERIFIED"})));
        assert_clean(&run(json!({"credential": "UNVERIFIED"})));
    }

    #[test]
    fn the_credential_shape_is_exact() {
        assert_only_error(
            &run(json!({"credential": "verified"})),
            "commands[0].value.credential",
            "`VERIFIED` or `UNVERIFIED`",
        );
        assert_only_error(&run(json!({})), "commands[0].value", "needs `credential`");
        assert_only_error(
            &run(json!({"credential": "VERIFIED", "password": "x"})),
            "commands[0].value.password",
            "unknown member",
        );
        let f = run(json!({"result": "CREATE_USER"}));
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].location, "commands[0].value.result");
    }

    #[test]
    fn other_commands_are_rejected() {
        let answer = json!({"commands": [
            {"type": "com.okta.user.profile.update", "value": {"a": 1}}
        ]});
        let f = check_hook(HookType::PasswordImport, None, &json!({}), &answer);
        assert_only_error(
            &f,
            "commands[0].type",
            "accepts only `com.okta.action.update`",
        );
    }
}
