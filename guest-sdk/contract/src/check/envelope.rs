//! The members every answer shares: `commands`, `error` and `debugContext` (contract §1.3).

use super::{Answer, Command, Report, element, member};
use serde_json::Value;

/// The members of an error cause: each optional, each a string when
/// present (contract §1.3; Okta's SDK tests send causes without
/// `errorSummary`). Okta sets "no technical restrictions on the values" of
/// an error cause: its listed `locationType`s (`body`, `header`, `url`,
/// `query`) and `domain`s are recommendations, so any string passes.
const CAUSE_STRINGS: [&str; 5] = [
    "errorSummary",
    "reason",
    "locationType",
    "location",
    "domain",
];

/// Checks the envelope and picks out the well-formed commands.
///
/// Returns `None` when the answer is not a JSON object at all (nothing else
/// can be checked then).
pub(super) fn check<'a>(answer: &'a Value, report: &mut Report) -> Option<Answer<'a>> {
    let Some(object) = answer.as_object() else {
        report.error(
            "",
            format!("the answer must be a JSON object, not {}", describe(answer)),
        );
        return None;
    };
    let mut commands = Vec::new();
    for (key, value) in object {
        match key.as_str() {
            "commands" => commands = check_commands(value, report),
            "error" => check_error(value, report),
            "debugContext" => {
                if !value.is_object() {
                    report.error(
                        "debugContext",
                        format!(
                            "`debugContext` must be a JSON object (Okta copies it into the \
                             System Log), not {}",
                            describe(value)
                        ),
                    );
                }
            }
            _ => report.error(
                key.as_str(),
                format!(
                    "unknown member `{key}`; an Okta answer may contain only `commands`, \
                     `error` and `debugContext`"
                ),
            ),
        }
    }
    Some(Answer {
        commands,
        error: object.get("error"),
    })
}

fn check_commands<'a>(value: &'a Value, report: &mut Report) -> Vec<Command<'a>> {
    let Some(items) = value.as_array() else {
        report.error(
            "commands",
            format!("`commands` must be an array, not {}", describe(value)),
        );
        return Vec::new();
    };
    let mut commands = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let at = element("commands", index);
        let Some(object) = item.as_object() else {
            report.error(
                at,
                format!(
                    "each command must be an object with `type` and `value`, not {}",
                    describe(item)
                ),
            );
            continue;
        };
        // Okta documents a command as exactly `{type, value}`. Whether its
        // deserializer ignores other members is undocumented, so they are
        // rejected (conservative reading).
        for key in object.keys().filter(|k| *k != "type" && *k != "value") {
            report.error(
                member(&at, key),
                format!("unknown command member `{key}`; a command has only `type` and `value`"),
            );
        }
        let kind = match object.get("type") {
            Some(Value::String(kind)) => Some(kind.as_str()),
            Some(other) => {
                report.error(
                    member(&at, "type"),
                    format!(
                        "a command's `type` must be a string, not {}",
                        describe(other)
                    ),
                );
                None
            }
            None => {
                report.error(at.as_str(), "the command has no `type`");
                None
            }
        };
        let value = object.get("value");
        if value.is_none() {
            report.error(at.as_str(), "the command has no `value`");
        }
        if let (Some(kind), Some(value)) = (kind, value) {
            commands.push(Command { index, kind, value });
        }
    }
    commands
}

fn check_error(value: &Value, report: &mut Report) {
    let Some(object) = value.as_object() else {
        report.error(
            "error",
            format!(
                "`error` must be an object (with `errorSummary` and `errorCauses`), not {}",
                describe(value)
            ),
        );
        return;
    };
    // `errorSummary` is optional (contract §1.3): without it Okta shows its
    // default text ("The callback service returned an error") where the
    // hook type shows the summary.
    for (key, value) in object {
        match key.as_str() {
            "errorSummary" => {
                if !value.is_string() {
                    report.error(
                        member("error", key),
                        format!("`errorSummary` must be a string, not {}", describe(value)),
                    );
                }
            }
            "errorCauses" => check_causes(value, report),
            // Undocumented members are rejected (conservative reading).
            _ => report.error(
                member("error", key),
                format!(
                    "unknown member `{key}` in `error`; Okta's error object has only \
                     `errorSummary` and `errorCauses`"
                ),
            ),
        }
    }
}

fn check_causes(value: &Value, report: &mut Report) {
    let at = "error.errorCauses";
    let Some(items) = value.as_array() else {
        report.error(
            at,
            format!("`errorCauses` must be an array, not {}", describe(value)),
        );
        return;
    };
    for (index, item) in items.iter().enumerate() {
        let at = element(at, index);
        let Some(cause) = item.as_object() else {
            report.error(
                at,
                format!("each error cause must be an object, not {}", describe(item)),
            );
            continue;
        };
        for (key, value) in cause {
            let here = member(&at, key);
            if !CAUSE_STRINGS.contains(&key.as_str()) {
                report.error(
                    here,
                    format!(
                        "unknown member `{key}` in an error cause; Okta accepts `errorSummary`, \
                         `reason`, `locationType`, `location` and `domain`"
                    ),
                );
                continue;
            }
            if !value.is_string() {
                report.error(
                    here,
                    format!("`{key}` must be a string, not {}", describe(value)),
                );
            }
        }
    }
}

/// "a number", "an array", … for messages.
pub(super) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::HookType;
    use serde_json::{Value, json};

    /// Envelope checks are the same for every type; telephony is used
    /// because its commands are easy to write.
    fn run(answer: &Value) -> Vec<super::super::Finding> {
        check_hook(HookType::PasswordImport, None, &json!({}), answer)
    }

    #[test]
    fn a_full_valid_envelope_passes() {
        let answer = json!({
            "commands": [{"type": "com.okta.action.update", "value": {"credential": "VERIFIED"}}],
            "error": {"errorSummary": "x", "errorCauses": [{
                "errorSummary": "y", "reason": "r", "locationType": "body",
                "location": "data.userProfile.email", "domain": "end-user"
            }]},
            "debugContext": {"anything": [1, 2]}
        });
        assert_clean(&run(&answer));
    }

    #[test]
    fn the_answer_must_be_an_object() {
        assert_only_error(&run(&json!([])), "", "must be a JSON object, not an array");
        assert_only_error(&run(&Value::Null), "", "not null");
    }

    #[test]
    fn unknown_top_level_members_are_errors() {
        assert_only_error(
            &run(&json!({"command": []})),
            "command",
            "unknown member `command`",
        );
    }

    #[test]
    fn commands_must_be_an_array_of_objects() {
        assert_only_error(
            &run(&json!({"commands": {}})),
            "commands",
            "must be an array",
        );
        assert_only_error(
            &run(&json!({"commands": ["com.okta.action.update"]})),
            "commands[0]",
            "must be an object",
        );
    }

    #[test]
    fn a_command_needs_a_string_type_and_a_value() {
        assert_only_error(
            &run(&json!({"commands": [{"value": {}}]})),
            "commands[0]",
            "no `type`",
        );
        assert_only_error(
            &run(&json!({"commands": [{"type": 7, "value": {}}]})),
            "commands[0].type",
            "must be a string",
        );
        assert_only_error(
            &run(&json!({"commands": [{"type": "com.okta.action.update"}]})),
            "commands[0]",
            "no `value`",
        );
    }

    #[test]
    fn unknown_command_members_are_errors() {
        let answer = json!({"commands": [{
            "type": "com.okta.action.update", "value": {"credential": "VERIFIED"}, "op": "x"
        }]});
        assert_only_error(&run(&answer), "commands[0].op", "unknown command member");
    }

    #[test]
    fn error_must_be_an_object_with_a_string_summary() {
        assert_only_error(
            &run(&json!({"error": "nope"})),
            "error",
            "must be an object",
        );
        // Every member of `error` is optional (contract §1.3).
        assert_clean(&run(&json!({"error": {}})));
        assert_clean(&run(
            &json!({"error": {"errorCauses": [{"errorSummary": "y"}]}}),
        ));
        assert_only_error(
            &run(&json!({"error": {"errorSummary": 1}})),
            "error.errorSummary",
            "must be a string",
        );
        assert_only_error(
            &run(&json!({"error": {"errorSummary": "x", "errorCode": "E1"}})),
            "error.errorCode",
            "unknown member",
        );
    }

    #[test]
    fn error_causes_are_checked_member_by_member() {
        let with =
            |causes: Value| run(&json!({"error": {"errorSummary": "x", "errorCauses": causes}}));
        assert_only_error(&with(json!({})), "error.errorCauses", "must be an array");
        assert_only_error(
            &with(json!(["x"])),
            "error.errorCauses[0]",
            "must be an object",
        );
        // Every member of a cause is optional too (Okta's SDK tests send
        // causes without `errorSummary`), but a present one is a string.
        assert_clean(&with(json!([{"reason": "r"}, {}])));
        assert_only_error(
            &with(json!([{"reason": "r"}, {"errorSummary": null}])),
            "error.errorCauses[1].errorSummary",
            "must be a string",
        );
        assert_only_error(
            &with(json!([{"errorSummary": ["y"]}])),
            "error.errorCauses[0].errorSummary",
            "must be a string",
        );
        assert_only_error(
            &with(json!([{"errorSummary": "y"}, {"errorSummary": "y", "location": 3}])),
            "error.errorCauses[1].location",
            "must be a string",
        );
        assert_only_error(
            &with(json!([{"errorSummary": "y", "locationType": 7}])),
            "error.errorCauses[0].locationType",
            "must be a string",
        );
        assert_only_error(
            &with(json!([{"errorSummary": "y", "field": "email"}])),
            "error.errorCauses[0].field",
            "unknown member",
        );
        // No technical restrictions on the values: the listed ones are
        // recommendations.
        for location_type in ["body", "header", "url", "query", "cookie", ""] {
            assert_clean(&with(
                json!([{"errorSummary": "y", "locationType": location_type,
                        "domain": "my-own-domain", "reason": ""}]),
            ));
        }
    }

    #[test]
    fn debug_context_must_be_an_object() {
        assert_only_error(
            &run(&json!({"debugContext": "x"})),
            "debugContext",
            "must be a JSON object",
        );
    }

    #[test]
    fn every_bad_command_is_reported_and_good_ones_still_checked() {
        let answer = json!({"commands": [
            1,
            {"type": "com.okta.action.update", "value": {"credential": "MAYBE"}},
        ]});
        let findings = run(&answer);
        assert_eq!(findings.len(), 2, "{findings:#?}");
        assert_eq!(findings[0].location, "commands[0]");
        assert_eq!(findings[1].location, "commands[1].value.credential");
    }
}
