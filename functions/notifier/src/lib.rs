//! Triggered by the jobs table's stream: every start of processing and every end is told
//! to whoever the job names — a webhook attempt on the webhook queue, an event on the
//! EventBridge bus, an e-mail through SES — and nothing else is (see `ferrotype_notify`).
//! Every status change is also pushed to the browsers that watch the job (the live channel).
//!
//! No caller's notice may hold the stream back, since the stream carries every caller's
//! jobs: the stream's handler ([`handle`]) only queues, and the e-mails and events are tried
//! from the notice queue, this function's second trigger ([`handle_notices`]). A failed try
//! is sorted ([`ferrotype_notify::notice`]): a refusal no retry can fix is kept on the job
//! and dropped, any other is queued again with backoff. Only a failure to reach SQS itself,
//! which no caller causes, is reported to the stream, so Lambda delivers the batch again
//! from that record.

pub mod settings;

use std::time::{Duration, Instant};

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use ferrotype_notify::attempt::{QueueError, WebhookAttempt, WebhookQueue};
use ferrotype_notify::email::Mailer;
use ferrotype_notify::events::EventBus;
use ferrotype_notify::live::LiveChannel;
use ferrotype_notify::notice::{Failure, Notice, NoticeQueue};
use ferrotype_notify::payload::{JobSummary, WebhookPayload};
use ferrotype_notify::schedule::RetrySchedule;
use ferrotype_notify::transition::{self, Transition};
use ferrotype_service::domain::{
    JobStatus, NoticeChannel, NoticeDelivery, NoticeState, NotifyEmail, WebhookEvent,
};
use ferrotype_service::store::{DisplayErrorContext, JobTable, StoreError};
use futures_util::stream::{self, StreamExt};
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

/// Jobs told at once. Each job's transitions are told in table order, one after another;
/// different jobs' transitions do not wait for each other.
const CONCURRENCY: usize = 16;

/// Tells each transition in the batch: each job's in table order, different jobs at once.
/// When a transition cannot be told (the stack's queues or table failing), it and every
/// later record of the batch are reported, so Lambda delivers them again from there and
/// no job is told out of order (a transition told twice carries the same webhook id); so
/// are the transitions not yet started when the invocation nears `deadline`. The live
/// pushes run beside the telling, bounded, and are never reported.
pub async fn handle(app: &App, event: Event, deadline: Option<Instant>) -> DynamoDbEventResponse {
    let sequences: Vec<String> = event
        .records
        .iter()
        .map(|record| record.change.sequence_number.clone().unwrap_or_default())
        .collect();
    let mut transitions = Vec::new();
    let mut pushes = Vec::new();
    for (index, record) in event.records.iter().enumerate() {
        let (old, new) = match transition::images(record) {
            Ok(images) => images,
            Err(err) => {
                // Not a job record: no retry could read it either.
                error!(sequence = sequences[index], error = %DisplayErrorContext(&err), "skipping an unreadable stream record");
                continue;
            }
        };
        if let Some(job) = &new {
            if transition::status_changed(old.as_ref(), Some(job)) {
                pushes.push(JobSummary::from(job));
            }
        }
        if let Some(event) = transition::event_of(old.as_ref(), new.as_ref()) {
            let job = new.expect("an event has a new image");
            transitions.push((index, Transition { event, job }));
        }
    }

    let tell = stream::iter(by_job(transitions))
        .map(|group| async move {
            for (index, transition) in group {
                if deadline.is_some_and(|at| Instant::now() + DEADLINE_MARGIN >= at) {
                    warn!(job_id = %transition.job.id, "the invocation nears its deadline; the rest of the batch comes again");
                    return Some(index);
                }
                if let Err(err) = notify(app, &transition).await {
                    error!(job_id = %transition.job.id, event = %transition.event, error = %DisplayErrorContext(&err), "a transition could not be told; the stream will deliver it again");
                    return Some(index);
                }
            }
            None
        })
        .buffer_unordered(CONCURRENCY)
        .filter_map(std::future::ready)
        .collect::<Vec<usize>>();
    let push = async {
        let Some(live) = app.live.as_ref().filter(|_| !pushes.is_empty()) else {
            return;
        };
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
    };
    let (untold, ()) = tokio::join!(tell, push);

    let mut response = DynamoDbEventResponse::default();
    if let Some(first) = untold.into_iter().min() {
        response.batch_item_failures = sequences[first..]
            .iter()
            .cloned()
            .map(stream_failure)
            .collect();
    }
    response
}

/// The transitions grouped by job, each group in table order, the groups in the order of
/// their first transition.
fn by_job(transitions: Vec<(usize, Transition)>) -> Vec<Vec<(usize, Transition)>> {
    let mut groups: Vec<Vec<(usize, Transition)>> = Vec::new();
    let mut group_of = std::collections::HashMap::new();
    for (index, transition) in transitions {
        let group = *group_of.entry(transition.job.id).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push((index, transition));
    }
    groups
}

fn stream_failure(sequence: String) -> DynamoDbBatchItemFailure {
    let mut failure = DynamoDbBatchItemFailure::default();
    failure.item_identifier = Some(sequence);
    failure
}

/// Everything one transition tells, as messages on queues only, so telling a batch takes
/// a few SQS sends per job whatever SES or EventBridge are doing: the webhook attempt goes
/// to the webhook queue (the `webhook` function sends it), and the e-mail and the event
/// of a job's end to the notice queue, where [`handle_notices`] makes their first try.
pub async fn notify(app: &App, transition: &Transition) -> Result<(), NotifyError> {
    let Transition { event, job } = transition;
    let payload = WebhookPayload::new(*event, job);
    let notify = job.notify.clone().unwrap_or_default();
    if notify.callback_url.is_some() {
        let attempt = WebhookAttempt::first(payload.clone(), OffsetDateTime::now_utc());
        app.webhooks.send(&attempt, Duration::ZERO).await?;
    }
    // Only a job's end is an event or an e-mail.
    if job.status.is_terminal() {
        let channels = [
            (NoticeChannel::Events, app.events.is_some()),
            (
                NoticeChannel::Email,
                app.mailer.is_some() && notify.email.is_some(),
            ),
        ];
        for (channel, wanted) in channels {
            if wanted {
                let first = Notice::first(channel, *event, payload.data.clone());
                app.notices.send(&first, Duration::ZERO).await?;
            }
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

/// What follows `notice`'s try failing: a permanent failure, or the schedule's last try's,
/// is kept on the job as `failed`; any other queues the next try, after the schedule's
/// delay, and is kept as `retrying`.
async fn settle(app: &App, notice: &Notice, failure: Failure) -> Result<(), NotifyError> {
    let now = OffsetDateTime::now_utc();
    let mut delivery = NoticeDelivery {
        event: notice.event,
        state: NoticeState::Failed,
        attempts: notice.attempt,
        last_error: Some(failure.reason().to_string()),
        updated_at: now,
        next_attempt_at: None,
    };
    let next = match &failure {
        Failure::Permanent(_) => None,
        Failure::Transient(_) => app.notice_schedule.delay_before(notice.attempt + 1),
    };
    match next {
        Some(delay) => {
            app.notices.send(&notice.next(), delay).await?;
            delivery.state = NoticeState::Retrying;
            delivery.next_attempt_at = Some(now + delay);
            info!(job_id = %notice.job.id, channel = %notice.channel, tried = notice.attempt, retry_in_s = delay.as_secs(), "the notice will be tried again");
        }
        None => {
            warn!(job_id = %notice.job.id, channel = %notice.channel, tried = notice.attempt, reason = failure.reason(), "the notice is not sent");
        }
    }
    app.jobs
        .record_notice(notice.job.id, notice.channel, &delivery)
        .await?;
    Ok(())
}

/// Tries each notice of a batch from the notice queue, at once. A notice whose outcome
/// could not be queued or kept, or that was not started before the invocation neared
/// `deadline`, is reported, so SQS delivers it again.
pub async fn handle_notices(
    app: &App,
    event: SqsEvent,
    deadline: Option<Instant>,
) -> SqsBatchResponse {
    let failed: Vec<String> = stream::iter(event.records)
        .map(|message| async move {
            let id = message.message_id.clone().unwrap_or_default();
            if deadline.is_some_and(|at| Instant::now() + DEADLINE_MARGIN >= at) {
                warn!(message_id = %id, "the invocation nears its deadline; the notice comes again");
                return Some(id);
            }
            match try_notice(app, &message).await {
                Ok(()) => None,
                Err(err) => {
                    error!(message_id = %id, error = %DisplayErrorContext(&err), "a notice will come again from the queue");
                    Some(id)
                }
            }
        })
        .buffer_unordered(NOTICE_CONCURRENCY)
        .filter_map(std::future::ready)
        .collect()
        .await;
    let mut response = SqsBatchResponse::default();
    for id in failed {
        let mut failure = BatchItemFailure::default();
        failure.item_identifier = id;
        response.batch_item_failures.push(failure);
    }
    response
}

/// Notices tried at once: a whole SQS batch. Each try is bounded (5 s a call), so a batch
/// takes about one try's time.
const NOTICE_CONCURRENCY: usize = 10;

/// One try of the notice `message` carries.
async fn try_notice(app: &App, message: &SqsMessage) -> Result<(), NotifyError> {
    let body = message.body.as_deref().unwrap_or_default();
    let notice: Notice = match serde_json::from_str(body) {
        Ok(notice) => notice,
        Err(err) => {
            error!(error = %err, "dropping an unreadable notice");
            return Ok(());
        }
    };
    // A job deleted since is told nothing more; an e-mail goes to the address the job has.
    let Some(job) = app
        .jobs
        .get(notice.job.id)
        .await?
        .filter(|job| job.status != JobStatus::Deleted)
    else {
        info!(job_id = %notice.job.id, "the job is gone: no notice");
        return Ok(());
    };
    let to = job.notify.and_then(|notify| notify.email);
    match send(app, notice.channel, notice.event, &notice.job, to.as_ref()).await {
        // Sent at the first try: nothing to keep.
        Ok(()) if notice.attempt == 1 => Ok(()),
        Ok(()) => {
            let delivery = NoticeDelivery {
                event: notice.event,
                state: NoticeState::Delivered,
                attempts: notice.attempt,
                last_error: None,
                updated_at: OffsetDateTime::now_utc(),
                next_attempt_at: None,
            };
            app.jobs
                .record_notice(notice.job.id, notice.channel, &delivery)
                .await?;
            info!(job_id = %notice.job.id, channel = %notice.channel, attempt = notice.attempt, "the notice is sent");
            Ok(())
        }
        Err(failure) => settle(app, &notice, failure).await,
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
    fn transitions_are_grouped_by_job_in_table_order() {
        use ferrotype_service::domain::{JobId, JobRecord, OriginalUpload};
        let now = OffsetDateTime::now_utc();
        let job = |id: JobId| JobRecord::queued(id, OriginalUpload::inline("image/png", 1), now);
        let (a, b) = (JobId::new_random(), JobId::new_random());
        let told = |index: usize, id: JobId, event: WebhookEvent| {
            (
                index,
                Transition {
                    event,
                    job: job(id),
                },
            )
        };
        let groups = by_job(vec![
            told(0, a, WebhookEvent::Processing),
            told(2, b, WebhookEvent::Processing),
            told(3, a, WebhookEvent::Completed),
            told(5, b, WebhookEvent::Failed),
        ]);
        let shape: Vec<Vec<(usize, JobId, WebhookEvent)>> = groups
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|(index, t)| (*index, t.job.id, t.event))
                    .collect()
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                vec![
                    (0, a, WebhookEvent::Processing),
                    (3, a, WebhookEvent::Completed)
                ],
                vec![
                    (2, b, WebhookEvent::Processing),
                    (5, b, WebhookEvent::Failed)
                ],
            ]
        );
    }

    #[test]
    fn a_stream_failure_names_its_record() {
        let failure = stream_failure("42".into());
        assert_eq!(failure.item_identifier.as_deref(), Some("42"));
    }
}
