//! What an upload is, and what the processor makes of it.

mod chroma;
mod color;
mod decode;
mod entropy;
mod jpeg;
mod pipeline;
mod requantize;
mod sniff;
mod webp;

pub use jpeg::LibjpegError;
pub use pipeline::{process, PipelineError, PipelineSettings, Processed, Rendition, SourceInfo};
pub use sniff::{sniff, ImageKind};

#[cfg(feature = "samples")]
pub mod samples;
