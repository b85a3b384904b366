//! Fuzzes `hookwarden::internals::fuzzing::debug_context`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookwarden::internals::fuzzing::debug_context(data));
