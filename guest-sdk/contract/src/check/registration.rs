//! Registration hook answers (contract §2.4): self-service registration and progressive profiling.

use super::{ACTION_UPDATE, Answer, Command, Report, RequestFacts, element, member, shape};

use crate::wire::{ALLOW, DENY, PROGRESSIVE_PROFILE, SELF_SERVICE_REGISTRATION};
pub(super) use crate::wire::{PROGRESSIVE_PROFILE_UPDATE, USER_PROFILE_UPDATE};

/// Checks a registration hook answer.
pub(super) fn check(request: &RequestFacts<'_>, answer: &Answer<'_>, report: &mut Report) {
    // The last `{registration}` set in the answer wins (commands apply in order).
    let mut decision: Option<(&Command<'_>, &str)> = None;
    for command in &answer.commands {
        match command.kind {
            USER_PROFILE_UPDATE => {
                // Classic Engine sends the registration shape without a
                // `requestType`, so `None` counts as registration.
                if !matches!(request.request_type, None | Some(SELF_SERVICE_REGISTRATION)) {
                    wrong_request(
                        command,
                        request.request_type,
                        PROGRESSIVE_PROFILE_UPDATE,
                        report,
                    );
                }
                check_profile(command, report);
            }
            PROGRESSIVE_PROFILE_UPDATE => {
                if request.request_type != Some(PROGRESSIVE_PROFILE) {
                    wrong_request(command, request.request_type, USER_PROFILE_UPDATE, report);
                }
                check_profile(command, report);
            }
            ACTION_UPDATE => {
                if let Some(choice) =
                    shape::single_choice(command, "registration", &[ALLOW, DENY], report)
                {
                    decision = Some((command, choice));
                }
            }
            _ => {}
        }
    }
    match answer.error {
        Some(_) => warn_about_error(answer, report),
        None => {
            if let Some((command, DENY)) = decision {
                report.warning(
                    command.location(),
                    "DENY without an `error` object: the end user sees only Okta's generic \
                     message (\"Registration denied.\" / \"Profile update denied.\"); add an \
                     `error` whose `errorCauses` explain why",
                );
            }
        }
    }
}

fn wrong_request(
    command: &Command<'_>,
    request_type: Option<&str>,
    instead: &str,
    report: &mut Report,
) {
    let valid_for = if command.kind == PROGRESSIVE_PROFILE_UPDATE {
        format!("progressive profiling (requestType `{PROGRESSIVE_PROFILE}`)")
    } else {
        format!(
            "self-service registration (requestType `{SELF_SERVICE_REGISTRATION}`, or none on \
             Classic Engine)"
        )
    };
    let this = request_type.map_or_else(
        || "this request has no requestType".to_owned(),
        |t| format!("this request's requestType is `{t}`"),
    );
    let hint = if request_type
        .is_none_or(|t| t == SELF_SERVICE_REGISTRATION || t == PROGRESSIVE_PROFILE)
    {
        format!("; use `{instead}`")
    } else {
        String::new()
    };
    report.error(
        member(&command.location(), "type"),
        format!(
            "`{}` is valid only for {valid_for}, but {this}{hint}",
            command.kind
        ),
    );
}

/// A profile update is `{attr: value}` and may never set the password.
fn check_profile(command: &Command<'_>, report: &mut Report) {
    let Some(profile) = shape::object(command, "profile attributes", report) else {
        return;
    };
    if profile.contains_key("password") {
        report.error(
            member(&command.value_location(), "password"),
            "a registration hook can never set the password; remove `password` from the profile \
             update",
        );
    }
}

/// With `error` present Okta fails the registration or update and runs no
/// commands; the Sign-In Widget shows each cause next to the field its
/// `location` names.
fn warn_about_error(answer: &Answer<'_>, report: &mut Report) {
    // A DENY has the same effect as the error, so nothing is lost by it
    // being skipped (Okta's own examples pair the two); every other command
    // is silently dropped.
    let ignored = answer.commands.iter().any(|c| {
        !(c.kind == ACTION_UPDATE
            && c.value.get("registration").and_then(|v| v.as_str()) == Some(DENY))
    });
    if ignored {
        report.warning(
            "commands",
            "Okta runs no commands when `error` is present: the registration or profile update \
             fails and these commands are ignored",
        );
    }
    for (index, cause) in answer.error_causes() {
        if !cause.contains_key("location") {
            report.warning(
                element("error.errorCauses", index),
                "this error cause has no `location`, so the Sign-In Widget can't show it next \
                 to a form field; set `location` to the field's path, e.g. \
                 `data.userProfile.email`",
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
    use serde_json::{Value, json};

    fn data() -> Value {
        json!({
            "context": {"request": {"id": "reqId"}},
            "userProfile": {"firstName": "Rosario", "email": "rosario@example.com"},
            "action": "ALLOW"
        })
    }

    fn run(request_type: Option<&str>, answer: Value) -> Vec<Finding> {
        check_hook(HookType::Registration, request_type, &data(), &answer)
    }

    fn ssr(answer: Value) -> Vec<Finding> {
        run(Some(SELF_SERVICE_REGISTRATION), answer)
    }

    fn pp(answer: Value) -> Vec<Finding> {
        run(Some(PROGRESSIVE_PROFILE), answer)
    }

    #[test]
    fn documented_ssr_answers_are_valid() {
        let answer = json!({"commands": [
            {"type": USER_PROFILE_UPDATE, "value": {"login": "rosario@example.com", "employeeNumber": "1234"}},
            {"type": ACTION_UPDATE, "value": {"registration": "ALLOW"}},
        ]});
        assert_clean(&ssr(answer.clone()));
        // Classic Engine: no requestType.
        assert_clean(&run(None, answer));
    }

    #[test]
    fn documented_progressive_answers_are_valid() {
        assert_clean(&pp(json!({"commands": [
            {"type": PROGRESSIVE_PROFILE_UPDATE, "value": {"employeeNumber": "1234"}},
            {"type": ACTION_UPDATE, "value": {"registration": "ALLOW"}},
        ]})));
    }

    #[test]
    fn a_documented_deny_with_error_is_clean() {
        assert_clean(&ssr(json!({
            "commands": [{"type": ACTION_UPDATE, "value": {"registration": "DENY"}}],
            "error": {"errorSummary": "Errors were found in the user profile", "errorCauses": [{
                "errorSummary": "You specified an invalid email domain",
                "reason": "INVALID_EMAIL_DOMAIN",
                "locationType": "body",
                "location": "data.userProfile.email",
                "domain": "end-user"
            }]}
        })));
    }

    #[test]
    fn profile_update_is_invalid_for_progressive_profiling() {
        let f = pp(json!({"commands": [{"type": USER_PROFILE_UPDATE, "value": {"a": 1}}]}));
        assert_only_error(
            &f,
            "commands[0].type",
            "use `com.okta.user.progressive.profile.update`",
        );
    }

    #[test]
    fn progressive_update_is_invalid_for_registration() {
        for request_type in [None, Some(SELF_SERVICE_REGISTRATION)] {
            let f = run(
                request_type,
                json!({"commands": [{"type": PROGRESSIVE_PROFILE_UPDATE, "value": {"a": 1}}]}),
            );
            assert_only_error(&f, "commands[0].type", "use `com.okta.user.profile.update`");
        }
    }

    #[test]
    fn profile_updates_are_invalid_for_other_request_types() {
        for kind in [USER_PROFILE_UPDATE, PROGRESSIVE_PROFILE_UPDATE] {
            let f = run(
                Some("something.else"),
                json!({"commands": [{"type": kind, "value": {}}]}),
            );
            assert_only_error(&f, "commands[0].type", "`something.else`");
        }
    }

    #[test]
    fn profile_updates_must_be_objects_without_password() {
        let f = ssr(json!({"commands": [{"type": USER_PROFILE_UPDATE, "value": [1]}]}));
        assert_only_error(&f, "commands[0].value", "must be an object");
        let f =
            ssr(json!({"commands": [{"type": USER_PROFILE_UPDATE, "value": {"password": "x"}}]}));
        assert_only_error(&f, "commands[0].value.password", "never set the password");
        let f = pp(
            json!({"commands": [{"type": PROGRESSIVE_PROFILE_UPDATE, "value": {"password": "x"}}]}),
        );
        assert_only_error(&f, "commands[0].value.password", "never set the password");
    }

    #[test]
    fn the_registration_shape_is_exact() {
        let f =
            ssr(json!({"commands": [{"type": ACTION_UPDATE, "value": {"registration": "MAYBE"}}]}));
        assert_only_error(&f, "commands[0].value.registration", "`ALLOW` or `DENY`");
        let f =
            ssr(json!({"commands": [{"type": ACTION_UPDATE, "value": {"result": "CREATE_USER"}}]}));
        assert!(
            f.iter().any(|f| f.location == "commands[0].value.result"),
            "{f:#?}"
        );
        let f = ssr(
            json!({"commands": [{"type": ACTION_UPDATE, "value": {"registration": "ALLOW", "why": ""}}]}),
        );
        assert_only_error(&f, "commands[0].value.why", "unknown member");
    }

    #[test]
    fn error_with_commands_is_a_warning() {
        let f = ssr(json!({
            "commands": [{"type": USER_PROFILE_UPDATE, "value": {"a": 1}}],
            "error": {"errorSummary": "no"}
        }));
        assert_only_warning(
            &f,
            "commands",
            "Okta runs no commands when `error` is present",
        );
    }

    #[test]
    fn deny_without_error_is_a_warning() {
        let f =
            ssr(json!({"commands": [{"type": ACTION_UPDATE, "value": {"registration": "DENY"}}]}));
        assert_only_warning(&f, "commands[0]", "generic message");
        // A later ALLOW overrides it.
        assert_clean(&ssr(json!({"commands": [
            {"type": ACTION_UPDATE, "value": {"registration": "DENY"}},
            {"type": ACTION_UPDATE, "value": {"registration": "ALLOW"}},
        ]})));
    }

    #[test]
    fn an_error_cause_without_location_is_a_warning() {
        let f = ssr(json!({"error": {"errorSummary": "no", "errorCauses": [
            {"errorSummary": "bad email", "location": "data.userProfile.email"},
            {"errorSummary": "bad name"},
        ]}}));
        assert_only_warning(&f, "error.errorCauses[1]", "no `location`");
    }
}
