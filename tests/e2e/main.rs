//! End-to-end tests: a real server on loopback, real compiled plugins, real sled.
//!
//! One test binary with a module per concern, so the suite links once.

mod examples;
mod failures;
mod persistence;
mod requests;
