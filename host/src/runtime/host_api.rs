//! The host functions a plugin may import: bounded logging and read-only settings.

use super::bindings::{log, settings, types};
use super::call::CallState;

/// One line a plugin logged during a call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogLine {
    /// Severity chosen by the plugin.
    pub level: LogLevel,
    /// The message, cut to the per-line byte limit.
    pub message: String,
}

/// Severity of a plugin log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// `trace`
    Trace,
    /// `debug`
    Debug,
    /// `info`
    Info,
    /// `warn`
    Warn,
    /// `error`
    Error,
}

impl LogLevel {
    /// The level's lowercase name, as in the JSON: `trace` ... `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Trace => "trace",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }
}

impl From<log::Level> for LogLevel {
    fn from(level: log::Level) -> Self {
        match level {
            log::Level::Trace => LogLevel::Trace,
            log::Level::Debug => LogLevel::Debug,
            log::Level::Info => LogLevel::Info,
            log::Level::Warn => LogLevel::Warn,
            log::Level::Error => LogLevel::Error,
        }
    }
}

impl log::Host for CallState {
    fn log(&mut self, level: log::Level, message: String) {
        let Some(message) = self.log_budget.admit(message) else {
            return;
        };
        let level = LogLevel::from(level);
        // An event of the call's span; quoted and escaped, so a plugin
        // cannot forge log lines with line breaks or control characters.
        match level {
            LogLevel::Trace => tracing::trace!(target: "hookwarden::plugin", "{message:?}"),
            LogLevel::Debug => tracing::debug!(target: "hookwarden::plugin", "{message:?}"),
            LogLevel::Info => tracing::info!(target: "hookwarden::plugin", "{message:?}"),
            LogLevel::Warn => tracing::warn!(target: "hookwarden::plugin", "{message:?}"),
            LogLevel::Error => tracing::error!(target: "hookwarden::plugin", "{message:?}"),
        }
        self.logs.push(LogLine { level, message });
    }
}

impl settings::Host for CallState {
    fn get(&mut self, key: String) -> Option<String> {
        self.settings.get(&key).cloned()
    }

    fn entries(&mut self) -> Vec<(String, String)> {
        self.settings
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

impl types::Host for CallState {}
