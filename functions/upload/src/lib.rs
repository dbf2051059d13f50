//! `POST /images`: accept an image, store it, queue a job, answer `202 Accepted`.
//!
//! The three writes happen in order — original to S3, `queued` record to DynamoDB, message
//! to SQS — and a failure at any step undoes the earlier ones before answering 503, so the
//! client never gets `202` for a job that cannot run and no half-written job looks queued.

mod body;

use ferrotype_shared::config::UploadSettings;
use ferrotype_shared::domain::{JobId, JobMessage, JobRecord, OriginalUpload};
use ferrotype_shared::imaging::sniff;
use ferrotype_shared::problem::Problem;
use ferrotype_shared::store::{DisplayErrorContext, ImageStore, JobQueue, JobTable, StoreError};
use lambda_http::http::{header, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use serde::Serialize;
use time::OffsetDateTime;
use tracing::{error, info, warn};

pub use body::{extract_image, BodyError};

/// What the upload handler needs, built once at init.
pub struct App {
    pub images: ImageStore,
    pub jobs: JobTable,
    pub queue: JobQueue,
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

/// Handles one request. Client errors and our own failures are both answered with a
/// problem document; the handler never returns `Err` (API Gateway would make it a 502).
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    if request.method() != Method::POST {
        let mut response = Problem::method_not_allowed("POST").into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return response;
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let image = match extract_image(
        content_type.as_deref(),
        request.body().as_ref(),
        app.settings.max_upload_bytes,
    )
    .await
    {
        Ok(image) => image,
        Err(err) => {
            info!(reason = %err, "upload rejected");
            return err.problem().into_response();
        }
    };
    let Some(kind) = sniff(&image) else {
        info!(
            bytes = image.len(),
            "upload rejected: not an accepted image type"
        );
        return Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "the body is not a JPEG, PNG, WebP or GIF image (the type is read from the bytes)",
        )
        .into_response();
    };

    let id = JobId::new_random();
    let bytes = image.len();
    match accept(app, id, image, kind.content_type()).await {
        Ok(()) => {
            info!(job_id = %id, bytes, content_type = kind.content_type(), "upload accepted");
            accepted(id, app.settings.retry_after.as_secs())
        }
        Err(err) => {
            error!(job_id = %id, error = %DisplayErrorContext(&err), "upload failed");
            Problem::unavailable().into_response()
        }
    }
}

/// The three writes, undoing the earlier ones when a later one fails.
async fn accept(
    app: &App,
    id: JobId,
    image: Vec<u8>,
    content_type: &str,
) -> Result<(), StoreError> {
    let upload = OriginalUpload {
        content_type: content_type.to_string(),
        bytes: image.len() as u64,
    };
    app.images.put_original(id, image, content_type).await?;

    let record = JobRecord::queued(id, upload, OffsetDateTime::now_utc());
    if let Err(err) = app.jobs.create(&record).await {
        remove_original(app, id).await;
        return Err(err);
    }

    if let Err(err) = app.queue.enqueue(&JobMessage::new(id)).await {
        match app.jobs.delete_queued(id).await {
            Ok(_) => remove_original(app, id).await,
            Err(undo) => warn!(
                job_id = %id,
                error = %DisplayErrorContext(&undo),
                "could not remove the job after a failed enqueue"
            ),
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
