//! The bounds on what the host keeps of a plugin's log lines in one call.
//!
//! The host applies them as a plugin logs (its `log` import); the guest
//! SDK's native `testing` applies the same [`LogBudget`], so a plugin's unit
//! tests see the lines the host would keep. Lines past a bound are dropped
//! and counted, never an error.

/// Default number of log lines kept from one call: 64. Later lines are
/// counted and dropped.
pub const DEFAULT_MAX_LOG_LINES: u32 = 64;
/// Default byte cap on one log message: 4 KiB. Longer messages are cut at a
/// character boundary and marked as cut (see [`crate::text::cut`]).
pub const DEFAULT_MAX_LOG_LINE_BYTES: u32 = 4096;
/// Default byte cap on all the log messages of one call together: 16 KiB.
/// Past it, later lines are counted and dropped, so one call's lines in the
/// journal and the server log stay small whatever the plugin logs.
pub const DEFAULT_MAX_LOG_BYTES: u32 = 16 << 10;

/// What is left of one call's log bounds as lines arrive.
///
/// ```
/// use hookwarden_contract::logs::LogBudget;
///
/// let mut budget = LogBudget::new(2, 4, 6);
/// assert_eq!(budget.admit("abcdef".into()).as_deref(), Some("abcd…[truncated]"));
/// assert_eq!(budget.admit("xyz".into()).as_deref(), Some("xy…[truncated]"));
/// assert_eq!(budget.admit("late".into()), None);
/// assert_eq!(budget.dropped(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogBudget {
    lines_left: usize,
    max_line_bytes: usize,
    bytes_left: usize,
    dropped: u32,
}

impl Default for LogBudget {
    /// The host's defaults: [`DEFAULT_MAX_LOG_LINES`],
    /// [`DEFAULT_MAX_LOG_LINE_BYTES`] and [`DEFAULT_MAX_LOG_BYTES`].
    fn default() -> LogBudget {
        LogBudget::new(
            DEFAULT_MAX_LOG_LINES as usize,
            DEFAULT_MAX_LOG_LINE_BYTES as usize,
            DEFAULT_MAX_LOG_BYTES as usize,
        )
    }
}

impl LogBudget {
    /// A budget of `max_lines` lines, each kept to `max_line_bytes` bytes,
    /// and `max_bytes` bytes of messages in all.
    pub fn new(max_lines: usize, max_line_bytes: usize, max_bytes: usize) -> LogBudget {
        LogBudget {
            lines_left: max_lines,
            max_line_bytes,
            bytes_left: max_bytes,
            dropped: 0,
        }
    }

    /// The message as kept, cut to what is left of the per-line and
    /// per-call byte bounds, or `None` when it is dropped (no line or byte
    /// left; counted in [`dropped`](LogBudget::dropped)).
    pub fn admit(&mut self, message: String) -> Option<String> {
        if self.lines_left == 0 || self.bytes_left == 0 {
            self.dropped += 1;
            return None;
        }
        self.lines_left -= 1;
        let kept = self.max_line_bytes.min(self.bytes_left);
        self.bytes_left -= message.len().min(kept);
        Some(crate::text::cut(message, kept))
    }

    /// How many lines were dropped so far.
    pub fn dropped(&self) -> u32 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_past_the_count_are_dropped_and_counted() {
        let mut budget = LogBudget::new(2, 100, 1000);
        assert_eq!(budget.admit("a".into()).as_deref(), Some("a"));
        assert_eq!(budget.admit("b".into()).as_deref(), Some("b"));
        assert_eq!(budget.admit("c".into()), None);
        assert_eq!(budget.admit("d".into()), None);
        assert_eq!(budget.dropped(), 2);
    }

    #[test]
    fn the_call_byte_bound_cuts_then_drops() {
        let mut budget = LogBudget::new(10, 100, 5);
        assert_eq!(budget.admit("abc".into()).as_deref(), Some("abc"));
        let cut = budget.admit("defg".into()).unwrap();
        assert!(
            cut.starts_with("de") && cut.ends_with("[truncated]"),
            "{cut}"
        );
        assert_eq!(budget.admit("h".into()), None);
        assert_eq!(budget.dropped(), 1);
    }

    #[test]
    fn the_defaults_are_the_hosts() {
        let mut budget = LogBudget::default();
        let long = "x".repeat(DEFAULT_MAX_LOG_LINE_BYTES as usize + 1);
        assert!(budget.admit(long).unwrap().ends_with("[truncated]"));
        let mut budget = LogBudget::default();
        for _ in 0..DEFAULT_MAX_LOG_LINES {
            assert!(budget.admit("x".into()).is_some());
        }
        assert_eq!(budget.admit("x".into()), None);
        assert_eq!(DEFAULT_MAX_LOG_BYTES, 16384);
    }
}
