//! A processor's lease on a job: taking it ([`Move::Start`]), finishing the job with it
//! ([`Move::Complete`], [`Move::Fail`]) or giving it up unfinished ([`Move::Release`]).

use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use time::OffsetDateTime;

use super::condition::{Condition, Context, STATUS};
use super::{attr, is_condition_failure, n, s, timestamp, JobTable, StoreError, Transition};
use crate::domain::{JobError, JobId, JobRecord, JobStatus, Lease, Move, Outputs};

/// What happened when a processor tried to take a job.
#[derive(Debug, PartialEq)]
pub enum StartOutcome {
    /// The job is now `processing`, held by `lease` until it expires.
    Started {
        record: Box<JobRecord>,
        lease: Lease,
    },
    /// The job already reached a terminal state: nothing to do.
    AlreadyFinished(JobStatus),
    /// Another processor holds a live lease on the job.
    Busy,
    /// No such job.
    Missing,
}

impl JobTable {
    /// [`Move::Start`]: takes a job for processing under a lease of `duration`, from `queued`,
    /// or from `processing` when the previous holder's lease has expired.
    pub async fn start_processing(
        &self,
        id: JobId,
        now: OffsetDateTime,
        duration: Duration,
    ) -> Result<StartOutcome, StoreError> {
        let step = Move::Start;
        let lease = Lease::new(id, now + duration);
        let request = self
            .update(id)
            .update_expression(format!(
                "SET {STATUS} = :to, {updated} = :now, {token} = :token, {expires} = :expires \
                 ADD {attempts} :one REMOVE {sweep}",
                updated = attr::UPDATED_AT,
                token = attr::LEASE_TOKEN,
                expires = attr::LEASE_EXPIRES_AT,
                attempts = attr::ATTEMPTS,
                sweep = attr::SWEEP_FROM,
            ))
            .expression_attribute_values(":now", timestamp(now))
            .expression_attribute_values(":token", s(lease.token().to_string()))
            .expression_attribute_values(":expires", n(lease.expires_at().unix_timestamp()))
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::AllNew);
        let result = Condition::of(step, Context { now, lease: None })
            .apply(step, request)
            .send()
            .await;
        match result {
            Ok(output) => {
                let item = output.attributes.unwrap_or_default();
                let record = serde_dynamo::from_item(item).map_err(StoreError::Record)?;
                Ok(StartOutcome::Started {
                    record: Box::new(record),
                    lease,
                })
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

    /// [`Move::Complete`], only by the holder of the lease.
    pub async fn complete(
        &self,
        lease: Lease,
        outputs: &Outputs,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let outputs = serde_dynamo::to_attribute_value(outputs).map_err(StoreError::Record)?;
        self.finish(Move::Complete, lease, attr::OUTPUTS, outputs, now)
            .await
    }

    /// [`Move::Fail`], only by the holder of the lease.
    pub async fn fail(
        &self,
        lease: Lease,
        error: &JobError,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let error = serde_dynamo::to_attribute_value(error).map_err(StoreError::Record)?;
        self.finish(Move::Fail, lease, attr::ERROR, error, now)
            .await
    }

    /// [`Move::Release`], only by the holder of the lease: the job stays `processing`, its
    /// lease expired as of `now` and its token gone, so the next delivery takes it at once
    /// ([`Move::Start`] from an expired lease) and this holder can no longer finish it.
    pub async fn release(
        &self,
        lease: Lease,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let step = Move::Release;
        let id = lease.job();
        let request = self
            .update(id)
            .update_expression(format!(
                "SET {STATUS} = :to, {updated} = :now, {expires} = :released_at REMOVE {token}",
                updated = attr::UPDATED_AT,
                token = attr::LEASE_TOKEN,
                expires = attr::LEASE_EXPIRES_AT,
            ))
            .expression_attribute_values(":now", timestamp(now))
            .expression_attribute_values(":released_at", n(now.unix_timestamp()));
        let context = Context {
            now,
            lease: Some(lease.token()),
        };
        let result = Condition::of(step, context)
            .apply(step, request)
            .send()
            .await;
        self.transition(id, result).await
    }

    /// `step` by the lease holder, setting `attribute` to `value` and giving up the lease.
    async fn finish(
        &self,
        step: Move,
        lease: Lease,
        attribute: &str,
        value: AttributeValue,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let id = lease.job();
        let request = self
            .update(id)
            .update_expression(format!(
                "SET {STATUS} = :to, {updated} = :now, #detail = :detail \
                 REMOVE {token}, {expires}",
                updated = attr::UPDATED_AT,
                token = attr::LEASE_TOKEN,
                expires = attr::LEASE_EXPIRES_AT,
            ))
            .expression_attribute_names("#detail", attribute)
            .expression_attribute_values(":now", timestamp(now))
            .expression_attribute_values(":detail", value);
        let context = Context {
            now,
            lease: Some(lease.token()),
        };
        let result = Condition::of(step, context)
            .apply(step, request)
            .send()
            .await;
        self.transition(id, result).await
    }
}
