//! What an upload is, and what the processor makes of it.

mod pipeline;
mod sniff;

pub use pipeline::{process, PipelineError, PipelineSettings, Processed, Rendition, SourceInfo};
pub use sniff::{sniff, ImageKind};

#[cfg(feature = "samples")]
pub mod samples;
