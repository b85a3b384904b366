//! End-to-end tests: a real server on loopback, real compiled plugins, real sled.
//!
//! One test binary with a module per concern, so the suite links once.

mod admin_api;
mod cli_admin;
mod cli_offline;
mod compile_limits;
mod config;
mod connections;
mod demo;
mod durability;
mod examples;
mod failures;
mod guests;
mod hostile_plugins;
mod hostile_requests;
mod hot_swap;
mod observability;
mod okta_docs;
mod otel;
mod overload;
mod persistence;
mod promise;
mod requests;
mod secrets;
mod shutdown;
mod tls;
