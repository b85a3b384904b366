//! Replays the checked-in fuzzing corpus (`host/fuzz/corpus/<target>/`)
//! through the same entry points the cargo-fuzz targets call, so every
//! input the fuzzer ever kept is checked on every test run.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        run(&data);
        inputs += 1;
    }
    assert!(inputs >= 5, "the {target} corpus has only {inputs} inputs");
}

#[test]
fn the_envelope_corpus_replays() {
    replay("envelope", hookwarden::internals::fuzzing::envelope);
}

#[test]
fn the_answer_corpus_replays() {
    replay("answer", hookwarden::internals::fuzzing::answer);
}

#[test]
fn the_debug_context_corpus_replays() {
    replay(
        "debug_context",
        hookwarden::internals::fuzzing::debug_context,
    );
}
