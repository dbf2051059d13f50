//! Triggered by the webhook queue: one attempt per message. A due attempt is signed with
//! the job owner's secrets only ([`ferrotype_notify::secrets`]: the current one and a
//! previous one still in its overlap) and sent ([`ferrotype_notify::delivery`]); its outcome is kept on the job (the status
//! document shows it), and a failed one is queued again for the next time on the schedule.
//! An attempt not yet due goes back to the queue with the time left (SQS holds a message
//! 15 minutes at most).

pub mod settings;

use std::time::Duration;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use ferrotype_notify::attempt::{WebhookAttempt, WebhookQueue};
use ferrotype_notify::delivery::{Outcome, Sender};
use ferrotype_notify::schedule::RetrySchedule;
use ferrotype_notify::secrets::SigningSecrets;
use ferrotype_service::domain::{CallerId, DeliveryState, JobStatus, WebhookDelivery};
use ferrotype_service::store::{DisplayErrorContext, JobTable};
use futures_util::stream::{self, StreamExt};
use time::OffsetDateTime;
use tracing::{error, info, warn, Instrument};

/// What the webhook function needs, built once at init.
pub struct App {
    pub jobs: JobTable,
    pub queue: WebhookQueue,
    /// Each caller's signing secrets, decrypted and kept a short while.
    pub secrets: SigningSecrets,
    pub sender: Sender,
    pub schedule: RetrySchedule,
}

/// The callers whose decrypted secrets one instance keeps at most.
pub const SECRET_CACHE_CALLERS: usize = 1000;

/// Attempts sent at once. Each is bounded by the sender's timeout, so a batch of ten takes
/// at most about one timeout.
const CONCURRENCY: usize = 10;

/// Runs each attempt of the batch; an attempt whose follow-up could not be queued (or whose
/// secret could not be read) is reported, so SQS delivers it again.
pub async fn handle(app: &App, event: SqsEvent) -> SqsBatchResponse {
    let failures: Vec<Option<String>> = stream::iter(event.records)
        .map(|message| async move {
            let id = message.message_id.clone().unwrap_or_default();
            match attempt(app, &message).await {
                Ok(()) => None,
                Err(err) => {
                    error!(message_id = %id, error = %err, "a webhook attempt will be retried by the queue");
                    Some(id)
                }
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut response = SqsBatchResponse::default();
    for id in failures.into_iter().flatten() {
        let mut failure = BatchItemFailure::default();
        failure.item_identifier = id;
        response.batch_item_failures.push(failure);
    }
    response
}

async fn attempt(app: &App, message: &SqsMessage) -> Result<(), String> {
    let body = message.body.as_deref().unwrap_or_default();
    let attempt: WebhookAttempt = match serde_json::from_str(body) {
        Ok(attempt) => attempt,
        Err(err) => {
            error!(error = %err, "dropping an unreadable webhook attempt");
            return Ok(());
        }
    };
    let span = tracing::info_span!("webhook", job_id = %attempt.job_id, event = %attempt.event, attempt = attempt.attempt);
    run(app, attempt).instrument(span).await
}

async fn run(app: &App, attempt: WebhookAttempt) -> Result<(), String> {
    let now = OffsetDateTime::now_utc();
    let wait = attempt.wait(now);
    if wait > Duration::from_secs(1) {
        return app
            .queue
            .send(&attempt, wait)
            .await
            .map_err(|err| DisplayErrorContext(&err).to_string());
    }
    let job = app
        .jobs
        .get(attempt.job_id)
        .await
        .map_err(|err| DisplayErrorContext(&err).to_string())?;
    // A job deleted (or erased) since, or with no receiver, is told nothing more.
    let Some((owner, url)) = job
        .filter(|job| job.status != JobStatus::Deleted)
        .and_then(|job| Some((job.owner, job.notify?.callback_url?)))
    else {
        info!("the job is gone: no webhook");
        return Ok(());
    };
    // Signed for its owner only: a receiver that knows another caller's secret cannot
    // verify it. A job from before callers belongs to the anonymous caller.
    let owner = owner.unwrap_or_else(CallerId::anonymous);
    let keys = app
        .secrets
        .keys(&owner, now)
        .await
        .map_err(|err| DisplayErrorContext(&err).to_string())?;
    let id = attempt.payload.message_id();
    let body = serde_json::to_string(&attempt.payload).expect("a payload serializes");
    let outcome = app
        .sender
        .send(&url, &keys, &id, now.unix_timestamp(), body)
        .await;
    let mut delivery = WebhookDelivery {
        state: DeliveryState::Pending,
        attempts: attempt.attempt,
        last_attempt_at: Some(now),
        last_status: None,
        last_error: None,
        next_attempt_at: None,
    };
    match outcome {
        Outcome::Delivered { status } => {
            delivery.state = DeliveryState::Delivered;
            delivery.last_status = Some(status);
            info!(status, "webhook delivered");
        }
        Outcome::Gone => {
            delivery.state = DeliveryState::Gone;
            delivery.last_status = Some(410);
            info!("the receiver answered 410 Gone: no more attempts");
        }
        Outcome::Refused { reason } => {
            delivery.state = DeliveryState::Failed;
            warn!(reason, "webhook refused");
            delivery.last_error = Some(reason);
        }
        Outcome::Retry { status, reason } => {
            delivery.last_status = status;
            match app.schedule.delay_before(attempt.attempt + 1) {
                Some(delay) => {
                    let next = attempt.next(now, delay);
                    delivery.next_attempt_at = Some(next.not_before);
                    app.queue
                        .send(&next, next.wait(now))
                        .await
                        .map_err(|err| DisplayErrorContext(&err).to_string())?;
                    warn!(
                        reason,
                        retry_in_s = delay.as_secs(),
                        "webhook attempt failed"
                    );
                }
                None => {
                    delivery.state = DeliveryState::Failed;
                    warn!(reason, "the last webhook attempt failed");
                }
            }
            delivery.last_error = Some(reason);
        }
    }
    let kept = app
        .jobs
        .record_webhook(attempt.job_id, attempt.event, &delivery)
        .await
        .map_err(|err| DisplayErrorContext(&err).to_string())?;
    if !kept {
        info!("the delivery state was not kept (the job is gone, or a later attempt wrote it)");
    }
    Ok(())
}
