//! The execution journal: one record per hook call and per `execute`, kept in sled with bounded retention, queried newest first.
//!
//! Records are written as calls end, without a flush of their own (sled
//! flushes every 500 ms; a crash can lose the last moments of the journal,
//! never a registration). Retention is by count and by age, enforced as
//! records are added and once a minute, so the journal cannot fill the disk.
//! Request and response bodies are stored only for hooks that opt in, and
//! then redacted ([`crate::redact`]).

use crate::clock::now_ms;
use crate::contract::Finding;
use crate::hook_type::HookType;
use crate::runtime::LogLine;
use crate::store::{IdSource, SledStore, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Default number of records kept: 10,000 (a few KB each, so tens of MB).
pub(crate) const DEFAULT_MAX_RECORDS: usize = 10_000;
/// Default age past which records are removed: 7 days.
pub(crate) const DEFAULT_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// Default page size of a query: 100 (Okta's System Log default).
pub(crate) const DEFAULT_LIMIT: usize = 100;
/// Largest page size of a query: 1000 (Okta's System Log maximum).
pub(crate) const MAX_LIMIT: usize = 1000;
/// Most bytes of stored records one page holds: 2 MiB (at least one record
/// is always returned). A fuller page ends early, with a `next` cursor, so
/// `GET /api/v1/logs` answers stay small whatever the records hold.
pub(crate) const MAX_PAGE_BYTES: usize = 2 << 20;

/// Retention of the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalConfig {
    /// Records kept at most; the oldest go first. Default
    /// 10,000; 0 keeps none.
    pub max_records: usize,
    /// Records older than this are removed. Default 7 days.
    pub max_age: Duration,
}

impl Default for JournalConfig {
    fn default() -> Self {
        JournalConfig {
            max_records: DEFAULT_MAX_RECORDS,
            max_age: DEFAULT_MAX_AGE,
        }
    }
}

/// Where a call came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// `POST /hooks/{id}`: Okta (or whoever holds the hook's secret).
    Hook,
    /// `POST /api/v1/inlineHooks/{id}/execute`: an administrator.
    Execute,
}

/// What the journal keeps about one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionRecord {
    /// The record's id: 16 hex digits, increasing with time; the paging
    /// cursor.
    pub id: String,
    /// When the call ended, RFC 3339 with milliseconds (UTC).
    pub published: String,
    /// The same, in milliseconds since 1970.
    pub published_ms: u64,
    /// Okta's `eventId` (absent when the request had none, or was rejected
    /// before it could be read).
    pub event_id: Option<String>,
    /// The hook.
    pub hook_id: String,
    /// The hook's type (Okta's event type).
    pub hook_type: String,
    /// The plugin that ran (or would have run).
    pub plugin_id: String,
    /// Who called.
    pub source: Source,
    /// `ok`, `plugin_error`, `trapped`, `out_of_time`, `out_of_fuel`,
    /// `out_of_memory`, `invalid_answer`, `unavailable`, `overloaded`, or
    /// `rejected` (the request itself was not acceptable; the plugin did not
    /// run).
    pub outcome: String,
    /// Why it failed, in words.
    pub reason: Option<String>,
    /// The HTTP status sent.
    pub status: u16,
    /// Time spent in the plugin (or waiting to be shed), in microseconds.
    pub duration_us: u64,
    /// Fuel the plugin consumed.
    pub fuel_consumed: u64,
    /// Peak linear memory of the instance, in bytes.
    pub peak_memory_bytes: u64,
    /// The plugin's log lines (bounded by the hook's limits).
    pub logs: Vec<LogLine>,
    /// Log lines dropped past the bound.
    pub dropped_log_lines: u32,
    /// The `debugContext` the plugin returned, if any.
    pub debug_context: Option<Value>,
    /// Contract findings about the plugin's answer.
    pub findings: Vec<Finding>,
    /// Whether the answer was replayed for a retried `eventId` instead of
    /// running the plugin.
    pub replay: bool,
    /// The request body, redacted; only for hooks that record bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Value>,
    /// The answer sent, redacted; only for hooks that record bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
}

/// Which records a query wants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Only this hook's.
    pub hook_id: Option<String>,
    /// Only records with this outcome.
    pub outcome: Option<String>,
    /// Only records of this `eventId`.
    pub event_id: Option<String>,
    /// Only records published at or after this time (ms since 1970).
    pub since_ms: Option<u64>,
    /// Only records published before this time (ms since 1970).
    pub until_ms: Option<u64>,
    /// Only records older than this cursor (a record id).
    pub after: Option<String>,
    /// Page size; default [`DEFAULT_LIMIT`], at most [`MAX_LIMIT`].
    pub limit: Option<usize>,
}

/// One page of records, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The records.
    pub records: Vec<ExecutionRecord>,
    /// The cursor for the next (older) page, if there may be one.
    pub next: Option<String>,
}

/// Why a query is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// `after` is not a record id.
    #[error("after must be a cursor from a previous page (16 hex digits)")]
    BadCursor,
    /// `limit` is 0 or over the maximum.
    #[error("limit must be between 1 and {MAX_LIMIT}")]
    BadLimit,
}

/// The journal over its sled tree.
pub struct Journal {
    tree: sled::Tree,
    ids: IdSource,
    /// Held while a record takes its id and is inserted, so records become
    /// visible in id order: a reader that sees a record sees every older
    /// one (`logs --follow` relies on it to lose none).
    adding: std::sync::Mutex<()>,
    config: JournalConfig,
    /// Records in the tree (kept in memory: sled's `len` walks the tree).
    count: AtomicUsize,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("config", &self.config)
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}

fn parse_cursor(cursor: &str) -> Result<[u8; 8], QueryError> {
    if cursor.len() != 16 {
        return Err(QueryError::BadCursor);
    }
    let id = u64::from_str_radix(cursor, 16).map_err(|_| QueryError::BadCursor)?;
    Ok(id.to_be_bytes())
}

impl Journal {
    /// Opens the journal in `store`'s database and enforces `config` on
    /// what is there.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the tree cannot be opened or read.
    pub fn open(store: &SledStore, config: JournalConfig) -> Result<Arc<Journal>, StoreError> {
        let (tree, ids) = store.tree("executions")?;
        let journal = Journal {
            count: AtomicUsize::new(tree.len()),
            tree,
            ids,
            adding: std::sync::Mutex::new(()),
            config,
        };
        journal.prune();
        Ok(Arc::new(journal))
    }

    /// Removes records past the count and age limits every minute, until
    /// the journal is dropped. Needs a tokio runtime.
    pub(crate) fn prune_periodically(self: &Arc<Journal>) {
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                match weak.upgrade() {
                    Some(journal) => journal.prune(),
                    None => break,
                }
            }
        });
    }

    /// Adds `record`, giving it its id and time; never fails the call it
    /// describes (a write error is logged).
    ///
    /// Records become visible in the order of their ids: once a query sees
    /// a record, it sees every record with a smaller id.
    pub fn add(&self, mut record: ExecutionRecord) {
        let stored = {
            let _in_order = self.adding.lock().unwrap_or_else(|e| e.into_inner());
            self.ids.next().and_then(|id| {
                record.id = format!("{id:016x}");
                record.published_ms = now_ms();
                record.published = crate::clock::now_timestamp();
                let bytes = serde_json::to_vec(&record).expect("records always serialize");
                Ok(self.tree.insert(id.to_be_bytes(), bytes)?)
            })
        };
        match stored {
            Ok(_) => {
                let count = self.count.fetch_add(1, Ordering::Relaxed) + 1;
                // Enforce the count bound with some slack, so pruning runs
                // once per 1% of the bound rather than on every call.
                if count > self.config.max_records + self.config.max_records / 100 {
                    self.prune();
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "could not write an execution record");
            }
        }
    }

    /// Removes the oldest records past the count bound and every record
    /// past the age bound.
    pub(crate) fn prune(&self) {
        let oldest_kept = now_ms().saturating_sub(self.config.max_age.as_millis() as u64);
        let mut removed = 0usize;
        let excess = self
            .count
            .load(Ordering::Relaxed)
            .saturating_sub(self.config.max_records);
        for entry in self.tree.iter() {
            let Ok((key, value)) = entry else { break };
            // Past the count bound a record goes whatever its age; only
            // then is it read for its time.
            let too_many = removed < excess;
            if !too_many
                && serde_json::from_slice::<ExecutionRecord>(&value)
                    .is_ok_and(|r| r.published_ms >= oldest_kept)
            {
                break;
            }
            if self.tree.remove(&key).is_ok() {
                removed += 1;
            }
        }
        if removed > 0 {
            self.count.fetch_sub(
                removed.min(self.count.load(Ordering::Relaxed)),
                Ordering::Relaxed,
            );
        }
    }

    /// Records in the journal now.
    pub fn len(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// Whether the journal is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The records matching `query`, newest first, one page at a time.
    ///
    /// # Errors
    ///
    /// A [`QueryError`] for a bad cursor or page size.
    pub fn query(&self, query: &Query) -> Result<Page, QueryError> {
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(QueryError::BadLimit);
        }
        let range = match &query.after {
            Some(cursor) => self.tree.range(..parse_cursor(cursor)?),
            None => self.tree.range::<&[u8], _>(..),
        };
        let mut records = Vec::new();
        let mut bytes = 0usize;
        let mut more = false;
        for entry in range.rev() {
            let Ok((_, value)) = entry else { break };
            let size = value.len();
            let Ok(record) = serde_json::from_slice::<ExecutionRecord>(&value) else {
                continue;
            };
            if query
                .since_ms
                .is_some_and(|since| record.published_ms < since)
            {
                // Older records only from here on.
                break;
            }
            if !matches(query, &record) {
                continue;
            }
            if records.len() == limit || (!records.is_empty() && bytes + size > MAX_PAGE_BYTES) {
                more = true;
                break;
            }
            bytes += size;
            records.push(record);
        }
        let next = more.then(|| records.last().map(|r| r.id.clone())).flatten();
        Ok(Page { records, next })
    }
}

/// Whether `record` passes the filters of `query` (other than paging and
/// `since`).
fn matches(query: &Query, record: &ExecutionRecord) -> bool {
    query.hook_id.as_ref().is_none_or(|h| *h == record.hook_id)
        && query.outcome.as_ref().is_none_or(|o| *o == record.outcome)
        && query
            .event_id
            .as_ref()
            .is_none_or(|e| record.event_id.as_ref() == Some(e))
        && query
            .until_ms
            .is_none_or(|until| record.published_ms < until)
}

/// A record for a request refused before the plugin ran (`rejected`).
pub fn rejected(
    hook_id: &str,
    hook_type: HookType,
    plugin_id: &str,
    source: Source,
    status: u16,
    reason: String,
) -> ExecutionRecord {
    ExecutionRecord {
        id: String::new(),
        published: String::new(),
        published_ms: 0,
        event_id: None,
        hook_id: hook_id.to_owned(),
        hook_type: hook_type.event_type().to_owned(),
        plugin_id: plugin_id.to_owned(),
        source,
        outcome: "rejected".into(),
        reason: Some(reason),
        status,
        duration_us: 0,
        fuel_consumed: 0,
        peak_memory_bytes: 0,
        logs: Vec::new(),
        dropped_log_lines: 0,
        debug_context: None,
        findings: Vec::new(),
        replay: false,
        request: None,
        response: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal(config: JournalConfig) -> (tempfile::TempDir, Arc<Journal>) {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open(dir.path()).unwrap();
        let journal = Journal::open(&store, config).unwrap();
        (dir, journal)
    }

    fn record(hook: &str, outcome: &str, event: &str) -> ExecutionRecord {
        let mut r = rejected(
            hook,
            HookType::Token,
            "sha256:p",
            Source::Hook,
            200,
            "x".into(),
        );
        r.outcome = outcome.into();
        r.event_id = Some(event.into());
        r
    }

    #[test]
    fn queries_are_newest_first_filtered_and_paged() {
        let (_dir, journal) = journal(JournalConfig::default());
        for i in 0..25 {
            let hook = if i % 2 == 0 { "calA" } else { "calB" };
            let outcome = if i % 5 == 0 { "trapped" } else { "ok" };
            journal.add(record(hook, outcome, &format!("e{i}")));
        }
        assert_eq!(journal.len(), 25);
        let all = journal.query(&Query::default()).unwrap();
        assert_eq!(all.records.len(), 25);
        assert_eq!(all.records[0].event_id.as_deref(), Some("e24"));
        assert_eq!(all.next, None);
        assert!(all.records.windows(2).all(|w| w[0].id > w[1].id));

        // Pages of 4 of hook A's 13 records: 4 + 4 + 4 + 1, nothing repeated.
        let mut seen = Vec::new();
        let mut query = Query {
            hook_id: Some("calA".into()),
            limit: Some(4),
            ..Query::default()
        };
        loop {
            let page = journal.query(&query).unwrap();
            assert!(page.records.iter().all(|r| r.hook_id == "calA"));
            seen.extend(page.records.iter().map(|r| r.event_id.clone().unwrap()));
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        let expected: Vec<String> = (0..25)
            .rev()
            .filter(|i| i % 2 == 0)
            .map(|i| format!("e{i}"))
            .collect();
        assert_eq!(seen, expected);

        let trapped = journal
            .query(&Query {
                outcome: Some("trapped".into()),
                ..Query::default()
            })
            .unwrap();
        assert_eq!(trapped.records.len(), 5);
        let one = journal
            .query(&Query {
                event_id: Some("e7".into()),
                ..Query::default()
            })
            .unwrap();
        assert_eq!(one.records.len(), 1);
        assert_eq!(one.records[0].hook_id, "calB");

        assert_eq!(
            journal.query(&Query {
                limit: Some(0),
                ..Query::default()
            }),
            Err(QueryError::BadLimit)
        );
        assert_eq!(
            journal.query(&Query {
                after: Some("../etc".into()),
                ..Query::default()
            }),
            Err(QueryError::BadCursor)
        );
    }

    #[test]
    fn a_page_holds_at_most_its_byte_bound_and_always_one_record() {
        let (_dir, journal) = journal(JournalConfig::default());
        // Records of ~600 KB each (a hook that keeps bodies): three fit in a
        // page of 2 MiB, the fourth starts the next page.
        for i in 0..7 {
            let mut r = record("calA", "ok", &format!("e{i}"));
            r.request = Some(Value::String("r".repeat(600_000)));
            journal.add(r);
        }
        let mut query = Query::default();
        let mut sizes = Vec::new();
        loop {
            let page = journal.query(&query).unwrap();
            let bytes: usize = page
                .records
                .iter()
                .map(|r| serde_json::to_vec(r).unwrap().len())
                .sum();
            assert!(bytes <= MAX_PAGE_BYTES, "{bytes}");
            sizes.push(page.records.len());
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        assert_eq!(sizes, [3, 3, 1]);

        // One record larger than the bound still comes, alone.
        let mut big = record("calA", "ok", "big");
        big.request = Some(Value::String("r".repeat(MAX_PAGE_BYTES)));
        journal.add(big);
        let page = journal.query(&Query::default()).unwrap();
        assert_eq!(page.records.len(), 1);
        assert!(page.next.is_some());
    }

    #[test]
    fn time_ranges_select_by_publication() {
        let (_dir, journal) = journal(JournalConfig::default());
        journal.add(record("calA", "ok", "old"));
        let page = journal.query(&Query::default()).unwrap();
        let t = page.records[0].published_ms;
        let since_later = journal
            .query(&Query {
                since_ms: Some(t + 1),
                ..Query::default()
            })
            .unwrap();
        assert!(since_later.records.is_empty());
        let until_later = journal
            .query(&Query {
                until_ms: Some(t + 1),
                ..Query::default()
            })
            .unwrap();
        assert_eq!(until_later.records.len(), 1);
        let until_then = journal
            .query(&Query {
                until_ms: Some(t),
                ..Query::default()
            })
            .unwrap();
        assert!(until_then.records.is_empty());
    }

    #[test]
    fn retention_keeps_the_newest_records_within_the_count() {
        let (dir, journal) = journal(JournalConfig {
            max_records: 100,
            ..JournalConfig::default()
        });
        for i in 0..350 {
            journal.add(record("calA", "ok", &format!("e{i}")));
        }
        assert!(journal.len() <= 101, "{}", journal.len());
        journal.prune();
        assert_eq!(journal.len(), 100);
        let page = journal
            .query(&Query {
                limit: Some(1000),
                ..Query::default()
            })
            .unwrap();
        assert_eq!(page.records.len(), 100);
        assert_eq!(page.records[0].event_id.as_deref(), Some("e349"));
        assert_eq!(page.records[99].event_id.as_deref(), Some("e250"));
        drop(journal);

        // Reopened with a smaller bound, the journal shrinks at once.
        let store = SledStore::open(dir.path()).unwrap();
        let reopened = Journal::open(
            &store,
            JournalConfig {
                max_records: 10,
                ..JournalConfig::default()
            },
        )
        .unwrap();
        assert_eq!(reopened.len(), 10);
    }

    #[test]
    fn retention_removes_records_past_the_age() {
        let (_dir, journal) = journal(JournalConfig {
            max_age: Duration::from_millis(50),
            ..JournalConfig::default()
        });
        journal.add(record("calA", "ok", "old"));
        std::thread::sleep(Duration::from_millis(80));
        journal.add(record("calA", "ok", "new"));
        journal.prune();
        let page = journal.query(&Query::default()).unwrap();
        let events: Vec<_> = page
            .records
            .iter()
            .map(|r| r.event_id.clone().unwrap())
            .collect();
        assert_eq!(events, ["new"]);
        assert_eq!(journal.len(), 1);
    }
}
