//! The e-mail and the event of a job's end. The stream must never wait for one caller's
//! notice, so the notifier only queues each one on the notice queue and tries it from
//! there. A failure is sorted: one that no retry can fix (SES refusing the address) is
//! kept on the job and dropped, and one that may pass is queued again, with backoff.

use std::time::Duration;

use ferrotype_service::domain::{NoticeChannel, WebhookEvent};
use serde::{Deserialize, Serialize};

use crate::attempt::{send_delayed, QueueError, MAX_QUEUE_DELAY};
use crate::payload::JobSummary;
use crate::schedule::RetrySchedule;

/// Why a notice was not sent, sorted by whether trying again can help. The words never
/// hold an address or a credential: they are kept on the job and logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No retry can fix it: recorded on the job, and the notice is dropped.
    Permanent(String),
    /// A later try may pass: throttling, a server error, a timeout.
    Transient(String),
}

impl Failure {
    pub fn reason(&self) -> &str {
        match self {
            Self::Permanent(reason) | Self::Transient(reason) => reason,
        }
    }
}

/// The delays before each try of a notice, the first included: at once, then after 10 s,
/// 1 min, 5 min and 15 min (five tries over 21 minutes; SQS delays a message 15 min at
/// most, so no delay may be longer).
pub fn standard_schedule() -> RetrySchedule {
    RetrySchedule::parse("0,10,60,300,900").expect("a valid schedule")
}

/// Whether every delay of `schedule` fits in one SQS delay.
pub fn fits_the_queue(schedule: &RetrySchedule) -> bool {
    (1..=schedule.attempts()).all(|n| schedule.delay_before(n) <= Some(MAX_QUEUE_DELAY))
}

/// Try `attempt` (1 is the first) of telling `event` of `job` on `channel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub version: u32,
    pub channel: NoticeChannel,
    pub event: WebhookEvent,
    pub attempt: u32,
    /// The job as the transition showed it: a retry tells what the first try would have.
    pub job: JobSummary,
}

impl Notice {
    pub const VERSION: u32 = 1;

    /// The first try.
    pub fn first(channel: NoticeChannel, event: WebhookEvent, job: JobSummary) -> Self {
        Self {
            version: Self::VERSION,
            channel,
            event,
            attempt: 1,
            job,
        }
    }

    pub fn next(&self) -> Self {
        Self {
            attempt: self.attempt + 1,
            ..self.clone()
        }
    }
}

/// The notice queue: every try of an e-mail or event waits in it, and the notifier reads it.
#[derive(Debug, Clone)]
pub struct NoticeQueue {
    client: aws_sdk_sqs::Client,
    queue_url: String,
}

impl NoticeQueue {
    pub fn new(client: aws_sdk_sqs::Client, queue_url: impl Into<String>) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
        }
    }

    /// Sends `notice`, hidden for `delay` (15 minutes at most).
    pub async fn send(&self, notice: &Notice, delay: Duration) -> Result<(), QueueError> {
        let body = serde_json::to_string(notice).expect("a notice serializes");
        send_delayed(&self.client, &self.queue_url, "notice", body, delay).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrotype_service::domain::{JobId, JobRecord, OriginalUpload};
    use time::OffsetDateTime;

    #[test]
    fn the_standard_schedule_fits_the_queue_and_a_longer_one_does_not() {
        let schedule = standard_schedule();
        assert_eq!(schedule.attempts(), 5);
        assert!(fits_the_queue(&schedule));
        assert!(!fits_the_queue(&RetrySchedule::parse("0,901").unwrap()));
    }

    #[test]
    fn a_retry_reads_back_and_counts_its_tries() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let job = JobRecord::queued(
            JobId::new_random(),
            OriginalUpload::inline("image/png", 1),
            now,
        );
        let retry = Notice::first(
            NoticeChannel::Email,
            WebhookEvent::Completed,
            JobSummary::from(&job),
        );
        assert_eq!(retry.attempt, 1);
        assert_eq!(retry.next().attempt, 2);
        let text = serde_json::to_string(&retry).unwrap();
        assert!(text.contains(r#""channel":"email""#), "{text}");
        assert_eq!(serde_json::from_str::<Notice>(&text).unwrap(), retry);
    }
}
