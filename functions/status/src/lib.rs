//! `GET /images/{id}`: a job's status, with presigned download links once it is done;
//! `GET /images`: the caller's jobs, a page at a time ([`listing`]); `GET /usage`: the caller's counters against its limits; and `GET /health`, the one route
//! that needs no caller.

pub mod cursor;
pub mod listing;
pub mod settings;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use crate::settings::StatusSettings;
use ferrotype_access::Gate;
use ferrotype_service::domain::{
    CallerId, JobError, JobId, JobRecord, JobStatus, NoticeDeliveries, OutputInfo, OutputName,
    Outputs, Placeholder, VariantInfo, WebhookDeliveries,
};
use ferrotype_service::problem::Problem;
use ferrotype_service::routes::{path_of, requested_job_id, JOB_METHODS, USAGE_METHODS};
use ferrotype_service::store::{DisplayErrorContext, ImageStore, JobTable, ListTable, StoreError};
use ferrotype_variants::{Encoding, VariantName};
use lambda_http::http::{header, Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use time::OffsetDateTime;
use tracing::error;

/// What the status handler needs, built once at init.
pub struct App {
    pub gate: Gate,
    pub images: ImageStore,
    pub jobs: JobTable,
    /// The read model `GET /images` pages through.
    pub list: ListTable,
    pub settings: StatusSettings,
}

#[derive(Debug, Serialize)]
pub struct StatusBody {
    pub id: String,
    pub status: JobStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// The original and, by their names from before variants, the JPEG or PNG of the
    /// `thumbnail`, `preview` and `optimized` variants (when declared).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<LinkedOutputs>,
    /// Every variant the job made, by name: its size and one link per format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variants: Option<BTreeMap<VariantName, LinkedVariant>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Placeholder>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    /// Each webhook's delivery state, by event, when the job has a callback URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<WebhookDeliveries>,
    /// The e-mail's and the event's notice, by channel, once one of them failed a try.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notifications: Option<NoticeDeliveries>,
}

#[derive(Debug, Serialize)]
pub struct LinkedOutputs {
    pub original: Link,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimized: Option<Link>,
}

/// One variant: its size, and its files by format (`avif`, `webp`, `jpeg`, `png`), best
/// first, so a web client can write one `<source>` per format and a mobile client can take
/// the first it decodes.
#[derive(Debug, Serialize)]
pub struct LinkedVariant {
    pub width: u32,
    pub height: u32,
    pub formats: BTreeMap<Encoding, FormatLink>,
}

#[derive(Debug, Serialize)]
pub struct FormatLink {
    pub url: String,
    pub bytes: u64,
    pub content_type: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Link {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub content_type: String,
}

/// Handles one request; never returns `Err` (API Gateway would make it a 502).
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    if is_health_check(&request) {
        return health();
    }
    if is_usage(&request) {
        return app
            .gate
            .serve(request, |caller, request| usage(app, caller, request))
            .await;
    }
    if is_list(&request) {
        return app
            .gate
            .serve(request, |caller, request| {
                listing::list(app, caller, request)
            })
            .await;
    }
    app.gate
        .serve(request, |caller, request| lookup(app, caller, request))
        .await
}

/// `/images` itself, not `/images/{id}`: a request of the `{id}` route (even with an empty
/// id, `/images/`) is a lookup, and answers as one.
fn is_list(request: &Request) -> bool {
    let routed_to_a_job = request
        .path_parameters_ref()
        .is_some_and(|params| params.first("id").is_some());
    !routed_to_a_job && path_of(request).ends_with("/images")
}

fn is_usage(request: &Request) -> bool {
    path_of(request).ends_with("/usage")
}

/// `GET /usage`: the caller's counters now, this request counted. Read consistently, so an
/// upload answered `202` shows at once; never cached.
async fn usage(app: &App, caller: CallerId, request: Request) -> Response<Body> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return Problem::method_not_allowed(&USAGE_METHODS).into_response();
    }
    match app.gate.usage_report(&caller).await {
        Ok(report) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::Text(
                serde_json::to_string(&report).expect("a usage report serialises"),
            ))
            .expect("the usage answer is well formed"),
        Err(err) => {
            error!(error = %DisplayErrorContext(&err), "reading the caller's usage failed");
            Problem::unavailable(app.settings.unavailable_retry_after).into_response()
        }
    }
}

/// `GET /health`: the function runs and its configuration loaded. It touches no store and
/// needs no caller, so load balancers and uptime checks can call it freely.
fn is_health_check(request: &Request) -> bool {
    path_of(request).ends_with("/health")
}

fn health() -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Text(r#"{"status":"ok"}"#.into()))
        .expect("the health answer is well formed")
}

async fn lookup(app: &App, caller: CallerId, request: Request) -> Response<Body> {
    match status(app, &caller, &request).await {
        Ok(body) => ok(body, app.settings.retry_after),
        Err(err) => {
            if let StatusError::Store { id, source } = &err {
                error!(job_id = %id, error = %DisplayErrorContext(source), "status lookup failed");
            }
            err.problem(&app.settings).into_response()
        }
    }
}

/// Why a lookup got no status document. [`StatusError::problem`] is the one place these
/// become problem documents.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error("the method {0} is not served here")]
    MethodNotAllowed(Method),
    /// An unknown id, or one that is not a job id at all: both read the same.
    #[error("no job has this id")]
    NotFound,
    #[error("looking up job {id} failed")]
    Store {
        id: JobId,
        #[source]
        source: StoreError,
    },
}

impl StatusError {
    pub fn problem(&self, settings: &StatusSettings) -> Problem {
        match self {
            Self::MethodNotAllowed(_) => Problem::method_not_allowed(&JOB_METHODS),
            Self::NotFound => Problem::not_found(),
            Self::Store { .. } => Problem::unavailable(settings.unavailable_retry_after),
        }
    }
}

async fn status(
    app: &App,
    caller: &CallerId,
    request: &Request,
) -> Result<StatusBody, StatusError> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return Err(StatusError::MethodNotAllowed(request.method().clone()));
    }
    // A malformed id gets the same 404 as an unknown one: ids are capabilities, and the
    // answer should not help anyone guess them.
    let id = requested_job_id(request).ok_or(StatusError::NotFound)?;
    describe(app, id, caller)
        .await
        .map_err(|source| StatusError::Store { id, source })?
        .ok_or(StatusError::NotFound)
}

async fn describe(
    app: &App,
    id: JobId,
    caller: &CallerId,
) -> Result<Option<StatusBody>, StoreError> {
    // Another caller's job reads exactly as an unknown id.
    let Some(record) = app.jobs.get(id).await?.filter(|r| r.belongs_to(caller)) else {
        return Ok(None);
    };
    // A deleted job, or one past its retention (DynamoDB's TTL removes it later), is gone.
    if record.status == JobStatus::Deleted || record.is_expired(OffsetDateTime::now_utc()) {
        return Ok(None);
    }
    let JobRecord {
        status,
        created_at,
        updated_at,
        outputs,
        error,
        webhooks,
        notices,
        ..
    } = record;
    let mut body = StatusBody {
        id: id.to_string(),
        status,
        created_at,
        updated_at,
        outputs: None,
        variants: None,
        placeholder: None,
        expires_at: None,
        error: None,
        webhooks,
        notifications: notices,
    };
    match status {
        JobStatus::Completed => {
            if let Some(outputs) = outputs {
                // Signed on each call, so a link is always fresh when handed out.
                let ttl = app.images.link_lifetime(app.settings.presign_ttl).await?;
                body.expires_at = Some(OffsetDateTime::now_utc() + ttl);
                let mut links = Links::new(&app.images, ttl);
                body.outputs = Some(links.outputs(&outputs).await?);
                body.variants = Some(links.variants(&outputs).await?);
                body.placeholder = outputs.placeholder;
            }
        }
        JobStatus::Failed => body.error = error,
        JobStatus::AwaitingUpload
        | JobStatus::Queued
        | JobStatus::Processing
        | JobStatus::Deleted => {}
    }
    Ok(Some(body))
}

/// Presigned links, each key signed once per document (the `outputs` and `variants` name
/// the same files).
pub(crate) struct Links<'a> {
    images: &'a ImageStore,
    ttl: Duration,
    signed: HashMap<String, String>,
}

impl<'a> Links<'a> {
    pub(crate) fn new(images: &'a ImageStore, ttl: Duration) -> Self {
        Self {
            images,
            ttl,
            signed: HashMap::new(),
        }
    }

    async fn url(&mut self, key: &str) -> Result<String, StoreError> {
        if let Some(url) = self.signed.get(key) {
            return Ok(url.clone());
        }
        let url = self.images.presign_get(key, self.ttl).await?;
        self.signed.insert(key.to_string(), url.clone());
        Ok(url)
    }

    async fn link(&mut self, info: &OutputInfo) -> Result<Link, StoreError> {
        Ok(Link {
            url: self.url(&info.key).await?,
            width: info.width,
            height: info.height,
            bytes: info.bytes,
            content_type: info.content_type.clone(),
        })
    }

    async fn named(
        &mut self,
        outputs: &Outputs,
        name: OutputName,
    ) -> Result<Option<Link>, StoreError> {
        match outputs.named(name) {
            Some(info) => Ok(Some(self.link(&info).await?)),
            None => Ok(None),
        }
    }

    async fn outputs(&mut self, outputs: &Outputs) -> Result<LinkedOutputs, StoreError> {
        Ok(LinkedOutputs {
            original: self.link(&outputs.original).await?,
            thumbnail: self.named(outputs, OutputName::Thumbnail).await?,
            preview: self.named(outputs, OutputName::Preview).await?,
            optimized: self.named(outputs, OutputName::Optimized).await?,
        })
    }

    async fn variants(
        &mut self,
        outputs: &Outputs,
    ) -> Result<BTreeMap<VariantName, LinkedVariant>, StoreError> {
        let mut linked = BTreeMap::new();
        for variant in outputs.all_variants().iter() {
            linked.insert(variant.name.clone(), self.variant(variant).await?);
        }
        Ok(linked)
    }

    /// One variant's size and a link per format.
    pub(crate) async fn variant(
        &mut self,
        variant: &VariantInfo,
    ) -> Result<LinkedVariant, StoreError> {
        let mut formats = BTreeMap::new();
        for file in &variant.files {
            let link = FormatLink {
                url: self.url(&file.key).await?,
                bytes: file.bytes,
                content_type: file.encoding.content_type(),
            };
            formats.insert(file.encoding, link);
        }
        Ok(LinkedVariant {
            width: variant.width,
            height: variant.height,
            formats,
        })
    }
}

fn ok(body: StatusBody, retry_after: Duration) -> Response<Body> {
    let mut builder = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-store");
    if !body.status.is_terminal() {
        builder = builder.header(header::RETRY_AFTER, retry_after.as_secs().to_string());
    }
    let json = serde_json::to_string(&body).expect("a status body serializes");
    builder
        .body(Body::Text(json))
        .expect("the status response is well formed")
}
