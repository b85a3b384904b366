//! Fuzzes `hookwarden::internals::fuzzing::answer`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookwarden::internals::fuzzing::answer(data));
