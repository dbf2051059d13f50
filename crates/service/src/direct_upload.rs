//! What happens when a direct upload's object is in S3, or its deadline has passed: the
//! one place that decides whether the object becomes a job's original. The `ingest`
//! function calls it for each S3 event notification, the sweeper for each upload past its
//! deadline (which also covers a notification S3 never delivered).
//!
//! S3 delivers notifications at least once, in any order, so every step is conditional
//! and may be repeated: the job moves `awaiting_upload → queued` once, and a repeated
//! notification of a job past `awaiting_upload` changes nothing and sends nothing. Only
//! when the same notification comes back after an attempt of ours failed (SQS's receive
//! count above one) may the job's message not have been sent; then it is sent again (the
//! processor's lease makes two messages one run). The presigned `PUT` writes its object
//! once (`If-None-Match: *`), so no later object can follow a checked one.

use time::OffsetDateTime;
use tracing::info;

use crate::domain::{FailureCode, JobError, JobId, JobMessage, JobStatus, UploadSource};
use crate::store::{ImageStore, JobQueue, JobTable, StoreError, Transition};

/// The stores and the limit a direct upload is checked against.
#[derive(Debug, Clone)]
pub struct DirectUploads {
    pub images: ImageStore,
    pub jobs: JobTable,
    pub queue: JobQueue,
    /// `MAX_DIRECT_UPLOAD_BYTES`, checked again on the stored object.
    pub max_bytes: u64,
}

/// Why the check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// S3 reported the object (a first delivery of its notification, or a duplicate S3
    /// sent).
    Notified,
    /// The same notification again, after an attempt at it failed or timed out: the job
    /// may be `queued` without its message sent.
    Retried,
    /// The upload's deadline has passed (the sweeper).
    DeadlinePassed,
}

/// What the check did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// The object is what was declared: the job is `queued` and its message sent.
    Queued,
    /// The job was already `queued` and the notification is a retry of ours: its message
    /// was sent again.
    Requeued,
    /// The job was already `queued` and the notification a duplicate: nothing was done.
    AlreadyQueued,
    /// The job is past waiting (`processing`, `completed`, or failed while processing):
    /// nothing to do.
    AlreadyTaken,
    /// The object was not what was declared: the job is `failed` with this code and the
    /// object is deleted.
    Rejected(FailureCode),
    /// The object came for no job, a deleted one, or one whose upload had expired: it is
    /// deleted.
    Discarded,
    /// No object yet, and the deadline has not passed: nothing to do.
    NotYet,
    /// No object by the deadline: the job is `failed` with `upload_expired`.
    Expired,
}

/// How many leading bytes are read to sniff the type (WebP needs 12; a HEIF file's `ftyp`
/// box lists its brands within its first few dozen).
const SNIFF_BYTES: u64 = 64;

impl DirectUploads {
    /// Settles job `id`'s direct upload: see [`Settled`].
    pub async fn settle(
        &self,
        id: JobId,
        trigger: Trigger,
        now: OffsetDateTime,
    ) -> Result<Settled, StoreError> {
        // A conditional write refused by a concurrent change (a delete, the sweeper, a
        // duplicate notification) is followed by one more look at the record as it is now.
        let mut tries = 0;
        loop {
            tries += 1;
            // Boxed: the SDK calls' futures nest deep enough to exceed the compiler's
            // layout recursion limit in the functions that await this one.
            match Box::pin(self.settle_once(id, trigger, now)).await? {
                Step::Done(settled) => return Ok(settled),
                Step::Changed if tries < 3 => continue,
                Step::Changed => return Ok(Settled::AlreadyTaken),
            }
        }
    }

    async fn settle_once(
        &self,
        id: JobId,
        trigger: Trigger,
        now: OffsetDateTime,
    ) -> Result<Step, StoreError> {
        let Some(record) = self.jobs.get(id).await? else {
            // No session ever named this key (or its record is gone with retention).
            return self.discard(id).await;
        };
        match record.status {
            JobStatus::AwaitingUpload if record.upload.source == UploadSource::Direct => {}
            JobStatus::AwaitingUpload => return Ok(Step::Done(Settled::AlreadyTaken)),
            JobStatus::Queued if trigger == Trigger::Retried => {
                // Our earlier attempt moved the job but may have died before its send.
                self.queue.enqueue(&JobMessage::new(id)).await?;
                return Ok(Step::Done(Settled::Requeued));
            }
            // A duplicate notification: the first one's attempt moved the job and sent its
            // message (or failed, and comes back as `Retried`; the sweeper resends a job
            // left `queued` in any case).
            JobStatus::Queued => return Ok(Step::Done(Settled::AlreadyQueued)),
            JobStatus::Deleted => return self.discard(id).await,
            JobStatus::Failed
                if record
                    .error
                    .as_ref()
                    .is_some_and(|e| e.code.refuses_direct_upload()) =>
            {
                // The URL was used after the session ended, or a refused object's delete
                // did not happen the first time.
                return self.discard(id).await;
            }
            JobStatus::Processing | JobStatus::Completed | JobStatus::Failed => {
                return Ok(Step::Done(Settled::AlreadyTaken))
            }
        }

        let declared = &record.upload;
        let Some(size) = self.images.original_size(id, UploadSource::Direct).await? else {
            if trigger != Trigger::DeadlinePassed {
                // Deleted since S3 reported it; a delete of the job removes it too.
                return Ok(Step::Done(Settled::NotYet));
            }
            let error = JobError::new(
                FailureCode::UploadExpired,
                "the image was not uploaded before the upload URL expired",
            );
            return Ok(match self.jobs.fail_upload(id, &error, now).await? {
                Transition::Applied => {
                    crate::metrics::job_failed(error.code);
                    info!(job_id = %id, "direct upload expired without its object");
                    Step::Done(Settled::Expired)
                }
                Transition::Rejected { .. } => Step::Changed,
            });
        };

        let refusal = if size != declared.bytes {
            Some(JobError::new(
                FailureCode::UploadSizeMismatch,
                format!(
                    "the uploaded object has {size} bytes, not the {} declared",
                    declared.bytes
                ),
            ))
        } else if size > self.max_bytes {
            Some(JobError::new(
                FailureCode::ImageTooLarge,
                format!(
                    "direct uploads of up to {} bytes are accepted",
                    self.max_bytes
                ),
            ))
        } else {
            let head = self
                .images
                .original_prefix(id, UploadSource::Direct, SNIFF_BYTES)
                .await?;
            let sniffed = ferrotype_format::sniff(&head);
            let matches = sniffed.is_some_and(|kind| kind.matches_declared(&declared.content_type));
            (!matches).then(|| {
                JobError::new(
                    FailureCode::UploadTypeMismatch,
                    match sniffed {
                        Some(kind) => format!(
                            "the uploaded object is {}, not the {} declared",
                            kind.content_type(),
                            declared.content_type
                        ),
                        None => format!(
                            "the uploaded object is not an image of the {} declared",
                            declared.content_type
                        ),
                    },
                )
            })
        };

        if let Some(error) = refusal {
            return Ok(match self.jobs.fail_upload(id, &error, now).await? {
                Transition::Applied => {
                    crate::metrics::job_failed(error.code);
                    info!(job_id = %id, code = %error.code, reason = %error.message, "direct upload refused");
                    self.images.delete_direct_upload(id).await?;
                    Step::Done(Settled::Rejected(error.code))
                }
                Transition::Rejected { .. } => Step::Changed,
            });
        }
        match self.jobs.mark_uploaded(id, now).await? {
            Transition::Applied => {
                self.queue.enqueue(&JobMessage::new(id)).await?;
                crate::metrics::job_accepted(UploadSource::Direct);
                info!(job_id = %id, bytes = size, "direct upload received; job queued");
                Ok(Step::Done(Settled::Queued))
            }
            Transition::Rejected { .. } => Ok(Step::Changed),
        }
    }

    async fn discard(&self, id: JobId) -> Result<Step, StoreError> {
        self.images.delete_direct_upload(id).await?;
        info!(job_id = %id, "an uploaded object no job waits for was deleted");
        Ok(Step::Done(Settled::Discarded))
    }
}

/// One look at the record: finished, or refused by a concurrent change.
enum Step {
    Done(Settled),
    Changed,
}
