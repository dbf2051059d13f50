//! What a notification says about a job: its id, status, times, outputs' sizes and types,
//! or its error. Never a presigned link or an S3 key: a receiver asks the status route for
//! fresh links, with its own credential.

use std::collections::BTreeMap;

use ferrotype_service::domain::{
    JobError, JobId, JobRecord, JobStatus, OutputInfo, OutputName, Placeholder, VariantInfo,
    WebhookEvent,
};
use ferrotype_variants::{Encoding, VariantName};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One output, without where it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputSummary {
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub content_type: String,
}

impl From<&OutputInfo> for OutputSummary {
    fn from(info: &OutputInfo) -> Self {
        Self {
            width: info.width,
            height: info.height,
            bytes: info.bytes,
            content_type: info.content_type.clone(),
        }
    }
}

/// One variant, without where its files are stored: its size and each format's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantSummary {
    pub width: u32,
    pub height: u32,
    pub formats: BTreeMap<Encoding, FileSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    pub bytes: u64,
    pub content_type: String,
}

impl From<&VariantInfo> for VariantSummary {
    fn from(variant: &VariantInfo) -> Self {
        Self {
            width: variant.width,
            height: variant.height,
            formats: variant
                .files
                .iter()
                .map(|file| {
                    let summary = FileSummary {
                        bytes: file.bytes,
                        content_type: file.encoding.content_type().to_string(),
                    };
                    (file.encoding, summary)
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobLinks {
    /// The status route, relative to the API's base URL.
    pub status: String,
}

/// The job as a notification shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: JobId,
    pub status: JobStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<BTreeMap<OutputName, OutputSummary>>,
    /// Every variant the job made, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<BTreeMap<VariantName, VariantSummary>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Placeholder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    pub links: JobLinks,
}

impl From<&JobRecord> for JobSummary {
    fn from(job: &JobRecord) -> Self {
        let outputs = job.outputs.as_ref().map(|outputs| {
            [OutputName::Original]
                .into_iter()
                .chain(OutputName::DERIVED)
                .filter_map(|name| Some((name, OutputSummary::from(&outputs.named(name)?))))
                .collect()
        });
        let variants = job.outputs.as_ref().map(|outputs| {
            outputs
                .all_variants()
                .iter()
                .map(|variant| (variant.name.clone(), VariantSummary::from(variant)))
                .collect()
        });
        let placeholder = job.outputs.as_ref().and_then(|o| o.placeholder.clone());
        Self {
            id: job.id,
            status: job.status,
            created_at: job.created_at,
            updated_at: job.updated_at,
            outputs,
            variants,
            placeholder,
            error: job.error.clone(),
            links: JobLinks {
                status: format!("/images/{}", job.id),
            },
        }
    }
}

/// A webhook's body: `{"type", "timestamp", "data"}`, as Standard Webhooks suggests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookPayload {
    #[serde(rename = "type")]
    pub event: WebhookEvent,
    /// When the transition happened (the job's `updated_at`).
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    pub data: JobSummary,
}

impl WebhookPayload {
    pub fn new(event: WebhookEvent, job: &JobRecord) -> Self {
        Self {
            event,
            timestamp: job.updated_at,
            data: JobSummary::from(job),
        }
    }

    /// The message id, the same on every attempt: one per job and event, so a receiver
    /// that keeps the ids it has handled sees a repeat for what it is.
    pub fn message_id(&self) -> String {
        let event = match self.event {
            WebhookEvent::Processing => "processing",
            WebhookEvent::Completed => "completed",
            WebhookEvent::Failed => "failed",
        };
        format!("msg_{}_{event}", self.data.id.to_string().replace('-', ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrotype_service::domain::{OriginalUpload, Outputs, VariantFile};
    use ferrotype_variants::Rgb;

    fn info(key: &str) -> OutputInfo {
        OutputInfo {
            key: key.into(),
            width: 200,
            height: 100,
            bytes: 1234,
            content_type: "image/jpeg".into(),
        }
    }

    #[test]
    fn a_completed_payload_has_the_outputs_but_no_key_or_link() {
        let mut job = JobRecord::queued(
            JobId::new_random(),
            OriginalUpload::inline("image/jpeg", 10),
            OffsetDateTime::UNIX_EPOCH,
        );
        job.status = JobStatus::Completed;
        let file = |encoding: Encoding| VariantFile {
            encoding,
            key: format!("derived/x/thumbnail.{}", encoding.extension()),
            bytes: 99,
        };
        job.outputs = Some(Outputs {
            original: info("originals/x"),
            variants: vec![VariantInfo {
                name: "thumbnail".parse().unwrap(),
                width: 200,
                height: 100,
                files: vec![file(Encoding::Avif), file(Encoding::Jpeg)],
            }],
            placeholder: Some(Placeholder {
                thumbhash: "HBkSHYSIeHiPiHh8eJd4eTN0EEQG".into(),
                color: Rgb([10, 20, 30]),
            }),
            thumbnail: None,
            preview: None,
            optimized: None,
        });
        let payload = WebhookPayload::new(WebhookEvent::Completed, &job);
        let json = serde_json::to_string(&payload).unwrap();
        assert!(
            !json.contains("derived/") && !json.contains("originals/"),
            "{json}"
        );
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["type"], "image.completed");
        assert_eq!(value["data"]["outputs"]["thumbnail"]["width"], 200);
        assert_eq!(value["data"]["outputs"]["thumbnail"]["bytes"], 99);
        assert_eq!(
            value["data"]["outputs"].get("preview"),
            None,
            "not declared"
        );
        let thumbnail = &value["data"]["variants"]["thumbnail"];
        assert_eq!(thumbnail["formats"]["avif"]["content_type"], "image/avif");
        assert_eq!(thumbnail["formats"]["jpeg"]["bytes"], 99);
        assert_eq!(value["data"]["placeholder"]["color"], "#0a141e");
        assert_eq!(
            value["data"]["links"]["status"],
            format!("/images/{}", job.id)
        );
        assert_eq!(
            serde_json::from_str::<WebhookPayload>(&json).unwrap(),
            payload
        );
        let id = payload.message_id();
        assert!(id.starts_with("msg_") && id.ends_with("_completed"), "{id}");
        assert_ne!(
            WebhookPayload::new(WebhookEvent::Processing, &job).message_id(),
            id
        );
    }
}
