//! ferrotype's image codec: one upload in, a thumbnail, a preview and an optimized image
//! out. Pure code: no AWS, no job records, no feature flags.
//!
//! The public surface is [`process`], [`sniff`] and [`ImageKind`], [`PipelineSettings`],
//! [`PipelineError`] and the outputs ([`Processed`], [`Rendition`], [`Output`],
//! [`SourceInfo`]); the rest is private.
//!
//! # Layout
//!
//! Modules by role, each importing only from those below it (no import circles):
//!
//! * `pipeline`: the order of the work. [`process`] reads the header once and picks a
//!   path: the JPEG transcoder, a banded decode on two threads, or one whole decode; then
//!   resizes, turns and encodes.
//! * Decoding: `decode` (checks before decoding and the one bounded decode), `webp`
//!   (libwebp, whole and banded) and `color` (ICC to sRGB).
//! * `jpeg`, by codec stage: `jpeg::libjpeg` (mozjpeg/libjpeg-turbo: header, scaled and
//!   banded decodes, encoders), `jpeg::transcoder` (one coefficient read for the scaled
//!   decode and the optimized output: lossless turns, requantization), `jpeg::chroma`
//!   (chroma halving in the DCT domain), `jpeg::huffman` (the entropy coder, on every
//!   thread) and `jpeg::coefficients` (blocks, planes, the frame, zigzag order, rescaling).
//! * The ground floor, importing nothing above it: `settings` ([`PipelineSettings`]),
//!   `error` ([`PipelineError`]), `outputs` ([`Output`], [`Rendition`], [`Processed`],
//!   [`SourceInfo`]), `parallel` (`beside`/`run_both`: two pieces of work side by side)
//!   and `memory` (`reserved`: a buffer reserved without aborting).
//!
//! Tests sit beside their modules, in `<module>/tests.rs`.

mod color;
mod decode;
mod error;
mod jpeg;
mod memory;
mod outputs;
mod parallel;
mod pipeline;
mod settings;
mod webp;

pub use error::PipelineError;
pub use ferrotype_format::{sniff, ImageKind};
pub use outputs::{Output, Processed, Rendition, SourceInfo};
pub use pipeline::process;
pub use settings::PipelineSettings;
