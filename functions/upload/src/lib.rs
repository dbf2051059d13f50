//! `POST /images`: accept an image, store it, queue a job, answer `202 Accepted`; and
//! `POST /uploads`: a direct upload session, answered `201 Created`. This file routes and
//! reads each request; the rest is one module a job:
//! - [`body`]: the image out of a raw or multipart body;
//! - [`accept`]: an inline upload's three writes, undone on failure;
//! - [`direct`]: a direct upload's session;
//! - [`idempotency`]: the `Idempotency-Key` protocol around both;
//! - [`error`]: why a request got no `202`, as a problem document;
//! - [`settings`]: what the function reads from the environment.

mod accept;
mod body;
pub mod direct;
mod error;
mod idempotency;
pub mod settings;

use ferrotype_access::{Charge, Gate};
use ferrotype_format::ImageKind;
use ferrotype_service::domain::{
    CallbackUrl, CallerId, Fingerprint, IdempotencyKey, JobId, Notifications, NotifyEmail,
};
use ferrotype_service::store::{
    DisplayErrorContext, IdempotencyStore, ImageStore, JobQueue, JobTable,
};
use ferrotype_variants::{parse_list, VariantName};
use lambda_http::http::{header, Method};
use lambda_http::{Body, Request, RequestExt, Response};
use tracing::{error, info, Instrument};

pub use body::{extract_image, BodyError};
pub use direct::{SessionError, SessionRequest};
pub use error::UploadError;
pub use idempotency::IDEMPOTENCY_KEY;
use settings::UploadSettings;

/// What the upload handler needs, built once at init.
pub struct App {
    pub gate: Gate,
    pub images: ImageStore,
    pub jobs: JobTable,
    pub queue: JobQueue,
    pub idempotency: IdempotencyStore,
    pub settings: UploadSettings,
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
    fn of(request: &Request) -> Self {
        if ferrotype_service::routes::path_of(request).ends_with("/uploads") {
            Self::Uploads
        } else {
            Self::Images
        }
    }
}

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

/// `POST /images`: reads the image, then [`accept::upload`]s it once per `Idempotency-Key`.
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
    let asked = query
        .first("variants")
        .map(parse_list)
        .transpose()
        .map_err(UploadError::VariantList)?;
    let variants = variants(&app.settings, asked)?;
    let fingerprint = Fingerprint::of_request(
        media_type,
        &image,
        &options_of(&notify, variants.as_deref()),
    );
    idempotency::once(app, id, caller, key, fingerprint, || async {
        let charge = charge(app, caller, image.len() as u64, notify.email.is_some()).await?;
        let accepted = accept::upload(app, id, caller, image, notify, variants.clone()).await;
        refund_on_failure(app, charge, accepted).await
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
    let kind = ImageKind::from_content_type(&declared.content_type)
        .expect("parse accepts only the kinds' content types");
    if app.settings.heic_input.refuses(kind) {
        return Err(UploadError::HeicDisabled);
    }
    let notify = notifications(
        &app.settings,
        declared.callback_url.as_deref(),
        declared.notify_email.as_deref(),
    )?;
    let asked = declared
        .variants
        .as_deref()
        .map(|names| {
            let list: Result<Vec<VariantName>, _> = names.iter().map(|n| n.parse()).collect();
            list.map_err(UploadError::VariantName)
        })
        .transpose()?;
    let variants = variants(&app.settings, asked)?;
    let fingerprint = Fingerprint::of(Some(SESSION_FINGERPRINT_TYPE), &declared.canonical());
    idempotency::once(app, id, caller, key, fingerprint, || async {
        let charge = charge(app, caller, declared.content_length, notify.email.is_some()).await?;
        let created = direct::create(app, id, caller, declared, notify, variants.clone()).await;
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

/// The declared variants an upload asks for, in declaration order and each once (`None`,
/// when it names none: every declared variant). A name not declared is refused, so an
/// upload's work stays within the declaration.
pub fn variants(
    settings: &UploadSettings,
    asked: Option<Vec<VariantName>>,
) -> Result<Option<Vec<VariantName>>, UploadError> {
    let Some(asked) = asked else {
        return Ok(None);
    };
    if asked.is_empty() {
        return Err(UploadError::NoVariants);
    }
    let selected = settings
        .variants
        .select(Some(&asked))
        .map_err(UploadError::UnknownVariant)?;
    Ok(Some(selected.into_iter().map(|v| v.name.clone()).collect()))
}

/// The notifications and variants in one canonical form, for the `Idempotency-Key`
/// fingerprint (empty without any, so a plain upload's fingerprint is what it always was).
fn options_of(notify: &Notifications, variants: Option<&[VariantName]>) -> Vec<u8> {
    let mut options = Vec::new();
    if !notify.is_empty() {
        options = serde_json::to_vec(notify).expect("notifications serialize");
    }
    if let Some(variants) = variants {
        options.extend_from_slice(b"\nvariants=");
        options.extend(
            variants
                .iter()
                .flat_map(|v| [v.as_str().as_bytes(), b","])
                .flatten(),
        );
    }
    options
}

/// Counts the upload (and its e-mail, if it names one) against the caller's daily quotas:
/// one write, so an upload refused by one quota spends none of the others.
async fn charge(
    app: &App,
    caller: &CallerId,
    bytes: u64,
    email: bool,
) -> Result<Option<Charge>, UploadError> {
    app.gate
        .charge_upload(caller, bytes, email)
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
    idempotency::key_of(request)
}

#[cfg(test)]
mod tests {
    use ferrotype_service::config::Env;

    use super::*;

    #[test]
    fn a_notify_email_ses_would_refuse_is_a_400_naming_the_rule() {
        let settings = UploadSettings::from_env(&Env::from_pairs(&[
            ("QUEUE_URL", "q"),
            ("IDEMPOTENCY_TABLE_NAME", "i"),
            ("NOTIFY_EMAIL_FROM", "jobs@example.com"),
        ]))
        .unwrap();
        let long_local = format!("{}@example.com", "a".repeat(65));
        for (email, rule) in [
            ("jörg@example.com", "ASCII"),
            ("ann@exämple.com", "ASCII"),
            ("ann@example.com\r\nBcc: x@example.com", "control"),
            (" ann@example.com", "spaces"),
            (long_local.as_str(), "64"),
            ("ann", "no @"),
        ] {
            let err = notifications(&settings, None, Some(email)).unwrap_err();
            let problem = err.problem(&settings);
            assert_eq!(problem.status, 400, "{email:?}");
            assert_eq!(problem.kind, "urn:ferrotype:problem:invalid-notify-email");
            assert!(
                problem.detail.contains(rule),
                "{email:?}: {}",
                problem.detail
            );
        }
        let fine = notifications(&settings, None, Some("ann+jobs@xn--exmple-cua.com")).unwrap();
        assert_eq!(fine.email.unwrap().as_str(), "ann+jobs@xn--exmple-cua.com");
    }

    fn settings_with(variants: Option<&str>) -> UploadSettings {
        let mut pairs = vec![("QUEUE_URL", "q"), ("IDEMPOTENCY_TABLE_NAME", "i")];
        if let Some(json) = variants {
            pairs.push(("VARIANTS", json));
        }
        UploadSettings::from_env(&Env::from_pairs(&pairs)).unwrap()
    }

    fn names(list: &str) -> Option<Vec<VariantName>> {
        Some(parse_list(list).unwrap())
    }

    #[test]
    fn an_upload_gets_the_declared_variants_it_names_in_declaration_order() {
        let settings = settings_with(None);
        assert_eq!(variants(&settings, None).unwrap(), None);
        let chosen = variants(&settings, names("optimized,thumbnail,thumbnail")).unwrap();
        assert_eq!(chosen, names("thumbnail,optimized"));
    }

    #[test]
    fn an_unknown_variant_is_a_400_naming_the_declared_ones() {
        let json = r#"[{"name": "square", "width": 100, "height": 100, "fit": "cover", "formats": ["webp"]}]"#;
        let settings = settings_with(Some(json));
        // The default set's names are not this stack's.
        let err = variants(&settings, names("thumbnail")).unwrap_err();
        let problem = err.problem(&settings);
        assert_eq!(problem.status, 400);
        assert_eq!(problem.kind, "urn:ferrotype:problem:unknown-variant");
        assert!(problem.detail.contains("thumbnail"), "{}", problem.detail);
        assert!(problem.detail.contains("square"), "{}", problem.detail);
        let err = variants(&settings, Some(Vec::new())).unwrap_err();
        assert_eq!(
            err.problem(&settings).kind,
            "urn:ferrotype:problem:invalid-variants"
        );
    }

    #[test]
    fn the_variants_an_upload_names_are_part_of_its_fingerprint() {
        let none = Notifications::default();
        let all = options_of(&none, None);
        assert!(all.is_empty(), "a plain upload's fingerprint is unchanged");
        let some = options_of(&none, names("thumbnail").as_deref());
        let other = options_of(&none, names("preview").as_deref());
        assert_ne!(some, all);
        assert_ne!(some, other);
    }
}
