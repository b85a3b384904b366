//! Okta's inline-hook contract, written once for both sides of the wasm
//! boundary.
//!
//! Hookwarden's host (`host/`) and its Rust guest SDK (`guest-sdk/`, the
//! crate plugins build against for `wasm32-wasip2`) both need the same
//! facts about Okta: the [hook types](HookType), the [wire names](wire) of
//! commands and enum values, [RFC 6901 escaping](mod@pointer), the [request
//! envelope](envelope) and its one parser, the [neutral answer
//! model](answer) and its [conversion to Okta's JSON](okta_json), Okta's
//! [rules for answers](check), the [log bounds](logs) and the whole
//! [judgement](verdict) of an answer. Written twice, they drifted; here
//! each is written once. Each side invokes [`wit_conversions!`] over its
//! own WIT-generated types, in one place, to turn them into
//! [`answer::Answer`], and leaves the rest to this crate, so a plugin's
//! native unit tests apply exactly the host's rules.
//!
//! The crate depends only on `serde` and `serde_json` and builds for the
//! host and for `wasm32-wasip2`. It lives in `guest-sdk/contract/` because
//! the repository's top level is fixed (`host/`, `guest-sdk/`, `plugins/`,
//! `tests/`, `wit/`) and the SDK is the side plugin authors depend on: the
//! example plugins' workspace reaches it through the SDK's path
//! dependency.

pub mod answer;
pub mod check;
pub mod envelope;
mod from_wit;
pub mod hook_type;
pub mod logs;
pub mod okta_json;
pub mod pointer;
pub mod text;
pub mod verdict;
pub mod wire;

pub use hook_type::HookType;

// For `wit_conversions!`, whose callers need not name serde_json themselves.
#[doc(hidden)]
pub use serde_json;
