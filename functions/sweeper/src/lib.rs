//! Runs on a schedule and sends the message again for every job that has stayed `queued`
//! longer than it should: the upload's SQS send can fail after its DynamoDB write, and if
//! undoing that write fails too, the job would otherwise wait forever. A job that gets two
//! messages is processed once: the processor's conditional writes see to that.
//!
//! Both kinds of job are found with a query of a sparse index that holds the waiting jobs
//! only (never a scan of the table), and a job is sent again only once its last message
//! can no longer be in flight: see `resend_after` and docs/reliability.md.
//!
//! It also settles every direct upload whose URL expired a while ago: one whose object
//! came (and whose S3 notification was lost) starts its job; one whose object never came
//! ends `failed` with `upload_expired`.

pub mod settings;

use std::time::Duration;

use ferrotype_service::direct_upload::{DirectUploads, Settled, Trigger};
use ferrotype_service::domain::{JobId, JobMessage};
use ferrotype_service::store::{DisplayErrorContext, JobQueue, JobTable, StoreError};
use serde::Serialize;
use time::OffsetDateTime;
use tracing::{info, warn};

pub struct App {
    pub jobs: JobTable,
    pub queue: JobQueue,
    /// How long after its message was last sent a job still `queued` counts as lost. Until
    /// then the message may be in flight: waiting, or received and retried, up to
    /// `maxReceiveCount` times a visibility timeout before it is dead-lettered (whose
    /// handler ends the job). Sending again sooner would only double the queue's work.
    pub resend_after: Duration,
    pub uploads: DirectUploads,
    /// How long after its URL expired a direct upload is settled: the last `PUT` may
    /// still be finishing, and its notification on the way.
    pub upload_grace: Duration,
}

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Sweep {
    pub stale: usize,
    pub requeued: usize,
    /// Stale in the index but not any more when claimed: taken by a processor, or sent
    /// again by another sweep, since the index was read (it is eventually consistent).
    pub skipped: usize,
    pub failed: usize,
    /// Index items the sweep read: the due jobs only, however large the table.
    pub items_read: usize,
    /// Direct uploads past their deadline and grace.
    pub overdue_uploads: usize,
    /// Of those, the ones whose object had come: now queued (or refused, if not what was
    /// declared).
    pub late_uploads: usize,
    /// Of those, the ones that ended `upload_expired`.
    pub expired_uploads: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{failed} of {stale} stale jobs or overdue uploads could not be settled")]
    Incomplete { stale: usize, failed: usize },
    #[error("listing stale jobs failed")]
    List(#[from] StoreError),
}

/// Enqueues every stale `queued` job again. Fails (so the schedule's retry and alarms see
/// it) if any job could not be enqueued.
pub async fn sweep(app: &App, now: OffsetDateTime) -> Result<Sweep, SweepError> {
    let cutoff = now - app.resend_after;
    let stale = app.jobs.stale_queued(cutoff).await?;
    let mut sweep = Sweep {
        stale: stale.ids.len(),
        items_read: stale.items_read,
        ..Sweep::default()
    };
    for id in stale.ids {
        match resend(app, id, cutoff, now).await {
            Ok(true) => {
                info!(job_id = %id, "stale queued job enqueued again");
                sweep.requeued += 1;
            }
            Ok(false) => {
                info!(job_id = %id, "stale job moved on or was sent again since the index was read");
                sweep.skipped += 1;
            }
            Err(err) => {
                warn!(job_id = %id, error = %DisplayErrorContext(&err), "could not enqueue a stale job");
                sweep.failed += 1;
            }
        }
    }
    let overdue = app
        .uploads
        .jobs
        .expired_uploads(now - app.upload_grace)
        .await?;
    sweep.overdue_uploads = overdue.ids.len();
    sweep.items_read += overdue.items_read;
    for id in overdue.ids {
        match app.uploads.settle(id, Trigger::DeadlinePassed, now).await {
            Ok(Settled::Expired) => sweep.expired_uploads += 1,
            Ok(Settled::Queued | Settled::Rejected(_)) => {
                info!(job_id = %id, "a direct upload's object came without its notification");
                sweep.late_uploads += 1;
            }
            Ok(_) => {}
            Err(err) => {
                warn!(job_id = %id, error = %DisplayErrorContext(&err), "could not settle an overdue direct upload");
                sweep.failed += 1;
            }
        }
    }
    if sweep.failed > 0 {
        return Err(SweepError::Incomplete {
            stale: sweep.stale + sweep.overdue_uploads,
            failed: sweep.failed,
        });
    }
    Ok(sweep)
}

/// Sends job `id`'s message again if it is still due: `false` if it is not. The send time is
/// claimed first, with a consistent conditional write, so that two sweeps (or one behind
/// the index) never both send; if the send then fails, the claim is put back so the next
/// sweep tries again.
async fn resend(
    app: &App,
    id: JobId,
    cutoff: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let Some(claim) = app.jobs.claim_resend(id, cutoff, now).await? else {
        return Ok(false);
    };
    if let Err(err) = app.queue.enqueue(&JobMessage::new(id)).await {
        if let Err(undo) = app.jobs.release_resend(id, claim).await {
            // The job waits one more window before its next resend.
            warn!(job_id = %id, error = %DisplayErrorContext(&undo), "could not release a failed resend");
        }
        return Err(err);
    }
    Ok(true)
}
