//! Fuzzes `hookwarden::internals::fuzzing::envelope`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookwarden::internals::fuzzing::envelope(data));
