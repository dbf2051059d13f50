//! Any bytes: sniffing, decoding and processing must return, never panic or crash.
#![no_main]

use ferrotype_shared::imaging::{process, sniff, PipelineSettings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sniff(data);
    // Small caps keep each run fast; the bounds code paths are the same.
    let settings = PipelineSettings {
        max_pixels: 4_000_000,
        max_dimension: 4_000,
        threads: 1,
        ..PipelineSettings::default()
    };
    let _ = process(data, &settings);
});
