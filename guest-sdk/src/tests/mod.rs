//! Unit tests: the models against the sample requests, and the exact Okta
//! JSON the builders produce.

mod builders;
mod models;
mod support;
