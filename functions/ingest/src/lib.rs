//! Triggered by the queue that S3's event notifications go to: each `ObjectCreated` event
//! under `originals/direct/` is a direct upload's object, and
//! [`DirectUploads::settle`](ferrotype_service::direct_upload::DirectUploads::settle)
//! decides whether it starts its job.
//!
//! S3 delivers each event at least once and may batch several records in one message;
//! a message whose records could not all be settled (S3, DynamoDB or SQS failed) is
//! reported as a batch item failure, so SQS delivers it again. A duplicate notification
//! (a new message) of a job already past `awaiting_upload` changes and sends nothing; only
//! a message SQS delivers again (`ApproximateReceiveCount` above one) may send a `queued`
//! job's message again, in case the failed attempt did not.

pub mod settings;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use ferrotype_service::direct_upload::{DirectUploads, Settled, Trigger};
use ferrotype_service::domain::JobId;
use ferrotype_service::store::{DisplayErrorContext, ImageStore};
use serde::Deserialize;
use time::OffsetDateTime;
use tracing::{error, info, warn};

pub struct App {
    pub uploads: DirectUploads,
}

/// The parts of an S3 event notification this function reads. Its own small type rather
/// than `aws_lambda_events`' `S3Event`, which requires fields (`userIdentity`,
/// `requestParameters`) that emulators leave out.
#[derive(Debug, Deserialize)]
struct Notification {
    #[serde(rename = "Records", default)]
    records: Vec<NotificationRecord>,
    /// `s3:TestEvent`, sent once when the notification is configured.
    #[serde(rename = "Event")]
    event: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NotificationRecord {
    #[serde(default)]
    event_name: String,
    s3: NotificationEntity,
}

#[derive(Debug, Deserialize)]
struct NotificationEntity {
    bucket: Option<NotificationBucket>,
    object: NotificationObject,
}

#[derive(Debug, Deserialize)]
struct NotificationBucket {
    name: String,
}

#[derive(Debug, Deserialize)]
struct NotificationObject {
    /// URL-encoded as in an HTML form (`+` for a space).
    key: String,
}

/// The direct uploads to `bucket` that an SQS message body reports, or why it reports
/// none. Records of other buckets are ignored: the queue's policy lets any bucket of the
/// account send (`template.yaml` says why).
pub fn uploads_in(body: &str, bucket: &str) -> Result<Vec<JobId>, serde_json::Error> {
    let notification: Notification = serde_json::from_str(body)?;
    if notification.event.as_deref() == Some("s3:TestEvent") {
        return Ok(Vec::new());
    }
    Ok(notification
        .records
        .iter()
        .filter(|record| record.event_name.starts_with("ObjectCreated:"))
        .filter(|record| record.s3.bucket.as_ref().is_none_or(|b| b.name == bucket))
        .filter_map(|record| {
            let key = record.s3.object.key.replace('+', " ");
            let key = percent_encoding::percent_decode_str(&key)
                .decode_utf8()
                .ok()?;
            ImageStore::direct_upload_job(&key)
        })
        .collect())
}

/// Settles every upload each message reports.
pub async fn handle(app: &App, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for message in event.records {
        let message_id = message.message_id.clone().unwrap_or_default();
        let body = message.body.as_deref().unwrap_or_default();
        let ids = match uploads_in(body, app.uploads.images.bucket()) {
            Ok(ids) => ids,
            Err(err) => {
                // Delivering it again cannot make it readable.
                error!(message_id, error = %err, "dropping a message that is not an S3 event notification");
                continue;
            }
        };
        let trigger = trigger_of(&message.attributes);
        let mut failed = false;
        for id in ids {
            match app
                .uploads
                .settle(id, trigger, OffsetDateTime::now_utc())
                .await
            {
                Ok(settled) => log(id, settled),
                Err(err) => {
                    warn!(job_id = %id, error = %DisplayErrorContext(&err), "could not settle a direct upload; it will be delivered again");
                    failed = true;
                }
            }
        }
        if failed {
            let mut item = BatchItemFailure::default();
            item.item_identifier = message_id;
            response.batch_item_failures.push(item);
        }
    }
    response
}

/// A first delivery is [`Trigger::Notified`]; one SQS makes again after an attempt that
/// failed or timed out is [`Trigger::Retried`]. Without the attribute (it is always there in
/// Lambda), the message is taken as a retry, which at worst sends a message twice.
pub fn trigger_of(attributes: &std::collections::HashMap<String, String>) -> Trigger {
    match attributes
        .get("ApproximateReceiveCount")
        .and_then(|count| count.parse::<u32>().ok())
    {
        Some(1) => Trigger::Notified,
        _ => Trigger::Retried,
    }
}

fn log(id: JobId, settled: Settled) {
    match settled {
        Settled::Queued => info!(job_id = %id, "direct upload queued"),
        other => info!(job_id = %id, outcome = ?other, "direct upload notification handled"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_created_events_under_the_direct_prefix_name_their_jobs() {
        let id = JobId::new_random();
        // S3 itself leaves slashes as they are; moto encodes them.
        for key in [
            format!("originals/direct/{id}"),
            format!("originals%2Fdirect%2F{id}"),
        ] {
            let body = serde_json::json!({"Records": [
                {"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key, "size": 5}}},
                {"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": key}}},
                {"eventName": "ObjectCreated:Put", "s3": {"object": {"key": format!("originals/{id}")}}},
                {"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "originals/direct/not-an-id"}}},
            ]});
            assert_eq!(
                uploads_in(&body.to_string(), "b").unwrap(),
                vec![id],
                "{key}"
            );
        }
    }

    #[test]
    fn only_a_message_sqs_delivers_again_is_a_retry() {
        let with = |count: &str| {
            std::collections::HashMap::from([(
                "ApproximateReceiveCount".to_string(),
                count.to_string(),
            )])
        };
        assert_eq!(trigger_of(&with("1")), Trigger::Notified);
        assert_eq!(trigger_of(&with("2")), Trigger::Retried);
        assert_eq!(trigger_of(&with("x")), Trigger::Retried);
        assert_eq!(trigger_of(&Default::default()), Trigger::Retried);
    }

    #[test]
    fn the_test_event_names_nothing_and_garbage_is_an_error() {
        let test = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-12-03T10:00:00.000Z","Bucket":"b"}"#;
        assert_eq!(uploads_in(test, "b").unwrap(), Vec::<JobId>::new());
        assert!(uploads_in("not json", "b").is_err());
        assert!(uploads_in(r#"{"Records":[{"s3":{}}]}"#, "b").is_err());
    }

    #[test]
    fn another_buckets_events_are_ignored() {
        let id = JobId::new_random();
        let event = |bucket: &str| {
            serde_json::json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {
                "bucket": {"name": bucket}, "object": {"key": format!("originals/direct/{id}")}
            }}]})
            .to_string()
        };
        assert_eq!(uploads_in(&event("ours"), "ours").unwrap(), vec![id]);
        assert!(uploads_in(&event("theirs"), "ours").unwrap().is_empty());
    }

    #[test]
    fn the_sample_event_in_events_names_its_job() {
        let sample = include_str!("../../../events/s3-direct-upload.json");
        let sqs: SqsEvent = serde_json::from_str(sample).unwrap();
        let body = sqs.records[0].body.as_deref().unwrap();
        let ids = uploads_in(body, "ferrotype-images-123456789012").unwrap();
        assert_eq!(ids.len(), 1);
    }
}
