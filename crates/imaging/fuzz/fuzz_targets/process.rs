//! Any bytes: sniffing, decoding and processing must return, never panic or crash.
#![no_main]

use ferrotype_imaging::{process, sniff, PipelineSettings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sniff(data);
    // Small caps keep each run fast; the bounds code paths are the same. One thread or two
    // by the input's length, so that mutations reach both the one-thread paths and the
    // banded decodes, which run only with two.
    let settings = PipelineSettings {
        max_pixels: 4_000_000,
        max_dimension: 4_000,
        threads: 1 + data.len() % 2,
        ..PipelineSettings::default()
    };
    let _ = process(data, &settings);
});
