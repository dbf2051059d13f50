//! One-off migrations, each with its tool, not in the service's store (no function ever
//! runs them): the jobs written before the sweeper's index existed (`backfill-sweep-index`;
//! see docs/reliability.md), and the jobs written before the list's projector
//! (`backfill-list`).

use aws_sdk_dynamodb::types::AttributeValue;
use ferrotype_service::domain::{JobRecord, JobStatus, ListEntry, StreamSequence};
use ferrotype_service::store::{is_condition_failure, JobTable, ListTable, Projected, StoreError};

/// Every waiting job without a sweep time gets one, so the next sweep finds it: a `queued`
/// job the epoch (when its message was sent is unknown), an `awaiting_upload` one its
/// deadline. A full scan, run once after the deploy; it may be repeated. Returns how many
/// records it marked.
pub async fn index_unmarked_waiting(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Result<usize, aws_sdk_dynamodb::Error> {
    let sweep = JobTable::SWEEP_INDEX.sort_key;
    let queued = AttributeValue::S(JobStatus::Queued.as_str().into());
    let awaiting = AttributeValue::S(JobStatus::AwaitingUpload.as_str().into());
    let mut pages = client
        .scan()
        .table_name(table)
        .filter_expression(format!(
            "attribute_not_exists({sweep}) AND #status IN (:queued, :awaiting)"
        ))
        .projection_expression("id, #status")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":queued", queued.clone())
        .expression_attribute_values(":awaiting", awaiting)
        .into_paginator()
        .items()
        .send();
    let mut marked = 0;
    while let Some(item) = pages.next().await {
        let item = item?;
        let (Some(AttributeValue::S(id)), Some(found)) = (item.get("id"), item.get("status"))
        else {
            continue;
        };
        let request = client
            .update_item()
            .table_name(table)
            .key("id", AttributeValue::S(id.clone()))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":was", found.clone());
        let request = if *found == queued {
            request
                .update_expression(format!("SET {sweep} = :epoch"))
                .condition_expression(format!("#status = :was AND attribute_not_exists({sweep})"))
                .expression_attribute_values(":epoch", AttributeValue::N("0".into()))
        } else {
            request
                .update_expression(format!("SET {sweep} = upload_expires_at"))
                .condition_expression(format!(
                    "#status = :was AND attribute_not_exists({sweep}) \
                     AND attribute_exists(upload_expires_at)"
                ))
        };
        match request.send().await {
            Ok(_) => marked += 1,
            // Moved on (or marked) since the scan read it.
            Err(err) if is_condition_failure(&err) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(marked)
}

/// What [`list_existing_jobs`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    /// Jobs put into the list.
    pub listed: usize,
    /// Jobs the list had already (from the stream, or an earlier run).
    pub present: usize,
    /// Deleted jobs, which no list shows.
    pub deleted: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum BackfillError {
    #[error("scanning the jobs table failed")]
    Scan(#[source] Box<aws_sdk_dynamodb::Error>),
    #[error("a job record could not be read")]
    Record(#[source] serde_dynamo::Error),
    #[error("writing the list failed")]
    List(#[source] StoreError),
}

/// Puts every job of `jobs_table` that the list table lacks into it, as of a change older
/// than any the stream carries (sequence number 0): a job the projector has listed, or
/// buried, keeps what the projector wrote. For a stack whose jobs predate the projector
/// (the stream holds 24 hours); a full scan, run once after the deploy; it may be repeated.
pub async fn list_existing_jobs(
    client: &aws_sdk_dynamodb::Client,
    jobs_table: &str,
    list: &ListTable,
) -> Result<Listed, BackfillError> {
    let before_any_change = StreamSequence::parse("0").expect("0 is a sequence number");
    let mut pages = client
        .scan()
        .table_name(jobs_table)
        .into_paginator()
        .items()
        .send();
    let mut done = Listed::default();
    while let Some(item) = pages.next().await {
        let item = item.map_err(|e| BackfillError::Scan(Box::new(e.into())))?;
        let record: JobRecord = serde_dynamo::from_item(item).map_err(BackfillError::Record)?;
        let Some(entry) = ListEntry::of(&record) else {
            done.deleted += 1;
            continue;
        };
        match list
            .project(&entry, &before_any_change)
            .await
            .map_err(BackfillError::List)?
        {
            Projected::Written => done.listed += 1,
            Projected::AlreadyNewer => done.present += 1,
        }
    }
    Ok(done)
}
