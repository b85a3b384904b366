//! Patch ops (`{op, path, value}`) as token and SAML hooks use them: parsing, and
//! simulating them against a copy of the request's token or assertion.
//!
//! Okta applies a patch with JSON Patch (RFC 6902) semantics restricted to
//! `add`, `replace` and `remove` (contract §2.1, §2.2): `add` on an existing
//! member overwrites it, `add` into a missing parent fails, `replace` and
//! `remove` need their target to exist, `-` appends to an array, and a bad
//! index fails. One failing op makes Okta discard the whole answer, so each
//! failure is reported at its op.
//!
//! The applier is hand-written rather than `json_patch::patch` so a failure
//! names the exact part of the path that is missing; a test checks that it
//! agrees with the `json-patch` crate on success and failure.

use super::envelope::describe;
use super::{Command, Report, element, member};
use crate::{pointer, wire};
use serde_json::Value;

/// A patch operation Okta knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OpKind {
    /// `add`: create or overwrite a member, insert into an array.
    Add,
    /// `replace`: overwrite an existing member or element.
    Replace,
    /// `remove`: delete an existing member or element.
    Remove,
}

impl OpKind {
    /// The op's name on the wire.
    pub(super) fn name(self) -> &'static str {
        match self {
            OpKind::Add => wire::ADD,
            OpKind::Replace => wire::REPLACE,
            OpKind::Remove => wire::REMOVE,
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [OpKind::Add, OpKind::Replace, OpKind::Remove]
            .into_iter()
            .find(|k| k.name() == name)
    }
}

/// One op whose shape is valid: known `op`, parseable `path`, and a `value`
/// exactly when the op needs one.
#[derive(Debug)]
pub(super) struct Op<'a> {
    /// What it does.
    pub(super) kind: OpKind,
    /// The path as written (escaped).
    pub(super) path: &'a str,
    /// The path's unescaped tokens.
    pub(super) tokens: Vec<String>,
    /// The value for `add`/`replace`; `None` for `remove`.
    pub(super) value: Option<&'a Value>,
    /// Where the op sits in the answer, `commands[i].value[j]`.
    pub(super) location: String,
}

impl Op<'_> {
    /// `commands[i].value[j].path`.
    pub(super) fn path_location(&self) -> String {
        member(&self.location, "path")
    }

    /// `commands[i].value[j].value`.
    pub(super) fn value_location(&self) -> String {
        member(&self.location, "value")
    }
}

/// Parses a patch command's `value`, which must be an array of ops.
///
/// `allowed` lists the ops this hook type accepts; `what` names the command
/// for messages (e.g. "a token patch"). Every shape problem is reported; only
/// the ops without one are returned, in order.
pub(super) fn parse_ops<'a>(
    command: &Command<'a>,
    allowed: &[OpKind],
    what: &str,
    report: &mut Report,
) -> Vec<Op<'a>> {
    let at = command.value_location();
    let Some(items) = command.value.as_array() else {
        report.error(
            at,
            format!(
                "the value of {what} must be an array of {{op, path, value}} operations, not {}",
                describe(command.value)
            ),
        );
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| parse_op(item, element(&at, i), allowed, report))
        .collect()
}

fn parse_op<'a>(
    item: &'a Value,
    location: String,
    allowed: &[OpKind],
    report: &mut Report,
) -> Option<Op<'a>> {
    let names = allowed
        .iter()
        .map(|k| format!("`{}`", k.name()))
        .collect::<Vec<_>>()
        .join(", ");
    let Some(object) = item.as_object() else {
        report.error(
            location,
            format!(
                "each patch operation must be an object with `op` and `path`, not {}",
                describe(item)
            ),
        );
        return None;
    };
    let mut ok = true;
    // RFC 6902 would ignore unknown members, but Okta documents ops as
    // exactly `{op, path, value}` and doesn't say what it does with others
    // (e.g. `from`), so they are rejected (conservative reading).
    for key in object
        .keys()
        .filter(|k| !matches!(k.as_str(), "op" | "path" | "value"))
    {
        report.error(
            member(&location, key),
            format!("unknown member `{key}`; a patch operation has only `op`, `path` and `value`"),
        );
        ok = false;
    }
    let kind = match object.get("op") {
        None => {
            report.error(location.as_str(), "the patch operation has no `op`");
            None
        }
        Some(Value::String(name)) => match OpKind::parse(name).filter(|k| allowed.contains(k)) {
            Some(kind) => Some(kind),
            None => {
                let why = if OpKind::parse(name).is_some() {
                    " for this hook type"
                } else {
                    ""
                };
                report.error(
                    member(&location, "op"),
                    format!("op `{name}` is not supported{why}; Okta accepts only {names}"),
                );
                None
            }
        },
        Some(other) => {
            report.error(
                member(&location, "op"),
                format!("`op` must be a string, not {}", describe(other)),
            );
            None
        }
    };
    let path = match object.get("path") {
        None => {
            report.error(location.as_str(), "the patch operation has no `path`");
            None
        }
        Some(Value::String(path)) => match pointer::parse(path) {
            Ok(tokens) if tokens.is_empty() => {
                report.error(
                    member(&location, "path"),
                    "an empty `path` would replace the whole document; name a member",
                );
                None
            }
            Ok(tokens) => Some((path.as_str(), tokens)),
            Err(why) => {
                report.error(member(&location, "path"), why);
                None
            }
        },
        Some(other) => {
            report.error(
                member(&location, "path"),
                format!("`path` must be a string, not {}", describe(other)),
            );
            None
        }
    };
    let value = object.get("value");
    let value = match (kind, value) {
        // Okta: `remove` takes no value or `value: null`; anything else
        // fails the patch.
        (Some(OpKind::Remove), None | Some(Value::Null)) => None,
        (Some(OpKind::Remove), Some(_)) => {
            report.error(
                member(&location, "value"),
                "`remove` takes no `value` (or `value: null`); Okta fails the patch otherwise",
            );
            ok = false;
            None
        }
        // Okta treats `value: null` like a missing value on `remove`, so a
        // null `add`/`replace` value is read the same way: missing
        // (conservative reading; Okta documents no null claim values).
        (Some(kind), None | Some(Value::Null)) => {
            report.error(
                location.as_str(),
                format!("`{}` needs a non-null `value`", kind.name()),
            );
            ok = false;
            None
        }
        (_, value) => value,
    };
    let (kind, (path, tokens)) = (kind?, path?);
    ok.then_some(Op {
        kind,
        path,
        tokens,
        value,
        location,
    })
}

/// A copy of the request's token or assertion that ops are applied to in order.
pub(super) struct Simulation {
    doc: Value,
    subject: &'static str,
}

impl Simulation {
    /// Starts from `doc`; `subject` names it in messages ("the request's
    /// access token").
    pub(super) fn new(doc: Value, subject: &'static str) -> Self {
        Simulation { doc, subject }
    }

    /// The document as patched so far.
    #[cfg(test)]
    pub(super) fn doc(&self) -> &Value {
        &self.doc
    }

    /// Applies one op, or explains why Okta would fail it (leaving the
    /// document unchanged).
    pub(super) fn apply(&mut self, op: &Op<'_>) -> Result<(), String> {
        self.apply_raw(op.kind, &op.tokens, op.value)
    }

    fn apply_raw(
        &mut self,
        kind: OpKind,
        tokens: &[String],
        value: Option<&Value>,
    ) -> Result<(), String> {
        let subject = self.subject;
        let name = kind.name();
        let Some((last, parents)) = tokens.split_last() else {
            return Err(format!("{name} cannot target the whole of {subject}"));
        };
        let mut target = &mut self.doc;
        for (depth, token) in parents.iter().enumerate() {
            let here = pointer::join(&tokens[..=depth]);
            let parent = pointer::join(&tokens[..depth]);
            target = match target {
                Value::Object(map) => map.get_mut(token).ok_or_else(|| {
                    let hint = if kind == OpKind::Add {
                        " (Okta does not create missing parents)"
                    } else {
                        ""
                    };
                    format!("{name} needs `{here}` to exist in {subject}{hint}")
                })?,
                Value::Array(items) => {
                    let len = items.len();
                    let i = index(token, &parent, len, false, name, subject)?;
                    &mut items[i]
                }
                other => return Err(not_container(name, &parent, other, subject)),
            };
        }
        let path = pointer::join(tokens);
        let parent = pointer::join(parents);
        let value = || value.cloned().unwrap_or(Value::Null);
        match target {
            Value::Object(map) => match kind {
                OpKind::Add => {
                    map.insert(last.clone(), value());
                }
                OpKind::Replace if map.contains_key(last) => {
                    map.insert(last.clone(), value());
                }
                OpKind::Remove if map.contains_key(last) => {
                    map.remove(last);
                }
                _ => return Err(format!("{name} needs `{path}` to exist in {subject}")),
            },
            Value::Array(items) => {
                let len = items.len();
                if kind == OpKind::Add && last == "-" {
                    items.push(value());
                    return Ok(());
                }
                let i = index(last, &parent, len, kind == OpKind::Add, name, subject)?;
                match kind {
                    OpKind::Add => items.insert(i, value()),
                    OpKind::Replace => items[i] = value(),
                    OpKind::Remove => {
                        items.remove(i);
                    }
                }
            }
            other => return Err(not_container(name, &parent, other, subject)),
        }
        Ok(())
    }
}

/// Parses an RFC 6901 array index into an array of `len` elements at
/// `parent`. `inserting` allows `len` itself (add at the end).
fn index(
    token: &str,
    parent: &str,
    len: usize,
    inserting: bool,
    op: &str,
    subject: &str,
) -> Result<usize, String> {
    if token == "-" {
        return Err(format!(
            "`-` (the end of `{parent}`) can only be the last segment of an add path"
        ));
    }
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = token.len() > 1 && token.starts_with('0');
    let Some(i) = token
        .parse::<usize>()
        .ok()
        .filter(|_| digits && !leading_zero)
    else {
        return Err(format!(
            "`{token}` is not an array index, but `{parent}` is an array in {subject}"
        ));
    };
    let limit = if inserting {
        len
    } else {
        len.saturating_sub(1)
    };
    if i > limit || (!inserting && len == 0) {
        return Err(format!(
            "{op} at index {i} is out of range: `{parent}` has {len} element(s) in {subject}"
        ));
    }
    Ok(i)
}

fn not_container(op: &str, parent: &str, value: &Value, subject: &str) -> String {
    format!(
        "{op} cannot reach inside `{parent}`: it is {} in {subject}, not an object or array",
        describe(value)
    )
}

#[cfg(test)]
mod tests {
    use super::super::{Command, Report, Severity};
    use super::*;
    use serde_json::json;

    const ALL: [OpKind; 3] = [OpKind::Add, OpKind::Replace, OpKind::Remove];

    fn parse<'a>(
        value: &'a Value,
        allowed: &[OpKind],
    ) -> (Vec<Op<'a>>, Vec<super::super::Finding>) {
        let command = Command {
            index: 2,
            kind: "com.okta.access.patch",
            value,
        };
        let mut report = Report::default();
        let ops = parse_ops(&command, allowed, "a test patch", &mut report);
        (ops, report.into_findings())
    }

    fn only_error(value: Value, allowed: &[OpKind], location: &str, needle: &str) {
        let (ops, findings) = parse(&value, allowed);
        assert!(ops.is_empty(), "{ops:?}");
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!(findings[0].location, location);
        assert!(findings[0].message.contains(needle), "{:?}", findings[0]);
    }

    #[test]
    fn parses_valid_ops() {
        let value = json!([
            {"op": "add", "path": "/claims/a~1b", "value": 1},
            {"op": "replace", "path": "/claims/c", "value": {"x": []}},
            {"op": "remove", "path": "/claims/d"},
            {"op": "remove", "path": "/claims/e", "value": null},
        ]);
        let (ops, findings) = parse(&value, &ALL);
        assert!(findings.is_empty(), "{findings:#?}");
        assert_eq!(ops.len(), 4);
        assert_eq!(ops[0].kind, OpKind::Add);
        assert_eq!(ops[0].tokens, vec!["claims", "a/b"]);
        assert_eq!(ops[0].location, "commands[2].value[0]");
        assert_eq!(ops[1].value, Some(&json!({"x": []})));
        assert_eq!(ops[3].kind, OpKind::Remove);
        assert_eq!(ops[3].value, None);
        assert_eq!(ops[3].path_location(), "commands[2].value[3].path");
    }

    #[test]
    fn the_value_must_be_an_array_of_objects() {
        only_error(
            json!({"op": "add"}),
            &ALL,
            "commands[2].value",
            "must be an array",
        );
        only_error(
            json!(["add"]),
            &ALL,
            "commands[2].value[0]",
            "must be an object",
        );
    }

    #[test]
    fn op_must_be_known_and_allowed() {
        only_error(
            json!([{"op": "move", "path": "/claims/a", "value": 1}]),
            &ALL,
            "commands[2].value[0].op",
            "op `move` is not supported; Okta accepts only `add`, `replace`, `remove`",
        );
        only_error(
            json!([{"op": "remove", "path": "/claims/a"}]),
            &[OpKind::Add, OpKind::Replace],
            "commands[2].value[0].op",
            "not supported for this hook type",
        );
        only_error(
            json!([{"path": "/claims/a", "value": 1}]),
            &ALL,
            "commands[2].value[0]",
            "no `op`",
        );
        only_error(
            json!([{"op": 1, "path": "/claims/a", "value": 1}]),
            &ALL,
            "commands[2].value[0].op",
            "must be a string",
        );
    }

    #[test]
    fn path_must_be_a_valid_non_empty_pointer() {
        let loc = "commands[2].value[0].path";
        only_error(
            json!([{"op": "add", "value": 1}]),
            &ALL,
            "commands[2].value[0]",
            "no `path`",
        );
        only_error(
            json!([{"op": "add", "path": 5, "value": 1}]),
            &ALL,
            loc,
            "must be a string",
        );
        only_error(
            json!([{"op": "add", "path": "claims/a", "value": 1}]),
            &ALL,
            loc,
            "start with `/`",
        );
        only_error(
            json!([{"op": "add", "path": "/claims/a~2", "value": 1}]),
            &ALL,
            loc,
            "`~2`",
        );
        only_error(
            json!([{"op": "add", "path": "", "value": 1}]),
            &ALL,
            loc,
            "whole document",
        );
    }

    #[test]
    fn remove_takes_no_value_or_null() {
        only_error(
            json!([{"op": "remove", "path": "/claims/a", "value": "x"}]),
            &ALL,
            "commands[2].value[0].value",
            "`remove` takes no `value`",
        );
    }

    #[test]
    fn add_and_replace_need_a_value() {
        for op in ["add", "replace"] {
            only_error(
                json!([{"op": op, "path": "/claims/a"}]),
                &ALL,
                "commands[2].value[0]",
                "needs a non-null `value`",
            );
            only_error(
                json!([{"op": op, "path": "/claims/a", "value": null}]),
                &ALL,
                "commands[2].value[0]",
                "needs a non-null `value`",
            );
        }
    }

    #[test]
    fn unknown_op_members_are_errors() {
        only_error(
            json!([{"op": "add", "path": "/claims/a", "value": 1, "from": "/claims/b"}]),
            &ALL,
            "commands[2].value[0].from",
            "unknown member `from`",
        );
    }

    fn token() -> Value {
        json!({
            "claims": {"a": 1, "list": [10, 20, 30], "obj": {"x": "y"}, "s": "text", "empty": []},
            "token": {"lifetime": {"expiration": 3600}}
        })
    }

    fn sim(kind: OpKind, path: &str, value: Option<Value>) -> (Result<(), String>, Value) {
        let mut sim = Simulation::new(token(), "the request's access token");
        let tokens = pointer::parse(path).unwrap();
        let result = sim.apply_raw(kind, &tokens, value.as_ref());
        (result, sim.doc().clone())
    }

    #[test]
    fn add_creates_overwrites_inserts_and_appends() {
        let (r, doc) = sim(OpKind::Add, "/claims/new", Some(json!("v")));
        assert_eq!((r, &doc["claims"]["new"]), (Ok(()), &json!("v")));
        let (r, doc) = sim(OpKind::Add, "/claims/a", Some(json!(2)));
        assert_eq!((r, &doc["claims"]["a"]), (Ok(()), &json!(2)));
        let (r, doc) = sim(OpKind::Add, "/claims/list/1", Some(json!(15)));
        assert_eq!(
            (r, &doc["claims"]["list"]),
            (Ok(()), &json!([10, 15, 20, 30]))
        );
        let (r, doc) = sim(OpKind::Add, "/claims/list/3", Some(json!(40)));
        assert_eq!(
            (r, &doc["claims"]["list"]),
            (Ok(()), &json!([10, 20, 30, 40]))
        );
        let (r, doc) = sim(OpKind::Add, "/claims/list/-", Some(json!(40)));
        assert_eq!(
            (r, &doc["claims"]["list"]),
            (Ok(()), &json!([10, 20, 30, 40]))
        );
        let (r, doc) = sim(OpKind::Add, "/claims/obj/z", Some(json!(1)));
        assert_eq!(
            (r, &doc["claims"]["obj"]),
            (Ok(()), &json!({"x": "y", "z": 1}))
        );
    }

    #[test]
    fn add_into_a_missing_parent_fails_and_names_it() {
        let (r, doc) = sim(OpKind::Add, "/claims/missing/x", Some(json!(1)));
        assert_eq!(
            r.unwrap_err(),
            "add needs `/claims/missing` to exist in the request's access token \
             (Okta does not create missing parents)"
        );
        assert_eq!(doc, token(), "a failed op leaves the document unchanged");
    }

    #[test]
    fn replace_and_remove_need_the_target() {
        for kind in [OpKind::Replace, OpKind::Remove] {
            let value = (kind == OpKind::Replace).then(|| json!(1));
            let (r, _) = sim(kind, "/claims/department", value.clone());
            assert_eq!(
                r.unwrap_err(),
                format!(
                    "{} needs `/claims/department` to exist in the request's access token",
                    kind.name()
                )
            );
            let (r, doc) = sim(kind, "/claims/a", value);
            assert_eq!(r, Ok(()));
            assert_eq!(doc["claims"].get("a").is_some(), kind == OpKind::Replace);
        }
        let (r, doc) = sim(OpKind::Remove, "/claims/list/0", None);
        assert_eq!((r, &doc["claims"]["list"]), (Ok(()), &json!([20, 30])));
        let (r, doc) = sim(OpKind::Replace, "/claims/list/2", Some(json!(0)));
        assert_eq!((r, &doc["claims"]["list"]), (Ok(()), &json!([10, 20, 0])));
    }

    #[test]
    fn bad_indices_fail() {
        let err = |kind, path: &str| sim(kind, path, Some(json!(1))).0.unwrap_err();
        assert!(err(OpKind::Add, "/claims/list/4").contains("index 4 is out of range"));
        assert!(err(OpKind::Replace, "/claims/list/3").contains("has 3 element(s)"));
        assert!(err(OpKind::Replace, "/claims/empty/0").contains("out of range"));
        assert!(
            err(OpKind::Replace, "/claims/list/-").contains("only be the last segment of an add")
        );
        assert!(err(OpKind::Add, "/claims/list/01").contains("`01` is not an array index"));
        assert!(err(OpKind::Add, "/claims/list/x").contains("not an array index"));
        assert!(err(OpKind::Add, "/claims/list/-/x").contains("`-`"));
        assert!(err(OpKind::Add, "/claims/list/9/x").contains("out of range"));
        assert!(sim(OpKind::Remove, "/claims/list/3", None).0.is_err());
    }

    #[test]
    fn scalars_cannot_be_entered() {
        let (r, _) = sim(OpKind::Add, "/claims/s/x", Some(json!(1)));
        assert_eq!(
            r.unwrap_err(),
            "add cannot reach inside `/claims/s`: it is a string in the request's access token, \
             not an object or array"
        );
        assert!(sim(OpKind::Add, "/claims/a/x/y", Some(json!(1))).0.is_err());
    }

    #[test]
    fn ops_apply_in_order() {
        let value = json!([
            {"op": "add", "path": "/claims/p", "value": {}},
            {"op": "add", "path": "/claims/p/q", "value": [1]},
            {"op": "add", "path": "/claims/p/q/-", "value": 2},
            {"op": "remove", "path": "/claims/a"},
        ]);
        let (ops, _) = parse(&value, &ALL);
        let mut sim = Simulation::new(token(), "the token");
        for op in &ops {
            sim.apply(op).unwrap();
        }
        assert_eq!(sim.doc()["claims"]["p"], json!({"q": [1, 2]}));
        assert!(sim.doc()["claims"].get("a").is_none());
    }

    /// The hand-written applier must agree with the `json-patch` crate (an
    /// RFC 6902 implementation) on which ops succeed and on the result.
    #[test]
    fn agrees_with_the_json_patch_crate() {
        let cases = [
            ("add", "/claims/new", Some(json!(1))),
            ("add", "/claims/a", Some(json!(2))),
            ("add", "/claims/missing/x", Some(json!(1))),
            ("add", "/claims/list/0", Some(json!(1))),
            ("add", "/claims/list/3", Some(json!(1))),
            ("add", "/claims/list/4", Some(json!(1))),
            ("add", "/claims/list/-", Some(json!(1))),
            ("add", "/claims/list/01", Some(json!(1))),
            ("add", "/claims/list/x", Some(json!(1))),
            ("add", "/claims/s/x", Some(json!(1))),
            ("add", "/claims/obj/x", Some(json!(1))),
            ("add", "/claims/empty/0", Some(json!(1))),
            ("add", "/claims/list/1/x", Some(json!(1))),
            ("replace", "/claims/a", Some(json!(2))),
            ("replace", "/claims/none", Some(json!(2))),
            ("replace", "/claims/list/2", Some(json!(2))),
            ("replace", "/claims/list/3", Some(json!(2))),
            ("replace", "/claims/list/-", Some(json!(2))),
            ("replace", "/token/lifetime/expiration", Some(json!(600))),
            ("remove", "/claims/a", None),
            ("remove", "/claims/none", None),
            ("remove", "/claims/list/0", None),
            ("remove", "/claims/list/3", None),
            ("remove", "/claims/empty/0", None),
            ("remove", "/claims/obj/x", None),
            ("remove", "/nothing/here", None),
        ];
        for (op, path, value) in cases {
            let mut raw = json!({"op": op, "path": path});
            if let Some(v) = &value {
                raw["value"] = v.clone();
            }
            let patch: json_patch::Patch = serde_json::from_value(json!([raw])).unwrap();
            let mut theirs = token();
            let their_result = json_patch::patch(&mut theirs, &patch);
            let kind = OpKind::parse(op).unwrap();
            let (ours, our_doc) = sim(kind, path, value);
            assert_eq!(
                ours.is_ok(),
                their_result.is_ok(),
                "{op} {path}: ours {ours:?}, json-patch {their_result:?}"
            );
            assert_eq!(our_doc, theirs, "{op} {path}");
        }
    }
}
