//! Which notification a change to a job record is, read from the table's stream.

use aws_lambda_events::event::dynamodb::EventRecord;
use ferrotype_service::domain::{JobRecord, JobStatus, WebhookEvent};

/// A job that started processing or ended, as the write that did it left it.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub event: WebhookEvent,
    pub job: JobRecord,
}

#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    #[error("the stream record's {image} image is not a job record")]
    Image {
        image: &'static str,
        #[source]
        source: serde_dynamo::Error,
    },
}

/// The event a change from `old` to `new` is, if any: a status that is new and is
/// `processing`, `completed` or `failed`. A write that keeps the status (a lease taken over,
/// a webhook's delivery state, a resend's claim) is none, and so is a deletion.
pub fn event_of(old: Option<&JobRecord>, new: Option<&JobRecord>) -> Option<WebhookEvent> {
    let new = new?;
    if old.is_some_and(|old| old.status == new.status) {
        return None;
    }
    match new.status {
        JobStatus::Processing => Some(WebhookEvent::Processing),
        JobStatus::Completed => Some(WebhookEvent::Completed),
        JobStatus::Failed => Some(WebhookEvent::Failed),
        JobStatus::AwaitingUpload | JobStatus::Queued | JobStatus::Deleted => None,
    }
}

/// Whether a change gives an existing job a new status (`queued` included, `deleted` not):
/// what the live channel shows. A creation is not one: nobody can watch a job before it
/// exists, and whoever subscribes later is sent its state then.
pub fn status_changed(old: Option<&JobRecord>, new: Option<&JobRecord>) -> bool {
    match (old, new) {
        (_, None) => false,
        (_, Some(new)) if new.status == JobStatus::Deleted => false,
        (Some(old), Some(new)) => old.status != new.status,
        (None, Some(_)) => false,
    }
}

/// A stream record's old and new job records. The stream must carry both images
/// (`NEW_AND_OLD_IMAGES`).
pub fn images(
    record: &EventRecord,
) -> Result<(Option<JobRecord>, Option<JobRecord>), TransitionError> {
    let image = |item: &serde_dynamo::Item, image: &'static str| {
        if item.is_empty() {
            return Ok(None);
        }
        serde_dynamo::from_item::<_, JobRecord>(item.clone())
            .map(Some)
            .map_err(|source| TransitionError::Image { image, source })
    };
    Ok((
        image(&record.change.old_image, "old")?,
        image(&record.change.new_image, "new")?,
    ))
}

/// The transition a stream record holds, if any.
pub fn of_record(record: &EventRecord) -> Result<Option<Transition>, TransitionError> {
    let (old, new) = images(record)?;
    Ok(
        event_of(old.as_ref(), new.as_ref()).map(|event| Transition {
            event,
            job: new.expect("an event has a new image"),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrotype_service::domain::{JobId, OriginalUpload};
    use time::OffsetDateTime;

    fn record(status: JobStatus) -> JobRecord {
        let mut record = JobRecord::queued(
            JobId::new_random(),
            OriginalUpload::inline("image/png", 1),
            OffsetDateTime::UNIX_EPOCH,
        );
        record.status = status;
        record
    }

    #[test]
    fn a_new_status_of_processing_or_an_end_is_an_event() {
        use JobStatus::*;
        let cases = [
            (Queued, Processing, Some(WebhookEvent::Processing)),
            (Processing, Completed, Some(WebhookEvent::Completed)),
            (Processing, Failed, Some(WebhookEvent::Failed)),
            (AwaitingUpload, Failed, Some(WebhookEvent::Failed)),
            (AwaitingUpload, Queued, None),
            (Completed, Deleted, None),
            // A lease taken over after a processor died: the same start, not a new one.
            (Processing, Processing, None),
            // A webhook's delivery state written on a finished job.
            (Completed, Completed, None),
        ];
        for (from, to, event) in cases {
            assert_eq!(
                event_of(Some(&record(from)), Some(&record(to))),
                event,
                "{from} -> {to}"
            );
        }
        assert_eq!(event_of(None, Some(&record(Queued))), None);
        assert_eq!(event_of(Some(&record(Completed)), None), None);
    }

    #[test]
    fn the_live_channel_sees_every_new_status_but_deletion() {
        use JobStatus::*;
        assert!(status_changed(
            Some(&record(AwaitingUpload)),
            Some(&record(Queued))
        ));
        assert!(status_changed(
            Some(&record(Processing)),
            Some(&record(Completed))
        ));
        assert!(!status_changed(None, Some(&record(AwaitingUpload))));
        assert!(!status_changed(
            Some(&record(Processing)),
            Some(&record(Processing))
        ));
        assert!(!status_changed(
            Some(&record(Completed)),
            Some(&record(Deleted))
        ));
        assert!(!status_changed(Some(&record(Completed)), None));
    }
}
