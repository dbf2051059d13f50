//! Replays the regression corpus: inputs that once crashed or hung the pipeline (found by
//! the cargo-fuzz target in `fuzz/`), plus hand-made valid and hostile seeds. Each must come
//! back as a result, never a panic, and quickly; a seed must give its known answer
//! (corpus/README.md).

use std::time::{Duration, Instant};

use ferrotype_imaging::{process, PipelineError, PipelineSettings, Processed};
use ferrotype_variants::Encoding;

/// The answer a corpus file must get, read from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Processed,
    TooLarge,
    Corrupt,
    UnsupportedFeature,
    /// A fuzzer's find: any result will do, as long as one comes back in time.
    AnyResult,
}

fn expected(name: &str) -> Expected {
    if name.starts_with("seed-bomb-") {
        Expected::TooLarge
    } else if name.starts_with("seed-truncated") || name.starts_with("seed-corrupt-") {
        Expected::Corrupt
    } else if name.starts_with("seed-many-scans") {
        Expected::UnsupportedFeature
    } else if name.starts_with("seed-") {
        Expected::Processed
    } else {
        Expected::AnyResult
    }
}

fn check_outputs(name: &str, processed: &Processed, settings: &PipelineSettings) {
    for (variant, rendition) in processed.files() {
        let output = format!("{variant} {}", rendition.encoding);
        let declared = settings
            .variants
            .iter()
            .find(|v| &v.name == variant)
            .expect("only declared variants are made");
        assert!(
            rendition.width <= declared.width.unwrap_or(u32::MAX)
                && rendition.width <= processed.source.width,
            "{name}: the {output} output is {} px wide",
            rendition.width
        );
        // AVIF is decoded by Pillow and the browser (the end-to-end tests); the image
        // crate here has no AV1 decoder.
        if rendition.encoding == Encoding::Avif {
            assert_eq!(&rendition.bytes[4..12], b"ftypavif", "{name}: {output}");
            continue;
        }
        let decoded = image::load_from_memory(&rendition.bytes)
            .unwrap_or_else(|e| panic!("{name}: the {output} output does not decode: {e}"));
        assert_eq!(
            (decoded.width(), decoded.height()),
            (rendition.width, rendition.height),
            "{name}: the {output} output's declared size"
        );
        let format = image::guess_format(&rendition.bytes).unwrap();
        assert_eq!(
            format.to_mime_type(),
            rendition.content_type,
            "{name}: {output}"
        );
    }
}

#[test]
fn every_input_in_the_regression_corpus_gets_its_known_answer_without_panicking() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus folder exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_none_or(|ext| ext != "md"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the corpus lost its seeds: {files:?}");

    // One thread and two: the banded decode paths run only with two.
    for threads in [1, 2] {
        let settings = PipelineSettings {
            threads,
            ..PipelineSettings::default()
        };
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let started = Instant::now();
            let outcome =
                std::panic::catch_unwind(|| process(&bytes, &settings)).unwrap_or_else(|_| {
                    panic!("{name} made the pipeline panic on {threads} thread(s)")
                });
            let elapsed = started.elapsed();
            assert!(elapsed < Duration::from_secs(10), "{name} took {elapsed:?}");
            match (expected(&name), &outcome) {
                (Expected::Processed, Ok(processed)) => check_outputs(&name, processed, &settings),
                (Expected::TooLarge, Err(PipelineError::TooLarge { .. }))
                | (Expected::Corrupt, Err(PipelineError::Corrupt(_)))
                | (Expected::UnsupportedFeature, Err(PipelineError::UnsupportedFeature(_)))
                | (Expected::AnyResult, _) => {}
                (expected, outcome) => panic!(
                    "{name} on {threads} thread(s): expected {expected:?}, got {:?}",
                    outcome.as_ref().map(|_| "processed")
                ),
            }
        }
    }
}
