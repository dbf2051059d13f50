//! One webhook attempt, as a message on the webhook queue.

use ferrotype_service::domain::{JobId, WebhookEvent};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::payload::WebhookPayload;

/// Attempt `attempt` (1 is the first) of delivering `payload` for job `job_id`, not before
/// `not_before`. The queue delays a message 15 minutes at most, so a later attempt is sent
/// again, with the time left, until it is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookAttempt {
    pub version: u32,
    pub job_id: JobId,
    pub event: WebhookEvent,
    pub attempt: u32,
    #[serde(with = "time::serde::timestamp")]
    pub not_before: OffsetDateTime,
    pub payload: WebhookPayload,
}

/// The longest delay SQS gives a message.
pub const MAX_QUEUE_DELAY: std::time::Duration = std::time::Duration::from_secs(900);

impl WebhookAttempt {
    pub const VERSION: u32 = 1;

    pub fn first(payload: WebhookPayload, now: OffsetDateTime) -> Self {
        Self {
            version: Self::VERSION,
            job_id: payload.data.id,
            event: payload.event,
            attempt: 1,
            not_before: now,
            payload,
        }
    }

    /// The next attempt, due `delay` after `now`.
    pub fn next(&self, now: OffsetDateTime, delay: std::time::Duration) -> Self {
        Self {
            attempt: self.attempt + 1,
            not_before: now + delay,
            ..self.clone()
        }
    }

    /// How long the queue should still hold the message: zero when it is due.
    pub fn wait(&self, now: OffsetDateTime) -> std::time::Duration {
        let left = self.not_before - now;
        if left <= time::Duration::ZERO {
            return std::time::Duration::ZERO;
        }
        std::time::Duration::try_from(left)
            .unwrap_or(MAX_QUEUE_DELAY)
            .min(MAX_QUEUE_DELAY)
    }
}

/// The webhook queue, which the `webhook` function reads.
#[derive(Debug, Clone)]
pub struct WebhookQueue {
    client: aws_sdk_sqs::Client,
    queue_url: String,
}

#[derive(Debug, thiserror::Error)]
#[error("SQS SendMessage to the {queue} queue failed")]
pub struct QueueError {
    queue: &'static str,
    #[source]
    source: Box<aws_sdk_sqs::Error>,
}

impl WebhookQueue {
    pub fn new(client: aws_sdk_sqs::Client, queue_url: impl Into<String>) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
        }
    }

    /// Sends `attempt`, hidden for `delay` (15 minutes at most).
    pub async fn send(
        &self,
        attempt: &WebhookAttempt,
        delay: std::time::Duration,
    ) -> Result<(), QueueError> {
        let body = serde_json::to_string(attempt).expect("an attempt serializes");
        send_delayed(&self.client, &self.queue_url, "webhook", body, delay).await
    }
}

/// Sends `body` to the queue at `queue_url`, hidden for `delay` (15 minutes at most).
pub(crate) async fn send_delayed(
    client: &aws_sdk_sqs::Client,
    queue_url: &str,
    queue: &'static str,
    body: String,
    delay: std::time::Duration,
) -> Result<(), QueueError> {
    client
        .send_message()
        .queue_url(queue_url)
        .message_body(body)
        .delay_seconds(delay.min(MAX_QUEUE_DELAY).as_secs() as i32)
        .send()
        .await
        .map_err(|err| QueueError {
            queue,
            source: Box::new(err.into()),
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrotype_service::domain::{JobRecord, OriginalUpload};
    use std::time::Duration;

    #[test]
    fn a_later_attempt_waits_in_steps_the_queue_can_hold() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let job = JobRecord::queued(
            JobId::new_random(),
            OriginalUpload::inline("image/png", 1),
            now,
        );
        let first = WebhookAttempt::first(WebhookPayload::new(WebhookEvent::Processing, &job), now);
        assert_eq!(first.wait(now), Duration::ZERO);
        let later = first.next(now, Duration::from_secs(7_200));
        assert_eq!(later.attempt, 2);
        assert_eq!(later.wait(now), MAX_QUEUE_DELAY);
        assert_eq!(
            later.wait(now + time::Duration::seconds(7_000)),
            Duration::from_secs(200)
        );
        assert_eq!(later.wait(now + time::Duration::hours(3)), Duration::ZERO);
        let json = serde_json::to_string(&later).unwrap();
        assert_eq!(
            serde_json::from_str::<WebhookAttempt>(&json).unwrap(),
            later
        );
    }
}
