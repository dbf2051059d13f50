//! The API as a client sees it: its documents as types (api/openapi.yaml), answers kept
//! whole (status, headers, body) and read into those types, and the waiting for a job.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::Env;

/// How long one request may take: a function's first request starts it, and waits for
/// cargo when another build holds `target/` (docs/local.md, Troubleshooting).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// A job's state (`status` of every job document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    AwaitingUpload,
    Queued,
    Processing,
    Completed,
    Failed,
}

impl JobStatus {
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Links {
    /// `/images/{id}`.
    pub status: String,
}

/// `202` to `POST /images`.
#[derive(Debug, Clone, Deserialize)]
pub struct Accepted {
    pub id: Uuid,
    pub status: JobStatus,
    pub links: Links,
}

/// `201` to `POST /uploads`: where to PUT the photo.
#[derive(Debug, Clone, Deserialize)]
pub struct UploadSession {
    pub id: Uuid,
    pub status: JobStatus,
    pub upload: PresignedPut,
    pub links: Links,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PresignedPut {
    pub method: String,
    pub url: String,
    /// Sent exactly as given: they are signed.
    pub headers: BTreeMap<String, String>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// `200` to `GET /images/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Job {
    pub id: Uuid,
    pub status: JobStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub outputs: Option<Outputs>,
    /// Every variant the job made, by name: its size and one link per format.
    #[serde(default)]
    pub variants: BTreeMap<String, Variant>,
    pub placeholder: Option<Placeholder>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    pub error: Option<JobError>,
    /// Each webhook's delivery, by event (`image.completed`, …).
    #[serde(default)]
    pub webhooks: BTreeMap<String, WebhookDelivery>,
}

impl Job {
    /// The outputs of a completed job, else an error naming its state.
    pub fn completed_outputs(&self) -> anyhow::Result<&Outputs> {
        match (&self.status, &self.outputs) {
            (JobStatus::Completed, Some(outputs)) => Ok(outputs),
            _ => bail!(
                "job {} is {:?}, not completed with outputs (error: {:?})",
                self.id,
                self.status,
                self.error
            ),
        }
    }
}

/// The original, and the JPEG or PNG of each of the default set's variants the job made.
#[derive(Debug, Clone, Deserialize)]
pub struct Outputs {
    pub original: Output,
    pub thumbnail: Option<Output>,
    pub preview: Option<Output>,
    pub optimized: Option<Output>,
}

impl Outputs {
    /// Each output there is, with its name, the original first.
    pub fn named(&self) -> Vec<(&'static str, &Output)> {
        let mut named = vec![("original", &self.original)];
        for (name, output) in [
            ("thumbnail", &self.thumbnail),
            ("preview", &self.preview),
            ("optimized", &self.optimized),
        ] {
            named.extend(output.as_ref().map(|output| (name, output)));
        }
        named
    }
}

/// One declared variant as a job made it.
#[derive(Debug, Clone, Deserialize)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// Its files by format; a `BTreeMap` on [`Format`] iterates best first.
    pub formats: BTreeMap<Format, FormatLink>,
}

/// A variant's file format, in the order a `<picture>` offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Avif,
    Webp,
    Jpeg,
    Png,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Avif => "image/avif",
            Self::Webp => "image/webp",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// The file extension, for files the tests write.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Avif => "avif",
            Self::Webp => "webp",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct FormatLink {
    /// A presigned S3 GET.
    pub url: String,
    pub bytes: u64,
    pub content_type: String,
}

/// What a client shows before the thumbnail arrives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Placeholder {
    /// The ThumbHash, standard base64 (with padding).
    pub thumbhash: String,
    pub color: Color,
}

/// A `#rrggbb` colour, read as such (anything else does not read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Color(pub [u8; 3]);

impl TryFrom<String> for Color {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let refuse = || format!("{text:?} is not a #rrggbb colour");
        let hex = text.strip_prefix('#').filter(|hex| {
            hex.len() == 6 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        });
        let hex = hex.ok_or_else(refuse)?;
        let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).map_err(|_| refuse());
        Ok(Self([channel(0)?, channel(2)?, channel(4)?]))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Output {
    /// A presigned S3 GET.
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub content_type: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct JobError {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WebhookDelivery {
    pub state: DeliveryState,
    pub attempts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Delivered,
    Gone,
    Failed,
}

/// An RFC 9457 problem document, the body of every error.
#[derive(Debug, Clone, Deserialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
}

/// The body of a webhook (Standard Webhooks payload).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Webhook {
    /// `image.processing`, `image.completed` or `image.failed`.
    #[serde(rename = "type")]
    pub event: String,
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    pub data: JobSummary,
}

/// A job as a notification shows it: a webhook's `data`, a live push's `job`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct JobSummary {
    pub id: Uuid,
    pub status: JobStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// An HTTP answer, kept whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// Send `request` and read the whole answer; `Err` when there was none.
    pub async fn of(request: RequestBuilder) -> anyhow::Result<Self> {
        let response = request.send().await.context("sending the request")?;
        Ok(Self {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.context("reading the body")?.to_vec(),
        })
    }

    /// The body read as a `T`, or an error showing the answer.
    pub fn json<T: DeserializeOwned>(&self) -> anyhow::Result<T> {
        serde_json::from_slice(&self.body).with_context(|| {
            format!(
                "reading a {} from the answer {self}",
                std::any::type_name::<T>()
            )
        })
    }

    /// A header's value, when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// For assertion messages: the status and the start of the body.
impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(&self.body);
        let excerpt: String = text.chars().take(600).collect();
        write!(f, "{} {excerpt}", self.status)
    }
}

/// The local API, as the stack's caller.
pub struct Api {
    base: String,
    /// Sends the caller's key with every request.
    caller: Client,
    /// Sends no credential: for the routes that need none, and presigned links (which
    /// carry their own authority and must not get the API's).
    anonymous: Client,
}

impl Api {
    pub fn new(env: &Env) -> anyhow::Result<Self> {
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {}", env.api_key))?,
        );
        Ok(Self {
            base: env.api.clone(),
            caller: builder().default_headers(headers).build()?,
            anonymous: builder().build()?,
        })
    }

    /// `path` (`/images/…`) on the API.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request to `path` with the caller's key.
    pub fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.caller.request(method, self.url(path))
    }

    /// A client without the caller's key.
    pub fn anonymous(&self) -> &Client {
        &self.anonymous
    }

    /// `POST /images` with `body` as the image itself.
    pub async fn upload(&self, content_type: &str, body: Vec<u8>) -> anyhow::Result<Answer> {
        Answer::of(
            self.request(reqwest::Method::POST, "/images")
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    /// `GET` of a job's status link (`/images/{id}`).
    pub async fn job(&self, link: &str) -> anyhow::Result<Answer> {
        Answer::of(self.request(reqwest::Method::GET, link)).await
    }

    /// Polls `link` every second until the job is completed or failed (its last answer),
    /// or `timeout` passes (an error with the last answer).
    pub async fn finished(&self, link: &str, timeout: Duration) -> anyhow::Result<Answer> {
        let deadline = Instant::now() + timeout;
        loop {
            let answer = self.job(link).await?;
            if answer.status == StatusCode::OK && answer.json::<Job>()?.status.is_terminal() {
                return Ok(answer);
            }
            if Instant::now() >= deadline {
                bail!(
                    "{link} did not finish within {} s (POLL_TIMEOUT); last answer: {answer}",
                    timeout.as_secs()
                );
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// Waits as [`Api::finished`] does, for a job that must complete; its document.
    pub async fn completed(&self, link: &str, timeout: Duration) -> anyhow::Result<Job> {
        let job: Job = self.finished(link, timeout).await?.json()?;
        job.completed_outputs()?;
        Ok(job)
    }

    /// GET of a presigned link, without the API's credential.
    pub async fn download(&self, url: &str) -> anyhow::Result<Answer> {
        Answer::of(self.anonymous.get(url)).await
    }
}

/// No redirects followed (a `Location` is checked, not visited), generous timeouts.
fn builder() -> reqwest::ClientBuilder {
    Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_completed_job_document_reads_with_its_outputs_and_webhooks() {
        let output = |width: u32| {
            serde_json::json!({"url": "http://s3/x?X-Amz-Signature=1", "width": width,
                "height": 10, "bytes": 99, "content_type": "image/jpeg"})
        };
        let document = serde_json::json!({
            "id": "6f1c0a52-4a0e-4b8e-9a39-7a3c1e7c2a11",
            "status": "completed",
            "created_at": "2024-05-01T10:00:00Z",
            "updated_at": "2024-05-01T10:00:02.5Z",
            "outputs": {"original": output(1200), "thumbnail": output(200),
                "preview": output(800), "optimized": output(1200)},
            "variants": {"thumbnail": {"width": 200, "height": 10, "formats": {
                "webp": {"url": "http://s3/t.webp", "bytes": 80, "content_type": "image/webp"},
                "avif": {"url": "http://s3/t.avif", "bytes": 60, "content_type": "image/avif"},
                "jpeg": {"url": "http://s3/t.jpg", "bytes": 99, "content_type": "image/jpeg"}}}},
            "placeholder": {"thumbhash": "1QcSHQRnh493V4dIh4eXh1h4kJUI", "color": "#5a7fb0"},
            "expires_at": "2024-05-01T11:00:00Z",
            "webhooks": {"image.completed": {"state": "delivered", "attempts": 1}},
        });
        let job: Job = serde_json::from_value(document).unwrap();
        let outputs = job.completed_outputs().unwrap();
        let widths: Vec<(&str, u32)> = outputs
            .named()
            .iter()
            .map(|(name, output)| (*name, output.width))
            .collect();
        assert_eq!(
            widths,
            [
                ("original", 1200),
                ("thumbnail", 200),
                ("preview", 800),
                ("optimized", 1200)
            ]
        );
        assert_eq!(
            job.webhooks["image.completed"].state,
            DeliveryState::Delivered
        );
        assert!(job.expires_at.is_some());
        let formats: Vec<Format> = job.variants["thumbnail"].formats.keys().copied().collect();
        assert_eq!(
            formats,
            [Format::Avif, Format::Webp, Format::Jpeg],
            "best first"
        );
        assert_eq!(job.placeholder.unwrap().color, Color([0x5a, 0x7f, 0xb0]));
    }

    #[test]
    fn a_placeholder_colour_reads_only_as_lowercase_rrggbb() {
        for text in [
            "#5A7FB0",
            "5a7fb0",
            "#5a7fb",
            "#5a7fb0ff",
            "#5a7fg0",
            "#+a7fb0",
        ] {
            assert!(Color::try_from(text.to_owned()).is_err(), "{text}");
        }
        assert_eq!(
            Color::try_from("#00ff10".to_owned()),
            Ok(Color([0, 255, 16]))
        );
    }

    #[test]
    fn a_subset_upload_reads_with_only_the_outputs_it_made() {
        let outputs: Outputs = serde_json::from_value(serde_json::json!({
            "original": {"url": "http://s3/o", "width": 9, "height": 9, "bytes": 1,
                "content_type": "image/png"},
            "preview": {"url": "http://s3/p", "width": 9, "height": 9, "bytes": 1,
                "content_type": "image/png"},
        }))
        .unwrap();
        let names: Vec<&str> = outputs.named().iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["original", "preview"]);
    }

    #[test]
    fn a_queued_job_has_no_outputs_to_give() {
        let job: Job = serde_json::from_value(serde_json::json!({
            "id": "6f1c0a52-4a0e-4b8e-9a39-7a3c1e7c2a11",
            "status": "queued",
            "created_at": "2024-05-01T10:00:00Z",
            "updated_at": "2024-05-01T10:00:00Z",
        }))
        .unwrap();
        assert!(!job.status.is_terminal());
        assert!(job.webhooks.is_empty());
        let error = job.completed_outputs().unwrap_err().to_string();
        assert!(error.contains("Queued"), "{error}");
    }

    #[test]
    fn an_answer_that_is_not_the_document_says_what_it_was() {
        let answer = Answer {
            status: StatusCode::BAD_GATEWAY,
            headers: HeaderMap::new(),
            body: b"Internal Server Error".to_vec(),
        };
        let error = format!("{:#}", answer.json::<Accepted>().unwrap_err());
        assert!(
            error.contains("502 Bad Gateway Internal Server Error"),
            "{error}"
        );
        assert!(error.contains("Accepted"), "{error}");
    }
}
