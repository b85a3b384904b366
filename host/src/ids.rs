//! Random identifiers and tokens: hook ids, error ids, admin tokens.

use rand::Rng;

/// `prefix` followed by `len` random ASCII letters and digits, from the
/// operating system's secure generator (via `rand`'s thread generator).
pub fn random(prefix: &str, len: usize) -> String {
    let suffix: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(len)
        .map(char::from)
        .collect();
    format!("{prefix}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::random;

    #[test]
    fn ids_have_the_prefix_and_length_and_differ() {
        let a = random("cal", 17);
        assert_eq!(a.len(), 20);
        assert!(a.starts_with("cal") && a[3..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, random("cal", 17));
    }
}
