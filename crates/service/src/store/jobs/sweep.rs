//! The sweeper's sparse index of waiting jobs, and the resends it claims. None of this
//! changes a job's status: a resend keeps the job `queued`, and the sweeper fails an
//! upload that never came through [`JobTable::fail_upload`].

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use time::OffsetDateTime;

use super::condition::STATUS;
use super::{attr, is_condition_failure, n, status, JobTable, StoreError};
use crate::domain::{JobId, JobStatus};

/// The sweeper's sparse index (`template.yaml`, and the local provisioning): partition key
/// `status`, sort key `sort_key` (a number, epoch seconds), keys only. An item is in it
/// only while it has `sort_key`, and every write that moves a job on removes that, so the
/// index holds the waiting jobs and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepIndex {
    pub name: &'static str,
    pub sort_key: &'static str,
}

/// What a sweeper's query found, and what it cost.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Due {
    pub ids: Vec<JobId>,
    /// Index items read (DynamoDB's `ScannedCount`): the due ones, not the table.
    pub items_read: usize,
    pub pages: usize,
}

/// A resend claimed by [`JobTable::claim_resend`]: what [`JobTable::release_resend`] needs
/// to put the job's previous send time back.
#[derive(Debug, Clone, PartialEq)]
pub struct ResendClaim {
    previous: AttributeValue,
    at: OffsetDateTime,
}

/// Index items per page of a sweeper's query. Small, so each request stays quick; a sweep
/// that finds more follows `LastEvaluatedKey`.
const SWEEP_PAGE: i32 = 100;

impl JobTable {
    /// Waiting jobs by [`crate::domain::JobRecord::sweep_from`]: `queued` ones by their
    /// last send, `awaiting_upload` ones by their deadline. One index, not one each:
    /// CloudFormation adds at most one index to an existing table per stack update.
    pub const SWEEP_INDEX: SweepIndex = SweepIndex {
        name: "by-sweep-from",
        sort_key: attr::SWEEP_FROM,
    };
    pub const SWEEP_INDEXES: [SweepIndex; 1] = [Self::SWEEP_INDEX];

    /// Direct uploads still `awaiting_upload` whose deadline passed before `cutoff`: a
    /// query of [`JobTable::SWEEP_INDEX`], which reads the due items only.
    pub async fn expired_uploads(&self, cutoff: OffsetDateTime) -> Result<Due, StoreError> {
        self.due(Self::SWEEP_INDEX, JobStatus::AwaitingUpload, "<", cutoff)
            .await
    }

    /// Jobs still `queued` whose message was last sent at or before `cutoff`: a message
    /// never sent, or lost, or given up on. A query of [`JobTable::SWEEP_INDEX`], which
    /// reads the due items only.
    pub async fn stale_queued(&self, cutoff: OffsetDateTime) -> Result<Due, StoreError> {
        self.due(Self::SWEEP_INDEX, JobStatus::Queued, "<=", cutoff)
            .await
    }

    /// The jobs in `index` with status `of` whose sort key is `compare` `cutoff`, page by
    /// page.
    async fn due(
        &self,
        index: SweepIndex,
        of: JobStatus,
        compare: &str,
        cutoff: OffsetDateTime,
    ) -> Result<Due, StoreError> {
        let mut pages = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index.name)
            .key_condition_expression(format!("{STATUS} = :status AND #due {compare} :cutoff"))
            .expression_attribute_names(STATUS, attr::STATUS)
            .expression_attribute_names("#due", index.sort_key)
            .expression_attribute_values(":status", status(of))
            .expression_attribute_values(":cutoff", n(cutoff.unix_timestamp()))
            .limit(SWEEP_PAGE)
            .into_paginator()
            .send();
        let mut due = Due::default();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| StoreError::dynamodb("Query", e))?;
            due.pages += 1;
            due.items_read += page.scanned_count.max(0) as usize;
            for item in page.items.unwrap_or_default() {
                if let Some(AttributeValue::S(id)) = item.get("id") {
                    match JobId::parse(id) {
                        Ok(id) => due.ids.push(id),
                        Err(err) => tracing::warn!(error = %err, "skipping a record with a bad id"),
                    }
                }
            }
        }
        Ok(due)
    }

    /// Claims the resend of a stale `queued` job: its message is marked sent at `now`,
    /// if it is still `queued` and its last send was at or before `cutoff` (an index read
    /// may be behind: another sweep, or a processor, may have moved it since). `None` if
    /// the job is not due any more.
    pub async fn claim_resend(
        &self,
        id: JobId,
        cutoff: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Option<ResendClaim>, StoreError> {
        let sweep = attr::SWEEP_FROM;
        let result = self
            .update(id)
            .update_expression(format!("SET {sweep} = :now"))
            .condition_expression(format!("{STATUS} = :queued AND {sweep} <= :cutoff"))
            .expression_attribute_names(STATUS, attr::STATUS)
            .expression_attribute_values(":queued", status(JobStatus::Queued))
            .expression_attribute_values(":now", n(now.unix_timestamp()))
            .expression_attribute_values(":cutoff", n(cutoff.unix_timestamp()))
            .return_values(ReturnValue::UpdatedOld)
            .send()
            .await;
        match result {
            Ok(output) => Ok(Some(ResendClaim {
                previous: output
                    .attributes
                    .and_then(|mut old| old.remove(sweep))
                    .unwrap_or_else(|| n(0)),
                at: now,
            })),
            Err(err) if is_condition_failure(&err) => Ok(None),
            Err(err) => Err(StoreError::dynamodb("UpdateItem", err)),
        }
    }

    /// Undoes [`JobTable::claim_resend`] after the send failed, so the next sweep tries
    /// again instead of waiting a whole window. Nothing happens if the job moved since.
    pub async fn release_resend(&self, id: JobId, claim: ResendClaim) -> Result<(), StoreError> {
        let sweep = attr::SWEEP_FROM;
        let result = self
            .update(id)
            .update_expression(format!("SET {sweep} = :previous"))
            .condition_expression(format!("{STATUS} = :queued AND {sweep} = :claimed"))
            .expression_attribute_names(STATUS, attr::STATUS)
            .expression_attribute_values(":queued", status(JobStatus::Queued))
            .expression_attribute_values(":previous", claim.previous)
            .expression_attribute_values(":claimed", n(claim.at.unix_timestamp()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_condition_failure(&err) => Ok(()),
            Err(err) => Err(StoreError::dynamodb("UpdateItem", err)),
        }
    }
}
