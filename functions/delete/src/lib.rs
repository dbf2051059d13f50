//! `DELETE /images/{id}`: erase a job's original, its outputs and its record.
//!
//! The record becomes a `deleted` tombstone first, with a conditional write: from then on
//! no processor can complete the job (its lease is gone) and a late SQS delivery finds it
//! finished. Then the objects are erased. A processor that was working on the job when it
//! was deleted finds its `completed` write refused and erases what it wrote itself, so no
//! output is left behind whichever finishes last. Deleting again repeats the erasure and
//! answers `204` too.

pub mod settings;

use crate::settings::DeleteSettings;
use ferrotype_access::Gate;
use ferrotype_service::domain::{CallerId, JobId, JobStatus};
use ferrotype_service::problem::Problem;
use ferrotype_service::routes::{requested_job_id, JOB_METHODS};
use ferrotype_service::store::{DisplayErrorContext, ImageStore, JobTable, StoreError, Transition};
use lambda_http::http::{header, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use time::OffsetDateTime;
use tracing::{error, info};

/// What the delete handler needs, built once at init.
pub struct App {
    pub gate: Gate,
    pub images: ImageStore,
    pub jobs: JobTable,
    pub settings: DeleteSettings,
}

/// Why a delete got no `204`. [`DeleteError::problem`] is the one place these become
/// problem documents.
#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    #[error("the method {0} is not served here")]
    MethodNotAllowed(Method),
    /// An unknown id, or one that is not a job id at all: both read the same.
    #[error("no job has this id")]
    NotFound,
    #[error("deleting job {id} failed")]
    Store {
        id: JobId,
        #[source]
        source: StoreError,
    },
}

impl DeleteError {
    pub fn problem(&self, settings: &DeleteSettings) -> Problem {
        match self {
            Self::MethodNotAllowed(_) => Problem::method_not_allowed(&JOB_METHODS),
            Self::NotFound => Problem::not_found(),
            Self::Store { .. } => Problem::unavailable(settings.unavailable_retry_after),
        }
    }
}

/// Handles one request; never returns `Err` (API Gateway would make it a 502).
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    app.gate
        .serve(request, |caller, request| answer(app, caller, request))
        .await
}

async fn answer(app: &App, caller: CallerId, request: Request) -> Response<Body> {
    match delete(app, &caller, &request).await {
        Ok(()) => Response::builder()
            .status(StatusCode::NO_CONTENT)
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::Empty)
            .expect("the no-content response is well formed"),
        Err(err) => {
            if let DeleteError::Store { id, source } = &err {
                error!(job_id = %id, error = %DisplayErrorContext(source), "delete failed");
            }
            err.problem(&app.settings).into_response()
        }
    }
}

async fn delete(app: &App, caller: &CallerId, request: &Request) -> Result<(), DeleteError> {
    if request.method() != Method::DELETE {
        return Err(DeleteError::MethodNotAllowed(request.method().clone()));
    }
    let id = requested_job_id(request).ok_or(DeleteError::NotFound)?;
    erase(app, id, caller)
        .await
        .map_err(|source| DeleteError::Store { id, source })?
        .then_some(())
        .ok_or(DeleteError::NotFound)
}

/// Tombstones the job, then erases its objects. `false` when no such job ever existed (or
/// its tombstone has expired).
pub async fn erase(app: &App, id: JobId, caller: &CallerId) -> Result<bool, StoreError> {
    match app
        .jobs
        .mark_deleted(id, caller, OffsetDateTime::now_utc())
        .await?
    {
        Transition::Applied => info!(job_id = %id, "job deleted"),
        Transition::Rejected {
            current: Some(record),
        } if record.status == JobStatus::Deleted && record.belongs_to(caller) => {
            // Deleted before: erase again, in case the first erasure stopped half way.
            info!(job_id = %id, "job was already deleted");
        }
        // The condition holds for every existing record of the caller's but a tombstone;
        // another caller's job reads as never having existed.
        Transition::Rejected { .. } => return Ok(false),
    }
    app.images.delete_job_objects(id).await?;
    Ok(true)
}
