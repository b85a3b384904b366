//! Unit tests: the models against the sample requests, and the exact Okta
//! JSON the builders produce, and `testing`'s judgement.

mod builders;
mod models;
mod support;
mod testing;
