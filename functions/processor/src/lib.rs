//! The SQS-triggered processor: for each job message, take the job under a lease, make the
//! outputs, store them and record the result.
//!
//! Each message succeeds or fails on its own; the handler reports the failed ones as
//! `batchItemFailures` so SQS delivers only those again. A failure that a retry cannot
//! cure (the file is not a decodable image) ends the job as `failed` and acknowledges the
//! message; a failure that a retry may cure (S3 or DynamoDB unavailable) leaves the message
//! for redelivery, and after `maxReceiveCount` it lands in the dead-letter queue.
//!
//! A batch's messages run `BATCH_CONCURRENCY` at a time, and none is started within
//! `START_MARGIN_SECONDS` of the invocation's deadline: those are reported as failures
//! before the function would time out, so a slow image costs only the messages it delays
//! one receive, instead of failing the whole batch by a timeout. A job already started
//! that is still not done `FINISH_MARGIN_SECONDS` before the deadline is given up: its
//! lease is released ([`JobTable::release`]), so the next delivery takes it at once, and
//! its message is reported as a failure, while the batch's other messages are answered
//! as they ended. (Its decode or encode, on a blocking thread, cannot be interrupted: it
//! runs on and its result is dropped.)

pub mod settings;

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use crate::settings::ProcessorSettings;
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use ferrotype_imaging::{self as imaging, PipelineError, Processed, Rendition, VariantImage};
use ferrotype_service::domain::{
    FailureCode, JobError, JobId, JobMessage, JobStatus, Lease, Outputs, Placeholder, UploadSource,
    VariantInfo,
};
use ferrotype_service::metrics;
use ferrotype_service::store::{
    DisplayErrorContext, ImageStore, JobTable, StartOutcome, StoreError, Transition,
};
use ferrotype_variants::VariantName;
use futures_util::stream::{self, StreamExt};
use futures_util::FutureExt;
use time::OffsetDateTime;
use tracing::{error, info, warn, Instrument};

/// What the processor needs, built once at init.
pub struct App {
    pub images: ImageStore,
    pub jobs: JobTable,
    pub settings: ProcessorSettings,
    /// One permit per image pipeline that may run at once, held by the blocking thread
    /// until the pipeline ends: a job given up at the time bound keeps its slot while its
    /// decode runs on, so the next batch never runs more pipelines (and memory) than the
    /// batch concurrency the memory caps are sized for.
    pipelines: std::sync::Arc<tokio::sync::Semaphore>,
}

impl App {
    pub fn new(images: ImageStore, jobs: JobTable, settings: ProcessorSettings) -> Self {
        let pipelines =
            std::sync::Arc::new(tokio::sync::Semaphore::new(settings.concurrency.max(1)));
        Self {
            images,
            jobs,
            settings,
            pipelines,
        }
    }
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
    #[error("not started: too close to the invocation's deadline")]
    NotStarted,
    #[error("given up (its lease released): it could not finish before the invocation's deadline")]
    OutOfTime,
}

/// How one message ended, when it need not be delivered again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    Failed {
        code: FailureCode,
    },
    /// Nothing to do: a duplicate or late delivery, an unknown job, or an unreadable message.
    Skipped(&'static str),
}

/// Handles one SQS batch with no deadline (tests, tools) and reports the messages to
/// deliver again.
pub async fn handle(app: &App, event: SqsEvent) -> SqsBatchResponse {
    handle_until(app, event, None).await
}

/// Handles one SQS batch, starting no message after `deadline` less the start margin, and
/// reports the messages to deliver again (the failed and the unstarted ones).
pub async fn handle_until(
    app: &App,
    event: SqsEvent,
    deadline: Option<Instant>,
) -> SqsBatchResponse {
    let margin = app.settings.start_margin;
    // Lambda starts every invocation with the function's whole timeout, more than the
    // margin. A deadline that leaves less than the margin from the start (a local
    // runtime's, or a margin set longer than the timeout) could start nothing at all, so it
    // is not applied.
    let deadline = deadline.filter(|d| {
        let fits = d.saturating_duration_since(Instant::now()) > margin;
        if !fits {
            warn!(
                margin_secs = margin.as_secs(),
                "the invocation's deadline leaves less than the start margin; not applied"
            );
        }
        fits
    });
    let last_start = deadline.map(|d| d.checked_sub(margin).unwrap_or(d));
    // Every job must be done by then: the rest of the invocation answers the batch.
    // (Never before the last start: a margin set longer than the start margin is cut to it.)
    let finish_margin = app.settings.finish_margin.min(margin);
    let finish_by = deadline.map(|d| d.checked_sub(finish_margin).unwrap_or(d));
    let outcomes: Vec<(String, Result<Outcome, RetryableError>)> = stream::iter(event.records)
        .map(|message| async move {
            let message_id = message.message_id.clone().unwrap_or_default();
            // Checked when the message's turn comes, not when the batch arrives.
            if last_start.is_some_and(|at| Instant::now() >= at) {
                return (message_id, Err(RetryableError::NotStarted));
            }
            // A panic fails this message only, not the batch.
            let outcome = AssertUnwindSafe(process_message_until(app, &message, finish_by))
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| Err(RetryableError::Panicked(panic_text(&*panic))));
            (message_id, outcome)
        })
        .buffer_unordered(app.settings.concurrency.max(1))
        .collect()
        .await;
    let mut response = SqsBatchResponse::default();
    for (message_id, outcome) in outcomes {
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
    process_message_until(app, message, None).await
}

/// As [`process_message`], giving the job up ([`RetryableError::OutOfTime`]) if its outputs
/// are not made by `finish_by`.
pub async fn process_message_until(
    app: &App,
    message: &SqsMessage,
    finish_by: Option<Instant>,
) -> Result<Outcome, RetryableError> {
    if let Some(sent) = message
        .attributes
        .get("SentTimestamp")
        .and_then(|ms| ms.parse::<u64>().ok())
    {
        let sent = std::time::UNIX_EPOCH + std::time::Duration::from_millis(sent);
        metrics::queue_age(
            std::time::SystemTime::now()
                .duration_since(sent)
                .unwrap_or_default(),
        );
    }
    let body = message.body.as_deref().unwrap_or_default();
    let job = match JobMessage::parse(body) {
        Ok(job) => job,
        Err(err) => {
            // No delivery of this body can ever succeed, and it names no job to fail.
            error!(message_id = ?message.message_id, error = %DisplayErrorContext(&err), "dropping an unreadable message");
            return Ok(Outcome::Skipped("unreadable message"));
        }
    };
    // Every line of the job names it and, once its record is read, its caller.
    let span = tracing::info_span!("job", job_id = %job.job_id, caller = tracing::field::Empty);
    process_job_until(app, job.job_id, finish_by)
        .instrument(span)
        .await
}

/// Takes a job, makes its outputs and records the result.
pub async fn process_job(app: &App, id: JobId) -> Result<Outcome, RetryableError> {
    process_job_until(app, id, None).await
}

/// What making a job's outputs came to, before it is recorded with the lease.
enum Made {
    Outputs {
        outputs: Box<Outputs>,
        original_bytes: u64,
        took: std::time::Duration,
    },
    /// The job cannot be processed, for this reason.
    Refused(JobError),
}

/// As [`process_job`], releasing the job's lease instead of finishing it if its outputs are
/// not made by `finish_by`.
pub async fn process_job_until(
    app: &App,
    id: JobId,
    finish_by: Option<Instant>,
) -> Result<Outcome, RetryableError> {
    let (lease, source, variants) = match app
        .jobs
        .start_processing(id, OffsetDateTime::now_utc(), app.settings.lease)
        .await?
    {
        StartOutcome::Started { record, lease } => {
            if let Some(owner) = &record.owner {
                tracing::Span::current().record("caller", owner.as_str());
            }
            info!(job_id = %id, attempt = record.attempts, "processing started");
            (lease, record.upload.source, record.variants)
        }
        StartOutcome::AlreadyFinished(JobStatus::Deleted) => {
            // A delivery after a delete: make sure nothing is left behind, whether by an
            // earlier processor or by a delete that stopped half way.
            app.images.delete_job_objects(id).await?;
            info!(job_id = %id, "delivery of a deleted job; its objects are erased");
            return Ok(Outcome::Skipped("deleted"));
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
    };

    // The lease stays out here, so that running out of time can still give it up.
    let making = make_outputs(app, id, source, variants.as_deref());
    let made = match finish_by {
        None => making.await,
        Some(at) => match tokio::time::timeout_at(at.into(), making).await {
            Ok(made) => made,
            Err(_) => return release(app, lease).await,
        },
    };
    let (outputs, original_bytes, took) = match made? {
        Made::Outputs {
            outputs,
            original_bytes,
            took,
        } => (*outputs, original_bytes, took),
        Made::Refused(error) => return fail(app, lease, error).await,
    };
    let elapsed_ms = took.as_millis() as u64;
    match app
        .jobs
        .complete(lease, &outputs, OffsetDateTime::now_utc())
        .await?
    {
        Transition::Applied => {
            let bytes_out = outputs
                .variants
                .iter()
                .flat_map(|variant| &variant.files)
                .map(|file| file.bytes)
                .sum();
            metrics::job_completed(took, original_bytes, bytes_out);
            info!(job_id = %id, elapsed_ms, "processing completed");
            Ok(Outcome::Completed)
        }
        Transition::Rejected { current } => {
            let status = current.map(|r| r.status);
            if status == Some(JobStatus::Deleted) {
                // Deleted while we worked: what we wrote must not outlive the delete. If
                // this fails, the message is delivered again and finds the tombstone.
                let removed = app.images.delete_outputs(id).await?;
                info!(job_id = %id, removed, "the job was deleted while processing; its outputs are erased");
                return Ok(Outcome::Skipped("deleted while processing"));
            }
            lost_lease(id, status)
        }
    }
}

/// Reads the original, makes the renditions and stores them: the part of a job whose time
/// grows with the image.
async fn make_outputs(
    app: &App,
    id: JobId,
    source: UploadSource,
    variants: Option<&[VariantName]>,
) -> Result<Made, RetryableError> {
    let original = match app.images.get_original(id, source).await {
        Ok(bytes) => bytes,
        Err(StoreError::NotFound { what }) => {
            warn!(job_id = %id, what, "the original is missing");
            return Ok(Made::Refused(JobError::new(
                FailureCode::OriginalMissing,
                "the uploaded image is no longer stored",
            )));
        }
        Err(err) => return Err(err.into()),
    };
    let original_bytes = original.len() as u64;

    let settings = app.settings.pipeline_for(variants);
    let started = std::time::Instant::now();
    let slot = app
        .pipelines
        .clone()
        .acquire_owned()
        .await
        .expect("the pipeline semaphore is never closed");
    let processed = tokio::task::spawn_blocking(move || {
        let processed = imaging::process(&original, &settings);
        drop(slot);
        processed
    })
    .await;
    let processed = match processed {
        Ok(Ok(processed)) => processed,
        Ok(Err(err)) => {
            let error = job_error(&err);
            info!(job_id = %id, code = %error.code, reason = %DisplayErrorContext(&err), "image rejected");
            return Ok(Made::Refused(error));
        }
        Err(join) => {
            // A panic in the pipeline is a bug that the same bytes would hit again.
            error!(job_id = %id, error = %join, "the image pipeline panicked");
            return Ok(Made::Refused(JobError::new(
                FailureCode::InternalError,
                "the image could not be processed because of an internal error",
            )));
        }
    };
    let outputs = store_outputs(app, id, source, original_bytes, processed).await?;
    Ok(Made::Outputs {
        outputs: Box::new(outputs),
        original_bytes,
        took: started.elapsed(),
    })
}

/// Out of time: gives the job's lease up so that the next delivery takes it at once, and
/// has the message delivered again. Outputs stored so far are overwritten by that delivery.
async fn release(app: &App, lease: Lease) -> Result<Outcome, RetryableError> {
    let id = lease.job();
    match app.jobs.release(lease, OffsetDateTime::now_utc()).await? {
        Transition::Applied => {
            warn!(job_id = %id, "out of time before the invocation's deadline; the job is released for a later delivery");
            Err(RetryableError::OutOfTime)
        }
        // Finished after all (a completion sent just before the bound), or taken by
        // another delivery after our lease expired.
        Transition::Rejected { current } => lost_lease(id, current.map(|r| r.status)),
    }
}

/// The failure recorded for an image the pipeline refused: its code, and its own words.
pub fn job_error(err: &PipelineError) -> JobError {
    let code = match err {
        PipelineError::UnsupportedFormat => FailureCode::UnsupportedFormat,
        PipelineError::TooLarge { .. }
        | PipelineError::OverMemoryLimit(_)
        | PipelineError::LimitExceeded(_) => FailureCode::ImageTooLarge,
        PipelineError::Corrupt(_) => FailureCode::CorruptImage,
        PipelineError::UnsupportedFeature(_) => FailureCode::UnsupportedImageFeature,
        PipelineError::Encode { .. } | PipelineError::Resize { .. } => FailureCode::ProcessingError,
    };
    JobError::new(code, err.to_string())
}

async fn fail(app: &App, lease: Lease, error: JobError) -> Result<Outcome, RetryableError> {
    let id = lease.job();
    match app
        .jobs
        .fail(lease, &error, OffsetDateTime::now_utc())
        .await?
    {
        Transition::Applied => {
            metrics::job_failed(error.code);
            info!(job_id = %id, code = %error.code, "job failed");
            Ok(Outcome::Failed { code: error.code })
        }
        Transition::Rejected { current } => lost_lease(id, current.map(|r| r.status)),
    }
}

/// The conditional write was refused: if the job is finished (another delivery did it),
/// there is nothing left to do; otherwise let SQS deliver the message again.
fn lost_lease(id: JobId, status: Option<JobStatus>) -> Result<Outcome, RetryableError> {
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

/// Stores every file of every variant (at once: each is one S3 `PUT`) and says where.
async fn store_outputs(
    app: &App,
    id: JobId,
    upload_source: UploadSource,
    original_bytes: u64,
    processed: Processed,
) -> Result<Outputs, StoreError> {
    let Processed {
        source,
        placeholder,
        variants,
    } = processed;
    let stored = variants.into_iter().map(|variant| async move {
        let VariantImage {
            name,
            width,
            height,
            files,
        } = variant;
        let puts = files.into_iter().map(|file: Rendition| {
            app.images
                .put_variant_file(id, &name, file.encoding, file.bytes)
        });
        let files = futures_util::future::try_join_all(puts).await?;
        Ok::<_, StoreError>(VariantInfo {
            name,
            width,
            height,
            files,
        })
    });
    let variants = futures_util::future::try_join_all(stored).await?;
    Ok(Outputs {
        original: ImageStore::original_info(
            id,
            upload_source,
            source.width,
            source.height,
            original_bytes,
            source.kind.content_type(),
        ),
        variants,
        placeholder: Some(Placeholder {
            thumbhash: placeholder.thumbhash,
            color: placeholder.color,
        }),
        thumbnail: None,
        preview: None,
        optimized: None,
    })
}
