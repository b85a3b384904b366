//! Running handlers in native unit tests (not available on `wasm32`).
//!
//! On native targets the host's imports are replaced by a per-thread
//! stand-in: [`settings`](crate::settings) reads what
//! [`set_settings`] stored and [`log`](crate::log) lines are collected for
//! [`take_logs`]. [`run`] does all of it around one call, like the host,
//! and judges the answer with the host's own rules (the contract crate's
//! [`verdict::judge`]) and keeps the log lines the host would keep.
//!
//! ```
//! use hookwarden_guest::{Handler, Request, Response, Result, log, settings};
//! use hookwarden_guest::log::Level;
//! use hookwarden_guest::testing;
//!
//! struct Greeter;
//!
//! impl Handler for Greeter {
//!     fn handle(_: Request) -> Result<Response> {
//!         log::info(format!("hello {}", settings::get_or("name", "world")));
//!         Ok(Response::new())
//!     }
//! }
//!
//! let request = Request::from_json(r#"{"eventType": "com.okta.import.transform", "eventId": "e1", "data": {}}"#)?;
//! let run = testing::run::<Greeter>(request, &[("name", "Okta")]);
//! assert_eq!(run.okta_json(), serde_json::json!({}));
//! assert_eq!(run.logs, [(Level::Info, "hello Okta".to_string())]);
//! // The host would send this answer: `accepted_json` panics otherwise.
//! assert!(run.is_accepted());
//! assert_eq!(run.accepted_json(), serde_json::json!({}));
//! # Ok::<(), hookwarden_guest::Error>(())
//! ```

use crate::log::Level;
use crate::{Handler, HookType, Request, Response, Result};
pub use hookwarden_contract::check::Finding;
use hookwarden_contract::check::RequestFacts;
use hookwarden_contract::logs::LogBudget;
use hookwarden_contract::verdict;
pub use hookwarden_contract::verdict::{OktaBody, Refusal, Verdict};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;

thread_local! {
    static SETTINGS: RefCell<BTreeMap<String, String>> = const { RefCell::new(BTreeMap::new()) };
    static LOGS: RefCell<Vec<(Level, String)>> = const { RefCell::new(Vec::new()) };
}

/// Replaces this thread's settings with `settings`.
pub fn set_settings(settings: &[(&str, &str)]) {
    SETTINGS.with(|s| {
        *s.borrow_mut() = settings
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
    });
}

/// Takes (and clears) the log lines written on this thread so far, all of
/// them ([`run`] keeps only what the host's log bounds keep).
pub fn take_logs() -> Vec<(Level, String)> {
    LOGS.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

/// The outcome of [`run`].
#[derive(Debug, Clone)]
pub struct Run {
    /// What the handler returned.
    pub result: Result<Response>,
    /// The log lines it wrote, in order, as the host keeps them under its
    /// default bounds ([`LogBudget::default`]: 64 lines, each cut to 4 KiB,
    /// 16 KiB in all).
    pub logs: Vec<(Level, String)>,
    /// The lines dropped past those bounds.
    pub dropped_log_lines: u32,
    /// The host's judgement of the answer ([`verdict::judge`], the same
    /// function the host calls): its findings and whether the host would
    /// send it or replace it with the hook type's safe answer. `None` when
    /// the handler failed, or when the request's `eventType` names no hook
    /// type (the host refuses such a request before a plugin runs).
    pub verdict: Option<Verdict>,
}

impl Run {
    /// The answer as Okta would receive it ([`Response::to_okta_json`]),
    /// whether or not the host would send it (see
    /// [`accepted_json`](Run::accepted_json)).
    ///
    /// # Panics
    ///
    /// If the handler returned an error or the answer holds invalid JSON
    /// text.
    #[track_caller]
    pub fn okta_json(&self) -> Value {
        match &self.result {
            Ok(response) => response
                .to_okta_json()
                .unwrap_or_else(|e| panic!("the answer is not valid: {e}")),
            Err(e) => panic!("the handler failed: {e}"),
        }
    }

    /// The answer as Okta would receive it, after the host's checks: the
    /// size bound, the JSON and Okta's rules for the hook type.
    ///
    /// # Panics
    ///
    /// If the handler returned an error, the request names no hook type,
    /// or the host would replace the answer; the message gives the host's
    /// reason and every finding.
    #[track_caller]
    pub fn accepted_json(&self) -> Value {
        if let Err(e) = &self.result {
            panic!("the handler failed: {e}");
        }
        let Some(verdict) = &self.verdict else {
            panic!(
                "the request's eventType names no hook type: the host would not run the handler"
            );
        };
        match (&verdict.body, verdict.reason()) {
            (Some(body), None) => body.value.clone(),
            (_, reason) => panic!(
                "the host would replace the answer: {}\nfindings: {:#?}",
                reason.unwrap_or_default(),
                verdict.findings
            ),
        }
    }

    /// Whether the host would send the answer (the handler succeeded and
    /// the answer keeps Okta's rules; warnings do not count).
    pub fn is_accepted(&self) -> bool {
        self.verdict.as_ref().is_some_and(Verdict::is_accepted)
    }

    /// The host's findings about the answer, errors first (empty when the
    /// handler failed).
    pub fn findings(&self) -> &[Finding] {
        self.verdict.as_ref().map_or(&[], |v| &v.findings)
    }

    /// The messages logged at `level`.
    pub fn logs_at(&self, level: Level) -> Vec<&str> {
        self.logs
            .iter()
            .filter(|(l, _)| *l == level)
            .map(|(_, m)| m.as_str())
            .collect()
    }
}

/// Calls `H::handle(request)` with `settings` as the hook's settings and
/// returns its result and log lines, judged as the host judges them: the
/// lines kept under the host's default log bounds and the answer checked
/// against Okta's rules for the request's hook type (see [`Run::verdict`]).
/// Settings and logs are reset before and after, so runs on the same thread
/// do not see each other.
pub fn run<H: Handler>(request: Request, settings: &[(&str, &str)]) -> Run {
    let hook = HookType::from_event_type(&request.event_type);
    let request_type = request.request_type.clone();
    // `Request::from_json` always holds JSON here; a hand-made request with
    // other text is judged against `null`.
    let data: Value = serde_json::from_str(&request.data).unwrap_or(Value::Null);
    set_settings(settings);
    take_logs();
    let result = H::handle(request);
    let mut budget = LogBudget::default();
    let logs = take_logs()
        .into_iter()
        .filter_map(|(level, message)| Some((level, budget.admit(message)?)))
        .collect();
    set_settings(&[]);
    let facts = RequestFacts {
        request_type: request_type.as_deref(),
        data: &data,
    };
    let verdict = match (&result, hook) {
        (Ok(response), Some(hook)) => Some(verdict::judge(hook, &facts, &response.to_neutral())),
        _ => None,
    };
    Run {
        result,
        logs,
        dropped_log_lines: budget.dropped(),
        verdict,
    }
}

/// The native stand-in for the `settings` import.
pub(crate) mod settings_backend {
    use super::SETTINGS;

    pub(crate) fn get(key: &str) -> Option<String> {
        SETTINGS.with(|s| s.borrow().get(key).cloned())
    }

    pub(crate) fn entries() -> Vec<(String, String)> {
        SETTINGS.with(|s| {
            s.borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    }
}

/// The native stand-in for the `log` import.
pub(crate) mod log_backend {
    use super::{LOGS, Level};

    pub(crate) fn log(level: Level, message: &str) {
        LOGS.with(|l| l.borrow_mut().push((level, message.to_owned())));
    }
}
