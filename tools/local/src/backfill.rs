//! The jobs table's one-off migration for records written before the sweeper's index
//! existed (`backfill-sweep-index`; see docs/reliability.md). It lives with its tool, not
//! in the service's store: no function ever runs it.

use aws_sdk_dynamodb::types::AttributeValue;
use ferrotype_service::domain::JobStatus;
use ferrotype_service::store::{is_condition_failure, JobTable};

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
