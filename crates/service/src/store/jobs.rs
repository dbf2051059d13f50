use std::time::Duration;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{is_condition_failure, StoreError};
use crate::domain::{
    CallerId, JobError, JobId, JobRecord, JobStatus, Outputs, WebhookDelivery, WebhookEvent,
};

/// Job records in DynamoDB. Every status change is a conditional write, so a duplicate or
/// late delivery cannot move a job backwards or write it twice.
#[derive(Debug, Clone)]
pub struct JobTable {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// What happened when a processor tried to take a job.
#[derive(Debug, Clone, PartialEq)]
pub enum StartOutcome {
    /// The job is now `processing` and owned by the caller's lease.
    Started(Box<JobRecord>),
    /// The job already reached a terminal state: nothing to do.
    AlreadyFinished(JobStatus),
    /// Another processor holds a live lease on the job.
    Busy,
    /// No such job.
    Missing,
}

/// What taking back a `queued` record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undo {
    /// The record was `queued` and is gone: nothing refers to the original any more.
    Removed,
    /// The record had left `queued` (a processor took the job) and stays.
    Taken,
}

/// Whether a conditional status change was applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    Applied,
    /// The condition did not hold; `current` is the record as it is now (if any).
    Rejected {
        current: Option<Box<JobRecord>>,
    },
}

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

const STATUS: &str = "#status";

/// Index items per page of a sweeper's query. Small, so each request stays quick; a sweep
/// that finds more follows `LastEvaluatedKey`.
const SWEEP_PAGE: i32 = 100;

/// How long a deleted job's tombstone is kept: longer than SQS keeps any message (14 days
/// at most), so no delivery can outlive it.
const TOMBSTONE_LIFETIME: time::Duration = time::Duration::days(15);

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn timestamp(at: OffsetDateTime) -> AttributeValue {
    s(at.format(&Rfc3339)
        .expect("a UTC timestamp formats as RFC 3339"))
}

fn status(value: JobStatus) -> AttributeValue {
    s(value.as_str())
}

impl JobTable {
    /// Waiting jobs by [`JobRecord::sweep_from`]: `queued` ones by their last send,
    /// `awaiting_upload` ones by their deadline. One index, not one each: CloudFormation
    /// adds at most one index to an existing table per stack update.
    pub const SWEEP_INDEX: SweepIndex = SweepIndex {
        name: "by-sweep-from",
        sort_key: "sweep_from",
    };
    pub const SWEEP_INDEXES: [SweepIndex; 1] = [Self::SWEEP_INDEX];

    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Writes a new `queued` job, never over an existing one. A record already there with
    /// this id is taken to be this very write, applied once already by a try whose answer
    /// was lost (the SDK then retries): ids are fresh random v4s, so nobody else has it.
    pub async fn create(&self, record: &JobRecord) -> Result<(), StoreError> {
        let item = serde_dynamo::to_item(record).map_err(StoreError::Record)?;
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(id)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_condition_failure(&err) => Ok(()),
            Err(err) => Err(StoreError::dynamodb("PutItem", err)),
        }
    }

    /// Removes a job that is still `queued` (compensation when it could not be enqueued).
    pub async fn delete_queued(&self, id: JobId) -> Result<Undo, StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
            .condition_expression(format!("{STATUS} = :queued"))
            .expression_attribute_names(STATUS, "status")
            .expression_attribute_values(":queued", status(JobStatus::Queued))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Undo::Removed),
            Err(err) if is_condition_failure(&err) => Ok(Undo::Taken),
            Err(err) => Err(StoreError::dynamodb("DeleteItem", err)),
        }
    }

    /// Reads a job with a strongly consistent read.
    pub async fn get(&self, id: JobId) -> Result<Option<JobRecord>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::dynamodb("GetItem", e))?;
        output
            .item
            .map(|item| serde_dynamo::from_item(item).map_err(StoreError::Record))
            .transpose()
    }

    /// Takes a job for processing under a lease: `queued → processing`, or
    /// `processing → processing` when the previous holder's lease has expired.
    pub async fn start_processing(
        &self,
        id: JobId,
        lease_token: &str,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<StartOutcome, StoreError> {
        let expires = now.unix_timestamp() + lease.as_secs() as i64;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
            .update_expression(format!(
                "SET {STATUS} = :processing, updated_at = :now, lease_token = :token, \
                 lease_expires_at = :expires ADD attempts :one REMOVE sweep_from"
            ))
            .condition_expression(format!(
                "attribute_exists(id) AND ({STATUS} = :queued OR \
                 ({STATUS} = :processing AND lease_expires_at <= :now_epoch))"
            ))
            .expression_attribute_names(STATUS, "status")
            .expression_attribute_values(":processing", status(JobStatus::Processing))
            .expression_attribute_values(":queued", status(JobStatus::Queued))
            .expression_attribute_values(":now", timestamp(now))
            .expression_attribute_values(":now_epoch", n(now.unix_timestamp()))
            .expression_attribute_values(":token", s(lease_token))
            .expression_attribute_values(":expires", n(expires))
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let item = output.attributes.unwrap_or_default();
                let record = serde_dynamo::from_item(item).map_err(StoreError::Record)?;
                Ok(StartOutcome::Started(Box::new(record)))
            }
            Err(err) if is_condition_failure(&err) => Ok(match self.get(id).await? {
                None => StartOutcome::Missing,
                Some(record) if record.status.is_terminal() => {
                    StartOutcome::AlreadyFinished(record.status)
                }
                Some(_) => StartOutcome::Busy,
            }),
            Err(err) => Err(StoreError::dynamodb("UpdateItem", err)),
        }
    }

    /// `processing → completed`, only by the holder of the lease.
    pub async fn complete(
        &self,
        id: JobId,
        lease_token: &str,
        outputs: &Outputs,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let outputs = serde_dynamo::to_attribute_value(outputs).map_err(StoreError::Record)?;
        self.finish(
            id,
            lease_token,
            JobStatus::Completed,
            "outputs",
            outputs,
            now,
        )
        .await
    }

    /// `processing → failed`, only by the holder of the lease.
    pub async fn fail(
        &self,
        id: JobId,
        lease_token: &str,
        error: &JobError,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let error = serde_dynamo::to_attribute_value(error).map_err(StoreError::Record)?;
        self.finish(id, lease_token, JobStatus::Failed, "error", error, now)
            .await
    }

    /// `queued → failed`, or `processing → failed` once no delivery holds a live lease: for
    /// jobs that will never be processed (their message went to the dead-letter queue).
    /// `Rejected` with a `processing` record while a lease is live: another delivery (a
    /// resend, a duplicate) holds the job and will finish it, or let its lease lapse.
    pub async fn fail_unfinished(
        &self,
        id: JobId,
        error: &JobError,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        self.fail_from(
            id,
            error,
            now,
            format!(
                "({STATUS} = :queued OR ({STATUS} = :processing AND \
                 (attribute_not_exists(lease_expires_at) OR lease_expires_at <= :now_epoch)))"
            ),
            vec![
                (":queued", status(JobStatus::Queued)),
                (":processing", status(JobStatus::Processing)),
                (":now_epoch", n(now.unix_timestamp())),
            ],
            "lease_token, lease_expires_at, sweep_from",
        )
        .await
    }

    /// `→ failed` with `error` where `condition` holds (with `values`), removing the
    /// attributes `remove` lists.
    async fn fail_from(
        &self,
        id: JobId,
        error: &JobError,
        now: OffsetDateTime,
        condition: String,
        values: Vec<(&str, AttributeValue)>,
        remove: &str,
    ) -> Result<Transition, StoreError> {
        let error = serde_dynamo::to_attribute_value(error).map_err(StoreError::Record)?;
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
            .update_expression(format!(
                "SET {STATUS} = :failed, updated_at = :now, #error = :error REMOVE {remove}"
            ))
            .condition_expression(format!("attribute_exists(id) AND {condition}"))
            .expression_attribute_names(STATUS, "status")
            .expression_attribute_names("#error", "error")
            .expression_attribute_values(":failed", status(JobStatus::Failed))
            .expression_attribute_values(":now", timestamp(now))
            .expression_attribute_values(":error", error);
        for (name, value) in values {
            request = request.expression_attribute_values(name, value);
        }
        let result = request.send().await;
        self.transition(id, result).await
    }

    /// Any job → `deleted`: its outputs, error and lease are removed and only a tombstone
    /// stays, so that a late SQS delivery finds the job finished (and a processor holding it
    /// loses its lease). Deleting a deleted job is `Rejected` with the tombstone as
    /// `current`; an unknown id is `Rejected` with no record.
    ///
    /// Keeps a webhook's delivery state after attempt `attempt`: `false` (and nothing written)
    /// when the job is gone or deleted, or a later attempt already wrote its state (this one
    /// was a late duplicate). The job's status is not touched, so its stream record is no
    /// transition.
    pub async fn record_webhook(
        &self,
        id: JobId,
        event: WebhookEvent,
        delivery: &WebhookDelivery,
    ) -> Result<bool, StoreError> {
        let value = serde_dynamo::to_attribute_value(delivery).map_err(StoreError::Record)?;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
            .update_expression("SET webhooks.#event = :delivery")
            .condition_expression(format!(
                "attribute_exists(id) AND {STATUS} <> :deleted AND attribute_exists(webhooks) \
                 AND (attribute_not_exists(webhooks.#event) OR webhooks.#event.attempts <= :attempts)"
            ))
            .expression_attribute_names(STATUS, "status")
            .expression_attribute_names("#event", event.as_str())
            .expression_attribute_values(":deleted", status(JobStatus::Deleted))
            .expression_attribute_values(":delivery", value)
            .expression_attribute_values(":attempts", n(delivery.attempts))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(StoreError::dynamodb("UpdateItem", err)),
        }
    }

    /// Only `caller`'s job is deleted: another caller's is `Rejected` like a tombstone, with
    /// the record as `current`, so the caller can be told it does not exist.
    pub async fn mark_deleted(
        &self,
        id: JobId,
        caller: &CallerId,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        // Jobs from before callers existed have no owner; they are the anonymous caller's.
        let owned = if caller.is_anonymous() {
            "(attribute_not_exists(#owner) OR #owner = :caller)"
        } else {
            "#owner = :caller"
        };
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
            .update_expression(format!(
                "SET {STATUS} = :deleted, updated_at = :now, {TTL} = :forget \
                 REMOVE outputs, #error, lease_token, lease_expires_at, sweep_from, notify, webhooks",
                TTL = JobRecord::TTL_ATTRIBUTE
            ))
            .condition_expression(format!(
                "attribute_exists(id) AND {STATUS} <> :deleted AND {owned}"
            ))
            .expression_attribute_names(STATUS, "status")
            .expression_attribute_names("#error", "error")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":caller", s(caller.as_str()))
            .expression_attribute_values(":deleted", status(JobStatus::Deleted))
            .expression_attribute_values(":now", timestamp(now))
            .expression_attribute_values(":forget", n((now + TOMBSTONE_LIFETIME).unix_timestamp()))
            .send()
            .await;
        self.transition(id, result).await
    }

    /// A direct upload's object is in S3 and is what was declared: `awaiting_upload →
    /// queued`, its message to be sent at `now`. `Rejected` if the job no longer waits (a duplicate notification, a delete,
    /// or the deadline's `failed`).
    pub async fn mark_uploaded(
        &self,
        id: JobId,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
            .update_expression(format!(
                "SET {STATUS} = :queued, updated_at = :now, sweep_from = :sent \
                 REMOVE upload_expires_at"
            ))
            .condition_expression(format!("attribute_exists(id) AND {STATUS} = :awaiting"))
            .expression_attribute_names(STATUS, "status")
            .expression_attribute_values(":queued", status(JobStatus::Queued))
            .expression_attribute_values(":awaiting", status(JobStatus::AwaitingUpload))
            .expression_attribute_values(":now", timestamp(now))
            .expression_attribute_values(":sent", n(now.unix_timestamp()))
            .send()
            .await;
        self.transition(id, result).await
    }

    /// `awaiting_upload → failed`: the object never came, or is not what was declared.
    pub async fn fail_upload(
        &self,
        id: JobId,
        error: &JobError,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        self.fail_from(
            id,
            error,
            now,
            format!("{STATUS} = :awaiting"),
            vec![(":awaiting", status(JobStatus::AwaitingUpload))],
            "upload_expires_at, sweep_from",
        )
        .await
    }

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
            .expression_attribute_names(STATUS, "status")
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
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
            .update_expression("SET sweep_from = :now")
            .condition_expression(format!("{STATUS} = :queued AND sweep_from <= :cutoff"))
            .expression_attribute_names(STATUS, "status")
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
                    .and_then(|mut old| old.remove("sweep_from"))
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
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
            .update_expression("SET sweep_from = :previous")
            .condition_expression(format!("{STATUS} = :queued AND sweep_from = :claimed"))
            .expression_attribute_names(STATUS, "status")
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

    /// One-off migration for records written before [`JobTable::SWEEP_INDEX`] existed:
    /// every waiting job without `sweep_from` gets one, so the next sweep finds it: a
    /// `queued` job the epoch (when its message was sent is unknown), an `awaiting_upload`
    /// one its deadline. A full scan, run once after the deploy; it may be repeated.
    /// Returns how many records it marked.
    pub async fn index_unmarked_waiting(&self) -> Result<usize, StoreError> {
        let mut pages = self
            .client
            .scan()
            .table_name(&self.table)
            .filter_expression(format!(
                "attribute_not_exists(sweep_from) AND {STATUS} IN (:queued, :awaiting)"
            ))
            .projection_expression(format!("id, {STATUS}"))
            .expression_attribute_names(STATUS, "status")
            .expression_attribute_values(":queued", status(JobStatus::Queued))
            .expression_attribute_values(":awaiting", status(JobStatus::AwaitingUpload))
            .into_paginator()
            .items()
            .send();
        let mut marked = 0;
        while let Some(item) = pages.next().await {
            let item = item.map_err(|e| StoreError::dynamodb("Scan", e))?;
            let (Some(AttributeValue::S(id)), Some(found)) = (item.get("id"), item.get("status"))
            else {
                continue;
            };
            let request = self
                .client
                .update_item()
                .table_name(&self.table)
                .key("id", s(id.clone()))
                .expression_attribute_names(STATUS, "status")
                .expression_attribute_values(":was", found.clone());
            let request = if *found == status(JobStatus::Queued) {
                request
                    .update_expression("SET sweep_from = :epoch")
                    .condition_expression(format!(
                        "{STATUS} = :was AND attribute_not_exists(sweep_from)"
                    ))
                    .expression_attribute_values(":epoch", n(0))
            } else {
                request
                    .update_expression("SET sweep_from = upload_expires_at")
                    .condition_expression(format!(
                        "{STATUS} = :was AND attribute_not_exists(sweep_from) \
                         AND attribute_exists(upload_expires_at)"
                    ))
            };
            match request.send().await {
                Ok(_) => marked += 1,
                // Moved on (or marked) since the scan read it.
                Err(err) if is_condition_failure(&err) => {}
                Err(err) => return Err(StoreError::dynamodb("UpdateItem", err)),
            }
        }
        Ok(marked)
    }

    async fn finish(
        &self,
        id: JobId,
        lease_token: &str,
        terminal: JobStatus,
        attribute: &str,
        value: AttributeValue,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
            .update_expression(format!(
                "SET {STATUS} = :terminal, updated_at = :now, #detail = :detail \
                 REMOVE lease_token, lease_expires_at"
            ))
            .condition_expression(format!("{STATUS} = :processing AND lease_token = :token"))
            .expression_attribute_names(STATUS, "status")
            .expression_attribute_names("#detail", attribute)
            .expression_attribute_values(":terminal", status(terminal))
            .expression_attribute_values(":processing", status(JobStatus::Processing))
            .expression_attribute_values(":now", timestamp(now))
            .expression_attribute_values(":token", s(lease_token))
            .expression_attribute_values(":detail", value)
            .send()
            .await;
        self.transition(id, result).await
    }

    /// A conditional update's result as a [`Transition`]: refused updates report the record
    /// as it is now.
    async fn transition<T>(
        &self,
        id: JobId,
        result: Result<T, SdkError<UpdateItemError, HttpResponse>>,
    ) -> Result<Transition, StoreError> {
        match result {
            Ok(_) => Ok(Transition::Applied),
            Err(err) if is_condition_failure(&err) => Ok(Transition::Rejected {
                current: self.get(id).await?.map(Box::new),
            }),
            Err(err) => Err(StoreError::dynamodb("UpdateItem", err)),
        }
    }
}
