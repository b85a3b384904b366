//! RFC 6901 JSON Pointers as Okta's patch `path`s use them (`/claims/http:~1~1example.com~1id`).

/// Escapes one reference token of an RFC 6901 JSON pointer: `~` becomes
/// `~0` and `/` becomes `~1` (in that order, so `~1` in a name stays a
/// name, `~01`).
///
/// ```
/// use hookwarden_contract::pointer::escape_token;
///
/// assert_eq!(escape_token("http://example.com/claims/a~b"), "http:~1~1example.com~1claims~1a~0b");
/// ```
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Splits a pointer into its unescaped reference tokens.
///
/// `""` (the whole document) gives no tokens; `"/"` gives one empty token.
///
/// # Errors
///
/// A sentence for a pointer that does not start with `/` or holds a `~` not
/// followed by `0` or `1` (RFC 6901 defines only `~0` for `~` and `~1` for `/`).
pub(crate) fn parse(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(format!("path `{pointer}` must start with `/`"));
    };
    rest.split('/').map(unescape).collect()
}

fn unescape(token: &str) -> Result<String, String> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => out.push('~'),
            Some('1') => out.push('/'),
            Some(other) => {
                return Err(format!(
                    "`~{other}` is not a valid JSON Pointer escape (RFC 6901 allows only `~0` \
                     for `~` and `~1` for `/`)"
                ));
            }
            None => {
                return Err(
                    "a `~` at the end of a path segment is not a valid JSON Pointer \
                            escape (RFC 6901 allows only `~0` for `~` and `~1` for `/`)"
                        .to_owned(),
                );
            }
        }
    }
    Ok(out)
}

/// Builds the pointer for `tokens`, escaping `~` and `/`.
pub(crate) fn join(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", escape_token(t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(pointer: &str) -> Vec<String> {
        parse(pointer).unwrap()
    }

    #[test]
    fn splits_and_unescapes() {
        assert_eq!(tokens(""), Vec::<String>::new());
        assert_eq!(tokens("/"), vec![""]);
        assert_eq!(tokens("/claims/a/0"), vec!["claims", "a", "0"]);
        assert_eq!(
            tokens("/claims/http:~1~1schemas.xmlsoap.org~1name"),
            vec!["claims", "http://schemas.xmlsoap.org/name"]
        );
        // `~01` is `~` then `1`, not `/`.
        assert_eq!(tokens("/a~01"), vec!["a~1"]);
        assert_eq!(tokens("/a~0~1b"), vec!["a~/b"]);
    }

    #[test]
    fn rejects_a_missing_leading_slash() {
        assert!(
            parse("claims/a")
                .unwrap_err()
                .contains("must start with `/`")
        );
    }

    #[test]
    fn rejects_other_escapes() {
        assert!(parse("/claims/a~2b").unwrap_err().contains("`~2`"));
        assert!(parse("/claims/a~").unwrap_err().contains("at the end"));
    }

    #[test]
    fn escaping_is_undone_by_parsing() {
        for name in ["a", "a/b", "a~b", "~1", "http://x/~y", ""] {
            assert_eq!(tokens(&format!("/{}", escape_token(name))), vec![name]);
        }
        assert_eq!(escape_token("~1"), "~01");
    }

    #[test]
    fn join_round_trips() {
        for p in ["/claims/a", "/claims/http:~1~1x~1y", "/a~0b/~01", "/"] {
            assert_eq!(join(&tokens(p)), p);
        }
    }
}
