//! The failure policy: what Okta is told when a plugin gives no usable answer.
//!
//! | Hook type        | Safe answer                                        | Okta's effect                          |
//! |------------------|----------------------------------------------------|----------------------------------------|
//! | token            | no commands                                        | token issued unmodified                |
//! | SAML             | no commands                                        | original assertion                     |
//! | user import      | no commands                                        | Okta's default import action           |
//! | registration     | `registration: DENY` + end-user error (message configurable) | registration/profile update refused |
//! | password import  | `credential: UNVERIFIED`                           | sign-in fails; hook runs at next sign-in |
//! | telephony        | `error` object                                     | Okta sends the OTP through its own providers |
//!
//! Every safe answer carries `debugContext.hookwarden` with the outcome, so
//! the reason also shows in Okta's System Log (`inline_hook.response.processed`).

use crate::hook_type::HookType;
use hookwarden_contract::wire;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The end-user message of the registration safe answer unless the hook
/// sets its own: Okta's own generic text.
pub(crate) const DEFAULT_REGISTRATION_MESSAGE: &str =
    "Registration cannot be completed at this time.";

/// Per-hook options of the failure policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FailurePolicy {
    /// Registration hooks: the message the end user sees when the plugin
    /// fails. Default: Okta's own generic text, "Registration cannot be
    /// completed at this time."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_message: Option<String>,
}

/// How one hook call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The plugin's answer passed the contract check and was sent.
    Ok,
    /// The plugin returned `err(...)`.
    PluginError,
    /// The plugin trapped.
    Trapped,
    /// The plugin ran past its time budget.
    OutOfTime,
    /// The plugin used up its fuel.
    OutOfFuel,
    /// The plugin hit its memory cap.
    OutOfMemory,
    /// The plugin answered, but the answer broke Okta's rules and was replaced.
    InvalidAnswer,
    /// No instance could be created for the call (e.g. the pool is full).
    Unavailable,
    /// The call was shed before it ran: its hook or the server had too
    /// many calls in flight for the whole of its wait.
    Overloaded,
}

impl Outcome {
    /// The snake_case name used in logs, headers and debug contexts.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::PluginError => "plugin_error",
            Outcome::Trapped => "trapped",
            Outcome::OutOfTime => "out_of_time",
            Outcome::OutOfFuel => "out_of_fuel",
            Outcome::OutOfMemory => "out_of_memory",
            Outcome::InvalidAnswer => "invalid_answer",
            Outcome::Unavailable => "unavailable",
            Outcome::Overloaded => "overloaded",
        }
    }
}

impl FailurePolicy {
    /// The answer sent instead of a failed plugin's, for a hook of type `hook`.
    pub fn safe_answer(&self, hook: HookType, outcome: Outcome) -> Value {
        let debug = json!({"hookwarden": {"outcome": outcome.as_str(), "safeAnswer": true}});
        match hook {
            HookType::Token | HookType::Saml | HookType::Import => {
                json!({"debugContext": debug})
            }
            HookType::Registration => {
                let message = self
                    .registration_message
                    .as_deref()
                    .unwrap_or(DEFAULT_REGISTRATION_MESSAGE);
                json!({
                    "commands": [{"type": wire::ACTION_UPDATE, "value": {"registration": wire::DENY}}],
                    "error": {"errorSummary": message, "errorCauses": [{
                        "errorSummary": message,
                        "reason": "HOOK_FAILURE",
                        "locationType": "body",
                        "domain": "end-user"
                    }]},
                    "debugContext": debug
                })
            }
            HookType::PasswordImport => json!({
                "commands": [{"type": wire::ACTION_UPDATE, "value": {"credential": wire::UNVERIFIED}}],
                "debugContext": debug
            }),
            HookType::Telephony => json!({
                "error": {"errorSummary": "The telephony hook failed; use Okta's providers."},
                "debugContext": debug
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_saml_and_import_answers_change_nothing() {
        for t in [HookType::Token, HookType::Saml, HookType::Import] {
            let a = FailurePolicy::default().safe_answer(t, Outcome::OutOfTime);
            assert!(
                a.get("commands").is_none() && a.get("error").is_none(),
                "{t}: {a}"
            );
            assert_eq!(a["debugContext"]["hookwarden"]["outcome"], "out_of_time");
        }
    }

    #[test]
    fn registration_denies_with_the_configured_message() {
        let default =
            FailurePolicy::default().safe_answer(HookType::Registration, Outcome::Trapped);
        assert_eq!(default["commands"][0]["value"]["registration"], "DENY");
        assert_eq!(
            default["error"]["errorSummary"],
            DEFAULT_REGISTRATION_MESSAGE
        );
        let custom = FailurePolicy {
            registration_message: Some("Try again later.".into()),
        }
        .safe_answer(HookType::Registration, Outcome::Trapped);
        assert_eq!(
            custom["error"]["errorCauses"][0]["errorSummary"],
            "Try again later."
        );
    }

    #[test]
    fn password_import_is_unverified_and_telephony_falls_back() {
        let p = FailurePolicy::default().safe_answer(HookType::PasswordImport, Outcome::OutOfFuel);
        assert_eq!(
            p["commands"][0]["value"],
            json!({"credential": "UNVERIFIED"})
        );
        let t = FailurePolicy::default().safe_answer(HookType::Telephony, Outcome::PluginError);
        assert!(t["error"]["errorSummary"].is_string());
        assert!(t.get("commands").is_none());
    }
}
