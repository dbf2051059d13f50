//! Runs on a schedule and sends the message again for every job that has stayed `queued`
//! longer than it should: the upload's SQS send can fail after its DynamoDB write, and if
//! undoing that write fails too, the job would otherwise wait forever. A job that gets two
//! messages is processed once: the processor's conditional writes see to that.

use std::time::Duration;

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
}

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Sweep {
    pub stale: usize,
    pub requeued: usize,
    pub failed: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{failed} of {stale} stale jobs could not be enqueued again")]
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
    if sweep.failed > 0 {
        return Err(SweepError::Incomplete {
            stale: sweep.stale,
            failed: sweep.failed,
        });
    }
    Ok(sweep)
}
