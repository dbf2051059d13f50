//! Triggered by the jobs table's stream: every start of processing and every end is told
//! to whoever the job names — a webhook attempt on the webhook queue, an event on the
//! EventBridge bus, an e-mail through SES — and nothing else is (see `ferrotype_notify`).
//! Every status change is also pushed to the browsers that watch the job (the live channel).
//!
//! Stream records come in table order per job. A record whose notifications could not all
//! be sent is reported with its sequence number, and Lambda delivers the batch again from
//! there: each transition is told at least once, and a repeat carries the same webhook id.

pub mod settings;

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use ferrotype_notify::attempt::{WebhookAttempt, WebhookQueue};
use ferrotype_notify::email::Mailer;
use ferrotype_notify::events::EventBus;
use ferrotype_notify::live::LiveChannel;
use ferrotype_notify::payload::{JobSummary, WebhookPayload};
use ferrotype_notify::transition::{self, Transition};
use ferrotype_service::store::DisplayErrorContext;
use time::OffsetDateTime;
use tracing::{error, info};

/// What the notifier needs, built once at init.
pub struct App {
    pub webhooks: WebhookQueue,
    /// `None` when the stack has no bus (`EVENT_BUS_NAME` unset).
    pub events: Option<EventBus>,
    /// `None` when the stack sends no e-mail (`NOTIFY_EMAIL_FROM` unset).
    pub mailer: Option<Mailer>,
    /// `None` when the stack has no live channel (`CONNECTIONS_TABLE` unset).
    pub live: Option<LiveChannel>,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("queueing the webhook failed")]
    Webhook(#[from] ferrotype_notify::attempt::QueueError),
    #[error("publishing the event failed")]
    Event(#[from] ferrotype_notify::events::EventError),
    #[error("sending the e-mail failed")]
    Email(#[from] ferrotype_notify::email::EmailError),
}

/// Tells each transition in the batch. At the first record that fails, it and every later
/// one are reported, so Lambda retries from there and nothing is told out of order.
pub async fn handle(app: &App, event: Event) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    let mut failed = false;
    let mut pushes = Vec::new();
    for record in event.records {
        let sequence = record.change.sequence_number.clone().unwrap_or_default();
        if failed {
            response.batch_item_failures.push(failure(sequence));
            continue;
        }
        let (old, new) = match transition::images(&record) {
            Ok(images) => images,
            Err(err) => {
                // Not a job record: no retry could read it either.
                error!(sequence, error = %DisplayErrorContext(&err), "skipping an unreadable stream record");
                continue;
            }
        };
        if let Some(job) = &new {
            if transition::status_changed(old.as_ref(), Some(job)) {
                pushes.push(JobSummary::from(job));
            }
        }
        let Some(event) = transition::event_of(old.as_ref(), new.as_ref()) else {
            continue;
        };
        let transition = Transition {
            event,
            job: new.expect("an event has a new image"),
        };
        if let Err(err) = notify(app, &transition).await {
            error!(job_id = %transition.job.id, event = %transition.event, error = %DisplayErrorContext(&err), "a notification failed; the stream will deliver it again");
            response.batch_item_failures.push(failure(sequence));
            failed = true;
        }
    }
    // Live pushes are best effort and come last, so they never delay a notification.
    if let (Some(live), false) = (&app.live, pushes.is_empty()) {
        let report = live.push_all(&pushes).await;
        info!(jobs = pushes.len(), sent = report.sent, failed = report.failed, "statuses pushed");
    }
    response
}

fn failure(sequence: String) -> DynamoDbBatchItemFailure {
    let mut failure = DynamoDbBatchItemFailure::default();
    failure.item_identifier = Some(sequence);
    failure
}

/// Everything one transition tells.
pub async fn notify(app: &App, transition: &Transition) -> Result<(), NotifyError> {
    let Transition { event, job } = transition;
    let payload = WebhookPayload::new(*event, job);
    let notify = job.notify.clone().unwrap_or_default();
    if notify.callback_url.is_some() {
        let attempt = WebhookAttempt::first(payload.clone(), OffsetDateTime::now_utc());
        app.webhooks
            .send(&attempt, std::time::Duration::ZERO)
            .await?;
    }
    if let Some(events) = &app.events {
        events.publish(*event, &payload.data).await?;
    }
    if let (Some(mailer), Some(to), true) = (&app.mailer, &notify.email, job.status.is_terminal()) {
        mailer.send(to, &payload.data).await?;
    }
    info!(job_id = %job.id, event = %event, "transition told");
    Ok(())
}
