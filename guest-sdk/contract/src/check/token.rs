//! Token hook answers: `com.okta.identity.patch` and `com.okta.access.patch` (contract §2.1).

use super::patch::{self, Op, OpKind, Simulation};
use super::{Answer, Command, Report, RequestFacts};

pub(super) use crate::wire::{ACCESS_PATCH, IDENTITY_PATCH};

/// The one path outside `/claims` a token patch may change.
const LIFETIME_PATH: [&str; 3] = ["token", "lifetime", "expiration"];
/// The shortest token lifetime Okta accepts, in seconds (5 minutes).
const MIN_LIFETIME_SECS: u64 = 300;
/// The longest token lifetime Okta accepts, in seconds (24 hours).
const MAX_LIFETIME_SECS: u64 = 86_400;

/// Claims Okta reserves in ID tokens: a patch may not add, replace or
/// remove them (contract §2.1, Okta's per-token table).
const ID_TOKEN_RESERVED: [&str; 55] = [
    "acr",
    "active",
    "aid",
    "amr",
    "app_id",
    "app_type",
    "at_hash",
    "aud",
    "auth_time",
    "c_hash",
    "cid",
    "client_id",
    "client_ip",
    "client_req_id",
    "client_type",
    "client_user_agent",
    "cnf",
    "device_compliance",
    "device_id",
    "device_known",
    "device_managed",
    "device_name",
    "device_trust",
    "did",
    "dst",
    "exp",
    "group",
    "groups",
    "hotk",
    "iat",
    "idp",
    "idp_iss",
    "iss",
    "jti",
    "mac_key",
    "may_act",
    "nonce",
    "oid",
    "okta_emailVerified",
    "okta_lastUpdated",
    "orig",
    "permissions",
    "purpose",
    "pwd_exp_days",
    "pwd_exp_time",
    "rid",
    "role",
    "scope",
    "scopes",
    "sid",
    "sub",
    "term",
    "token_type",
    "user_ip",
    "ver",
];

/// Claims Okta reserves in access tokens (contract §2.1, Okta's per-token
/// table). `cnf` is reserved only with DPoP in Okta's table; the host cannot
/// tell, so it is always refused.
const ACCESS_TOKEN_RESERVED: [&str; 19] = [
    "acr",
    "as_uri",
    "auth_time",
    "authorization_details",
    "cid",
    "cnf",
    "exp",
    "groups",
    "iat",
    "iss",
    "jti",
    "rpt",
    "rsi",
    "scp",
    "sid",
    "token_type",
    "uid",
    "username",
    "ver",
];

/// Which token a patch command targets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Identity,
    Access,
}

impl Token {
    fn of(command: &Command<'_>) -> Option<Token> {
        match command.kind {
            IDENTITY_PATCH => Some(Token::Identity),
            ACCESS_PATCH => Some(Token::Access),
            _ => None,
        }
    }

    /// The claims Okta reserves in this token.
    fn reserved(self) -> &'static [&'static str] {
        match self {
            Token::Identity => &ID_TOKEN_RESERVED,
            Token::Access => &ACCESS_TOKEN_RESERVED,
        }
    }

    /// The member of the request's `data` that holds this token.
    fn data_key(self) -> &'static str {
        match self {
            Token::Identity => "identity",
            Token::Access => "access",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Token::Identity => "ID token",
            Token::Access => "access token",
        }
    }

    fn subject(self) -> &'static str {
        match self {
            Token::Identity => "the request's ID token",
            Token::Access => "the request's access token",
        }
    }
}

/// Checks a token hook answer.
pub(super) fn check(request: &RequestFacts<'_>, answer: &Answer<'_>, report: &mut Report) {
    if answer.error.is_some() {
        report.warning(
            "error",
            "an error object fails the end user's token request with server_error (its \
             `errorSummary` becomes the error_description); to issue the token unmodified, \
             answer without `error`",
        );
    }
    // One simulation per token, carried across commands: Okta applies
    // commands in answer order.
    let mut identity = simulation(request, Token::Identity);
    let mut access = simulation(request, Token::Access);
    for command in &answer.commands {
        let Some(token) = Token::of(command) else {
            continue;
        };
        let ops = patch::parse_ops(
            command,
            &[OpKind::Add, OpKind::Replace, OpKind::Remove],
            &format!("`{}`", command.kind),
            report,
        );
        let mut sim = match token {
            Token::Identity => identity.as_mut(),
            Token::Access => access.as_mut(),
        };
        if sim.is_none() {
            report.error(
                command.location(),
                format!(
                    "the request has no `data.{}`, so Okta is not minting an {}; a patch for a \
                     token that wasn't requested makes Okta discard the whole answer",
                    token.data_key(),
                    token.name()
                ),
            );
        }
        for op in ops {
            if !check_op(token, &op, report) {
                continue;
            }
            if let Some(sim) = sim.as_deref_mut()
                && let Err(why) = sim.apply(&op)
            {
                report.error(op.location.as_str(), why);
            }
        }
    }
}

/// A copy of the request's token, if the request has it.
fn simulation(request: &RequestFacts<'_>, token: Token) -> Option<Simulation> {
    request
        .data
        .get(token.data_key())
        .filter(|v| v.is_object())
        .map(|doc| Simulation::new(doc.clone(), token.subject()))
}

/// Checks the token-specific rules for one op's path and value; false if
/// the op is invalid (and so is not simulated).
fn check_op(token: Token, op: &Op<'_>, report: &mut Report) -> bool {
    let tokens: Vec<&str> = op.tokens.iter().map(String::as_str).collect();
    match tokens.as_slice() {
        ["claims", name, ..] => check_claim(token, op, name, report),
        path if path == LIFETIME_PATH => check_lifetime(op, report),
        _ => {
            let hint = if tokens == ["claims"] {
                "; name a claim"
            } else {
                ""
            };
            report.error(
                op.path_location(),
                format!(
                    "path `{}` cannot be patched in a token{hint}; Okta accepts \
                     `/claims/<name>` (optionally followed by member names or array indices) \
                     and `/token/lifetime/expiration`",
                    op.path
                ),
            );
            false
        }
    }
}

fn check_claim(token: Token, op: &Op<'_>, name: &str, report: &mut Report) -> bool {
    if name.is_empty() {
        report.error(
            op.path_location(),
            format!("path `{}` has an empty claim name", op.path),
        );
        return false;
    }
    if !token.reserved().contains(&name) {
        return true;
    }
    let verb = match op.kind {
        OpKind::Add => "added to",
        OpKind::Replace => "replaced in",
        OpKind::Remove => "removed from",
    };
    let nested = if op.tokens.len() > 2 {
        " (nor can anything inside it)"
    } else {
        ""
    };
    let hint = match token {
        Token::Identity if !ACCESS_TOKEN_RESERVED.contains(&name) => {
            " (it may be changed only in access tokens)"
        }
        Token::Access if !ID_TOKEN_RESERVED.contains(&name) => {
            " (it may be changed only in ID tokens)"
        }
        _ => "",
    };
    report.error(
        op.path_location(),
        format!(
            "claim `{name}` is reserved by Okta and cannot be {verb} an {}{nested}{hint}",
            token.name()
        ),
    );
    false
}

fn check_lifetime(op: &Op<'_>, report: &mut Report) -> bool {
    if op.kind == OpKind::Remove {
        report.error(
            super::member(&op.location, "op"),
            format!(
                "the token lifetime cannot be removed; `replace` `/token/lifetime/expiration` \
                 with a number of seconds from {MIN_LIFETIME_SECS} to {MAX_LIFETIME_SECS}"
            ),
        );
        return false;
    }
    if op.kind == OpKind::Add {
        // JSON Patch `add` on an existing member is a replace, but Okta
        // documents only `replace` here; accepted with a warning.
        report.warning(
            super::member(&op.location, "op"),
            "Okta documents only `replace` for `/token/lifetime/expiration`; use `replace`",
        );
    }
    let seconds = op.value.and_then(serde_json::Value::as_u64);
    if !seconds.is_some_and(|s| (MIN_LIFETIME_SECS..=MAX_LIFETIME_SECS).contains(&s)) {
        let shown = op.value.map(ToString::to_string).unwrap_or_default();
        report.error(
            op.value_location(),
            format!(
                "the token lifetime must be a whole number of seconds from {MIN_LIFETIME_SECS} \
                 to {MAX_LIFETIME_SECS} (5 minutes to 24 hours), not {shown}"
            ),
        );
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{Finding, Severity};
    use super::*;
    use crate::HookType;
    use serde_json::{Value, json};

    /// A request minting both tokens, shaped like Okta's example.
    fn data() -> Value {
        json!({
            "context": {"request": {"id": "req1"}},
            "identity": {
                "claims": {
                    "sub": "00uq8tMo3zV0OfJON0g3", "aud": "0oab", "iss": "https://x",
                    "name": "Isaac Brock", "email": "isaac@example.com",
                    "preferred_airports": ["SFO", "OAK", "SJC"],
                    "employee_profile": {"department_id": "4853"}
                },
                "token": {"lifetime": {"expiration": 3600}}
            },
            "access": {
                "claims": {
                    "ver": 1, "aud": "api://default", "sub": "isaac@example.com",
                    "cid": "0oab", "department": "sales"
                },
                "token": {"lifetime": {"expiration": 3600}},
                "scopes": {"openid": {"id": "scp1", "action": "GRANT"}}
            }
        })
    }

    fn run(answer: Value) -> Vec<Finding> {
        check_hook(HookType::Token, None, &data(), &answer)
    }

    fn patch(kind: &str, ops: Value) -> Value {
        json!({"commands": [{"type": kind, "value": ops}]})
    }

    fn access(ops: Value) -> Vec<Finding> {
        run(patch(ACCESS_PATCH, ops))
    }

    fn identity(ops: Value) -> Vec<Finding> {
        run(patch(IDENTITY_PATCH, ops))
    }

    #[test]
    fn the_contract_example_is_valid() {
        assert_clean(&access(json!([
            {"op": "add", "path": "/claims/external_guid", "value": "F0384685-F87D-474B-848D-2058AC5655A7"}
        ])));
    }

    #[test]
    fn documented_ops_and_paths_are_valid() {
        assert_clean(&identity(json!([
            {"op": "add", "path": "/claims/extPatientId", "value": "1234"},
            {"op": "replace", "path": "/claims/employee_profile/department_id", "value": "4854"},
            {"op": "add", "path": "/claims/employee_profile/building", "value": "B"},
            {"op": "replace", "path": "/claims/preferred_airports/1", "value": "LAX"},
            {"op": "add", "path": "/claims/preferred_airports/3", "value": "SEA"},
            {"op": "add", "path": "/claims/preferred_airports/-", "value": "PDX"},
            {"op": "remove", "path": "/claims/preferred_airports/0"},
            {"op": "add", "path": "/claims/http:~1~1example.com~1roles", "value": ["a"]},
            {"op": "replace", "path": "/claims/http:~1~1example.com~1roles", "value": ["b"]},
            {"op": "remove", "path": "/claims/email", "value": null},
            {"op": "add", "path": "/claims/name", "value": "overwrites an existing claim"},
            {"op": "replace", "path": "/token/lifetime/expiration", "value": 86400},
        ])));
    }

    #[test]
    fn both_tokens_can_be_patched_in_one_answer() {
        let answer = json!({"commands": [
            {"type": IDENTITY_PATCH, "value": [{"op": "add", "path": "/claims/a", "value": 1}]},
            {"type": ACCESS_PATCH, "value": [{"op": "add", "path": "/claims/a", "value": 1}]},
        ]});
        assert_clean(&run(answer));
    }

    #[test]
    fn reserved_claims_are_rejected_in_id_tokens() {
        let f = identity(json!([{"op": "remove", "path": "/claims/sub"}]));
        assert_only_error(
            &f,
            "commands[0].value[0].path",
            "claim `sub` is reserved by Okta and cannot be removed from an ID token",
        );
        let f = identity(json!([{"op": "replace", "path": "/claims/aud", "value": "x"}]));
        assert_only_error(
            &f,
            "commands[0].value[0].path",
            "cannot be replaced in an ID token (it may be changed only in access tokens)",
        );
        let f = identity(json!([{"op": "add", "path": "/claims/nonce", "value": "x"}]));
        assert_only_error(
            &f,
            "commands[0].value[0].path",
            "cannot be added to an ID token",
        );
    }

    #[test]
    fn each_token_refuses_exactly_its_own_reserved_claims() {
        let union = ID_TOKEN_RESERVED.iter().chain(ACCESS_TOKEN_RESERVED.iter());
        for name in union {
            let op = json!([{"op": "add", "path": format!("/claims/{name}"), "value": "x"}]);
            let rejected = |f: &[Finding]| f.iter().any(|f| f.message.contains("is reserved"));
            let f = identity(op.clone());
            assert_eq!(
                rejected(&f),
                ID_TOKEN_RESERVED.contains(name),
                "{name}: {f:?}"
            );
            let f = access(op);
            assert_eq!(
                rejected(&f),
                ACCESS_TOKEN_RESERVED.contains(name),
                "{name}: {f:?}"
            );
        }
    }

    #[test]
    fn nonce_is_free_in_access_tokens_and_username_in_id_tokens() {
        assert_clean(&access(
            json!([{"op": "add", "path": "/claims/nonce", "value": "n"}]),
        ));
        assert_clean(&identity(
            json!([{"op": "add", "path": "/claims/username", "value": "u"}]),
        ));
        assert_only_error(
            &access(json!([{"op": "add", "path": "/claims/username", "value": "u"}])),
            "commands[0].value[0].path",
            "claim `username` is reserved by Okta and cannot be added to an access token \
             (it may be changed only in ID tokens)",
        );
        assert_only_error(
            &identity(json!([{"op": "add", "path": "/claims/nonce", "value": "n"}])),
            "commands[0].value[0].path",
            "(it may be changed only in access tokens)",
        );
        // Reserved in both tokens: no hint.
        let f = access(json!([{"op": "add", "path": "/claims/iss", "value": "x"}]));
        assert!(!f[0].message.contains("only in"), "{f:?}");
    }

    #[test]
    fn aud_and_sub_may_change_in_access_tokens() {
        assert_clean(&access(json!([
            {"op": "replace", "path": "/claims/aud", "value": "api://other"},
            {"op": "replace", "path": "/claims/sub", "value": "someone"},
        ])));
    }

    #[test]
    fn reserved_claims_are_protected_below_their_name_too() {
        let f = access(json!([{"op": "add", "path": "/claims/groups/-", "value": "admins"}]));
        assert_only_error(
            &f,
            "commands[0].value[0].path",
            "nor can anything inside it",
        );
    }

    #[test]
    fn lifetime_bounds_are_inclusive() {
        for ok in [300, 86_400] {
            let f = access(
                json!([{"op": "replace", "path": "/token/lifetime/expiration", "value": ok}]),
            );
            assert_clean(&f);
        }
        for bad in [
            json!(299),
            json!(86_401),
            json!(-5),
            json!(3600.5),
            json!("3600"),
        ] {
            let f = access(
                json!([{"op": "replace", "path": "/token/lifetime/expiration", "value": bad}]),
            );
            assert_only_error(&f, "commands[0].value[0].value", "from 300 to 86400");
        }
    }

    #[test]
    fn lifetime_cannot_be_removed() {
        let f = access(json!([{"op": "remove", "path": "/token/lifetime/expiration"}]));
        assert_only_error(&f, "commands[0].value[0].op", "cannot be removed");
    }

    #[test]
    fn lifetime_add_is_a_warning() {
        let f = access(json!([{"op": "add", "path": "/token/lifetime/expiration", "value": 600}]));
        assert_only_warning(&f, "commands[0].value[0].op", "documents only `replace`");
    }

    #[test]
    fn other_paths_are_rejected() {
        for path in [
            "/claims",
            "/claims/",
            "/token/lifetime",
            "/token",
            "/scopes/openid",
            "/sub",
        ] {
            let f = access(json!([{"op": "add", "path": path, "value": 1}]));
            assert_eq!(f.len(), 1, "{path}: {f:?}");
            assert_eq!(f[0].location, "commands[0].value[0].path", "{path}");
            assert_eq!(f[0].severity, Severity::Error);
        }
    }

    #[test]
    fn invalid_escapes_are_rejected() {
        let f = access(json!([{"op": "add", "path": "/claims/a~2b", "value": 1}]));
        assert_only_error(&f, "commands[0].value[0].path", "`~2`");
    }

    #[test]
    fn the_ops_of_a_token_patch_are_checked_for_shape() {
        let f = access(json!([{"op": "copy", "path": "/claims/a", "value": 1}]));
        assert_only_error(
            &f,
            "commands[0].value[0].op",
            "Okta accepts only `add`, `replace`, `remove`",
        );
        let f = access(json!([{"op": "remove", "path": "/claims/department", "value": "x"}]));
        assert_only_error(
            &f,
            "commands[0].value[0].value",
            "`remove` takes no `value`",
        );
        let f = access(json!([{"op": "add", "path": "/claims/department"}]));
        assert_only_error(&f, "commands[0].value[0]", "needs a non-null `value`");
        let f = access(json!({"op": "add"}));
        assert_only_error(&f, "commands[0].value", "must be an array");
    }

    #[test]
    fn a_patch_for_a_token_not_minted_is_an_error() {
        let mut data = data();
        data.as_object_mut().unwrap().remove("access");
        let answer = patch(
            ACCESS_PATCH,
            json!([{"op": "add", "path": "/claims/a", "value": 1}]),
        );
        let f = check_hook(HookType::Token, None, &data, &answer);
        assert_only_error(&f, "commands[0]", "no `data.access`");

        let mut data = self::data();
        data.as_object_mut().unwrap().remove("identity");
        let answer = patch(
            IDENTITY_PATCH,
            json!([{"op": "add", "path": "/claims/a", "value": 1}]),
        );
        let f = check_hook(HookType::Token, None, &data, &answer);
        assert_only_error(&f, "commands[0]", "no `data.identity`");
    }

    #[test]
    fn replace_of_a_missing_claim_fails_in_simulation() {
        let f = identity(json!([
            {"op": "add", "path": "/claims/a", "value": 1},
            {"op": "replace", "path": "/claims/department", "value": "x"},
        ]));
        assert_only_error(
            &f,
            "commands[0].value[1]",
            "replace needs `/claims/department` to exist in the request's ID token",
        );
        // The same claim exists in the access token.
        assert_clean(&access(
            json!([{"op": "replace", "path": "/claims/department", "value": "x"}]),
        ));
    }

    #[test]
    fn simulation_failures_are_reported_per_op() {
        let f = access(json!([{"op": "remove", "path": "/claims/nope"}]));
        assert_only_error(
            &f,
            "commands[0].value[0]",
            "remove needs `/claims/nope` to exist in the request's access token",
        );
        let f = access(json!([{"op": "add", "path": "/claims/profile/x", "value": 1}]));
        assert_only_error(
            &f,
            "commands[0].value[0]",
            "add needs `/claims/profile` to exist",
        );
        let f =
            identity(json!([{"op": "add", "path": "/claims/preferred_airports/4", "value": "x"}]));
        assert_only_error(&f, "commands[0].value[0]", "out of range");
        let f = identity(
            json!([{"op": "replace", "path": "/claims/preferred_airports/-", "value": "x"}]),
        );
        assert_only_error(&f, "commands[0].value[0]", "`-`");
    }

    #[test]
    fn earlier_ops_and_commands_are_seen_by_later_ones() {
        let answer = json!({"commands": [
            {"type": ACCESS_PATCH, "value": [
                {"op": "add", "path": "/claims/profile", "value": {}},
                {"op": "add", "path": "/claims/profile/x", "value": 1},
            ]},
            {"type": ACCESS_PATCH, "value": [
                {"op": "replace", "path": "/claims/profile/x", "value": 2},
                {"op": "remove", "path": "/claims/department"},
            ]},
            {"type": ACCESS_PATCH, "value": [
                {"op": "remove", "path": "/claims/department"},
            ]},
        ]});
        assert_only_error(
            &run(answer),
            "commands[2].value[0]",
            "remove needs `/claims/department`",
        );
    }

    #[test]
    fn an_error_object_is_a_warning() {
        let f = run(json!({"error": {"errorSummary": "no token for you"}}));
        assert_only_warning(&f, "error", "server_error");
    }
}
