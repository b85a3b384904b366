//! User import hook answers (contract §2.3): profile updates, `{result}` and `com.okta.user.update`.

use super::envelope::describe;
use super::{ACTION_UPDATE, Answer, Command, Report, RequestFacts, member, shape};
use serde_json::Value;

pub(super) use crate::wire::{APP_USER_PROFILE_UPDATE, USER_PROFILE_UPDATE, USER_UPDATE};
use crate::wire::{CREATE_USER, LINK_USER};

/// Checks a user import hook answer.
pub(super) fn check(request: &RequestFacts<'_>, answer: &Answer<'_>, report: &mut Report) {
    // The last `{result}` set in the answer wins (commands apply in order).
    let mut chosen: Option<(&Command<'_>, &str)> = None;
    let mut user_updates = Vec::new();
    for command in &answer.commands {
        match command.kind {
            APP_USER_PROFILE_UPDATE => {
                shape::object(command, "app user profile attributes", report);
            }
            USER_PROFILE_UPDATE => {
                shape::object(command, "Okta user profile attributes", report);
            }
            ACTION_UPDATE => {
                if let Some(result) =
                    shape::single_choice(command, "result", &[CREATE_USER, LINK_USER], report)
                {
                    chosen = Some((command, result));
                }
            }
            USER_UPDATE => {
                check_user_update(command, report);
                user_updates.push(command);
            }
            _ => {}
        }
    }
    if let Some((command, LINK_USER)) = chosen
        && user_updates.is_empty()
    {
        report.error(
            command.location(),
            format!(
                "`LINK_USER` needs a `{USER_UPDATE}` command with `{{\"id\": \"<okta user id>\"}}` \
                 in the same answer, naming the Okta user to link to"
            ),
        );
    }
    // Without a `{result}` in the answer, Okta's default action from the
    // request (`data.action.result`) stands.
    let result = chosen.map(|(_, r)| r).or_else(|| {
        request
            .data
            .get("action")
            .and_then(|a| a.get("result"))
            .and_then(Value::as_str)
    });
    if result == Some(CREATE_USER) {
        for command in user_updates {
            report.error(
                command.location(),
                format!(
                    "`{USER_UPDATE}` links the imported user to an existing Okta user, but the \
                     result is `CREATE_USER`; set `{{\"result\": \"LINK_USER\"}}` with \
                     `{ACTION_UPDATE}` or drop this command"
                ),
            );
        }
    }
}

/// `com.okta.user.update` is exactly `{"id": "<non-empty string>"}`.
fn check_user_update(command: &Command<'_>, report: &mut Report) {
    let at = command.value_location();
    let Some(object) = command.value.as_object() else {
        report.error(
            at,
            format!(
                "the value of `{USER_UPDATE}` must be {{\"id\": \"<okta user id>\"}}, not {}",
                describe(command.value)
            ),
        );
        return;
    };
    // Okta documents only `id`; other members are rejected (conservative).
    for key in object.keys().filter(|k| *k != "id") {
        report.error(
            member(&at, key),
            format!(
                "unknown member `{key}`; the value of `{USER_UPDATE}` is exactly {{\"id\": ...}}"
            ),
        );
    }
    match object.get("id") {
        Some(Value::String(id)) if !id.is_empty() => {}
        Some(other) => report.error(
            member(&at, "id"),
            format!(
                "`id` must be the non-empty id of an existing Okta user, not {}",
                other
            ),
        ),
        None => report.error(
            at,
            "the value of `com.okta.user.update` needs `id`, the Okta user to link to",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Finding;
    use super::super::test_support::*;
    use super::*;
    use crate::HookType;
    use serde_json::json;

    fn data(result: &str) -> Value {
        json!({
            "context": {"job": {"id": "ij1", "type": "import:users"}},
            "action": {"result": result},
            "appUser": {"profile": {"firstName": "Sally"}},
            "user": {"profile": {"login": "sally@example.com"}}
        })
    }

    fn run(default: &str, commands: Value) -> Vec<Finding> {
        check_hook(
            HookType::Import,
            None,
            &data(default),
            &json!({ "commands": commands }),
        )
    }

    #[test]
    fn the_documented_commands_are_valid() {
        assert_clean(&run(
            CREATE_USER,
            json!([
                {"type": APP_USER_PROFILE_UPDATE, "value": {"firstName": "Stan"}},
                {"type": USER_PROFILE_UPDATE, "value": {"firstName": "Stan", "nickName": null}},
                {"type": ACTION_UPDATE, "value": {"result": "CREATE_USER"}},
            ]),
        ));
        assert_clean(&run(
            CREATE_USER,
            json!([
                {"type": ACTION_UPDATE, "value": {"result": "LINK_USER"}},
                {"type": USER_UPDATE, "value": {"id": "00garwpuyxHaWOkdV0g4"}},
            ]),
        ));
    }

    #[test]
    fn profile_updates_must_be_objects() {
        for kind in [APP_USER_PROFILE_UPDATE, USER_PROFILE_UPDATE] {
            let f = run(CREATE_USER, json!([{"type": kind, "value": "Stan"}]));
            assert_only_error(&f, "commands[0].value", "must be an object");
        }
    }

    #[test]
    fn the_result_shape_is_exact() {
        let f = run(
            CREATE_USER,
            json!([{"type": ACTION_UPDATE, "value": {"result": "SKIP"}}]),
        );
        assert_only_error(
            &f,
            "commands[0].value.result",
            "`CREATE_USER` or `LINK_USER`",
        );
        let f = run(
            CREATE_USER,
            json!([{"type": ACTION_UPDATE, "value": {"registration": "ALLOW"}}]),
        );
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].location, "commands[0].value.registration");
        assert_eq!(f[1].location, "commands[0].value");
        let f = run(
            CREATE_USER,
            json!([{"type": ACTION_UPDATE, "value": {"result": "CREATE_USER", "x": 1}}]),
        );
        assert_only_error(&f, "commands[0].value.x", "unknown member");
    }

    #[test]
    fn user_update_needs_a_non_empty_id() {
        let link = json!({"type": ACTION_UPDATE, "value": {"result": "LINK_USER"}});
        let f = run(
            CREATE_USER,
            json!([link, {"type": USER_UPDATE, "value": {"id": ""}}]),
        );
        assert_only_error(&f, "commands[1].value.id", "non-empty id");
        let f = run(
            CREATE_USER,
            json!([link, {"type": USER_UPDATE, "value": {"id": 5}}]),
        );
        assert_only_error(&f, "commands[1].value.id", "non-empty id");
        let f = run(
            CREATE_USER,
            json!([link, {"type": USER_UPDATE, "value": {}}]),
        );
        assert_only_error(&f, "commands[1].value", "needs `id`");
        let f = run(
            CREATE_USER,
            json!([link, {"type": USER_UPDATE, "value": "00u1"}]),
        );
        assert_only_error(&f, "commands[1].value", "must be {\"id\"");
        let f = run(
            CREATE_USER,
            json!([link, {"type": USER_UPDATE, "value": {"id": "00u1", "login": "x"}}]),
        );
        assert_only_error(&f, "commands[1].value.login", "unknown member");
    }

    #[test]
    fn link_user_without_user_update_is_an_error() {
        let f = run(
            CREATE_USER,
            json!([{"type": ACTION_UPDATE, "value": {"result": "LINK_USER"}}]),
        );
        assert_only_error(
            &f,
            "commands[0]",
            "`LINK_USER` needs a `com.okta.user.update`",
        );
        // Even when Okta's default was already LINK_USER.
        let f = run(
            LINK_USER,
            json!([{"type": ACTION_UPDATE, "value": {"result": "LINK_USER"}}]),
        );
        assert_only_error(&f, "commands[0]", "`LINK_USER` needs");
    }

    #[test]
    fn user_update_with_create_user_is_an_error() {
        let f = run(
            LINK_USER,
            json!([
                {"type": USER_UPDATE, "value": {"id": "00u1"}},
                {"type": ACTION_UPDATE, "value": {"result": "CREATE_USER"}},
            ]),
        );
        assert_only_error(&f, "commands[0]", "the result is `CREATE_USER`");
        // No `{result}` in the answer: the request's default applies.
        let f = run(
            CREATE_USER,
            json!([{"type": USER_UPDATE, "value": {"id": "00u1"}}]),
        );
        assert_only_error(&f, "commands[0]", "the result is `CREATE_USER`");
        assert_clean(&run(
            LINK_USER,
            json!([{"type": USER_UPDATE, "value": {"id": "00u1"}}]),
        ));
    }

    #[test]
    fn the_last_result_wins() {
        let f = run(
            CREATE_USER,
            json!([
                {"type": ACTION_UPDATE, "value": {"result": "LINK_USER"}},
                {"type": USER_UPDATE, "value": {"id": "00u1"}},
                {"type": ACTION_UPDATE, "value": {"result": "CREATE_USER"}},
            ]),
        );
        assert_only_error(&f, "commands[1]", "the result is `CREATE_USER`");
    }

    #[test]
    fn other_action_update_shapes_are_rejected() {
        let f = run(
            CREATE_USER,
            json!([{"type": ACTION_UPDATE, "value": {"credential": "VERIFIED"}}]),
        );
        assert!(
            f.iter()
                .any(|f| f.location == "commands[0].value.credential"),
            "{f:#?}"
        );
    }
}
