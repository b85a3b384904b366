//! SAML hook answers: `com.okta.assertion.patch` (contract §2.2).

use super::patch::{self, Op, OpKind, Simulation};
use super::{Answer, Report, RequestFacts, member};
use serde_json::Value;

pub(super) use crate::wire::ASSERTION_PATCH;

/// The parts of the assertion a patch may change.
const SECTIONS: [&str; 4] = ["subject", "authentication", "conditions", "claims"];

/// Checks a SAML hook answer.
pub(super) fn check(request: &RequestFacts<'_>, answer: &Answer<'_>, report: &mut Report) {
    let mut sim = request
        .data
        .get("assertion")
        .filter(|v| v.is_object())
        .map(|doc| Simulation::new(doc.clone(), "the request's SAML assertion"));
    for command in answer.commands_of(ASSERTION_PATCH) {
        // Okta: the SAML hook supports `add` and `replace` only, no `remove`.
        let ops = patch::parse_ops(
            command,
            &[OpKind::Add, OpKind::Replace],
            &format!("`{ASSERTION_PATCH}`"),
            report,
        );
        if sim.is_none() {
            report.error(
                command.location(),
                "the request has no `data.assertion` object to patch",
            );
        }
        for op in ops {
            if !check_op(&op, report) {
                continue;
            }
            if let Some(sim) = sim.as_mut()
                && let Err(why) = sim.apply(&op)
            {
                report.error(op.location.as_str(), why);
            }
        }
    }
}

/// Checks the SAML-specific rules for one op; false if the op is invalid
/// (and so is not simulated).
fn check_op(op: &Op<'_>, report: &mut Report) -> bool {
    let tokens: Vec<&str> = op.tokens.iter().map(String::as_str).collect();
    let section = tokens[0];
    if !SECTIONS.contains(&section) {
        report.error(
            op.path_location(),
            format!(
                "path `{}` cannot be patched in a SAML assertion; Okta accepts paths under \
                 `/subject`, `/authentication`, `/conditions` and `/claims`",
                op.path
            ),
        );
        return false;
    }
    // Okta documents changes *under* each section (`/claims/<name>`,
    // `/authentication/sessionIndex`, ...); replacing a whole section is
    // undocumented, so it is rejected (conservative reading).
    if tokens.len() < 2 || tokens[1].is_empty() {
        report.error(
            op.path_location(),
            format!(
                "path `{}` would replace the whole `/{section}` section, which Okta doesn't \
                 document; name a member under it (e.g. `/{section}/<name>`)",
                op.path
            ),
        );
        return false;
    }
    match tokens.as_slice() {
        ["claims", name] => check_attribute(op, name, report),
        ["authentication", "sessionLifetime"] => check_session_lifetime(op, report),
        _ => {}
    }
    true
}

/// A whole attribute set at `/claims/<name>` should look like Okta's:
/// `{attributes: {NameFormat}, attributeValues: [{attributes, value}]}`.
fn check_attribute(op: &Op<'_>, name: &str, report: &mut Report) {
    let Some(value) = op.value else {
        return;
    };
    let Some(attribute) = value.as_object() else {
        report.warning(
            op.value_location(),
            format!(
                "SAML attribute `{name}` should be an object with `attributes` and an \
                 `attributeValues` array, not a bare value; use \
                 `/claims/{name}/attributeValues/<i>/value` to change a single value"
            ),
        );
        return;
    };
    match attribute.get("attributeValues") {
        Some(Value::Array(_)) => {}
        Some(_) => report.warning(
            member(&op.value_location(), "attributeValues"),
            format!(
                "`attributeValues` of SAML attribute `{name}` should be an array of \
                 {{attributes, value}} objects"
            ),
        ),
        None => report.warning(
            op.value_location(),
            format!(
                "SAML attribute `{name}` has no `attributeValues` array, so Okta emits no \
                 values for it"
            ),
        ),
    }
}

/// `sessionLifetime` is a number of seconds (Okta emits `SessionNotOnOrAfter
/// = issueInstant + value`).
fn check_session_lifetime(op: &Op<'_>, report: &mut Report) {
    if matches!(op.value.and_then(Value::as_u64), None | Some(0)) {
        report.warning(
            op.value_location(),
            "`/authentication/sessionLifetime` should be a positive whole number of seconds \
             (Okta sets SessionNotOnOrAfter to the issue instant plus this value)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::Finding;
    use super::super::test_support::*;
    use super::*;
    use crate::HookType;
    use serde_json::json;

    fn data() -> Value {
        json!({
            "context": {"protocol": {"type": "SAML2.0"}},
            "assertion": {
                "subject": {
                    "nameId": "isaac@example.com",
                    "nameFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
                    "confirmation": {"method": "urn:oasis:names:tc:SAML:2.0:cm:bearer",
                                     "data": {"recipient": "https://sp.example.com/acs"}}
                },
                "authentication": {
                    "sessionIndex": "id1553800523546.312669168",
                    "authnContext": {"authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"}
                },
                "conditions": {"audienceRestriction": ["https://sp.example.com/metadata"]},
                "claims": {
                    "array": {
                        "attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
                        "attributeValues": [
                            {"attributes": {"xsi:type": "xs:string"}, "value": "one"},
                            {"attributes": {"xsi:type": "xs:string"}, "value": "two"}
                        ]
                    }
                },
                "lifetime": {"expiration": 300}
            }
        })
    }

    fn run(ops: Value) -> Vec<Finding> {
        let answer = json!({"commands": [{"type": ASSERTION_PATCH, "value": ops}]});
        check_hook(HookType::Saml, None, &data(), &answer)
    }

    fn attribute(value: &str) -> Value {
        json!({
            "attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
            "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": value}]
        })
    }

    #[test]
    fn the_documented_examples_are_valid() {
        assert_clean(&run(json!([
            {"op": "add", "path": "/claims/foo", "value": attribute("bearer")},
            {"op": "add", "path": "/claims/http:~1~1schemas.xmlsoap.org~1ws~12005~105~1identity~1claims~1name", "value": attribute("x")},
            {"op": "replace", "path": "/claims/array/attributeValues/1/value", "value": "replacementValue"},
            {"op": "replace", "path": "/authentication/authnContext", "value": {"authnContextClassRef": "replacementValue"}},
            {"op": "replace", "path": "/authentication/sessionIndex", "value": "definitelyARealSession"},
            {"op": "add", "path": "/claims/array/attributeValues/-", "value": {"attributes": {"xsi:type": "xs:string"}, "value": "three"}},
            {"op": "replace", "path": "/subject/nameId", "value": "other@example.com"},
            {"op": "add", "path": "/conditions/audienceRestriction/-", "value": "https://other.example.com"},
        ])));
    }

    #[test]
    fn adding_a_session_lifetime_is_valid() {
        assert_clean(&run(json!([
            {"op": "add", "path": "/authentication/sessionLifetime", "value": 300}
        ])));
    }

    #[test]
    fn a_non_numeric_session_lifetime_is_a_warning() {
        let f =
            run(json!([{"op": "add", "path": "/authentication/sessionLifetime", "value": "300"}]));
        assert_only_warning(&f, "commands[0].value[0].value", "whole number of seconds");
    }

    #[test]
    fn remove_is_not_supported() {
        let f = run(json!([{"op": "remove", "path": "/claims/array"}]));
        assert_only_error(
            &f,
            "commands[0].value[0].op",
            "Okta accepts only `add`, `replace`",
        );
    }

    #[test]
    fn paths_outside_the_four_sections_are_rejected() {
        for path in ["/lifetime/expiration", "/issuer", "/claim/x"] {
            let f = run(json!([{"op": "replace", "path": path, "value": 1}]));
            assert_only_error(
                &f,
                "commands[0].value[0].path",
                "`/subject`, `/authentication`, `/conditions` and `/claims`",
            );
        }
    }

    #[test]
    fn whole_sections_are_rejected() {
        let f = run(json!([{"op": "replace", "path": "/claims", "value": {}}]));
        assert_only_error(&f, "commands[0].value[0].path", "whole `/claims` section");
        let f = run(json!([{"op": "replace", "path": "/subject/", "value": {}}]));
        assert_only_error(&f, "commands[0].value[0].path", "whole `/subject` section");
    }

    #[test]
    fn an_attribute_without_an_attribute_values_array_is_a_warning() {
        let f = run(json!([{"op": "add", "path": "/claims/dept", "value": {"attributes": {}}}]));
        assert_only_warning(
            &f,
            "commands[0].value[0].value",
            "no `attributeValues` array",
        );
        let f =
            run(json!([{"op": "add", "path": "/claims/dept", "value": {"attributeValues": "x"}}]));
        assert_only_warning(
            &f,
            "commands[0].value[0].value.attributeValues",
            "should be an array",
        );
        let f = run(json!([{"op": "add", "path": "/claims/dept", "value": "sales"}]));
        assert_only_warning(&f, "commands[0].value[0].value", "not a bare value");
    }

    #[test]
    fn simulation_failures_are_reported_per_op() {
        let f = run(json!([
            {"op": "replace", "path": "/claims/array/attributeValues/2/value", "value": "x"}
        ]));
        assert_only_error(&f, "commands[0].value[0]", "out of range");
        let f = run(json!([
            {"op": "add", "path": "/claims/missing/attributeValues", "value": []}
        ]));
        assert_only_error(
            &f,
            "commands[0].value[0]",
            "add needs `/claims/missing` to exist in the request's SAML assertion",
        );
        let f = run(json!([
            {"op": "replace", "path": "/authentication/sessionLifetime", "value": 300}
        ]));
        assert_only_error(
            &f,
            "commands[0].value[0]",
            "replace needs `/authentication/sessionLifetime` to exist",
        );
    }

    #[test]
    fn ops_build_on_each_other() {
        assert_clean(&run(json!([
            {"op": "add", "path": "/claims/dept", "value": attribute("sales")},
            {"op": "replace", "path": "/claims/dept/attributeValues/0/value", "value": "eng"},
        ])));
    }

    #[test]
    fn a_request_without_an_assertion_is_reported() {
        let answer = json!({"commands": [{"type": ASSERTION_PATCH, "value": [
            {"op": "add", "path": "/claims/dept", "value": attribute("sales")}
        ]}]});
        let f = check_hook(HookType::Saml, None, &json!({"context": {}}), &answer);
        assert_only_error(&f, "commands[0]", "no `data.assertion`");
    }

    #[test]
    fn the_value_must_be_an_array_of_ops() {
        let f = run(json!({"op": "add"}));
        assert_only_error(&f, "commands[0].value", "must be an array");
    }
}
