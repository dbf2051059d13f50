//! ferrotype's image codec: one upload in, a thumbnail, a preview and an optimized image
//! out. Pure code: no AWS, no job records, no feature flags.
//!
//! The public surface is [`process`], [`sniff`], [`PipelineSettings`], [`PipelineError`] and
//! the outputs ([`Processed`], [`Rendition`]); the rest is private.

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
