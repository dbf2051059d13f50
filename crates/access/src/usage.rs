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
use serde::Serialize;
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
    #[error("DynamoDB GetItem on the usage table failed")]
    Read(#[source] Box<aws_sdk_dynamodb::Error>),
}

/// A caller's counters against its limits, as `GET /usage` reports them: what is used of
/// today's (UTC) uploads, bytes and e-mails, and of the current request window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageReport {
    /// The UTC day the daily quotas count, `YYYY-MM-DD`.
    pub day: String,
    pub uploads: Quota,
    pub bytes: Quota,
    pub emails: Quota,
    pub requests: RequestQuota,
}

/// One daily quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quota {
    /// What today's counter holds. A counter is kept only while a daily limit is on.
    pub used: u64,
    /// `None` (JSON `null`) when this limit is off.
    pub limit: Option<u64>,
    /// `limit - used`, never below 0; `None` when the limit is off.
    pub remaining: Option<u64>,
    /// When the counter starts again from 0: the next UTC midnight.
    #[serde(with = "time::serde::rfc3339")]
    pub resets_at: OffsetDateTime,
}

/// The request-rate window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestQuota {
    /// Requests counted in the current window, this one included. Counted only while the
    /// limit is on.
    pub used: u64,
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub window_seconds: u64,
    /// When the current window ends.
    #[serde(with = "time::serde::rfc3339")]
    pub resets_at: OffsetDateTime,
}

impl UsageReport {
    /// The report for `limits` from the counters read (0 where no item exists yet).
    fn new(limits: Limits, now: OffsetDateTime, day: DayCounts, requests: u64) -> Self {
        let (_, window_end) = window(limits.window, now);
        let midnight = next_midnight(now);
        let quota = |used: u64, limit: u64| Quota {
            used,
            limit: (limit != 0).then_some(limit),
            remaining: (limit != 0).then(|| limit.saturating_sub(used)),
            resets_at: midnight,
        };
        Self {
            day: now.date().to_string(),
            uploads: quota(day.uploads, limits.daily_uploads),
            bytes: quota(day.bytes, limits.daily_bytes),
            emails: quota(day.emails, limits.daily_emails),
            requests: RequestQuota {
                used: requests,
                limit: (limits.requests != 0).then_some(limits.requests),
                remaining: (limits.requests != 0).then(|| limits.requests.saturating_sub(requests)),
                window_seconds: limits.window.as_secs().max(1),
                resets_at: OffsetDateTime::from_unix_timestamp(window_end)
                    .expect("a window's end is a valid time"),
            },
        }
    }

    /// The report when no limit is configured: nothing is counted.
    pub fn unlimited(now: OffsetDateTime) -> Self {
        Self::new(Limits::NONE, now, DayCounts::default(), 0)
    }
}

/// A day item's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct DayCounts {
    uploads: u64,
    bytes: u64,
    emails: u64,
}

/// The fixed window `now` falls in, as epoch seconds `[start, end)`.
fn window(window: Duration, now: OffsetDateTime) -> (i64, i64) {
    let secs = window.as_secs().max(1) as i64;
    let start = now.unix_timestamp().div_euclid(secs) * secs;
    (start, start + secs)
}

fn next_midnight(now: OffsetDateTime) -> OffsetDateTime {
    (now.date() + time::Duration::days(1))
        .with_time(Time::MIDNIGHT)
        .assume_utc()
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
        let (start, end) = self::window(window, now);
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
        let midnight = next_midnight(now);
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

    /// `caller`'s counters now, read consistently: the current request window's and
    /// today's.
    pub async fn report(
        &self,
        caller: &CallerId,
        now: OffsetDateTime,
    ) -> Result<UsageReport, UsageError> {
        let (start, _) = window(self.limits.window, now);
        let read = |key: String| {
            self.client
                .get_item()
                .table_name(&self.table)
                .key(Self::PARTITION_KEY, s(key))
                .consistent_read(true)
                .send()
        };
        let (rate, day) = tokio::try_join!(
            read(format!("rate#{caller}#{start}")),
            read(format!("day#{caller}#{}", now.date())),
        )
        .map_err(|err| UsageError::Read(Box::new(err.into())))?;
        let count = |item: Option<&std::collections::HashMap<String, AttributeValue>>,
                     name: &str| {
            item.and_then(|item| item.get(name))
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let day = DayCounts {
            uploads: count(day.item(), "uploads"),
            bytes: count(day.item(), "bytes"),
            emails: count(day.item(), "emails"),
        };
        Ok(UsageReport::new(
            self.limits,
            now,
            day,
            count(rate.item(), "count"),
        ))
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
    fn a_report_counts_down_saturates_and_reads_off_limits_as_none() {
        let limits = Limits {
            requests: 120,
            window: Duration::from_secs(60),
            daily_uploads: 10,
            daily_bytes: 0,
            daily_emails: 100,
        };
        let now = datetime!(2026-12-07 14:02:30 UTC);
        let day = DayCounts {
            uploads: 12,
            bytes: 5_000,
            emails: 3,
        };
        let report = UsageReport::new(limits, now, day, 7);
        assert_eq!(report.day, "2026-12-07");
        // Over the limit (the limit was lowered after the uploads): none remaining, not
        // a negative count.
        assert_eq!(report.uploads.remaining, Some(0));
        assert_eq!(report.uploads.limit, Some(10));
        assert_eq!(report.bytes.limit, None);
        assert_eq!(report.bytes.remaining, None);
        assert_eq!(report.bytes.used, 5_000);
        assert_eq!(report.emails.remaining, Some(97));
        assert_eq!(report.uploads.resets_at, datetime!(2026-12-08 0:00 UTC));
        assert_eq!(report.requests.remaining, Some(113));
        assert_eq!(report.requests.window_seconds, 60);
        assert_eq!(report.requests.resets_at, datetime!(2026-12-07 14:03 UTC));

        let json = serde_json::to_value(&report).unwrap();
        assert!(json["bytes"]["limit"].is_null());
        assert_eq!(json["requests"]["resets_at"], "2026-12-07T14:03:00Z");
    }

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
