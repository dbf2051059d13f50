use std::fmt;
use std::str::FromStr;

use ferrotype_variants::VariantName;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{CallerId, JobError, NoticeDeliveries, Notifications, Outputs, WebhookDeliveries};

/// A job's id: a random UUID v4. It is the capability to read the job, so only v4 ids
/// (122 random bits) are accepted; anything else is treated as unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JobId(Uuid);

#[derive(Debug, thiserror::Error)]
#[error("not a job id: {input:?}")]
pub struct JobIdError {
    input: String,
}

impl JobId {
    pub fn new_random() -> Self {
        Self(Uuid::new_v4())
    }

    /// Parses the canonical hyphenated lower- or upper-case form of a UUID v4.
    pub fn parse(input: &str) -> Result<Self, JobIdError> {
        let err = || JobIdError {
            input: input.chars().take(64).collect(),
        };
        // Only the 36-character hyphenated form: no braces, no URNs, no simple form.
        if input.len() != 36 {
            return Err(err());
        }
        let uuid = Uuid::try_parse(input).map_err(|_| err())?;
        if uuid.get_version_num() != 4 {
            return Err(err());
        }
        Ok(Self(uuid))
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.as_hyphenated().fmt(f)
    }
}

impl FromStr for JobId {
    type Err = JobIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for JobId {
    type Error = JobIdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<JobId> for String {
    fn from(id: JobId) -> Self {
        id.to_string()
    }
}

/// Where a job is in its life; the moves between states are [`super::Move`]'s table.
/// `queued → processing → completed | failed`; the terminal states never change. A direct
/// upload starts as `awaiting_upload` and becomes `queued` when S3 has its object (or
/// `failed`, if the object never comes or is not what was declared). Any job may become `deleted`: a tombstone that keeps a late delivery from
/// bringing the job back, and that reads as "no such job".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    AwaitingUpload,
    Queued,
    Processing,
    Completed,
    Failed,
    Deleted,
}

impl JobStatus {
    /// Every status, in the order of a job's life.
    pub const ALL: [JobStatus; 6] = [
        Self::AwaitingUpload,
        Self::Queued,
        Self::Processing,
        Self::Completed,
        Self::Failed,
        Self::Deleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingUpload => "awaiting_upload",
            Self::Queued => "queued",
            Self::Processing => "processing",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Deleted => "deleted",
        }
    }

    /// Nothing more happens to the job: it is finished or deleted.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Deleted)
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the original reached S3, which decides where it is stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadSource {
    /// In the body of `POST /images`, stored by the upload function.
    #[default]
    Inline,
    /// Sent by the client straight to S3 with a presigned `PUT` (`POST /uploads`).
    Direct,
}

/// What the client sent, as recorded at upload: for a direct upload, what it declared
/// (checked against the stored object before anything decodes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginalUpload {
    pub content_type: String,
    pub bytes: u64,
    /// Records written before direct uploads existed are inline.
    #[serde(default)]
    pub source: UploadSource,
}

impl OriginalUpload {
    pub fn inline(content_type: impl Into<String>, bytes: u64) -> Self {
        Self {
            content_type: content_type.into(),
            bytes,
            source: UploadSource::Inline,
        }
    }

    pub fn direct(content_type: impl Into<String>, bytes: u64) -> Self {
        Self {
            content_type: content_type.into(),
            bytes,
            source: UploadSource::Direct,
        }
    }
}

/// One job, as stored in the jobs table (partition key `id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub id: JobId,
    pub status: JobStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub upload: OriginalUpload,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Outputs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    /// How many times a processor has taken the job.
    #[serde(default)]
    pub attempts: u32,
    /// When the job is erased by retention (or, for a tombstone, forgotten): the table's TTL
    /// attribute, in epoch seconds. `None` keeps it forever.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::timestamp::option"
    )]
    pub expires_at: Option<OffsetDateTime>,
    /// A direct upload's deadline: when its presigned `PUT` stops working (epoch seconds).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::timestamp::option"
    )]
    pub upload_expires_at: Option<OffsetDateTime>,
    /// The caller who created the job, the only one who sees it. Jobs from before callers
    /// existed have none and belong to the anonymous caller only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<CallerId>,
    /// The instant the sweeper counts a waiting job's wait from, epoch seconds: while
    /// `queued`, when its message was last sent (or is about to be, by the write that made
    /// the job `queued`); while `awaiting_upload`, its upload's deadline. The sweeper's
    /// index is keyed on it, so every write that moves the job on removes it. `None` on
    /// records written before the index existed (docs/reliability.md, the sweeper).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::timestamp::option"
    )]
    pub sweep_from: Option<OffsetDateTime>,
    /// Whom to tell when the job starts and ends (the notifier function).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<Notifications>,
    /// Each webhook's delivery, by event; an empty map from creation when the job has a
    /// callback URL, so the webhook function can set one entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<WebhookDeliveries>,
    /// The e-mail's and the event's notices, by channel, once one failed a try (the
    /// notifier writes nothing while every notice goes out at once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notices: Option<NoticeDeliveries>,
    /// The declared variants the upload asked for; `None` makes every declared variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<Vec<VariantName>>,
}

impl JobRecord {
    pub fn queued(id: JobId, upload: OriginalUpload, now: OffsetDateTime) -> Self {
        Self {
            id,
            status: JobStatus::Queued,
            created_at: now,
            updated_at: now,
            upload,
            outputs: None,
            error: None,
            attempts: 0,
            expires_at: None,
            upload_expires_at: None,
            owner: None,
            sweep_from: Some(now),
            notify: None,
            webhooks: None,
            notices: None,
            variants: None,
        }
    }

    /// A direct upload's job, waiting for its object until `deadline`.
    pub fn awaiting_upload(
        id: JobId,
        upload: OriginalUpload,
        now: OffsetDateTime,
        deadline: OffsetDateTime,
    ) -> Self {
        Self {
            status: JobStatus::AwaitingUpload,
            upload_expires_at: Some(deadline),
            // No message until the object has come: the wait counts from the deadline.
            sweep_from: Some(deadline),
            ..Self::queued(id, upload, now)
        }
    }

    /// The same record, created by `caller`.
    pub fn owned_by(mut self, caller: &CallerId) -> Self {
        self.owner = Some(caller.clone());
        self
    }

    /// The same record, telling `notify` (nothing, if it is empty).
    pub fn notifying(mut self, notify: Notifications) -> Self {
        if notify.callback_url.is_some() {
            self.webhooks = Some(WebhookDeliveries::new());
        }
        self.notify = (!notify.is_empty()).then_some(notify);
        self
    }

    /// The same record, making only `variants` of the declared ones (`None`: all).
    pub fn making(mut self, variants: Option<Vec<VariantName>>) -> Self {
        self.variants = variants;
        self
    }

    /// Whether `caller` may see the job: its owner, or anyone anonymous for a job from
    /// before callers existed.
    pub fn belongs_to(&self, caller: &CallerId) -> bool {
        match &self.owner {
            Some(owner) => owner == caller,
            None => caller.is_anonymous(),
        }
    }

    /// The record's attribute that the table's TTL reads (`template.yaml`).
    pub const TTL_ATTRIBUTE: &'static str = "expires_at";

    /// The same record, to be erased `retention` after its creation (`None`: kept forever).
    pub fn retained_for(mut self, retention: Option<std::time::Duration>) -> Self {
        self.expires_at = retention.map(|keep| self.created_at + keep);
        self
    }

    /// Whether retention has ended the job (the TTL's deletion may come days later; the
    /// API treats it as gone at once).
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_random_id_round_trips_through_its_text_form() {
        let id = JobId::new_random();
        assert_eq!(JobId::parse(&id.to_string()).unwrap(), id);
    }

    #[test]
    fn ids_that_are_not_hyphenated_uuid_v4_are_rejected() {
        for bad in [
            "",
            "not-a-uuid",
            "../../etc/passwd",
            // v1 UUID
            "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
            // nil UUID
            "00000000-0000-0000-0000-000000000000",
            // simple form of a v4
            "936da01f9abd4d9d80c702af85c822a8",
            "{936da01f-9abd-4d9d-80c7-02af85c822a8}",
            "urn:uuid:936da01f-9abd-4d9d-80c7-02af85c822a8",
        ] {
            assert!(JobId::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(JobId::parse("936da01f-9abd-4d9d-80c7-02af85c822a8").is_ok());
    }

    #[test]
    fn a_record_retained_for_a_day_expires_a_day_after_its_creation() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let upload = OriginalUpload {
            content_type: "image/jpeg".into(),
            bytes: 1,
            source: UploadSource::Inline,
        };
        let kept = JobRecord::queued(JobId::new_random(), upload.clone(), now).retained_for(None);
        assert!(!kept.is_expired(now + time::Duration::days(10_000)));
        let day = JobRecord::queued(JobId::new_random(), upload, now)
            .retained_for(Some(std::time::Duration::from_secs(86_400)));
        assert!(!day.is_expired(now + time::Duration::hours(23)));
        assert!(day.is_expired(now + time::Duration::days(1)));
        // Stored as a number of seconds, as DynamoDB's TTL needs.
        let json = serde_json::to_value(&day).unwrap();
        assert_eq!(json[JobRecord::TTL_ATTRIBUTE], 1_800_086_400);
    }

    #[test]
    fn records_from_before_direct_uploads_read_as_inline() {
        let json = serde_json::json!({
            "id": JobId::new_random().to_string(),
            "status": "queued",
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "upload": {"content_type": "image/png", "bytes": 10},
        });
        let record: JobRecord = serde_json::from_value(json).unwrap();
        assert_eq!(record.upload.source, UploadSource::Inline);
        assert_eq!(record.upload_expires_at, None);
    }

    #[test]
    fn a_queued_record_is_swept_from_its_send_and_a_waiting_upload_from_its_deadline() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let upload = OriginalUpload::inline("image/png", 10);
        let queued = JobRecord::queued(JobId::new_random(), upload.clone(), now);
        let json = serde_json::to_value(&queued).unwrap();
        // A number, as the sweeper's index sorts and compares it.
        assert_eq!(json["sweep_from"], 1_800_000_000);
        let deadline = now + time::Duration::minutes(15);
        let waiting = JobRecord::awaiting_upload(JobId::new_random(), upload, now, deadline);
        let json = serde_json::to_value(&waiting).unwrap();
        assert_eq!(json["sweep_from"], 1_800_000_900);
    }

    #[test]
    fn an_awaiting_upload_record_keeps_its_deadline_in_epoch_seconds() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let upload = OriginalUpload {
            content_type: "image/jpeg".into(),
            bytes: 20_000_000,
            source: UploadSource::Direct,
        };
        let record = JobRecord::awaiting_upload(
            JobId::new_random(),
            upload,
            now,
            now + time::Duration::minutes(15),
        );
        assert_eq!(record.status, JobStatus::AwaitingUpload);
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["status"], "awaiting_upload");
        assert_eq!(json["upload_expires_at"], 1_800_000_900);
        assert_eq!(json["upload"]["source"], "direct");
    }
}
