//! Cutting text to a byte cap: log lines (see [`crate::logs`]), and the
//! reasons and findings the host keeps.

/// Cuts `text` to at most `max` bytes on a character boundary, marking the
/// cut with `…[truncated]` (so the result may be up to 14 bytes longer).
pub fn cut(mut text: String, max: usize) -> String {
    if text.len() > max {
        text.truncate(floor_char_boundary(&text, max));
        text.push_str("…[truncated]");
    }
    text
}

/// [`cut`] for borrowed text: copies at most `max` bytes of it.
pub fn cut_str(text: &str, max: usize) -> String {
    if text.len() > max {
        let mut kept = text[..floor_char_boundary(text, max)].to_owned();
        kept.push_str("…[truncated]");
        kept
    } else {
        text.to_owned()
    }
}

/// The largest character boundary of `text` at or below `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut end = at.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutting_respects_char_boundaries_and_marks_the_cut() {
        let s = "é".repeat(10); // 20 bytes
        let t = cut(s.clone(), 5);
        assert!(t.starts_with("éé") && !t.starts_with("ééé"));
        assert!(t.ends_with("[truncated]"));
        assert_eq!(cut_str(&s, 5), t);
        assert_eq!(cut("short".into(), 5), "short");
        assert_eq!(cut_str("short", 5), "short");
        assert_eq!(cut_str("", 0), "");
    }
}
