use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::{is_condition_failure, StoreError};
use crate::domain::{CallerId, Fingerprint, IdempotencyKey, ScopedKey, StoredResponse};

/// Idempotency keys in their own DynamoDB table (partition key `key`, TTL `expires_at`):
/// the first request with a key claims it, and its answer is kept for every retry.
#[derive(Debug, Clone)]
pub struct IdempotencyStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours: handle the request, then [`IdempotencyStore::complete`] or
    /// [`IdempotencyStore::release`] it.
    New,
    /// The same request was answered before: answer the same.
    Replay(StoredResponse),
    /// The same request is being handled right now.
    InFlight,
    /// The key was used with a different request.
    Mismatch,
}

const IN_FLIGHT: &str = "in_flight";
const DONE: &str = "done";

/// How long keys are kept (the draft's suggestion is at least a day).
pub const KEY_LIFETIME: Duration = Duration::from_secs(24 * 3600);

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

impl IdempotencyStore {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Each caller's keys apart from every other's ([`ScopedKey`]).
    fn item_key(caller: &CallerId, key: &IdempotencyKey) -> AttributeValue {
        s(ScopedKey::of(caller, key).as_str())
    }

    /// A write of `key` as in flight for the request with `fingerprint`, held for `hold`
    /// and kept for [`KEY_LIFETIME`]; the caller adds its condition.
    fn put_in_flight(
        &self,
        caller: &CallerId,
        key: &IdempotencyKey,
        fingerprint: &Fingerprint,
        now: OffsetDateTime,
        hold: Duration,
    ) -> aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder {
        let now_epoch = now.unix_timestamp();
        self.client
            .put_item()
            .table_name(&self.table)
            .item("key", Self::item_key(caller, key))
            .item("fingerprint", s(fingerprint.as_str()))
            .item("state", s(IN_FLIGHT))
            .item("held_until", n(now_epoch + hold.as_secs() as i64))
            .item("expires_at", n(now_epoch + KEY_LIFETIME.as_secs() as i64))
    }

    /// Claims `key` for a request with `fingerprint`. `hold` bounds how long a claim
    /// blocks retries if its handler dies before answering (more than the function's
    /// timeout); after it, a retry of the same request takes the key over.
    pub async fn claim(
        &self,
        caller: &CallerId,
        key: &IdempotencyKey,
        fingerprint: &Fingerprint,
        now: OffsetDateTime,
        hold: Duration,
    ) -> Result<Claim, StoreError> {
        let now_epoch = now.unix_timestamp();
        let result = self
            .put_in_flight(caller, key, fingerprint, now, hold)
            .condition_expression(
                "attribute_not_exists(#key) OR expires_at <= :now \
                 OR (#state = :in_flight AND held_until <= :now AND fingerprint = :fingerprint)",
            )
            .expression_attribute_names("#key", "key")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":now", n(now_epoch))
            .expression_attribute_values(":in_flight", s(IN_FLIGHT))
            .expression_attribute_values(":fingerprint", s(fingerprint.as_str()))
            .send()
            .await;
        match result {
            Ok(_) => return Ok(Claim::New),
            Err(err) if is_condition_failure(&err) => {}
            Err(err) => return Err(StoreError::dynamodb("PutItem", err)),
        }
        let item = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("key", Self::item_key(caller, key))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::dynamodb("GetItem", e))?
            .item
            .unwrap_or_default();
        if item.is_empty() {
            // Released (after a 503) or expired between the two calls: busy, try again.
            return Ok(Claim::InFlight);
        }
        let text = |name: &str| match item.get(name) {
            Some(AttributeValue::S(value)) => Some(value.as_str()),
            _ => None,
        };
        if text("fingerprint") != Some(fingerprint.as_str()) {
            return Ok(Claim::Mismatch);
        }
        match (text("state"), text("response")) {
            (Some(DONE), Some(response)) => Ok(Claim::Replay(
                serde_json::from_str(response).map_err(StoreError::Stored)?,
            )),
            // In flight, or gone between the two calls (expired): retry later either way.
            _ => Ok(Claim::InFlight),
        }
    }

    /// Claims `key` again for the same request, whatever it holds: for an answer that no
    /// longer means anything (it names a job that was deleted since).
    /// Only the answer `seen` is replaced: `false` when another retry reclaimed the key
    /// first (it is then in flight, or answered anew).
    pub async fn reclaim(
        &self,
        caller: &CallerId,
        key: &IdempotencyKey,
        fingerprint: &Fingerprint,
        seen: &StoredResponse,
        now: OffsetDateTime,
        hold: Duration,
    ) -> Result<bool, StoreError> {
        let seen = serde_json::to_string(seen).map_err(StoreError::Stored)?;
        let result = self
            .put_in_flight(caller, key, fingerprint, now, hold)
            .condition_expression(
                "fingerprint = :fingerprint AND #state = :done AND #response = :seen",
            )
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#response", "response")
            .expression_attribute_values(":fingerprint", s(fingerprint.as_str()))
            .expression_attribute_values(":done", s(DONE))
            .expression_attribute_values(":seen", s(seen))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(StoreError::dynamodb("PutItem", err)),
        }
    }

    /// Keeps the answer to the request that claimed `key`.
    pub async fn complete(
        &self,
        caller: &CallerId,
        key: &IdempotencyKey,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        let response = serde_json::to_string(response).map_err(StoreError::Stored)?;
        self.client
            .update_item()
            .table_name(&self.table)
            .key("key", Self::item_key(caller, key))
            .update_expression("SET #state = :done, #response = :response REMOVE held_until")
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#response", "response")
            .expression_attribute_values(":done", s(DONE))
            .expression_attribute_values(":response", s(response))
            .send()
            .await
            .map_err(|e| StoreError::dynamodb("UpdateItem", e))?;
        Ok(())
    }

    /// Gives `key` up after a failure on our side, so that a retry is handled afresh.
    pub async fn release(&self, caller: &CallerId, key: &IdempotencyKey) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("key", Self::item_key(caller, key))
            .condition_expression("#state = :in_flight")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":in_flight", s(IN_FLIGHT))
            .send()
            .await
            .map_err(|e| StoreError::dynamodb("DeleteItem", e))?;
        Ok(())
    }
}
