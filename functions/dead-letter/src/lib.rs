//! Triggered by the dead-letter queue: a job whose message failed `maxReceiveCount` times
//! will never be processed, so it is marked `failed` with [`FailureCode::RetriesExhausted`]
//! instead of staying `queued` or `processing` forever.
//!
//! Except a job that another delivery holds under a live lease (its message was sent again
//! by the sweeper, or came twice): that delivery may still finish it. Its dead letter is
//! reported as failed, so it stays on the dead-letter queue and comes back after the
//! queue's visibility timeout, when the job is finished (nothing to do) or its lease has
//! lapsed (it is failed then).

pub mod settings;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use ferrotype_service::domain::{FailureCode, JobError, JobMessage, JobStatus};
use ferrotype_service::store::{DisplayErrorContext, JobTable, Transition};
use time::OffsetDateTime;
use tracing::{error, info, warn};

pub struct App {
    pub jobs: JobTable,
}

/// Marks the job of each dead-lettered message `failed`; a message whose update could not
/// be written, or whose job is held under a live lease, is reported, so it stays on the
/// dead-letter queue and is tried again.
pub async fn handle(app: &App, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    let mut held = 0;
    for message in event.records {
        let message_id = message.message_id.clone().unwrap_or_default();
        let receives = message
            .attributes
            .get("ApproximateReceiveCount")
            .cloned()
            .unwrap_or_else(|| "several".into());
        let job = match JobMessage::parse(message.body.as_deref().unwrap_or_default()) {
            Ok(job) => job,
            Err(err) => {
                error!(message_id, error = %DisplayErrorContext(&err), "dropping an unreadable dead letter");
                continue;
            }
        };
        let failure = JobError::new(
            FailureCode::RetriesExhausted,
            format!("processing failed {receives} times in a row; the job was given up"),
        );
        match app
            .jobs
            .fail_unfinished(job.job_id, &failure, OffsetDateTime::now_utc())
            .await
        {
            Ok(Transition::Applied) => {
                ferrotype_service::metrics::job_failed(failure.code);
                warn!(job_id = %job.job_id, receives, "job given up after repeated failures")
            }
            // Refused while `processing`: a live lease (the only such refusal).
            Ok(Transition::Rejected {
                current: Some(record),
            }) if record.status == JobStatus::Processing => {
                info!(job_id = %job.job_id, "dead letter for a job held under a live lease; kept for later");
                held += 1;
                keep(&mut response, message_id);
            }
            Ok(Transition::Rejected { current }) => info!(
                job_id = %job.job_id,
                status = ?current.map(|r| r.status),
                "dead letter for a job that is already finished or unknown"
            ),
            Err(err) => {
                error!(job_id = %job.job_id, error = %DisplayErrorContext(&err), "could not mark a dead-lettered job failed");
                keep(&mut response, message_id);
            }
        }
    }
    if held > 0 {
        info!(held, "dead letters kept for jobs held under a live lease");
    }
    response
}

/// Reports `message_id` as failed: it stays on the dead-letter queue for another try.
fn keep(response: &mut SqsBatchResponse, message_id: String) {
    let mut item = BatchItemFailure::default();
    item.item_identifier = message_id;
    response.batch_item_failures.push(item);
}
