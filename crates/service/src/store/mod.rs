//! Adapters over the real AWS SDK clients, in domain words.

mod idempotency;
mod images;
mod jobs;
mod listing;
mod queue;

pub use idempotency::{Claim, IdempotencyStore, KEY_LIFETIME};
pub use images::{ImageStore, PresignedPut, DIRECT_UPLOAD_PREFIX};
pub use jobs::{Due, JobTable, ResendClaim, StartOutcome, SweepIndex, Transition, Undo};
pub use listing::{ListPage, ListQuery, ListTable, Projected};
pub use queue::JobQueue;

/// Re-exported so callers can print an error with its whole cause chain.
pub use aws_sdk_s3::error::DisplayErrorContext;

/// A failure talking to S3, DynamoDB or SQS. The SDK error is kept as the source.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{what} does not exist")]
    NotFound { what: String },
    #[error("S3 {operation} failed")]
    S3 {
        operation: &'static str,
        #[source]
        source: Box<aws_sdk_s3::Error>,
    },
    #[error("DynamoDB {operation} failed")]
    DynamoDb {
        operation: &'static str,
        #[source]
        source: Box<aws_sdk_dynamodb::Error>,
    },
    #[error("SQS {operation} failed")]
    Sqs {
        operation: &'static str,
        #[source]
        source: Box<aws_sdk_sqs::Error>,
    },
    #[error("reading the body of an S3 object failed")]
    Body(#[source] aws_sdk_s3::primitives::ByteStreamError),
    #[error("a stored job record does not have the expected shape")]
    Record(#[source] serde_dynamo::Error),
    #[error("a stored idempotent response does not have the expected shape")]
    Stored(#[source] serde_json::Error),
    #[error("the credentials that sign presigned URLs could not be loaded")]
    Credentials(#[source] aws_credential_types::provider::error::CredentialsError),
    #[error("the presigning configuration is invalid")]
    Presign(#[source] aws_sdk_s3::presigning::PresigningConfigError),
}

impl StoreError {
    fn s3(operation: &'static str, source: impl Into<aws_sdk_s3::Error>) -> Self {
        Self::S3 {
            operation,
            source: Box::new(source.into()),
        }
    }

    fn dynamodb(operation: &'static str, source: impl Into<aws_sdk_dynamodb::Error>) -> Self {
        Self::DynamoDb {
            operation,
            source: Box::new(source.into()),
        }
    }

    fn sqs(operation: &'static str, source: impl Into<aws_sdk_sqs::Error>) -> Self {
        Self::Sqs {
            operation,
            source: Box::new(source.into()),
        }
    }
}

/// Whether a conditional write was refused because its condition did not hold (as opposed
/// to failing).
pub fn is_condition_failure<E, R>(err: &aws_sdk_dynamodb::error::SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ConditionalCheckFailedException")
}
