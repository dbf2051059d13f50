//! `GET /webhook-secret` and `POST /webhook-secret/rotate`: the caller's own webhook
//! signing secret, which receivers of its jobs' webhooks verify them with.
//!
//! `GET` answers the current secret and, during an overlap, the previous one, making the
//! first secret if the caller has none. `POST …/rotate` makes a new current secret; the one
//! before keeps signing beside it for the overlap (`WEBHOOK_SECRET_OVERLAP_SECONDS`), and a
//! rotation during an overlap drops the oldest. Both answer only the requesting caller's
//! secrets (the caller comes from the gate, never from the request), `Cache-Control:
//! no-store`.

pub mod settings;

use std::time::Duration;

use ferrotype_access::Gate;
use ferrotype_notify::secrets::{CallerSecrets, SecretStoreError, WebhookSecrets};
use ferrotype_service::domain::CallerId;
use ferrotype_service::problem::Problem;
use ferrotype_service::store::DisplayErrorContext;
use lambda_http::http::{header, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use serde::Serialize;
use time::OffsetDateTime;
use tracing::{error, info};

use crate::settings::SecretSettings;

/// What the webhook-secret handler needs, built once at init.
pub struct App {
    pub gate: Gate,
    pub secrets: WebhookSecrets,
    pub settings: SecretSettings,
}

/// The two routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// `/webhook-secret`: `GET`.
    Read,
    /// `/webhook-secret/rotate`: `POST`.
    Rotate,
}

impl Route {
    fn of(request: &Request) -> Self {
        if ferrotype_service::routes::path_of(request).ends_with("/rotate") {
            Self::Rotate
        } else {
            Self::Read
        }
    }

    fn methods(self) -> &'static [Method] {
        const READ: [Method; 1] = [Method::GET];
        const ROTATE: [Method; 1] = [Method::POST];
        match self {
            Self::Read => &READ,
            Self::Rotate => &ROTATE,
        }
    }
}

/// Why a request got no secret. [`SecretError::problem`] is the one place these become
/// problem documents.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the method {method} is not served here")]
    MethodNotAllowed {
        method: Method,
        allowed: &'static [Method],
    },
    #[error("the webhook secrets could not be read or written")]
    Store(#[source] SecretStoreError),
}

impl SecretError {
    pub fn problem(&self, settings: &SecretSettings) -> Problem {
        match self {
            Self::MethodNotAllowed { allowed, .. } => Problem::method_not_allowed(allowed),
            Self::Store(_) => Problem::unavailable(settings.unavailable_retry_after),
        }
    }
}

/// The answer of both routes: the secret, and the previous one while it still signs.
#[derive(Debug, Serialize)]
pub struct SecretDocument {
    pub secret: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousSecret>,
}

#[derive(Debug, Serialize)]
pub struct PreviousSecret {
    pub secret: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

impl SecretDocument {
    pub fn of(secrets: &CallerSecrets, now: OffsetDateTime) -> Self {
        Self {
            secret: secrets.current.expose(),
            created_at: secrets.created_at,
            previous: secrets
                .previous_at(now)
                .map(|(secret, expires_at)| PreviousSecret {
                    secret: secret.expose(),
                    expires_at,
                }),
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
    match secrets(app, &caller, &request).await {
        Ok(document) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::Text(
                serde_json::to_string(&document).expect("a secret document serializes"),
            ))
            .expect("the secret response is well formed"),
        Err(err) => {
            if let SecretError::Store(source) = &err {
                error!(error = %DisplayErrorContext(source), "the webhook secrets failed");
            }
            err.problem(&app.settings).into_response()
        }
    }
}

async fn secrets(
    app: &App,
    caller: &CallerId,
    request: &Request,
) -> Result<SecretDocument, SecretError> {
    let route = Route::of(request);
    let allowed = route.methods();
    if !allowed.contains(request.method()) {
        return Err(SecretError::MethodNotAllowed {
            method: request.method().clone(),
            allowed,
        });
    }
    let now = OffsetDateTime::now_utc();
    let secrets = match route {
        Route::Read => app.secrets.get_or_create(caller, now).await,
        Route::Rotate => {
            let rotated = app.secrets.rotate(caller, now, app.settings.overlap).await;
            if rotated.is_ok() {
                info!(
                    overlap_s = app.settings.overlap.as_secs(),
                    "webhook secret rotated"
                );
            }
            rotated
        }
    }
    .map_err(SecretError::Store)?;
    Ok(SecretDocument::of(&secrets, now))
}

/// The overlap's default: a day, for receivers to take the new secret.
pub const DEFAULT_OVERLAP: Duration = Duration::from_secs(24 * 60 * 60);
