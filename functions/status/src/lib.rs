//! `GET /images/{id}`: a job's status, with presigned download links once it is done;
//! and `GET /health`, the one route that needs no caller.

pub mod settings;

use std::time::Duration;

use crate::settings::StatusSettings;
use ferrotype_access::Gate;
use ferrotype_service::domain::{
    CallerId, JobError, JobId, JobRecord, JobStatus, NoticeDeliveries, OutputInfo, Outputs,
    WebhookDeliveries,
};
use ferrotype_service::problem::Problem;
use ferrotype_service::routes::{requested_job_id, JOB_METHODS};
use ferrotype_service::store::{DisplayErrorContext, ImageStore, JobTable, StoreError};
use lambda_http::http::{header, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use serde::Serialize;
use time::OffsetDateTime;
use tracing::error;

/// What the status handler needs, built once at init.
pub struct App {
    pub gate: Gate,
    pub images: ImageStore,
    pub jobs: JobTable,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<LinkedOutputs>,
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
    pub thumbnail: Link,
    pub preview: Link,
    pub optimized: Link,
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
    app.gate
        .serve(request, |caller, request| lookup(app, caller, request))
        .await
}

/// `GET /health`: the function runs and its configuration loaded. It touches no store and
/// needs no caller, so load balancers and uptime checks can call it freely.
fn is_health_check(request: &Request) -> bool {
    ferrotype_service::routes::path_of(request).ends_with("/health")
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
                body.outputs = Some(sign_all(&app.images, &outputs, ttl).await?);
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

async fn sign_all(
    images: &ImageStore,
    outputs: &Outputs,
    ttl: Duration,
) -> Result<LinkedOutputs, StoreError> {
    Ok(LinkedOutputs {
        original: sign(images, &outputs.original, ttl).await?,
        thumbnail: sign(images, &outputs.thumbnail, ttl).await?,
        preview: sign(images, &outputs.preview, ttl).await?,
        optimized: sign(images, &outputs.optimized, ttl).await?,
    })
}

async fn sign(images: &ImageStore, info: &OutputInfo, ttl: Duration) -> Result<Link, StoreError> {
    Ok(Link {
        url: images.presign_get(&info.key, ttl).await?,
        width: info.width,
        height: info.height,
        bytes: info.bytes,
        content_type: info.content_type.clone(),
    })
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
