//! The read side: a job as `GET /images` lists it. The list table holds one [`ListEntry`]
//! per live job, projected from the jobs table's stream (the projector function); this is
//! what an entry keeps and how entries sort.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{CallerId, FailureCode, JobId, JobRecord, JobStatus, Placeholder, VariantInfo};

/// One job in its caller's list: what a grid of the caller's images shows, and nothing a
/// list has no use for (notices, webhooks, every variant's files).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListEntry {
    pub id: JobId,
    pub caller: CallerId,
    pub status: JobStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// The original's size in bytes, as uploaded (or declared, before a direct upload).
    pub source_bytes: u64,
    pub source_content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Placeholder>,
    /// The smallest variant (the one named `thumbnail`, when declared), once completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<VariantInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureCode>,
    /// The job's retention end (the list table's TTL attribute too), epoch seconds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::timestamp::option"
    )]
    pub expires_at: Option<OffsetDateTime>,
}

impl ListEntry {
    /// The entry of `record`; `None` for a deleted job, which no list shows.
    pub fn of(record: &JobRecord) -> Option<Self> {
        if record.status == JobStatus::Deleted {
            return None;
        }
        let caller = record.owner.clone().unwrap_or_else(CallerId::anonymous);
        let outputs = record
            .outputs
            .as_ref()
            .filter(|_| record.status == JobStatus::Completed);
        let thumbnail = outputs.and_then(|outputs| {
            let variants = outputs.all_variants();
            variants
                .iter()
                .find(|variant| variant.name.as_str() == "thumbnail")
                .or_else(|| {
                    variants
                        .iter()
                        .min_by_key(|variant| u64::from(variant.width) * u64::from(variant.height))
                })
                .cloned()
        });
        Some(Self {
            id: record.id,
            caller,
            status: record.status,
            created_at: record.created_at,
            updated_at: record.updated_at,
            source_bytes: record.upload.bytes,
            source_content_type: record.upload.content_type.clone(),
            placeholder: outputs.and_then(|outputs| outputs.placeholder.clone()),
            thumbnail,
            failure: record
                .error
                .as_ref()
                .filter(|_| record.status == JobStatus::Failed)
                .map(|error| error.code),
            expires_at: record.expires_at,
        })
    }

    pub fn sort_key(&self) -> SortKey {
        SortKey::new(self.created_at, self.id)
    }

    /// Whether retention has ended the job (its removal by the TTL may come days later).
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// Where an entry sorts in its caller's list: its creation in milliseconds since the epoch,
/// zero-padded to 13 digits (good until the year 2286), then its id, so entries created
/// in the same millisecond still have one order. Text, since DynamoDB sorts a string sort
/// key byte by byte.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SortKey(String);

/// Milliseconds since the epoch of `at`, clamped to what a [`SortKey`] can hold.
pub fn epoch_millis(at: OffsetDateTime) -> u64 {
    let millis = at.unix_timestamp_nanos() / 1_000_000;
    millis.clamp(0, SortKey::MAX_MILLIS as i128) as u64
}

impl SortKey {
    const MAX_MILLIS: u64 = 9_999_999_999_999;

    pub fn new(created_at: OffsetDateTime, id: JobId) -> Self {
        Self(format!("{:013}#{id}", epoch_millis(created_at)))
    }

    /// The lowest key of anything created at `millis` (below every id).
    pub fn floor(millis: u64) -> Self {
        Self(format!("{:013}#", millis.min(Self::MAX_MILLIS)))
    }

    /// The highest key of anything created at `millis` (above every id: `~` sorts after
    /// hex digits and `-`).
    pub fn ceiling(millis: u64) -> Self {
        Self(format!("{:013}#~", millis.min(Self::MAX_MILLIS)))
    }

    /// A stored key, read back: 13 digits, `#`, and a job id.
    pub fn parse(text: &str) -> Option<Self> {
        let (millis, id) = text.split_once('#')?;
        let digits = millis.len() == 13 && millis.bytes().all(|b| b.is_ascii_digit());
        (digits && JobId::parse(id).is_ok()).then(|| Self(text.to_string()))
    }

    /// The job the key is of. A key made by [`SortKey::new`] or read by [`SortKey::parse`]
    /// always ends in one; the bounds ([`SortKey::floor`], [`SortKey::ceiling`]) do not.
    pub fn id(&self) -> Option<JobId> {
        self.0
            .split_once('#')
            .and_then(|(_, id)| JobId::parse(id).ok())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SortKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The statuses a list can be filtered by: every one but `deleted`, which no list shows.
pub fn listable(status: JobStatus) -> bool {
    status != JobStatus::Deleted
}

/// A stream record's sequence number: the order of a job's changes, so a projection
/// applies a change only if it is newer than the one it holds, and a batch delivered
/// twice changes nothing. Kept as text zero-padded to 40 digits, so text order is number
/// order (DynamoDB's numbers hold 38 digits; its sequence numbers may be longer).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamSequence(String);

#[derive(Debug, thiserror::Error)]
#[error("not a stream sequence number: {0:?}")]
pub struct StreamSequenceError(String);

impl StreamSequence {
    const WIDTH: usize = 40;

    pub fn parse(text: &str) -> Result<Self, StreamSequenceError> {
        let digits = text.trim_start_matches('0');
        let valid = !text.is_empty()
            && digits.len() <= Self::WIDTH
            && text.bytes().all(|b| b.is_ascii_digit());
        if !valid {
            return Err(StreamSequenceError(text.chars().take(64).collect()));
        }
        Ok(Self(format!("{digits:0>width$}", width = Self::WIDTH)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{JobError, OriginalUpload, OutputInfo, Outputs, VariantFile};
    use ferrotype_variants::{Encoding, Rgb};

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(seconds).unwrap()
    }

    fn variant(name: &str, width: u32) -> VariantInfo {
        VariantInfo {
            name: name.parse().unwrap(),
            width,
            height: width / 2,
            files: vec![VariantFile {
                encoding: Encoding::Jpeg,
                key: format!("derived/x/{name}.jpg"),
                bytes: 10,
            }],
        }
    }

    fn completed(variants: Vec<VariantInfo>) -> JobRecord {
        let mut record = JobRecord::queued(
            JobId::new_random(),
            OriginalUpload::inline("image/jpeg", 1234),
            at(1_800_000_000),
        )
        .owned_by(&CallerId::of_key("alice").unwrap());
        record.status = JobStatus::Completed;
        record.outputs = Some(Outputs {
            original: OutputInfo {
                key: "originals/x".into(),
                width: 1000,
                height: 500,
                bytes: 1234,
                content_type: "image/jpeg".into(),
            },
            variants,
            placeholder: Some(Placeholder {
                thumbhash: "abc".into(),
                color: Rgb([1, 2, 3]),
            }),
            thumbnail: None,
            preview: None,
            optimized: None,
        });
        record
    }

    #[test]
    fn a_completed_job_lists_its_thumbnail_variant_or_else_its_smallest() {
        let record = completed(vec![variant("preview", 800), variant("thumbnail", 300)]);
        let entry = ListEntry::of(&record).unwrap();
        assert_eq!(entry.thumbnail.unwrap().name.as_str(), "thumbnail");
        assert_eq!(entry.caller.as_str(), "key:alice");
        assert_eq!(entry.source_bytes, 1234);
        assert!(entry.placeholder.is_some());

        let record = completed(vec![variant("hero", 1600), variant("small", 120)]);
        let entry = ListEntry::of(&record).unwrap();
        assert_eq!(entry.thumbnail.unwrap().name.as_str(), "small");
    }

    #[test]
    fn a_failed_job_lists_its_code_and_a_deleted_one_is_not_listed() {
        let mut record = completed(Vec::new());
        record.status = JobStatus::Failed;
        record.outputs = None;
        record.error = Some(JobError::new(FailureCode::CorruptImage, "truncated"));
        let entry = ListEntry::of(&record).unwrap();
        assert_eq!(entry.failure, Some(FailureCode::CorruptImage));
        assert!(entry.thumbnail.is_none() && entry.placeholder.is_none());

        record.status = JobStatus::Deleted;
        assert!(ListEntry::of(&record).is_none());
    }

    #[test]
    fn a_job_from_before_callers_is_the_anonymous_callers() {
        let mut record = completed(Vec::new());
        record.owner = None;
        assert!(ListEntry::of(&record).unwrap().caller.is_anonymous());
    }

    #[test]
    fn sort_keys_order_by_creation_then_id_and_bounds_enclose_a_millisecond() {
        let id = JobId::new_random();
        let early = SortKey::new(at(1_800_000_000), id);
        let later = SortKey::new(at(1_800_000_000) + time::Duration::milliseconds(1), id);
        assert!(early < later);
        assert_eq!(early.as_str(), format!("1800000000000#{id}"));
        let millis = epoch_millis(at(1_800_000_000));
        assert!(SortKey::floor(millis) < early && early < SortKey::ceiling(millis));
        assert!(SortKey::ceiling(millis) < later);
        assert_eq!(SortKey::parse(early.as_str()), Some(early.clone()));
        assert_eq!(early.id(), Some(id));
        assert_eq!(SortKey::floor(millis).id(), None);
        for bad in [
            "",
            "1800000000000",
            "180000000000#x",
            &format!("18000000000x0#{id}"),
        ] {
            assert_eq!(SortKey::parse(bad), None, "{bad}");
        }
        assert_eq!(epoch_millis(at(-5)), 0);
    }

    #[test]
    fn sequence_numbers_compare_as_numbers_once_padded() {
        let short = StreamSequence::parse("999").unwrap();
        let long = StreamSequence::parse("111100000000011116380405").unwrap();
        assert!(short < long);
        assert_eq!(short.as_str().len(), 40);
        assert_eq!(StreamSequence::parse("0").unwrap().as_str(), "0".repeat(40));
        for bad in ["", "12a", "-1", &"9".repeat(41)] {
            assert!(StreamSequence::parse(bad).is_err(), "{bad}");
        }
    }
}
