use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a job ended `failed`: the stable code clients branch on (`error.code` in the status
/// document, the same snake_case strings in the job record and `api/openapi.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureCode {
    /// The bytes start like an image but do not decode (e.g. a truncated upload).
    CorruptImage,
    /// The image declares more pixels or a longer side than allowed, or decoding it needs
    /// more memory than the decoder may use, or its structure passes a bound (a HEIF grid
    /// of too many tiles).
    ImageTooLarge,
    /// A valid image using something the decoder does not support.
    UnsupportedImageFeature,
    /// Not a JPEG, PNG, WebP, GIF, HEIC/HEIF or AVIF image.
    UnsupportedFormat,
    /// The uploaded original is no longer stored.
    OriginalMissing,
    /// An output could not be made from a decoded image.
    ProcessingError,
    /// A bug on our side; the job is not retried forever.
    InternalError,
    /// Processing failed on every delivery; the message went to the dead-letter queue.
    RetriesExhausted,
    /// A direct upload's object never arrived before its URL expired.
    UploadExpired,
    /// The stored object's size is not the `content_length` the upload declared.
    UploadSizeMismatch,
    /// The stored object is not an image of the `content_type` the upload declared.
    UploadTypeMismatch,
}

impl FailureCode {
    /// Every code, in the order the API document lists them.
    pub const ALL: [FailureCode; 11] = [
        Self::CorruptImage,
        Self::ImageTooLarge,
        Self::UnsupportedImageFeature,
        Self::UnsupportedFormat,
        Self::OriginalMissing,
        Self::ProcessingError,
        Self::InternalError,
        Self::RetriesExhausted,
        Self::UploadExpired,
        Self::UploadSizeMismatch,
        Self::UploadTypeMismatch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CorruptImage => "corrupt_image",
            Self::ImageTooLarge => "image_too_large",
            Self::UnsupportedImageFeature => "unsupported_image_feature",
            Self::UnsupportedFormat => "unsupported_format",
            Self::OriginalMissing => "original_missing",
            Self::ProcessingError => "processing_error",
            Self::InternalError => "internal_error",
            Self::RetriesExhausted => "retries_exhausted",
            Self::UploadExpired => "upload_expired",
            Self::UploadSizeMismatch => "upload_size_mismatch",
            Self::UploadTypeMismatch => "upload_type_mismatch",
        }
    }
}

impl FailureCode {
    /// A direct upload failed before its object became the job's original: any object
    /// stored under its key is not wanted.
    pub fn refuses_direct_upload(self) -> bool {
        matches!(
            self,
            Self::UploadExpired | Self::UploadSizeMismatch | Self::UploadTypeMismatch
        )
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a job failed: a stable `code` for programs and a `message` for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobError {
    pub code: FailureCode,
    pub message: String,
}

impl JobError {
    pub fn new(code: FailureCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_the_snake_case_strings_of_the_api() {
        for code in FailureCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: FailureCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
        }
        assert_eq!(FailureCode::ImageTooLarge.as_str(), "image_too_large");
    }

    #[test]
    fn an_unknown_code_is_refused_when_read_back() {
        assert!(serde_json::from_str::<FailureCode>("\"image_too_big\"").is_err());
    }
}
