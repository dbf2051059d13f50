//! A job's creation, a direct upload's arrival or failure, giving up on a job, and a
//! webhook's delivery state.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::condition::{Condition, Context, STATUS};
use super::{
    attr, is_condition_failure, n, s, status, timestamp, JobTable, StoreError, Transition,
};
use crate::domain::{
    JobError, JobId, JobRecord, JobStatus, Move, NoticeChannel, NoticeDelivery, WebhookDelivery,
    WebhookEvent,
};

/// What taking back a `queued` record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undo {
    /// The record was `queued` and is gone: nothing refers to the original any more.
    Removed,
    /// The record had left `queued` (a processor took the job) and stays.
    Taken,
}

impl JobTable {
    /// Writes a new job, never over an existing one. A record already there with this id is
    /// taken to be this very write, applied once already by a try whose answer was lost
    /// (the SDK then retries): ids are fresh random v4s, so nobody else has it.
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

    /// Removes a job that is still `queued`: the upload's compensation when it could not be
    /// enqueued. Not a move of the job's life: the record goes, as if never created.
    pub async fn delete_queued(&self, id: JobId) -> Result<Undo, StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
            .condition_expression(format!("{STATUS} = :queued"))
            .expression_attribute_names(STATUS, attr::STATUS)
            .expression_attribute_values(":queued", status(JobStatus::Queued))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Undo::Removed),
            Err(err) if is_condition_failure(&err) => Ok(Undo::Taken),
            Err(err) => Err(StoreError::dynamodb("DeleteItem", err)),
        }
    }

    /// [`Move::Uploaded`]: a direct upload's object is in S3 and is what was declared; its
    /// message is to be sent at `now`. `Rejected` if the job no longer waits (a duplicate
    /// notification, a delete, or the deadline's `failed`).
    pub async fn mark_uploaded(
        &self,
        id: JobId,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let step = Move::Uploaded;
        let request = self
            .update(id)
            .update_expression(format!(
                "SET {STATUS} = :to, {updated} = :now, {sweep} = :sent REMOVE {deadline}",
                updated = attr::UPDATED_AT,
                sweep = attr::SWEEP_FROM,
                deadline = attr::UPLOAD_EXPIRES_AT,
            ))
            .expression_attribute_values(":now", timestamp(now))
            .expression_attribute_values(":sent", n(now.unix_timestamp()));
        let result = Condition::of(step, Context { now, lease: None })
            .apply(step, request)
            .send()
            .await;
        self.transition(id, result).await
    }

    /// [`Move::UploadFailed`]: the object never came, or is not what was declared.
    pub async fn fail_upload(
        &self,
        id: JobId,
        error: &JobError,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        self.fail_by(Move::UploadFailed, id, error, now).await
    }

    /// [`Move::Abandon`]: for jobs that will never be processed (their message went to the
    /// dead-letter queue). `Rejected` with a `processing` record while a lease is live:
    /// another delivery (a resend, a duplicate) holds the job and will finish it, or let its
    /// lease lapse.
    pub async fn fail_unfinished(
        &self,
        id: JobId,
        error: &JobError,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        self.fail_by(Move::Abandon, id, error, now).await
    }

    /// `step` (which ends in `failed`) with `error`: whatever held the job (a lease, a
    /// deadline, a place in the sweeper's index) is removed with it.
    async fn fail_by(
        &self,
        step: Move,
        id: JobId,
        error: &JobError,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        debug_assert_eq!(step.to(), JobStatus::Failed);
        let error = serde_dynamo::to_attribute_value(error).map_err(StoreError::Record)?;
        let request = self
            .update(id)
            .update_expression(format!(
                "SET {STATUS} = :to, {updated} = :now, #error = :error \
                 REMOVE {token}, {expires}, {sweep}, {deadline}",
                updated = attr::UPDATED_AT,
                token = attr::LEASE_TOKEN,
                expires = attr::LEASE_EXPIRES_AT,
                sweep = attr::SWEEP_FROM,
                deadline = attr::UPLOAD_EXPIRES_AT,
            ))
            .expression_attribute_names("#error", attr::ERROR)
            .expression_attribute_values(":now", timestamp(now))
            .expression_attribute_values(":error", error);
        let result = Condition::of(step, Context { now, lease: None })
            .apply(step, request)
            .send()
            .await;
        self.transition(id, result).await
    }

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
        let hooks = attr::WEBHOOKS;
        let result = self
            .update(id)
            .update_expression(format!("SET {hooks}.#event = :delivery"))
            .condition_expression(format!(
                "attribute_exists(id) AND {STATUS} <> :deleted AND attribute_exists({hooks}) \
                 AND (attribute_not_exists({hooks}.#event) OR {hooks}.#event.attempts <= :attempts)"
            ))
            .expression_attribute_names(STATUS, attr::STATUS)
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

    /// Keeps where a channel's notice of job `id` stands; `false` when the job is gone
    /// (deleted) or a later try already wrote it. The first notice of a record from before
    /// the `notices` map existed creates the map.
    pub async fn record_notice(
        &self,
        id: JobId,
        channel: NoticeChannel,
        delivery: &NoticeDelivery,
    ) -> Result<bool, StoreError> {
        let value: AttributeValue =
            serde_dynamo::to_attribute_value(delivery).map_err(StoreError::Record)?;
        let notices = attr::NOTICES;
        let result = self
            .update(id)
            .update_expression(format!("SET {notices}.#channel = :delivery"))
            .condition_expression(format!(
                "attribute_exists(id) AND {STATUS} <> :deleted AND attribute_exists({notices}) \
                 AND (attribute_not_exists({notices}.#channel) OR {notices}.#channel.attempts <= :attempts)"
            ))
            .expression_attribute_names(STATUS, attr::STATUS)
            .expression_attribute_names("#channel", channel.as_str())
            .expression_attribute_values(":deleted", status(JobStatus::Deleted))
            .expression_attribute_values(":delivery", value.clone())
            .expression_attribute_values(":attempts", n(delivery.attempts))
            .send()
            .await;
        match result {
            Ok(_) => return Ok(true),
            Err(err) if is_condition_failure(&err) => {}
            Err(err) => return Err(StoreError::dynamodb("UpdateItem", err)),
        }
        // Refused: the job is gone, a later try wrote first, or there is no map yet.
        let map = AttributeValue::M(HashMap::from([(channel.as_str().to_string(), value)]));
        let result = self
            .update(id)
            .update_expression(format!("SET {notices} = :map"))
            .condition_expression(format!(
                "attribute_exists(id) AND {STATUS} <> :deleted AND attribute_not_exists({notices})"
            ))
            .expression_attribute_names(STATUS, attr::STATUS)
            .expression_attribute_values(":deleted", status(JobStatus::Deleted))
            .expression_attribute_values(":map", map)
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(StoreError::dynamodb("UpdateItem", err)),
        }
    }
}
