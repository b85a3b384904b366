//! Retry-safe answers: each answer is kept for a short time by hook, `eventId` and request body, so Okta's one retry gets the same answer without a second plugin run.
//!
//! Okta retries a call at most once, with the same `eventId`, after a
//! timeout or a 5xx. Hookwarden always answers in time with a 2xx, so a
//! retry means the first answer was lost on the way (a proxy, the network).
//! Replaying it keeps the hook's effect exactly-once from the plugin's point
//! of view (a plugin that calls out, counts or decides randomly is not asked
//! twice) and costs nothing. The key includes the body's SHA-256, so a
//! different request that reuses an `eventId` is run, not answered with
//! another request's answer.
//!
//! Only answers the plugin decided are kept. A call that never ran (shed as
//! `overloaded`, or `unavailable` because no instance could be made) says
//! nothing about the request, only about the server's load at that moment:
//! its retry gets a fresh attempt.

use crate::policy::Outcome;
use crate::reply::Reply;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Default time an answer is kept: 5 minutes (Okta's retry comes within
/// seconds).
pub(crate) const DEFAULT_TTL: Duration = Duration::from_secs(300);
/// Default number of answers kept: 10,000 (the oldest go first).
pub(crate) const DEFAULT_CAPACITY: usize = 10_000;

/// An answer kept for a retry.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// What was sent.
    pub reply: Reply,
    /// The original call's outcome.
    pub outcome: Outcome,
    /// The original call's reason, when it failed.
    pub reason: Option<String>,
}

/// Whether an answer with `outcome` is kept for a retry: every outcome of a
/// call that ran (its plugin's answer, or the safe answer for what the
/// plugin did), never `overloaded` or `unavailable`, whose plugin never ran
/// and whose retry deserves a fresh attempt.
pub(crate) fn keeps(outcome: Outcome) -> bool {
    !matches!(outcome, Outcome::Overloaded | Outcome::Unavailable)
}

/// The key of a kept answer: hook id, `eventId`, SHA-256 of the body.
type Key = (String, String, [u8; 32]);

fn key(hook: &str, event_id: &str, body: &[u8]) -> Key {
    use sha2::Digest;
    (
        hook.to_owned(),
        event_id.to_owned(),
        sha2::Sha256::digest(body).into(),
    )
}

/// Answers by (hook id, eventId, body), bounded in time and number.
#[derive(Debug)]
pub struct ReplayCache {
    ttl: Duration,
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    answers: HashMap<Key, (Instant, Kept)>,
    /// Keys in insertion order, for eviction.
    order: VecDeque<(Instant, Key)>,
}

impl Default for ReplayCache {
    fn default() -> Self {
        ReplayCache::new(DEFAULT_TTL, DEFAULT_CAPACITY)
    }
}

impl ReplayCache {
    /// Keeps up to `capacity` answers, each for `ttl`; a zero `ttl` or
    /// `capacity` keeps none.
    pub fn new(ttl: Duration, capacity: usize) -> ReplayCache {
        ReplayCache {
            ttl,
            capacity,
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The answer kept for the request `body` with `event_id` to `hook`, if
    /// it is still fresh.
    pub fn get(&self, hook: &str, event_id: &str, body: &[u8]) -> Option<Kept> {
        let key = key(hook, event_id, body);
        let inner = self.lock();
        let (at, kept) = inner.answers.get(&key)?;
        (at.elapsed() < self.ttl).then(|| kept.clone())
    }

    /// Keeps `kept` as the answer to the request `body` with `event_id` to
    /// `hook`, unless its outcome is `overloaded` or `unavailable` (the
    /// plugin never ran: a retry gets a fresh attempt).
    pub fn put(&self, hook: &str, event_id: &str, body: &[u8], kept: Kept) {
        if self.ttl.is_zero() || self.capacity == 0 || !keeps(kept.outcome) {
            return;
        }
        let now = Instant::now();
        let key = key(hook, event_id, body);
        let mut inner = self.lock();
        // Drop what has expired, then the oldest past the capacity.
        while let Some((at, _)) = inner.order.front() {
            let expired = at.elapsed() >= self.ttl;
            if !expired && inner.order.len() < self.capacity {
                break;
            }
            let (at, old) = inner.order.pop_front().expect("non-empty");
            // Remove only if the map still holds this insertion.
            if inner.answers.get(&old).is_some_and(|(t, _)| *t == at) {
                inner.answers.remove(&old);
            }
        }
        inner.order.push_back((now, key.clone()));
        inner.answers.insert(key, (now, kept));
    }

    /// Answers kept now (expired ones included until they are evicted).
    pub fn len(&self) -> usize {
        self.lock().answers.len()
    }

    /// Whether no answer is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kept(n: u64) -> Kept {
        Kept {
            reply: Reply::Json(crate::reply::JsonBody::new(json!({"n": n}))),
            outcome: Outcome::Ok,
            reason: None,
        }
    }

    #[test]
    fn an_answer_is_kept_per_hook_and_event() {
        let cache = ReplayCache::default();
        cache.put("calA", "e1", b"r", kept(1));
        assert_eq!(cache.get("calA", "e1", b"r"), Some(kept(1)));
        assert_eq!(cache.get("calA", "e2", b"r"), None);
        assert_eq!(cache.get("calB", "e1", b"r"), None, "another hook's event");
        assert_eq!(cache.get("calA", "e1", b"other"), None, "another request");
    }

    #[test]
    fn answers_expire() {
        let cache = ReplayCache::new(Duration::from_millis(30), 10);
        cache.put("calA", "e1", b"r", kept(1));
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(cache.get("calA", "e1", b"r"), None);
        cache.put("calA", "e2", b"r", kept(2));
        assert_eq!(cache.len(), 1, "the expired answer was evicted");
    }

    #[test]
    fn the_oldest_answers_go_past_the_capacity() {
        let cache = ReplayCache::new(DEFAULT_TTL, 3);
        for n in 0..5 {
            cache.put("calA", &format!("e{n}"), b"r", kept(n));
        }
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get("calA", "e1", b"r"), None);
        assert_eq!(cache.get("calA", "e4", b"r"), Some(kept(4)));
        // Keeping the same event again replaces it and is not evicted by
        // its own older entry.
        cache.put("calA", "e4", b"r", kept(40));
        cache.put("calA", "e5", b"r", kept(5));
        assert_eq!(cache.get("calA", "e4", b"r"), Some(kept(40)));
    }

    #[test]
    fn answers_of_calls_that_never_ran_are_not_kept() {
        let cache = ReplayCache::default();
        for (n, outcome) in [Outcome::Overloaded, Outcome::Unavailable]
            .into_iter()
            .enumerate()
        {
            let event = format!("e{n}");
            cache.put("calA", &event, b"r", Kept { outcome, ..kept(1) });
            assert_eq!(cache.get("calA", &event, b"r"), None, "{outcome:?}");
        }
        let ran = Kept {
            outcome: Outcome::OutOfTime,
            ..kept(2)
        };
        cache.put("calA", "e9", b"r", ran.clone());
        assert_eq!(cache.get("calA", "e9", b"r"), Some(ran), "the plugin ran");
    }

    #[test]
    fn a_zero_ttl_keeps_nothing() {
        let cache = ReplayCache::new(Duration::ZERO, 10);
        cache.put("calA", "e1", b"r", kept(1));
        assert!(cache.is_empty());
    }
}
