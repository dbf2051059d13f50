//! Runs on a schedule and sends the message again for every job that has stayed `queued`
//! longer than it should: the upload's SQS send can fail after its DynamoDB write, and if
//! undoing that write fails too, the job would otherwise wait forever. A job that gets two
//! messages is processed once: the processor's conditional writes see to that.
//!
//! It also settles every direct upload whose URL expired a while ago: one whose object
//! came (and whose S3 notification was lost) starts its job; one whose object never came
//! ends `failed` with `upload_expired`.

use std::time::Duration;

use ferrotype_service::direct_upload::{DirectUploads, Settled, Trigger};
use ferrotype_service::domain::JobMessage;
use ferrotype_service::store::{DisplayErrorContext, JobQueue, JobTable, StoreError};
use serde::Serialize;
use time::OffsetDateTime;
use tracing::{info, warn};

pub struct App {
    pub jobs: JobTable,
    pub queue: JobQueue,
    /// How long a job may stay `queued` before it counts as lost.
    pub stale_after: Duration,
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
    pub failed: usize,
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
    Scan(#[from] StoreError),
}

/// Enqueues every stale `queued` job again. Fails (so the schedule's retry and alarms see
/// it) if any job could not be enqueued.
pub async fn sweep(app: &App, now: OffsetDateTime) -> Result<Sweep, SweepError> {
    let cutoff = now - app.stale_after;
    let stale = app.jobs.stale_queued(cutoff).await?;
    let mut sweep = Sweep {
        stale: stale.len(),
        ..Sweep::default()
    };
    for id in stale {
        match app.queue.enqueue(&JobMessage::new(id)).await {
            Ok(()) => {
                info!(job_id = %id, "stale queued job enqueued again");
                sweep.requeued += 1;
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
    sweep.overdue_uploads = overdue.len();
    for id in overdue {
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
