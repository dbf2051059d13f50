//! Per-caller limits, counted in DynamoDB: requests per fixed window, and uploads, bytes
//! and e-mails (uploads naming `notify_email`) per UTC day.
//!
//! Each count is one conditional `UpdateItem` on an item of its own (`rate#<caller>#<window>`,
//! `day#<caller>#<date>`), so a caller at its limit costs the others nothing: its refusals
//! are its own item's failed conditions. An upload's count, bytes and e-mail are one write
//! on the day's item, so an upload refused by any of its quotas spends none of them. The
//! table's TTL removes old counters.

use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use ferrotype_service::domain::CallerId;
use ferrotype_service::store::is_condition_failure;
use time::{OffsetDateTime, Time};

use crate::settings::Limits;

/// Which limit a request reached, and when it lifts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Limited {
    #[error("{limit} requests per {window:?} reached")]
    Rate {
        limit: u64,
        window: Duration,
        retry_after: Duration,
    },
    #[error("{limit} uploads per day reached")]
    DailyUploads { limit: u64, retry_after: Duration },
    #[error("{limit} bytes of uploads per day reached")]
    DailyBytes { limit: u64, retry_after: Duration },
    #[error("{limit} uploads naming notify_email per day reached")]
    DailyEmails { limit: u64, retry_after: Duration },
}

impl Limited {
    pub fn retry_after(&self) -> Duration {
        match self {
            Self::Rate { retry_after, .. }
            | Self::DailyUploads { retry_after, .. }
            | Self::DailyBytes { retry_after, .. }
            | Self::DailyEmails { retry_after, .. } => *retry_after,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error(transparent)]
    Limited(#[from] Limited),
    #[error("DynamoDB UpdateItem on the usage table failed")]
    Store(#[source] Box<aws_sdk_dynamodb::Error>),
}

/// An upload counted against a day's quota, to be given back if the upload fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    key: Option<String>,
    bytes: u64,
    /// 1 when the upload names `notify_email`.
    emails: u64,
}

/// The usage counters.
#[derive(Debug, Clone)]
pub struct UsageTable {
    client: aws_sdk_dynamodb::Client,
    table: String,
    limits: Limits,
}

impl UsageTable {
    pub const PARTITION_KEY: &'static str = "key";

    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>, limits: Limits) -> Self {
        Self {
            client,
            table: table.into(),
            limits,
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Counts one request of `caller`'s, or refuses it when its window is full.
    pub async fn admit(&self, caller: &CallerId, now: OffsetDateTime) -> Result<(), UsageError> {
        let Limits {
            requests, window, ..
        } = self.limits;
        if requests == 0 {
            return Ok(());
        }
        let window_secs = window.as_secs().max(1) as i64;
        let start = now.unix_timestamp().div_euclid(window_secs) * window_secs;
        let end = start + window_secs;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(Self::PARTITION_KEY, s(format!("rate#{caller}#{start}")))
            .update_expression("ADD #count :one SET expires_at = :forget")
            .condition_expression("attribute_not_exists(#count) OR #count < :limit")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":limit", n(requests))
            .expression_attribute_values(":forget", n(end + 60))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_condition_failure(&err) => Err(Limited::Rate {
                limit: requests,
                window,
                retry_after: until(now, end),
            }
            .into()),
            Err(err) => Err(UsageError::Store(Box::new(err.into()))),
        }
    }

    /// Counts one upload of `bytes` (and one e-mail, when it names `notify_email`) against
    /// `caller`'s day, or refuses it, counting nothing, when the day's uploads, bytes or
    /// e-mails would go over.
    pub async fn charge_upload(
        &self,
        caller: &CallerId,
        bytes: u64,
        email: bool,
        now: OffsetDateTime,
    ) -> Result<Charge, UsageError> {
        let Limits {
            daily_uploads,
            daily_bytes,
            daily_emails,
            ..
        } = self.limits;
        let emails = u64::from(email);
        if daily_uploads == 0 && daily_bytes == 0 && (daily_emails == 0 || !email) {
            return Ok(Charge {
                key: None,
                bytes,
                emails,
            });
        }
        let midnight = (now.date() + time::Duration::days(1))
            .with_time(Time::MIDNIGHT)
            .assume_utc();
        let retry_after = until(now, midnight.unix_timestamp());
        if daily_bytes != 0 && bytes > daily_bytes {
            return Err(Limited::DailyBytes {
                limit: daily_bytes,
                retry_after,
            }
            .into());
        }
        // `0` (off) becomes a limit nothing reaches, so one condition serves every case.
        let max_uploads = if daily_uploads == 0 {
            u64::MAX
        } else {
            daily_uploads
        };
        let room = if daily_bytes == 0 {
            u64::MAX
        } else {
            daily_bytes - bytes
        };
        // An upload without e-mail is not held back by the e-mail quota.
        let max_emails = if daily_emails == 0 || !email {
            u64::MAX
        } else {
            daily_emails
        };
        let key = format!("day#{caller}#{}", now.date());
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(Self::PARTITION_KEY, s(key.clone()))
            .update_expression(
                "ADD uploads :one, #bytes :bytes, emails :emails SET expires_at = :forget",
            )
            .condition_expression(
                "attribute_not_exists(uploads) OR (uploads < :max_uploads AND #bytes <= :room \
                 AND (attribute_not_exists(emails) OR emails < :max_emails))",
            )
            .expression_attribute_names("#bytes", "bytes")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":bytes", n(bytes))
            .expression_attribute_values(":emails", n(emails))
            .expression_attribute_values(":max_uploads", n(max_uploads))
            .expression_attribute_values(":room", n(room))
            .expression_attribute_values(":max_emails", n(max_emails))
            .expression_attribute_values(":forget", n(midnight.unix_timestamp() + 86_400))
            .return_values_on_condition_check_failure(
                aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(Charge {
                key: Some(key),
                bytes,
                emails,
            }),
            Err(err) if is_condition_failure(&err) => {
                let item = err.as_service_error().and_then(|e| match e {
                    aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(e) => e.item(),
                    _ => None,
                });
                let count = |name: &str| {
                    item.and_then(|item| item.get(name))
                        .and_then(|v| v.as_n().ok())
                        .and_then(|v| v.parse::<u64>().ok())
                        .unwrap_or(0)
                };
                // The upload quota first: a retry without notify_email would not pass it.
                Err(if count("uploads") >= max_uploads {
                    Limited::DailyUploads {
                        limit: daily_uploads,
                        retry_after,
                    }
                } else if count("emails") >= max_emails {
                    Limited::DailyEmails {
                        limit: daily_emails,
                        retry_after,
                    }
                } else {
                    Limited::DailyBytes {
                        limit: daily_bytes,
                        retry_after,
                    }
                }
                .into())
            }
            Err(err) => Err(UsageError::Store(Box::new(err.into()))),
        }
    }

    /// Gives an upload back to the day it was charged to (its storage failed).
    pub async fn refund(&self, charge: Charge) -> Result<(), UsageError> {
        let Some(key) = charge.key else {
            return Ok(());
        };
        self.client
            .update_item()
            .table_name(&self.table)
            .key(Self::PARTITION_KEY, s(key))
            .update_expression("ADD uploads :minus_one, #bytes :minus_bytes, emails :minus_emails")
            .expression_attribute_names("#bytes", "bytes")
            .expression_attribute_values(":minus_one", n(-1))
            .expression_attribute_values(":minus_bytes", n(-(charge.bytes as i128)))
            .expression_attribute_values(":minus_emails", n(-(charge.emails as i128)))
            .send()
            .await
            .map_err(|err| UsageError::Store(Box::new(err.into())))?;
        Ok(())
    }
}

fn s(value: String) -> AttributeValue {
    AttributeValue::S(value)
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// Whole seconds from `now` to `end` (epoch seconds), at least one: a `Retry-After` of `0`
/// would invite an instant retry.
fn until(now: OffsetDateTime, end: i64) -> Duration {
    Duration::from_secs((end - now.unix_timestamp()).max(1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn retry_after_is_whole_seconds_and_never_zero() {
        let now = datetime!(2026-12-03 23:59:59.5 UTC);
        let midnight = datetime!(2026-12-04 0:00 UTC).unix_timestamp();
        assert_eq!(until(now, midnight), Duration::from_secs(1));
        assert_eq!(until(now, now.unix_timestamp()), Duration::from_secs(1));
        assert_eq!(
            until(datetime!(2026-12-03 12:00 UTC), midnight),
            Duration::from_secs(12 * 3600)
        );
    }
}
