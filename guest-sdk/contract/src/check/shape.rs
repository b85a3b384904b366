//! Small value-shape checks shared by the non-patch commands (profile updates, `com.okta.action.update`).

use super::envelope::describe;
use super::{Command, Report, member};
use serde_json::{Map, Value};

/// Checks that a command's value is a JSON object (e.g. `{attr: value}` for
/// a profile update) and returns it.
pub(super) fn object<'a>(
    command: &Command<'a>,
    what: &str,
    report: &mut Report,
) -> Option<&'a Map<String, Value>> {
    let object = command.value.as_object();
    if object.is_none() {
        report.error(
            command.value_location(),
            format!(
                "the value of `{}` must be an object of {what}, not {}",
                command.kind,
                describe(command.value)
            ),
        );
    }
    object
}

/// Checks that a command's value is exactly `{key: "<one of allowed>"}`, the
/// shape of each `com.okta.action.update` variant, and returns the string.
///
/// A missing `key`, any other member, or a value outside `allowed` is an error.
pub(super) fn single_choice<'a>(
    command: &Command<'a>,
    key: &str,
    allowed: &[&str],
    report: &mut Report,
) -> Option<&'a str> {
    let at = command.value_location();
    let choices = allowed
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(" or ");
    let expected = format!("{{\"{key}\": {}}}", allowed.join("|"));
    let Some(object) = command.value.as_object() else {
        report.error(
            at,
            format!(
                "for this hook type the value of `{}` must be {expected}, not {}",
                command.kind,
                describe(command.value)
            ),
        );
        return None;
    };
    let mut ok = true;
    for other in object.keys().filter(|k| *k != key) {
        report.error(
            member(&at, other),
            format!(
                "unknown member `{other}`; for this hook type the value of `{}` is exactly \
                 {expected}",
                command.kind
            ),
        );
        ok = false;
    }
    let choice = match object.get(key) {
        None => {
            report.error(
                at.as_str(),
                format!(
                    "for this hook type the value of `{}` needs `{key}` ({expected})",
                    command.kind
                ),
            );
            None
        }
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Some(s.as_str()),
        Some(other) => {
            let shown = other.to_string();
            report.error(
                member(&at, key),
                format!("`{key}` must be {choices}, not {shown}"),
            );
            None
        }
    };
    choice.filter(|_| ok)
}

#[cfg(test)]
mod tests {
    use super::super::{Finding, Severity};
    use super::*;
    use serde_json::json;

    fn run(value: Value) -> (Option<String>, Vec<Finding>) {
        let command = Command {
            index: 1,
            kind: "com.okta.action.update",
            value: &value,
        };
        let mut report = Report::default();
        let choice = single_choice(
            &command,
            "result",
            &["CREATE_USER", "LINK_USER"],
            &mut report,
        )
        .map(str::to_owned);
        (choice, report.into_findings())
    }

    fn one_error(findings: &[Finding], location: &str, needle: &str) {
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!(findings[0].location, location);
        assert!(findings[0].message.contains(needle), "{:?}", findings[0]);
    }

    #[test]
    fn accepts_each_choice() {
        for c in ["CREATE_USER", "LINK_USER"] {
            let (choice, findings) = run(json!({ "result": c }));
            assert_eq!(choice.as_deref(), Some(c));
            assert!(findings.is_empty());
        }
    }

    #[test]
    fn rejects_other_shapes() {
        let (choice, f) = run(json!("LINK_USER"));
        assert_eq!(choice, None);
        one_error(
            &f,
            "commands[1].value",
            r#"must be {"result": CREATE_USER|LINK_USER}"#,
        );
        let (choice, f) = run(json!({}));
        assert_eq!(choice, None);
        one_error(&f, "commands[1].value", "needs `result`");
        let (choice, f) = run(json!({"result": "DELETE_USER"}));
        assert_eq!(choice, None);
        one_error(
            &f,
            "commands[1].value.result",
            "must be `CREATE_USER` or `LINK_USER`",
        );
        let (choice, f) = run(json!({"result": "LINK_USER", "registration": "ALLOW"}));
        assert_eq!(choice, None);
        one_error(&f, "commands[1].value.registration", "unknown member");
    }

    #[test]
    fn object_rejects_non_objects() {
        let value = json!(["a"]);
        let command = Command {
            index: 0,
            kind: "com.okta.user.profile.update",
            value: &value,
        };
        let mut report = Report::default();
        assert!(object(&command, "profile attributes", &mut report).is_none());
        let f = report.into_findings();
        one_error(
            &f,
            "commands[0].value",
            "must be an object of profile attributes",
        );
    }
}
