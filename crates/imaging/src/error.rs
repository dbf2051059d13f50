//! Why an image could not be processed: the crate's one error at its boundary. Imports
//! nothing from the rest of the crate.

use std::error::Error as StdError;

use ferrotype_variants::{Encoding, VariantName};

/// A cause kept behind a [`PipelineError`].
pub(crate) type BoxError = Box<dyn StdError + Send + Sync>;

/// Why an image could not be processed. All of these are permanent: retrying the same
/// bytes gives the same answer.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("the file is not a JPEG, PNG, WebP, GIF, HEIC/HEIF or AVIF image")]
    UnsupportedFormat,
    #[error("the image declares {width}×{height} pixels, more than the allowed {limit}")]
    TooLarge {
        width: u32,
        height: u32,
        limit: String,
    },
    /// The header's size was within bounds, but decoding needs more memory than the
    /// decoder may use (a huge palette, frame or side chunk).
    #[error("decoding the image needs more memory than the decoder is allowed")]
    OverMemoryLimit(#[source] BoxError),
    /// A bound on the file's structure was reached before decoding (a HEIF grid of too
    /// many tiles, an item too large): a hostile or broken file.
    #[error("the image exceeds a decoding limit: {0}")]
    LimitExceeded(#[source] BoxError),
    #[error("the image could not be decoded: {0}")]
    Corrupt(#[source] BoxError),
    #[error("the image uses a feature the decoder does not support: {0}")]
    UnsupportedFeature(#[source] BoxError),
    #[error("encoding the {variant} variant as {} failed", encoding.as_str())]
    Encode {
        variant: VariantName,
        encoding: Encoding,
        #[source]
        source: BoxError,
    },
    #[error("resizing to {width}×{height} failed")]
    Resize {
        width: u32,
        height: u32,
        #[source]
        source: BoxError,
    },
}

impl PipelineError {
    pub(crate) fn corrupt(reason: impl Into<BoxError>) -> Self {
        Self::Corrupt(reason.into())
    }

    pub(crate) fn unsupported(reason: impl Into<BoxError>) -> Self {
        Self::UnsupportedFeature(reason.into())
    }
}
