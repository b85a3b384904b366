//! The admin API token: where it comes from, and checking a presented token against it.
//!
//! Resolution at start, first match wins:
//! 1. a token given by the operator (`HOOKWARDEN_ADMIN_TOKEN` or a token
//!    file): used as is, never stored;
//! 2. the digest of a token generated on an earlier start, from the store;
//! 3. otherwise a new random token: its digest is stored and the token is
//!    handed back once so the caller can print it. It cannot be recovered
//!    later.

use crate::store::{Storage, StoreError};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Shortest admin token accepted from the operator: 16 characters.
pub(crate) const MIN_TOKEN_LEN: usize = 16;

/// A token that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AdminTokenError {
    /// The operator's token is too short or has characters that cannot
    /// travel in an HTTP header.
    #[error(
        "the admin token must be at least {MIN_TOKEN_LEN} visible ASCII characters without spaces"
    )]
    Weak,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The digest of the one admin token.
#[derive(Clone)]
pub struct AdminToken {
    sha256: [u8; 32],
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(..)")
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn usable(token: &str) -> bool {
    token.len() >= MIN_TOKEN_LEN && token.bytes().all(|b| b.is_ascii_graphic())
}

impl AdminToken {
    /// The token `token`.
    ///
    /// # Errors
    ///
    /// [`AdminTokenError::Weak`] unless it is at least 16 visible ASCII
    /// characters.
    pub fn new(token: &str) -> Result<Self, AdminTokenError> {
        if !usable(token) {
            return Err(AdminTokenError::Weak);
        }
        Ok(AdminToken {
            sha256: digest(token),
        })
    }

    /// Whether `presented` is the token, compared in constant time.
    pub fn matches(&self, presented: &str) -> bool {
        digest(presented).ct_eq(&self.sha256).into()
    }

    /// Resolves the token as the module documentation describes. Returns
    /// the token and, only when one was just generated, its text to show
    /// the operator once.
    ///
    /// # Errors
    ///
    /// [`AdminTokenError::Weak`] for a weak given token, or a store error.
    pub(crate) async fn resolve(
        store: &dyn Storage,
        given: Option<&str>,
    ) -> Result<(AdminToken, Option<String>), AdminTokenError> {
        if let Some(token) = given {
            return Ok((AdminToken::new(token)?, None));
        }
        if let Some(hex_digest) = store.admin_token_sha256().await?
            && let Ok(bytes) = hex::decode(hex_digest)
            && let Ok(sha256) = <[u8; 32]>::try_from(bytes.as_slice())
        {
            return Ok((AdminToken { sha256 }, None));
        }
        let token = crate::ids::random("hw_", 40);
        let admin = AdminToken::new(&token)?;
        store
            .set_admin_token_sha256(&hex::encode(admin.sha256))
            .await?;
        Ok((admin, Some(token)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SledStore;

    #[test]
    fn weak_tokens_are_refused() {
        for weak in ["", "short", "has a space in it!", "ééééééééééééééééé"] {
            assert!(AdminToken::new(weak).is_err(), "{weak:?}");
        }
        assert!(AdminToken::new("0123456789abcdef").is_ok());
    }

    #[test]
    fn only_the_exact_token_matches() {
        let t = AdminToken::new("0123456789abcdef").unwrap();
        assert!(t.matches("0123456789abcdef"));
        assert!(!t.matches("0123456789abcdeF"));
        assert!(!t.matches(""));
        assert!(!format!("{t:?}").contains("0123"));
    }

    #[tokio::test]
    async fn a_generated_token_is_shown_once_and_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open(dir.path()).unwrap();
        let (first, shown) = AdminToken::resolve(&store, None).await.unwrap();
        let shown = shown.expect("a new token is shown");
        assert!(first.matches(&shown));
        let (again, shown_again) = AdminToken::resolve(&store, None).await.unwrap();
        assert!(shown_again.is_none(), "never shown twice");
        assert!(again.matches(&shown));
        // The store holds only a digest.
        assert_ne!(store.admin_token_sha256().await.unwrap().unwrap(), shown);
        // An operator's token wins over the stored one.
        let (given, _) = AdminToken::resolve(&store, Some("operator-token-123"))
            .await
            .unwrap();
        assert!(given.matches("operator-token-123") && !given.matches(&shown));
    }
}
