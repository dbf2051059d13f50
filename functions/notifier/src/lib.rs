//! Triggered by the jobs table's stream: every start of processing and every end is told
//! to whoever the job names — a webhook attempt on the webhook queue, an event on the
//! EventBridge bus, an e-mail through SES — and nothing else is (see `ferrotype_notify`).
//! Every status change is also pushed to the browsers that watch the job (the live channel).
//!
//! No caller's notice may hold the stream back, since the stream carries every caller's
//! jobs: an e-mail or event that fails is sorted ([`ferrotype_notify::notice`]). A refusal
//! no retry can fix is kept on the job and skipped; any other failure is tried again from
//! the notice queue, which is this function's second trigger ([`handle_retries`]). Only a
//! failure to reach SQS (or the table) itself, which no caller causes, is reported to the
//! stream, so Lambda delivers the batch again from that record.

pub mod settings;

use std::time::{Duration, Instant};

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use ferrotype_notify::attempt::{QueueError, WebhookAttempt, WebhookQueue};
use ferrotype_notify::email::Mailer;
use ferrotype_notify::events::EventBus;
use ferrotype_notify::live::LiveChannel;
use ferrotype_notify::notice::{Failure, NoticeQueue, NoticeRetry};
use ferrotype_notify::payload::{JobSummary, WebhookPayload};
use ferrotype_notify::schedule::RetrySchedule;
use ferrotype_notify::transition::{self, Transition};
use ferrotype_service::domain::{
    JobStatus, NoticeChannel, NoticeDelivery, NoticeState, NotifyEmail, WebhookEvent,
};
use ferrotype_service::store::{DisplayErrorContext, JobTable, StoreError};
use time::OffsetDateTime;
use tracing::{error, info, warn};

/// What the notifier needs, built once at init.
pub struct App {
    pub webhooks: WebhookQueue,
    /// Where a failed notice is kept, and a retried e-mail finds its address.
    pub jobs: JobTable,
    /// Where e-mails and events wait to be tried again.
    pub notices: NoticeQueue,
    /// The delays before each try of a notice, the first included.
    pub notice_schedule: RetrySchedule,
    /// `None` when the stack has no bus (`EVENT_BUS_NAME` unset).
    pub events: Option<EventBus>,
    /// `None` when the stack sends no e-mail (`NOTIFY_EMAIL_FROM` unset).
    pub mailer: Option<Mailer>,
    /// `None` when the stack has no live channel (`CONNECTIONS_TABLE` unset).
    pub live: Option<LiveChannel>,
}

/// What stops a transition from being told now: never a caller's notice, only the stack's
/// own queues or table.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("queueing a webhook or a notice failed")]
    Queue(#[from] QueueError),
    #[error("keeping a notice's state on the job failed")]
    Record(#[from] StoreError),
}

/// The notifier's two triggers, the jobs table's stream and the notice queue, told apart
/// by their records' `eventSource` (`aws:dynamodb`, `aws:sqs`).
#[derive(Debug)]
pub enum Trigger {
    Sqs(SqsEvent),
    Stream(Event),
}

impl Trigger {
    pub fn read(payload: serde_json::Value) -> Result<Self, serde_json::Error> {
        let source = payload
            .pointer("/Records/0/eventSource")
            .and_then(|value| value.as_str());
        Ok(match source {
            Some("aws:sqs") => Self::Sqs(serde_json::from_value(payload)?),
            _ => Self::Stream(serde_json::from_value(payload)?),
        })
    }
}

/// The time an invocation keeps back after its last record: enough to answer Lambda.
const DEADLINE_MARGIN: Duration = Duration::from_secs(3);

/// The longest a batch's live pushes may take (and never past the deadline's margin).
const LIVE_PUSH_BOUND: Duration = Duration::from_secs(10);

/// Tells each transition in the batch, in table order. A record that could not be told
/// (the stack's queues or table failing), and every later one, are reported, so Lambda
/// delivers them again from there and nothing is told out of order; so are the records
/// left when the invocation nears `deadline`. Live pushes go last, bounded, and are never
/// reported.
pub async fn handle(app: &App, event: Event, deadline: Option<Instant>) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    let mut stopped = false;
    let mut pushes = Vec::new();
    for record in event.records {
        let sequence = record.change.sequence_number.clone().unwrap_or_default();
        if !stopped && deadline.is_some_and(|at| Instant::now() + DEADLINE_MARGIN >= at) {
            warn!(
                sequence,
                "the invocation nears its deadline; the rest of the batch comes again"
            );
            stopped = true;
        }
        if stopped {
            response.batch_item_failures.push(stream_failure(sequence));
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
            error!(job_id = %transition.job.id, event = %transition.event, error = %DisplayErrorContext(&err), "a transition could not be told; the stream will deliver it again");
            response.batch_item_failures.push(stream_failure(sequence));
            stopped = true;
        }
    }
    // Live pushes are best effort and come last, so they never delay a notification.
    if let (Some(live), false) = (&app.live, pushes.is_empty()) {
        let bound = Instant::now() + LIVE_PUSH_BOUND;
        let until = deadline.map_or(bound, |at| {
            bound.min(at.checked_sub(DEADLINE_MARGIN).unwrap_or(at))
        });
        let report = live
            .push_all(&pushes, tokio::time::Instant::from_std(until))
            .await;
        info!(
            jobs = pushes.len(),
            sent = report.sent,
            gone = report.gone,
            dropped = report.dropped,
            failed = report.failed,
            cut = report.cut,
            unread = report.unread,
            "statuses pushed"
        );
    }
    response
}

fn stream_failure(sequence: String) -> DynamoDbBatchItemFailure {
    let mut failure = DynamoDbBatchItemFailure::default();
    failure.item_identifier = Some(sequence);
    failure
}

/// Everything one transition tells. The webhook is only queued here (the `webhook`
/// function sends it); the event and the e-mail are tried once, and a failure is
/// [`settled`](settle) without waiting.
pub async fn notify(app: &App, transition: &Transition) -> Result<(), NotifyError> {
    let Transition { event, job } = transition;
    let payload = WebhookPayload::new(*event, job);
    let notify = job.notify.clone().unwrap_or_default();
    if notify.callback_url.is_some() {
        let attempt = WebhookAttempt::first(payload.clone(), OffsetDateTime::now_utc());
        app.webhooks.send(&attempt, Duration::ZERO).await?;
    }
    if app.events.is_some() {
        let result = send(app, NoticeChannel::Events, *event, &payload.data, None).await;
        if let Err(failure) = result {
            let retry =
                NoticeRetry::after_first(NoticeChannel::Events, *event, payload.data.clone());
            settle(app, &retry, 1, failure).await?;
        }
    }
    if let (Some(to), true) = (&notify.email, job.status.is_terminal()) {
        let result = send(app, NoticeChannel::Email, *event, &payload.data, Some(to)).await;
        if let Err(failure) = result {
            let retry =
                NoticeRetry::after_first(NoticeChannel::Email, *event, payload.data.clone());
            settle(app, &retry, 1, failure).await?;
        }
    }
    info!(job_id = %job.id, event = %event, "transition told");
    Ok(())
}

/// One try of one channel's notice. A channel the stack does not have sends nothing.
async fn send(
    app: &App,
    channel: NoticeChannel,
    event: WebhookEvent,
    job: &JobSummary,
    to: Option<&NotifyEmail>,
) -> Result<(), Failure> {
    match channel {
        NoticeChannel::Events => match &app.events {
            Some(bus) => bus.publish(event, job).await.map_err(|err| {
                warn!(job_id = %job.id, error = %DisplayErrorContext(&err), "publishing the event failed");
                err.failure()
            }),
            None => Ok(()),
        },
        NoticeChannel::Email => match (&app.mailer, to) {
            (Some(mailer), Some(to)) => mailer.send(to, job).await.map_err(|err| {
                warn!(job_id = %job.id, reason = %err.failure().reason(), "sending the e-mail failed");
                err.failure()
            }),
            _ => Ok(()),
        },
    }
}

/// What follows try `tried` of `retry`'s notice failing: a permanent failure, or the last
/// try's, is kept on the job as `failed`; any other queues the next try, after the
/// schedule's delay, and is kept as `retrying`.
async fn settle(
    app: &App,
    retry: &NoticeRetry,
    tried: u32,
    failure: Failure,
) -> Result<(), NotifyError> {
    let now = OffsetDateTime::now_utc();
    let mut delivery = NoticeDelivery {
        event: retry.event,
        state: NoticeState::Failed,
        attempts: tried,
        last_error: Some(failure.reason().to_string()),
        updated_at: now,
        next_attempt_at: None,
    };
    let next = match &failure {
        Failure::Permanent(_) => None,
        Failure::Transient(_) => app.notice_schedule.delay_before(tried + 1),
    };
    match next {
        Some(delay) => {
            let mut next = retry.clone();
            next.attempt = tried + 1;
            app.notices.send(&next, delay).await?;
            delivery.state = NoticeState::Retrying;
            delivery.next_attempt_at = Some(now + delay);
            info!(job_id = %retry.job.id, channel = %retry.channel, tried, retry_in_s = delay.as_secs(), "the notice will be tried again");
        }
        None => {
            warn!(job_id = %retry.job.id, channel = %retry.channel, tried, reason = failure.reason(), "the notice is not sent");
        }
    }
    app.jobs
        .record_notice(retry.job.id, retry.channel, &delivery)
        .await?;
    Ok(())
}

/// Tries again each notice of a batch from the notice queue. A notice whose outcome could
/// not be queued or kept is reported, so SQS delivers it again.
pub async fn handle_retries(app: &App, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for message in event.records {
        let id = message.message_id.clone().unwrap_or_default();
        if let Err(err) = retry(app, &message).await {
            error!(message_id = %id, error = %DisplayErrorContext(&err), "a notice retry will come again from the queue");
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            response.batch_item_failures.push(failure);
        }
    }
    response
}

async fn retry(app: &App, message: &SqsMessage) -> Result<(), NotifyError> {
    let body = message.body.as_deref().unwrap_or_default();
    let retry: NoticeRetry = match serde_json::from_str(body) {
        Ok(retry) => retry,
        Err(err) => {
            error!(error = %err, "dropping an unreadable notice retry");
            return Ok(());
        }
    };
    // A job deleted since is told nothing more; an e-mail goes to the address the job has.
    let Some(job) = app
        .jobs
        .get(retry.job.id)
        .await?
        .filter(|job| job.status != JobStatus::Deleted)
    else {
        info!(job_id = %retry.job.id, "the job is gone: no notice");
        return Ok(());
    };
    let to = job.notify.and_then(|notify| notify.email);
    match send(app, retry.channel, retry.event, &retry.job, to.as_ref()).await {
        Ok(()) => {
            let delivery = NoticeDelivery {
                event: retry.event,
                state: NoticeState::Delivered,
                attempts: retry.attempt,
                last_error: None,
                updated_at: OffsetDateTime::now_utc(),
                next_attempt_at: None,
            };
            app.jobs
                .record_notice(retry.job.id, retry.channel, &delivery)
                .await?;
            info!(job_id = %retry.job.id, channel = %retry.channel, attempt = retry.attempt, "the notice is sent");
            Ok(())
        }
        Err(failure) => settle(app, &retry, retry.attempt, failure).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_trigger_is_told_by_its_records_source() {
        let sqs = serde_json::json!({"Records": [{"eventSource": "aws:sqs", "body": "{}"}]});
        assert!(matches!(Trigger::read(sqs), Ok(Trigger::Sqs(batch)) if batch.records.len() == 1));
        let stream = serde_json::json!({"Records": [{"eventSource": "aws:dynamodb",
            "eventID": "e", "eventName": "MODIFY", "awsRegion": "us-east-1",
            "dynamodb": {"SequenceNumber": "1", "SizeBytes": 10, "StreamViewType": "NEW_AND_OLD_IMAGES",
                "Keys": {"id": {"S": "x"}}, "NewImage": {}, "OldImage": {}}}]});
        match Trigger::read(stream) {
            Ok(Trigger::Stream(batch)) => assert_eq!(batch.records.len(), 1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_stream_failure_names_its_record() {
        let failure = stream_failure("42".into());
        assert_eq!(failure.item_identifier.as_deref(), Some("42"));
    }
}
