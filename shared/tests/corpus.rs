//! Replays the regression corpus: inputs that once crashed or hung the pipeline (found by
//! the cargo-fuzz target in `fuzz/`), plus hand-made hostile ones. Each must come back as
//! a result, never a panic, and quickly.

use std::time::{Duration, Instant};

use ferrotype_shared::imaging::{process, PipelineSettings};

#[test]
fn every_input_in_the_regression_corpus_is_processed_or_rejected_without_panicking() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus folder exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_none_or(|ext| ext != "md"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the corpus is empty");

    // One thread and two: the banded decode paths run only with two.
    for threads in [1, 2] {
        let settings = PipelineSettings {
            threads,
            ..PipelineSettings::default()
        };
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(|| process(&bytes, &settings));
            let elapsed = started.elapsed();
            let name = file.file_name().unwrap().to_string_lossy();
            match outcome {
                Ok(Ok(processed)) => assert_eq!(processed.renditions.len(), 3, "{name}"),
                Ok(Err(err)) => assert!(!err.code().is_empty(), "{name}"),
                Err(_) => panic!("{name} made the pipeline panic on {threads} thread(s)"),
            }
            assert!(elapsed < Duration::from_secs(10), "{name} took {elapsed:?}");
        }
    }
}
