//! Job records in DynamoDB. Every status change is one conditional write whose starting
//! states come from the domain's table of moves ([`crate::domain::Move`], through
//! [`condition`]), so a duplicate or late delivery cannot move a job backwards or write it
//! twice. By concern:
//! - [`lifecycle`]: creating a job, a direct upload's arrival or failure, giving up on a
//!   job, a webhook's delivery state;
//! - [`lease`]: a processor taking a job and finishing it;
//! - [`sweep`]: the sweeper's index of waiting jobs and its resends;
//! - [`delete`]: the owner's delete and its tombstone.

mod condition;
mod delete;
mod lease;
mod lifecycle;
mod sweep;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::AttributeValue;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub use lease::StartOutcome;
pub use lifecycle::Undo;
pub use sweep::{Due, ResendClaim, SweepIndex};

use super::{is_condition_failure, StoreError};
use crate::domain::{JobId, JobRecord, JobStatus};

/// The jobs table, partition key `id`.
#[derive(Debug, Clone)]
pub struct JobTable {
    client: aws_sdk_dynamodb::Client,
    table: String,
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

/// The attributes the store's expressions name. Those of [`JobRecord`] are its serde field
/// names (a test below fails if they drift); the lease's are the store's own.
mod attr {
    pub const STATUS: &str = "status";
    pub const UPDATED_AT: &str = "updated_at";
    pub const OUTPUTS: &str = "outputs";
    pub const ERROR: &str = "error";
    pub const ATTEMPTS: &str = "attempts";
    pub const OWNER: &str = "owner";
    pub const NOTIFY: &str = "notify";
    pub const WEBHOOKS: &str = "webhooks";
    pub const NOTICES: &str = "notices";
    pub const SWEEP_FROM: &str = "sweep_from";
    pub const UPLOAD_EXPIRES_AT: &str = "upload_expires_at";
    /// Who holds the job while it is `processing`, and until when (epoch seconds).
    pub const LEASE_TOKEN: &str = "lease_token";
    pub const LEASE_EXPIRES_AT: &str = "lease_expires_at";
}

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
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
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

    /// An update of job `id`'s item, to be given its expressions.
    fn update(
        &self,
        id: JobId,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id.to_string()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        CallerId, FailureCode, JobError, NoticeDeliveries, Notifications, OriginalUpload,
        OutputInfo, Outputs, WebhookDeliveries,
    };

    #[test]
    fn the_record_attributes_the_store_names_are_the_records_serde_fields() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let mut record = JobRecord::awaiting_upload(
            JobId::new_random(),
            OriginalUpload::direct("image/png", 10),
            now,
            now,
        )
        .owned_by(&CallerId::anonymous())
        .retained_for(Some(std::time::Duration::from_secs(60)));
        record.error = Some(JobError::new(FailureCode::CorruptImage, "bad"));
        let info = OutputInfo {
            key: "k".into(),
            width: 1,
            height: 1,
            bytes: 1,
            content_type: "image/png".into(),
        };
        record.outputs = Some(Outputs {
            original: info.clone(),
            variants: Vec::new(),
            placeholder: None,
            thumbnail: Some(info.clone()),
            preview: Some(info.clone()),
            optimized: Some(info),
        });
        record.notify = Some(Notifications::default());
        record.webhooks = Some(WebhookDeliveries::new());
        record.notices = Some(NoticeDeliveries::new());
        let item: std::collections::HashMap<String, AttributeValue> =
            serde_dynamo::to_item(&record).unwrap();
        for name in [
            attr::STATUS,
            attr::UPDATED_AT,
            attr::OUTPUTS,
            attr::ERROR,
            attr::ATTEMPTS,
            attr::OWNER,
            attr::NOTIFY,
            attr::WEBHOOKS,
            attr::NOTICES,
            attr::SWEEP_FROM,
            attr::UPLOAD_EXPIRES_AT,
            JobRecord::TTL_ATTRIBUTE,
        ] {
            assert!(
                item.contains_key(name),
                "{name} is not a field of JobRecord"
            );
        }
        for lease in [attr::LEASE_TOKEN, attr::LEASE_EXPIRES_AT] {
            assert!(!item.contains_key(lease), "{lease} is the store's own");
        }
    }
}
