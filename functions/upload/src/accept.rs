//! An inline upload's job: the image is sniffed, then the three writes happen in order
//! (original to S3, `queued` record to DynamoDB, message to SQS), and a failure at any step
//! undoes the earlier ones, so the client never gets `202` for a job that cannot run and
//! no half-written job looks queued.

use ferrotype_format::sniff;
use ferrotype_service::domain::{
    CallerId, JobId, JobMessage, JobRecord, Notifications, OriginalUpload, UploadSource,
};
use ferrotype_service::metrics;
use ferrotype_service::store::{DisplayErrorContext, StoreError, Undo};
use ferrotype_variants::VariantName;
use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Response};
use serde::Serialize;
use time::OffsetDateTime;
use tracing::{info, warn};

use crate::{App, UploadError};

#[derive(Serialize)]
pub(crate) struct Accepted<'a> {
    id: String,
    status: &'a str,
    links: Links,
}

#[derive(Serialize)]
pub(crate) struct Links {
    pub status: String,
}

/// Sniffs the image and makes its job: `202`, or why not.
pub(crate) async fn upload(
    app: &App,
    id: JobId,
    caller: &CallerId,
    image: Vec<u8>,
    notify: Notifications,
    variants: Option<Vec<VariantName>>,
) -> Result<Response<Body>, UploadError> {
    let kind = sniff(&image).ok_or(UploadError::UnsupportedMediaType)?;
    if app.settings.heic_input.refuses(kind) {
        return Err(UploadError::HeicDisabled);
    }
    let bytes = image.len();
    let record = |upload| {
        JobRecord::queued(id, upload, OffsetDateTime::now_utc())
            .owned_by(caller)
            .notifying(notify)
            .making(variants)
            .retained_for(app.settings.retention)
    };
    accept(app, id, image, kind.content_type(), record).await?;
    metrics::job_accepted(UploadSource::Inline);
    info!(job_id = %id, bytes, content_type = kind.content_type(), "upload accepted");
    Ok(accepted(id, app.settings.retry_after.as_secs()))
}

/// The three writes, undoing the earlier ones when a later one fails.
async fn accept(
    app: &App,
    id: JobId,
    image: Vec<u8>,
    content_type: &str,
    record: impl FnOnce(OriginalUpload) -> JobRecord,
) -> Result<(), StoreError> {
    let upload = OriginalUpload::inline(content_type, image.len() as u64);
    app.images.put_original(id, image, content_type).await?;

    let record = record(upload);
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
