//! Triggered by the jobs table's stream: keeps the list table (the read model of
//! `GET /images`) in step with the jobs. Each record's new image becomes its job's list
//! entry; a deleted job, or one the TTL erased, becomes a tombstone. Every write is
//! conditional on the record's sequence number (`ferrotype_service::store::ListTable`),
//! so a batch delivered again, in whole or in part, changes nothing.
//!
//! Records are applied in stream order. The first that cannot be written (DynamoDB
//! failed) is reported in `batchItemFailures`, and Lambda delivers the batch again from
//! it; a record that cannot be read at all is logged and passed over, since no retry
//! would read it either.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use ferrotype_service::domain::{JobId, JobRecord, ListEntry, StreamSequence, StreamSequenceError};
use ferrotype_service::store::{DisplayErrorContext, ListTable, Projected, StoreError};
use time::OffsetDateTime;
use tracing::{error, info, warn};

/// What the projector needs, built once at init.
pub struct App {
    pub list: ListTable,
}

/// What one stream record asks of the list.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The job's entry as of this record.
    Entry(Box<ListEntry>),
    /// The job is gone (deleted, or erased by the TTL).
    Gone(JobId),
}

/// Why a stream record cannot be read; none of these passes with a retry.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("the record has no sequence number")]
    NoSequence,
    #[error(transparent)]
    Sequence(#[from] StreamSequenceError),
    #[error("the record's {image} image is not a job record")]
    Image {
        image: &'static str,
        #[source]
        source: serde_dynamo::Error,
    },
    #[error("the record has neither a new nor an old image")]
    NoImage,
}

/// The change `record` asks for, and its sequence number.
pub fn change_of(record: &EventRecord) -> Result<(Change, StreamSequence), RecordError> {
    let seq = record
        .change
        .sequence_number
        .as_deref()
        .ok_or(RecordError::NoSequence)?;
    let seq = StreamSequence::parse(seq)?;
    let image = |item: &serde_dynamo::Item, image: &'static str| {
        if item.is_empty() {
            return Ok(None);
        }
        serde_dynamo::from_item::<_, JobRecord>(item.clone())
            .map(Some)
            .map_err(|source| RecordError::Image { image, source })
    };
    let change = match image(&record.change.new_image, "new")? {
        Some(job) => match ListEntry::of(&job) {
            Some(entry) => Change::Entry(Box::new(entry)),
            None => Change::Gone(job.id),
        },
        // A REMOVE: the TTL erased the job (or its tombstone).
        None => {
            let old = image(&record.change.old_image, "old")?.ok_or(RecordError::NoImage)?;
            Change::Gone(old.id)
        }
    };
    Ok((change, seq))
}

/// Applies one batch in order; reports the first record that could not be written, so
/// Lambda delivers the batch again from it.
pub async fn handle(app: &App, event: Event) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    let (mut written, mut skipped) = (0usize, 0usize);
    for record in &event.records {
        let (change, seq) = match change_of(record) {
            Ok(change) => change,
            Err(err) => {
                // Not ours to fix by retrying: the record is passed over, loudly.
                error!(event_id = %record.event_id, error = %err, "a stream record cannot be read; passed over");
                continue;
            }
        };
        match apply(app, &change, &seq).await {
            Ok(Projected::Written) => written += 1,
            Ok(Projected::AlreadyNewer) => skipped += 1,
            Err(err) => {
                warn!(sequence = seq.as_str(), error = %DisplayErrorContext(&err), "projecting a change failed; the batch is delivered again from it");
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = record.change.sequence_number.clone();
                response.batch_item_failures.push(failure);
                break;
            }
        }
    }
    info!(
        records = event.records.len(),
        written, skipped, "stream batch projected"
    );
    response
}

async fn apply(app: &App, change: &Change, seq: &StreamSequence) -> Result<Projected, StoreError> {
    match change {
        Change::Entry(entry) => app.list.project(entry, seq).await,
        Change::Gone(id) => app.list.bury(*id, seq, OffsetDateTime::now_utc()).await,
    }
}
