//! The `Idempotency-Key` protocol (IETF httpapi draft 07): a retry of the same request
//! gets the first answer again and no second job; a different request under the same key
//! is refused (`422`), one still in flight too (`409`). The kept answer names its job, so
//! a key whose job is gone since (deleted, expired, an upload URL never used) makes a new
//! job instead of pointing at nothing.

use std::time::Duration;

use ferrotype_service::domain::{
    CallerId, FailureCode, Fingerprint, IdempotencyKey, IdempotencyKeyError, JobId, JobStatus,
    StoredResponse,
};
use ferrotype_service::store::{Claim, DisplayErrorContext, StoreError};
use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Request, Response};
use time::OffsetDateTime;
use tracing::{error, info, warn};

use crate::{App, UploadError};

/// The request header of the IETF httpapi draft (version 07).
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The request's `Idempotency-Key`, if it has one.
pub(crate) fn key_of(request: &Request) -> Result<Option<IdempotencyKey>, UploadError> {
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

/// How long a claimed key holds off retries if its handler dies before answering: more
/// than the function's timeout (15 s in `template.yaml`).
const CLAIM_HOLD: Duration = Duration::from_secs(60);

/// `run`, once per `Idempotency-Key` (when the request has one): a retry of the same
/// request gets the first answer again, and no second job.
pub(crate) async fn once<F, Fut>(
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
            caller,
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
                    caller,
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
        if let Err(err) = app.idempotency.release(caller, &key).await {
            warn!(idempotency_key = %key, error = %DisplayErrorContext(&err), "could not release an idempotency key");
        }
    } else if let Err(err) = app
        .idempotency
        .complete(caller, &key, &stored(&response, id))
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
    let Some(id) = stored.job else {
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

/// The answer to keep under the key; it names job `id` when it made one (`202` or `201`).
fn stored(response: &Response<Body>, id: JobId) -> StoredResponse {
    let headers = REPLAYED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some((name.as_str().to_string(), value.to_string()))
        })
        .collect();
    let made_a_job = [StatusCode::ACCEPTED, StatusCode::CREATED].contains(&response.status());
    StoredResponse {
        status: response.status().as_u16(),
        headers,
        body: String::from_utf8_lossy(response.body().as_ref()).into_owned(),
        job: made_a_job.then_some(id),
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
