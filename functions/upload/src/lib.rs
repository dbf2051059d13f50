//! `POST /images`: accept an image, store it, queue a job, answer `202 Accepted`; and
//! `POST /uploads`: a direct upload session, answered `201 Created` (see [`direct`]).
//!
//! The three writes of an inline upload happen in order — original to S3, `queued` record
//! to DynamoDB, message to SQS — and a failure at any step undoes the earlier ones before
//! answering 503, so the client never gets `202` for a job that cannot run and no
//! half-written job looks queued.

mod body;
pub mod direct;

use ferrotype_access::{Charge, Gate, Refusal};
use ferrotype_format::sniff;
use ferrotype_service::config::UploadSettings;
use std::time::Duration;

use ferrotype_service::domain::{
    CallbackUrl, CallbackUrlError, CallerId, FailureCode, Fingerprint, IdempotencyKey,
    IdempotencyKeyError, JobId, JobMessage, JobRecord, JobStatus, Notifications, NotifyEmail,
    NotifyEmailError, OriginalUpload, StoredResponse, UploadSource,
};
use ferrotype_service::metrics;
use ferrotype_service::problem::Problem;
use ferrotype_service::store::{
    Claim, DisplayErrorContext, IdempotencyStore, ImageStore, JobQueue, JobTable, StoreError, Undo,
};
use lambda_http::http::{header, Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use time::OffsetDateTime;
use tracing::{error, info, warn, Instrument};

pub use body::{extract_image, BodyError};
pub use direct::{SessionError, SessionRequest};

/// The request header of the IETF httpapi draft (version 07).
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// What the upload handler needs, built once at init.
pub struct App {
    pub gate: Gate,
    pub images: ImageStore,
    pub jobs: JobTable,
    pub queue: JobQueue,
    pub idempotency: IdempotencyStore,
    pub settings: UploadSettings,
}

#[derive(Serialize)]
struct Accepted<'a> {
    id: String,
    status: &'a str,
    links: Links,
}

#[derive(Serialize)]
struct Links {
    status: String,
}

/// The two routes this function serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// `POST /images`: the image in the body.
    Images,
    /// `POST /uploads`: a direct upload session.
    Uploads,
}

impl Route {
    /// API Gateway gives the path without its stage; a request built by hand has only the
    /// URI.
    fn of(request: &Request) -> Self {
        let raw = request.raw_http_path();
        let path = if raw.is_empty() {
            request.uri().path()
        } else {
            raw
        };
        if path.trim_end_matches('/').ends_with("/uploads") {
            Self::Uploads
        } else {
            Self::Images
        }
    }
}

/// Why a request got no `202`. [`UploadError::problem`] is the one place these become
/// problem documents.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the method {0} is not served here")]
    MethodNotAllowed(Method),
    #[error("the body holds no usable image")]
    Body(#[from] BodyError),
    #[error("the body is not a JPEG, PNG, WebP or GIF image")]
    UnsupportedMediaType,
    #[error("the direct upload request was refused")]
    Session(#[from] SessionError),
    #[error("the Idempotency-Key header is invalid")]
    InvalidIdempotencyKey(#[source] IdempotencyKeyError),
    #[error("a request with this Idempotency-Key is still being handled")]
    IdempotencyKeyInFlight,
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyKeyReused,
    #[error("the callback_url is not one webhooks can be sent to")]
    CallbackUrl(#[source] CallbackUrlError),
    #[error("the notify_email is not an e-mail address")]
    NotifyEmail(#[source] NotifyEmailError),
    #[error("this stack sends no e-mail")]
    EmailDisabled,
    #[error("the caller's upload quota is used up")]
    Quota(#[source] Refusal),
    #[error("storing the upload failed")]
    Store(#[from] StoreError),
}

impl UploadError {
    pub fn problem(&self, settings: &UploadSettings) -> Problem {
        match self {
            Self::MethodNotAllowed(_) => Problem::method_not_allowed(&[Method::POST]),
            Self::Body(BodyError::Empty) => Problem::new(
                StatusCode::BAD_REQUEST,
                "empty-body",
                "send the image as the request body, or as a multipart part named \"file\"",
            ),
            Self::Body(BodyError::TooLarge { limit }) => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                format!("images up to {limit} bytes are accepted"),
            ),
            Self::Body(BodyError::Multipart(source)) => Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed-multipart",
                format!("the multipart/form-data body could not be read: {source}"),
            ),
            Self::Body(BodyError::NoFilePart) => Problem::new(
                StatusCode::BAD_REQUEST,
                "missing-file-part",
                "the multipart/form-data body must have a part named \"file\"",
            ),
            Self::UnsupportedMediaType => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "the body is not a JPEG, PNG, WebP or GIF image (the type is read from the bytes)",
            ),
            Self::Session(SessionError::NotJson) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send the upload request as application/json: \
                 {\"content_type\": \"image/jpeg\", \"content_length\": 12345678}",
            ),
            Self::Session(SessionError::Malformed(source)) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-upload-request",
                format!(
                    "the body must be {{\"content_type\": \"image/…\", \"content_length\": <bytes>}} \
                     and nothing else: {source}"
                ),
            ),
            Self::Session(SessionError::UnsupportedType(declared)) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                format!(
                    "content_type {declared:?} is not accepted; use image/jpeg, image/png, \
                     image/webp or image/gif"
                ),
            ),
            Self::Session(SessionError::Empty) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-upload-request",
                "content_length must be the image's size in bytes, at least 1",
            ),
            Self::Session(SessionError::TooLarge { limit, .. }) => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                format!("direct uploads of up to {limit} bytes are accepted"),
            ),
            Self::InvalidIdempotencyKey(source) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-idempotency-key",
                format!("{source}; send a string such as \"8e03978e-40d5-43e8-bc93-6894a57f9324\""),
            ),
            Self::IdempotencyKeyInFlight => Problem::new(
                StatusCode::CONFLICT,
                "idempotency-key-in-flight",
                "a request with this Idempotency-Key is still being handled; retry shortly",
            ),
            Self::IdempotencyKeyReused => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "this Idempotency-Key was already used with a different request; use a new key",
            ),
            Self::CallbackUrl(source) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-callback-url",
                format!("{source}; give an absolute https URL of a public host"),
            ),
            Self::NotifyEmail(source) => Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-notify-email",
                format!("{source}; give one plain address such as ann@example.com"),
            ),
            Self::EmailDisabled => Problem::new(
                StatusCode::BAD_REQUEST,
                "notify-email-unavailable",
                "this deployment sends no e-mail (it has no sender configured); leave out notify_email",
            ),
            Self::Quota(refusal) => refusal.problem(settings.unavailable_retry_after),
            Self::Store(_) => Problem::unavailable(settings.unavailable_retry_after),
        }
    }
}

/// How long a claimed key holds off retries if its handler dies before answering: more
/// than the function's timeout (15 s in `template.yaml`).
const CLAIM_HOLD: Duration = Duration::from_secs(60);

/// Handles one request. Client errors and our own failures are both answered with a
/// problem document; the handler never returns `Err` (API Gateway would make it a 502).
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    app.gate
        .serve(request, |caller, request| route(app, caller, request))
        .await
}

async fn route(app: &App, caller: CallerId, request: Request) -> Response<Body> {
    let id = JobId::new_random();
    // Every line logged for this request names the job (and, from the gate's span, the
    // caller), including the stores' own.
    let span = tracing::info_span!("job", job_id = %id);
    let result = async {
        match Route::of(&request) {
            Route::Images => inline(app, id, &caller, &request).await,
            Route::Uploads => session(app, id, &caller, &request).await,
        }
    }
    .instrument(span)
    .await;
    match result {
        Ok(response) => response,
        Err(err) => {
            match &err {
                UploadError::Store(cause) => {
                    error!(job_id = %id, error = %DisplayErrorContext(cause), "upload failed")
                }
                client => info!(reason = %DisplayErrorContext(client), "upload rejected"),
            }
            err.problem(&app.settings).into_response()
        }
    }
}

/// `POST /images`: reads the image, then [`upload`]s it once per `Idempotency-Key`.
async fn inline(
    app: &App,
    id: JobId,
    caller: &CallerId,
    request: &Request,
) -> Result<Response<Body>, UploadError> {
    let key = post_with_key(request)?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let image = extract_image(
        content_type,
        request.body().as_ref(),
        app.settings.max_upload_bytes,
    )
    .await?;
    // The image and its declared media type, not the raw body: a multipart body's boundary
    // is new on every send, even of the same file.
    let media_type = content_type.map(|ct| ct.split(';').next().unwrap_or(ct));
    let query = request.query_string_parameters();
    let (callback_url, notify_email) = (query.first("callback_url"), query.first("notify_email"));
    let notify = notifications(&app.settings, callback_url, notify_email)?;
    let fingerprint = Fingerprint::of_request(media_type, &image, &options_of(&notify));
    once(app, id, caller, key, fingerprint, || async {
        let charge = charge(app, caller, image.len() as u64).await?;
        refund_on_failure(app, charge, upload(app, id, caller, image, notify).await).await
    })
    .await
}

/// `POST /uploads`: reads the declaration, then creates the session once per
/// `Idempotency-Key`.
async fn session(
    app: &App,
    id: JobId,
    caller: &CallerId,
    request: &Request,
) -> Result<Response<Body>, UploadError> {
    let key = post_with_key(request)?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let declared = SessionRequest::parse(
        content_type,
        request.body().as_ref(),
        app.settings.max_direct_upload_bytes,
    )?;
    let notify = notifications(
        &app.settings,
        declared.callback_url.as_deref(),
        declared.notify_email.as_deref(),
    )?;
    let fingerprint = Fingerprint::of(Some(SESSION_FINGERPRINT_TYPE), &declared.canonical());
    once(app, id, caller, key, fingerprint, || async {
        let charge = charge(app, caller, declared.content_length).await?;
        let created = direct::create(app, id, caller, declared, notify).await;
        refund_on_failure(app, charge, created.map_err(UploadError::from)).await
    })
    .await
}

/// Whom to tell about the job, from what the request gave.
pub fn notifications(
    settings: &UploadSettings,
    callback_url: Option<&str>,
    notify_email: Option<&str>,
) -> Result<Notifications, UploadError> {
    let callback_url = callback_url
        .map(|url| CallbackUrl::parse(url, settings.receivers))
        .transpose()
        .map_err(UploadError::CallbackUrl)?;
    let email = notify_email
        .map(NotifyEmail::parse)
        .transpose()
        .map_err(UploadError::NotifyEmail)?;
    if email.is_some() && !settings.email_enabled {
        return Err(UploadError::EmailDisabled);
    }
    Ok(Notifications {
        callback_url,
        email,
    })
}

/// The notifications in one canonical form, for the `Idempotency-Key` fingerprint (empty
/// without any, so a plain upload's fingerprint is what it always was).
fn options_of(notify: &Notifications) -> Vec<u8> {
    if notify.is_empty() {
        return Vec::new();
    }
    serde_json::to_vec(notify).expect("notifications serialize")
}

/// Counts the upload against the caller's daily quota.
async fn charge(app: &App, caller: &CallerId, bytes: u64) -> Result<Option<Charge>, UploadError> {
    app.gate
        .charge_upload(caller, bytes)
        .await
        .map_err(UploadError::Quota)
}

/// Gives the quota back when the upload made no job.
async fn refund_on_failure(
    app: &App,
    charge: Option<Charge>,
    result: Result<Response<Body>, UploadError>,
) -> Result<Response<Body>, UploadError> {
    if result.is_err() {
        app.gate.refund(charge).await;
    }
    result
}

/// The media type a session's fingerprint is taken under: never an image's, so one key
/// used on both routes is a different request (`422`).
const SESSION_FINGERPRINT_TYPE: &str = "application/vnd.ferrotype.upload-session+json";

/// Refuses other methods and reads the `Idempotency-Key` header, if there is one.
fn post_with_key(request: &Request) -> Result<Option<IdempotencyKey>, UploadError> {
    if request.method() != Method::POST {
        return Err(UploadError::MethodNotAllowed(request.method().clone()));
    }
    request
        .headers()
        .get(IDEMPOTENCY_KEY)
        .map(|header| {
            header
                .to_str()
                .map_err(|_| IdempotencyKeyError::Malformed)
                .and_then(IdempotencyKey::parse)
                .map_err(UploadError::InvalidIdempotencyKey)
        })
        .transpose()
}

/// `run`, once per `Idempotency-Key` (when the request has one): a retry of the same
/// request gets the first answer again, and no second job.
async fn once<F, Fut>(
    app: &App,
    id: JobId,
    caller: &CallerId,
    key: Option<IdempotencyKey>,
    fingerprint: Fingerprint,
    run: F,
) -> Result<Response<Body>, UploadError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Response<Body>, UploadError>>,
{
    let Some(key) = key else {
        return run().await;
    };
    let claim = app
        .idempotency
        .claim(
            caller.as_str(),
            &key,
            &fingerprint,
            OffsetDateTime::now_utc(),
            CLAIM_HOLD,
        )
        .await?;
    match claim {
        Claim::New => {}
        Claim::Replay(stored) => {
            if !names_a_gone_job(app, &stored).await? {
                info!(idempotency_key = %key, status = stored.status, "replaying the answer to a retried request");
                return Ok(replay(&stored));
            }
            // The job the answer names was deleted (or has expired) since: pointing the
            // client at it would be an answer for nothing. The same request makes a new job.
            info!(idempotency_key = %key, "the key's job is gone; handling the request afresh");
            let reclaimed = app
                .idempotency
                .reclaim(
                    caller.as_str(),
                    &key,
                    &fingerprint,
                    &stored,
                    OffsetDateTime::now_utc(),
                    CLAIM_HOLD,
                )
                .await?;
            if !reclaimed {
                // Another retry got there first and is making the new job.
                return Err(UploadError::IdempotencyKeyInFlight);
            }
        }
        Claim::InFlight => return Err(UploadError::IdempotencyKeyInFlight),
        Claim::Mismatch => return Err(UploadError::IdempotencyKeyReused),
    }
    let response = match run().await {
        Ok(response) => response,
        Err(err) => {
            if let UploadError::Store(cause) = &err {
                error!(job_id = %id, idempotency_key = %key, error = %DisplayErrorContext(cause), "upload failed");
            }
            err.problem(&app.settings).into_response()
        }
    };
    if response.status().is_server_error() || response.status() == StatusCode::TOO_MANY_REQUESTS {
        // Nothing was kept (the writes were undone, or the quota refused it): a retry should
        // be handled afresh.
        if let Err(err) = app.idempotency.release(caller.as_str(), &key).await {
            warn!(idempotency_key = %key, error = %DisplayErrorContext(&err), "could not release an idempotency key");
        }
    } else if let Err(err) = app
        .idempotency
        .complete(caller.as_str(), &key, &stored(&response))
        .await
    {
        // The client still gets its answer; a retry is refused (409) until the claim's hold
        // ends.
        warn!(idempotency_key = %key, error = %DisplayErrorContext(&err), "could not keep the answer for an idempotency key");
    }
    Ok(response)
}

/// Whether a kept answer is a `202` or `201` for a job that is gone now (deleted, past its
/// retention, or a direct upload whose URL expired unused).
async fn names_a_gone_job(app: &App, stored: &StoredResponse) -> Result<bool, StoreError> {
    let location = stored
        .headers
        .iter()
        .find(|(name, _)| name == header::LOCATION.as_str())
        .and_then(|(_, value)| value.strip_prefix("/images/"))
        .and_then(|id| JobId::parse(id).ok());
    let answered_a_job = [StatusCode::ACCEPTED, StatusCode::CREATED]
        .iter()
        .any(|code| code.as_u16() == stored.status);
    let Some(id) = location.filter(|_| answered_a_job) else {
        return Ok(false);
    };
    Ok(match app.jobs.get(id).await? {
        None => true,
        Some(record) => {
            let unused_session = record
                .error
                .as_ref()
                .is_some_and(|e| e.code == FailureCode::UploadExpired);
            record.status == JobStatus::Deleted
                || unused_session
                || record.is_expired(OffsetDateTime::now_utc())
        }
    })
}

/// The headers a replayed answer carries.
const REPLAYED_HEADERS: [header::HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::LOCATION,
    header::RETRY_AFTER,
    header::CACHE_CONTROL,
];

fn stored(response: &Response<Body>) -> StoredResponse {
    let headers = REPLAYED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some((name.as_str().to_string(), value.to_string()))
        })
        .collect();
    StoredResponse {
        status: response.status().as_u16(),
        headers,
        body: String::from_utf8_lossy(response.body().as_ref()).into_owned(),
    }
}

fn replay(stored: &StoredResponse) -> Response<Body> {
    let mut builder = Response::builder().status(stored.status);
    for (name, value) in &stored.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Body::Text(stored.body.clone()))
        .expect("a stored answer was a valid response")
}

/// Sniffs the image and makes its job: `202`, or why not.
async fn upload(
    app: &App,
    id: JobId,
    caller: &CallerId,
    image: Vec<u8>,
    notify: Notifications,
) -> Result<Response<Body>, UploadError> {
    let kind = sniff(&image).ok_or(UploadError::UnsupportedMediaType)?;
    let bytes = image.len();
    accept(app, id, caller, image, kind.content_type(), notify).await?;
    metrics::job_accepted(UploadSource::Inline);
    info!(job_id = %id, bytes, content_type = kind.content_type(), "upload accepted");
    Ok(accepted(id, app.settings.retry_after.as_secs()))
}

/// The three writes, undoing the earlier ones when a later one fails.
async fn accept(
    app: &App,
    id: JobId,
    caller: &CallerId,
    image: Vec<u8>,
    content_type: &str,
    notify: Notifications,
) -> Result<(), StoreError> {
    let upload = OriginalUpload::inline(content_type, image.len() as u64);
    app.images.put_original(id, image, content_type).await?;

    let record = JobRecord::queued(id, upload, OffsetDateTime::now_utc())
        .owned_by(caller)
        .notifying(notify)
        .retained_for(app.settings.retention);
    if let Err(err) = app.jobs.create(&record).await {
        remove_original(app, id).await;
        return Err(err);
    }

    if let Err(err) = app.queue.enqueue(&JobMessage::new(id)).await {
        // Compensate only what is safe: the original may go only with its `queued` record.
        // A record that is no longer `queued` was taken by a processor (the send failed on
        // our side after SQS had the message), so the job runs: keep everything and accept.
        match app.jobs.delete_queued(id).await {
            Ok(Undo::Removed) => remove_original(app, id).await,
            Ok(Undo::Taken) => {
                warn!(job_id = %id, error = %DisplayErrorContext(&err), "the send failed, but a processor already took the job");
                return Ok(());
            }
            Err(undo) => {
                // The record and the original both stay, and the sweeper enqueues a job
                // left `queued`: the job will run, so it is accepted (a 503 would make the
                // client's retry a second job).
                warn!(
                    job_id = %id,
                    error = %DisplayErrorContext(&err),
                    undo_error = %DisplayErrorContext(&undo),
                    "the send failed and its undo too; the sweeper will enqueue the job"
                );
                return Ok(());
            }
        }
        return Err(err);
    }
    Ok(())
}

async fn remove_original(app: &App, id: JobId) {
    if let Err(err) = app.images.delete_original(id).await {
        warn!(job_id = %id, error = %DisplayErrorContext(&err), "could not remove an orphaned original");
    }
}

fn accepted(id: JobId, retry_after_secs: u64) -> Response<Body> {
    let location = format!("/images/{id}");
    let body = Accepted {
        id: id.to_string(),
        status: "queued",
        links: Links {
            status: location.clone(),
        },
    };
    Response::builder()
        .status(StatusCode::ACCEPTED)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::LOCATION, location)
        .header(header::RETRY_AFTER, retry_after_secs.to_string())
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Text(
            serde_json::to_string(&body).expect("the accepted body serializes"),
        ))
        .expect("the accepted response is well formed")
}
