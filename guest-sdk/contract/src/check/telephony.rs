//! Telephony hook answers (contract §2.6): `com.okta.telephony.action` delivery results.

use super::envelope::describe;
use super::{Answer, Report, element, member};
use crate::wire;
use serde_json::Value;

pub(super) use crate::wire::TELEPHONY_ACTION;

/// The delivery statuses Okta accepts.
const STATUSES: [&str; 3] = [wire::SUCCESSFUL, wire::PENDING, wire::FAILED];
/// The optional string members of a result.
const OPTIONAL_STRINGS: [&str; 3] = ["provider", "transactionId", "transactionMetadata"];

/// Checks a telephony hook answer.
pub(super) fn check(answer: &Answer<'_>, report: &mut Report) {
    let mut any = false;
    for command in answer.commands_of(TELEPHONY_ACTION) {
        any = true;
        let at = command.value_location();
        let results = match command.value.as_array() {
            Some(results) if !results.is_empty() => results,
            Some(_) => {
                report.error(
                    at,
                    "the value of `com.okta.telephony.action` must hold at least one result",
                );
                continue;
            }
            None => {
                report.error(
                    at,
                    format!(
                        "the value of `com.okta.telephony.action` must be an array of \
                         {{status, provider, transactionId, transactionMetadata}}, not {}",
                        describe(command.value)
                    ),
                );
                continue;
            }
        };
        for (index, result) in results.iter().enumerate() {
            check_result(result, &element(&at, index), report);
        }
    }
    // Undocumented: what Okta does with a telephony answer that reports
    // nothing. Telephony has no "empty response" semantics, so warn.
    if !any && answer.error.is_none() {
        report.warning(
            "",
            "the answer has no `com.okta.telephony.action` command (and no `error`), so it \
             doesn't tell Okta whether the OTP was sent",
        );
    }
}

fn check_result(result: &Value, at: &str, report: &mut Report) {
    let Some(object) = result.as_object() else {
        report.error(
            at,
            format!(
                "each telephony result must be an object with `status`, not {}",
                describe(result)
            ),
        );
        return;
    };
    match object.get("status") {
        Some(Value::String(s)) if STATUSES.contains(&s.as_str()) => {}
        Some(other) => report.error(
            member(at, "status"),
            format!("`status` must be `SUCCESSFUL`, `PENDING` or `FAILED`, not {other}"),
        ),
        None => report.error(at, "the telephony result has no `status`"),
    }
    for (key, value) in object.iter().filter(|(k, _)| *k != "status") {
        if !OPTIONAL_STRINGS.contains(&key.as_str()) {
            // Okta documents only these four members (conservative reading).
            report.error(
                member(at, key),
                format!(
                    "unknown member `{key}`; a telephony result has `status`, `provider`, \
                     `transactionId` and `transactionMetadata`"
                ),
            );
        } else if !value.is_string() {
            report.error(
                member(at, key),
                format!("`{key}` must be a string, not {}", describe(value)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Finding;
    use super::super::test_support::*;
    use super::*;
    use crate::HookType;
    use serde_json::json;

    fn run(value: Value) -> Vec<Finding> {
        let answer = json!({"commands": [{"type": TELEPHONY_ACTION, "value": value}]});
        check_hook(
            HookType::Telephony,
            Some("com.okta.user.telephony.pre-enrollment"),
            &json!({}),
            &answer,
        )
    }

    #[test]
    fn the_documented_answer_is_valid() {
        assert_clean(&run(json!([{
            "status": "SUCCESSFUL",
            "provider": "VONAGE",
            "transactionId": "SM49a8ece2822d44e4adaccd7ed268f954",
            "transactionMetadata": "Duration=300ms"
        }])));
        for status in STATUSES {
            assert_clean(&run(json!([{ "status": status }])));
        }
    }

    #[test]
    fn the_value_is_a_non_empty_array_of_objects() {
        assert_only_error(
            &run(json!({"status": "SUCCESSFUL"})),
            "commands[0].value",
            "must be an array",
        );
        assert_only_error(&run(json!([])), "commands[0].value", "at least one result");
        assert_only_error(
            &run(json!(["SUCCESSFUL"])),
            "commands[0].value[0]",
            "must be an object",
        );
    }

    #[test]
    fn status_is_required_and_enumerated() {
        assert_only_error(
            &run(json!([{"provider": "x"}])),
            "commands[0].value[0]",
            "no `status`",
        );
        assert_only_error(
            &run(json!([{"status": "SENT"}])),
            "commands[0].value[0].status",
            "`SUCCESSFUL`, `PENDING` or `FAILED`",
        );
    }

    #[test]
    fn optional_members_are_strings_and_others_unknown() {
        assert_only_error(
            &run(json!([{"status": "FAILED", "transactionId": 12}])),
            "commands[0].value[0].transactionId",
            "must be a string",
        );
        assert_only_error(
            &run(json!([{"status": "FAILED", "cost": "1"}])),
            "commands[0].value[0].cost",
            "unknown member",
        );
    }

    #[test]
    fn an_answer_without_a_result_is_a_warning() {
        let f = check_hook(HookType::Telephony, None, &json!({}), &json!({}));
        assert_only_warning(&f, "", "no `com.okta.telephony.action`");
        assert_clean(&check_hook(
            HookType::Telephony,
            None,
            &json!({}),
            &json!({"error": {"errorSummary": "down"}}),
        ));
    }
}
