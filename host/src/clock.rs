//! Wall-clock time as Hookwarden records it: Okta's timestamp format and milliseconds since 1970.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, as Okta formats times: RFC 3339 UTC with milliseconds.
pub fn now_timestamp() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// Now, in milliseconds since 1970 (0 if the clock is before 1970).
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
