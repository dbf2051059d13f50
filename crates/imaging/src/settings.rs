//! The pipeline's settings: the variants to make, decoding bounds, encoder limits, threads.
//! Imports nothing from the rest of the crate.

use ferrotype_variants::{Declaration, Limits, Variant};

/// What to make and within which bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineSettings {
    /// The outputs to make, in declaration order (the processor passes the declared
    /// variants an upload asked for). Each is made in each of its formats from one decode.
    pub variants: Vec<Variant>,
    /// The most pixels (width × height) a source may declare. imgproxy's default is
    /// 50 megapixels; that also admits 48 MP phone photos.
    pub max_pixels: u64,
    /// The longest side a source may declare.
    pub max_dimension: u32,
    /// The most pixels an AVIF output may have: a variant whose output is larger for this
    /// source (a very tall image under a width-only box) is made without its AVIF. The
    /// declaration is checked against the same budget at start ([`Limits`]).
    pub avif_max_pixels: u64,
    /// Threads one job may use: 1 encodes the outputs one after another, 2 or more encode
    /// them side by side (and the full-size JPEG on every thread).
    pub threads: usize,
}

impl Default for PipelineSettings {
    /// The default declaration ([`Declaration::default_set`]) within the default limits.
    fn default() -> Self {
        Self {
            variants: Declaration::default_set().variants().to_vec(),
            max_pixels: 50_000_000,
            max_dimension: 20_000,
            avif_max_pixels: Limits::default().avif_max_pixels,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
        }
    }
}
