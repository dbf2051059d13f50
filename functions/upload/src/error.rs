//! [`UploadError`]: why a request got no `202`, and the one place it becomes a problem
//! document.

use ferrotype_access::Refusal;
use ferrotype_service::domain::{CallbackUrlError, IdempotencyKeyError, NotifyEmailError};
use ferrotype_service::problem::Problem;
use ferrotype_service::store::StoreError;
use ferrotype_variants::{BadVariantName, UnknownVariant, VariantListError};
use lambda_http::http::{Method, StatusCode};

use crate::settings::UploadSettings;
use crate::{BodyError, SessionError};

/// Why a request got no `202`. [`UploadError::problem`] is the one place these become
/// problem documents.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the method {0} is not served here")]
    MethodNotAllowed(Method),
    #[error("the body holds no usable image")]
    Body(#[from] BodyError),
    #[error("the body is not a JPEG, PNG, WebP, GIF, HEIC/HEIF or AVIF image")]
    UnsupportedMediaType,
    /// A HEIC or HEIF photo, sent or declared, where `HEIC_INPUT` is `disabled`.
    #[error("HEIC and HEIF photos are not accepted by this deployment")]
    HeicDisabled,
    #[error("the direct upload request was refused")]
    Session(#[from] SessionError),
    #[error("the Idempotency-Key header is invalid")]
    InvalidIdempotencyKey(#[source] IdempotencyKeyError),
    #[error("a request with this Idempotency-Key is still being handled")]
    IdempotencyKeyInFlight,
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyKeyReused,
    #[error("the callback_url is not one webhooks can be sent to")]
    CallbackUrl(#[source] CallbackUrlError),
    #[error("the notify_email is not an e-mail address")]
    NotifyEmail(#[source] NotifyEmailError),
    #[error("this stack sends no e-mail")]
    EmailDisabled,
    #[error("the variants list is malformed")]
    VariantList(#[source] VariantListError),
    #[error("a variant name is malformed")]
    VariantName(#[source] BadVariantName),
    #[error("the variants list is empty")]
    NoVariants,
    #[error("the upload asks for a variant that is not declared")]
    UnknownVariant(#[source] UnknownVariant),
    #[error("the caller's upload quota is used up")]
    Quota(#[source] Refusal),
    #[error("storing the upload failed")]
    Store(#[from] StoreError),
}

impl UploadError {
    pub fn problem(&self, settings: &UploadSettings) -> Problem {
        match self {
            Self::MethodNotAllowed(_) => Problem::method_not_allowed(&[Method::POST]),
            Self::Body(BodyError::Empty) => Problem::new(
                StatusCode::BAD_REQUEST,
                "empty-body",
                "send the image as the request body, or as a multipart part named \"file\"",
            ),
            Self::Body(BodyError::TooLarge { limit }) => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                format!("images up to {limit} bytes are accepted"),
            ),
            Self::Body(BodyError::Multipart(source)) => Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed-multipart",
                format!("the multipart/form-data body could not be read: {source}"),
            ),
            Self::Body(BodyError::NoFilePart) => Problem::new(
                StatusCode::BAD_REQUEST,
                "missing-file-part",
                "the multipart/form-data body must have a part named \"file\"",
            ),
            Self::UnsupportedMediaType => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "the body is not a JPEG, PNG, WebP, GIF, HEIC/HEIF or AVIF image \
                 (the type is read from the bytes)",
            ),
            Self::HeicDisabled => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "HEIC and HEIF photos are not accepted by this deployment (HEIC_INPUT is \
                 disabled); send JPEG, PNG, WebP, GIF or AVIF",
            ),
            Self::Session(SessionError::NotJson) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send the upload request as application/json: \
                 {\"content_type\": \"image/jpeg\", \"content_length\": 12345678}",
            ),
            Self::Session(SessionError::Malformed(source)) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-upload-request",
                format!(
                    "the body must be {{\"content_type\": \"image/…\", \"content_length\": <bytes>}} \
                     and nothing else: {source}"
                ),
            ),
            Self::Session(SessionError::UnsupportedType(declared)) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                format!(
                    "content_type {declared:?} is not accepted; use image/jpeg, image/png, \
                     image/webp, image/gif, image/heic, image/heif or image/avif"
                ),
            ),
            Self::Session(SessionError::Empty) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-upload-request",
                "content_length must be the image's size in bytes, at least 1",
            ),
            Self::Session(SessionError::TooLarge { limit, .. }) => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                format!("direct uploads of up to {limit} bytes are accepted"),
            ),
            Self::InvalidIdempotencyKey(source) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-idempotency-key",
                format!("{source}; send a string such as \"8e03978e-40d5-43e8-bc93-6894a57f9324\""),
            ),
            Self::IdempotencyKeyInFlight => Problem::new(
                StatusCode::CONFLICT,
                "idempotency-key-in-flight",
                "a request with this Idempotency-Key is still being handled; retry shortly",
            ),
            Self::IdempotencyKeyReused => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "this Idempotency-Key was already used with a different request; use a new key",
            ),
            Self::CallbackUrl(source) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-callback-url",
                format!("{source}; give an absolute https URL of a public host"),
            ),
            Self::NotifyEmail(source) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-notify-email",
                format!("{source}; give one plain address such as ann@example.com"),
            ),
            Self::EmailDisabled => Problem::new(
                StatusCode::BAD_REQUEST,
                "notify-email-unavailable",
                "this deployment sends no e-mail (it has no sender configured); leave out notify_email",
            ),
            Self::VariantList(source) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-variants",
                format!("{source}; give declared variant names separated by commas, such as thumbnail,preview"),
            ),
            Self::VariantName(source) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-variants",
                format!("{source}; give declared variant names, such as [\"thumbnail\"]"),
            ),
            Self::NoVariants => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-variants",
                "name at least one variant, or leave variants out to make every declared one",
            ),
            Self::UnknownVariant(source) => Problem::new(
                StatusCode::BAD_REQUEST,
                "unknown-variant",
                source.to_string(),
            ),
            Self::Quota(refusal) => refusal.problem(settings.unavailable_retry_after),
            Self::Store(_) => Problem::unavailable(settings.unavailable_retry_after),
        }
    }
}
