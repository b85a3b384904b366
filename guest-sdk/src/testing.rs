//! Running handlers in native unit tests (not available on `wasm32`).
//!
//! On native targets the host's imports are replaced by a per-thread
//! stand-in: [`settings`](crate::settings) reads what
//! [`set_settings`] stored and [`log`](crate::log) lines are collected for
//! [`take_logs`]. [`run`] does all of it around one call, like the host.
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
//! # Ok::<(), hookwarden_guest::Error>(())
//! ```

use crate::log::Level;
use crate::{Handler, Request, Response, Result};
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

/// Takes (and clears) the log lines written on this thread so far.
pub fn take_logs() -> Vec<(Level, String)> {
    LOGS.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

/// The outcome of [`run`].
#[derive(Debug, Clone)]
pub struct Run {
    /// What the handler returned.
    pub result: Result<Response>,
    /// The log lines it wrote, in order.
    pub logs: Vec<(Level, String)>,
}

impl Run {
    /// The answer as Okta would receive it ([`Response::to_okta_json`]).
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
/// returns its result and log lines. Settings and logs are reset before and
/// after, so runs on the same thread do not see each other.
pub fn run<H: Handler>(request: Request, settings: &[(&str, &str)]) -> Run {
    set_settings(settings);
    take_logs();
    let result = H::handle(request);
    let logs = take_logs();
    set_settings(&[]);
    Run { result, logs }
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
