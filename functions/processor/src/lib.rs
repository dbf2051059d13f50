//! The SQS-triggered processor: for each job message, take the job under a lease, make the
//! outputs, store them and record the result.
//!
//! Each message succeeds or fails on its own; the handler reports the failed ones as
//! `batchItemFailures` so SQS delivers only those again. A failure that a retry cannot
//! cure (the file is not a decodable image) ends the job as `failed` and acknowledges the
//! message; a failure that a retry may cure (S3 or DynamoDB unavailable) leaves the message
//! for redelivery, and after `maxReceiveCount` it lands in the dead-letter queue.

use std::panic::AssertUnwindSafe;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use ferrotype_shared::config::ProcessorSettings;
use ferrotype_shared::domain::{JobError, JobId, JobMessage, OutputInfo, OutputName, Outputs};
use ferrotype_shared::imaging::{self, PipelineError, Processed};
use ferrotype_shared::store::{
    DisplayErrorContext, ImageStore, JobTable, StartOutcome, StoreError, Transition,
};
use futures_util::FutureExt;
use time::OffsetDateTime;
use tracing::{error, info, warn};

/// What the processor needs, built once at init.
pub struct App {
    pub images: ImageStore,
    pub jobs: JobTable,
    pub settings: ProcessorSettings,
}

/// Why a message must be delivered again.
#[derive(Debug, thiserror::Error)]
pub enum RetryableError {
    #[error("a storage call failed")]
    Store(#[from] StoreError),
    #[error("another processor holds the job's lease")]
    Busy,
    #[error("the job changed under us: it is {0}")]
    LostLease(String),
    #[error("processing panicked: {0}")]
    Panicked(String),
}

/// How one message ended, when it need not be delivered again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    Failed {
        code: String,
    },
    /// Nothing to do: a duplicate or late delivery, an unknown job, or an unreadable message.
    Skipped(&'static str),
}

/// Handles one SQS batch and reports the messages to deliver again.
pub async fn handle(app: &App, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for message in event.records {
        let message_id = message.message_id.clone().unwrap_or_default();
        // A panic fails this message only, not the batch.
        let outcome = AssertUnwindSafe(process_message(app, &message))
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| Err(RetryableError::Panicked(panic_text(&*panic))));
        if let Err(err) = outcome {
            warn!(message_id, error = %DisplayErrorContext(&err), "message will be delivered again");
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = message_id;
            response.batch_item_failures.push(failure);
        }
    }
    response
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Processes one message to its end, or says why it must be delivered again.
pub async fn process_message(app: &App, message: &SqsMessage) -> Result<Outcome, RetryableError> {
    let body = message.body.as_deref().unwrap_or_default();
    let job = match JobMessage::parse(body) {
        Ok(job) => job,
        Err(err) => {
            // No delivery of this body can ever succeed, and it names no job to fail.
            error!(message_id = ?message.message_id, error = %DisplayErrorContext(&err), "dropping an unreadable message");
            return Ok(Outcome::Skipped("unreadable message"));
        }
    };
    process_job(app, job.job_id).await
}

/// Takes a job, makes its outputs and records the result.
pub async fn process_job(app: &App, id: JobId) -> Result<Outcome, RetryableError> {
    let lease_token = uuid::Uuid::new_v4().to_string();
    match app
        .jobs
        .start_processing(
            id,
            &lease_token,
            OffsetDateTime::now_utc(),
            app.settings.lease,
        )
        .await?
    {
        StartOutcome::Started(record) => {
            info!(job_id = %id, attempt = record.attempts, "processing started");
        }
        StartOutcome::AlreadyFinished(status) => {
            info!(job_id = %id, %status, "duplicate delivery of a finished job");
            return Ok(Outcome::Skipped("already finished"));
        }
        StartOutcome::Missing => {
            warn!(job_id = %id, "message names an unknown job");
            return Ok(Outcome::Skipped("unknown job"));
        }
        StartOutcome::Busy => return Err(RetryableError::Busy),
    }

    let original = match app.images.get_original(id).await {
        Ok(bytes) => bytes,
        Err(StoreError::NotFound { what }) => {
            let error = JobError {
                code: "original_missing".into(),
                message: format!("the uploaded image is no longer stored ({what})"),
            };
            return fail(app, id, &lease_token, error).await;
        }
        Err(err) => return Err(err.into()),
    };
    let original_bytes = original.len() as u64;

    let settings = app.settings.pipeline.clone();
    let started = std::time::Instant::now();
    let processed =
        tokio::task::spawn_blocking(move || imaging::process(&original, &settings)).await;
    let processed = match processed {
        Ok(Ok(processed)) => processed,
        Ok(Err(err)) => {
            info!(job_id = %id, code = err.code(), reason = %DisplayErrorContext(&err), "image rejected");
            return fail(app, id, &lease_token, job_error(&err)).await;
        }
        Err(join) => {
            // A panic in the pipeline is a bug that the same bytes would hit again.
            error!(job_id = %id, error = %join, "the image pipeline panicked");
            let error = JobError {
                code: "internal_error".into(),
                message: "the image could not be processed because of an internal error".into(),
            };
            return fail(app, id, &lease_token, error).await;
        }
    };
    let elapsed_ms = started.elapsed().as_millis() as u64;

    let outputs = store_outputs(app, id, original_bytes, processed).await?;
    match app
        .jobs
        .complete(id, &lease_token, &outputs, OffsetDateTime::now_utc())
        .await?
    {
        Transition::Applied => {
            info!(job_id = %id, elapsed_ms, "processing completed");
            Ok(Outcome::Completed)
        }
        Transition::Rejected { current } => lost_lease(id, current.map(|r| r.status)),
    }
}

fn job_error(err: &PipelineError) -> JobError {
    JobError {
        code: err.code().to_string(),
        message: err.to_string(),
    }
}

async fn fail(
    app: &App,
    id: JobId,
    lease_token: &str,
    error: JobError,
) -> Result<Outcome, RetryableError> {
    match app
        .jobs
        .fail(id, lease_token, &error, OffsetDateTime::now_utc())
        .await?
    {
        Transition::Applied => {
            info!(job_id = %id, code = error.code, "job failed");
            Ok(Outcome::Failed { code: error.code })
        }
        Transition::Rejected { current } => lost_lease(id, current.map(|r| r.status)),
    }
}

/// The conditional write was refused: if the job is finished (another delivery did it),
/// there is nothing left to do; otherwise let SQS deliver the message again.
fn lost_lease(
    id: JobId,
    status: Option<ferrotype_shared::domain::JobStatus>,
) -> Result<Outcome, RetryableError> {
    match status {
        Some(status) if status.is_terminal() => {
            info!(job_id = %id, %status, "another delivery finished the job first");
            Ok(Outcome::Skipped("finished by another delivery"))
        }
        other => Err(RetryableError::LostLease(
            other.map_or("gone".to_string(), |s| s.to_string()),
        )),
    }
}

async fn store_outputs(
    app: &App,
    id: JobId,
    original_bytes: u64,
    processed: Processed,
) -> Result<Outputs, StoreError> {
    let source = processed.source;
    let original = OutputInfo {
        key: ImageStore::original_key(id),
        width: source.width,
        height: source.height,
        bytes: original_bytes,
        content_type: source.kind.content_type().to_string(),
    };
    let mut stored = Vec::with_capacity(processed.renditions.len());
    for rendition in processed.renditions {
        let key = ImageStore::output_key(id, rendition.name, rendition.extension);
        let info = OutputInfo {
            key: key.clone(),
            width: rendition.width,
            height: rendition.height,
            bytes: rendition.bytes.len() as u64,
            content_type: rendition.content_type.to_string(),
        };
        app.images
            .put_output(&key, rendition.bytes, rendition.content_type)
            .await?;
        stored.push((rendition.name, info));
    }
    let mut take = |name: OutputName| {
        let index = stored
            .iter()
            .position(|(n, _)| *n == name)
            .expect("the pipeline makes every output");
        stored.swap_remove(index).1
    };
    Ok(Outputs {
        original,
        thumbnail: take(OutputName::Thumbnail),
        preview: take(OutputName::Preview),
        optimized: take(OutputName::Optimized),
    })
}
