//! `POST /uploads`: a direct upload session. The client declares the type and size of its
//! image, gets a presigned `PUT` for one key, and sends the bytes straight to S3; the job
//! starts when S3 reports the object (the `ingest` function), never on the client's word.

use std::collections::BTreeMap;

use ferrotype_format::ImageKind;
use ferrotype_service::domain::{CallerId, JobId, JobRecord, Notifications, OriginalUpload};
use ferrotype_service::store::StoreError;
use ferrotype_variants::VariantName;
use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Response};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tracing::info;

use crate::App;

/// What the client declares: the session is signed for exactly this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    pub content_type: String,
    pub content_length: u64,
    /// Where to send the job's webhooks (checked by [`crate::notifications`]).
    #[serde(
        default,
        deserialize_with = "string_if_present",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_url: Option<String>,
    /// Whom to e-mail when the job ends.
    #[serde(
        default,
        deserialize_with = "string_if_present",
        skip_serializing_if = "Option::is_none"
    )]
    pub notify_email: Option<String>,
    /// Which declared variants to make (checked by [`crate::variants`]); all when absent.
    #[serde(
        default,
        deserialize_with = "list_if_present",
        skip_serializing_if = "Option::is_none"
    )]
    pub variants: Option<Vec<String>>,
}

/// An optional list of strings: `null` is refused, as for the other optional fields.
fn list_if_present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<String>>, D::Error> {
    Vec::<String>::deserialize(deserializer).map(Some)
}

/// An optional field that, when present, is a string: `null` is refused, as the API
/// document's schema (`type: string`, not nullable) says.
fn string_if_present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    String::deserialize(deserializer).map(Some)
}

/// Why a session request was refused.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("the request body must be application/json")]
    NotJson,
    #[error("the request body is not a valid upload request")]
    Malformed(#[source] serde_json::Error),
    #[error("{0:?} is not one of the accepted image types")]
    UnsupportedType(String),
    #[error("content_length must be at least 1")]
    Empty,
    #[error("{declared} bytes is over the limit of {limit}")]
    TooLarge { declared: u64, limit: u64 },
}

impl SessionRequest {
    /// Reads and checks the JSON body against the limit.
    pub fn parse(
        content_type: Option<&str>,
        body: &[u8],
        limit: u64,
    ) -> Result<Self, SessionError> {
        let media_type = content_type.map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or(ct)
                .trim()
                .to_ascii_lowercase()
        });
        // A missing type is taken as JSON (curl -d sends form-urlencoded unless told).
        if media_type.is_some_and(|mt| mt != "application/json") {
            return Err(SessionError::NotJson);
        }
        // An object and nothing else: serde would also read a struct from a JSON array.
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(body).map_err(SessionError::Malformed)?;
        let request: Self = serde_json::from_value(serde_json::Value::Object(object))
            .map_err(SessionError::Malformed)?;
        let content_type = request.content_type.trim().to_ascii_lowercase();
        if ImageKind::from_content_type(&content_type).is_none() {
            return Err(SessionError::UnsupportedType(request.content_type));
        }
        if request.content_length == 0 {
            return Err(SessionError::Empty);
        }
        if request.content_length > limit {
            return Err(SessionError::TooLarge {
                declared: request.content_length,
                limit,
            });
        }
        Ok(Self {
            content_type,
            content_length: request.content_length,
            callback_url: request.callback_url,
            notify_email: request.notify_email,
            variants: request.variants,
        })
    }

    /// The request in one canonical form, for the `Idempotency-Key` fingerprint: the same
    /// declaration written with other spacing or key order is the same request.
    pub fn canonical(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a session request serializes")
    }
}

#[derive(Serialize)]
struct Created {
    id: String,
    status: &'static str,
    upload: Upload,
    links: crate::accept::Links,
}

#[derive(Serialize)]
struct Upload {
    method: &'static str,
    url: String,
    headers: BTreeMap<String, String>,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

/// Signs the `PUT`, then writes the `awaiting_upload` record: `201`, or the store's error.
/// Nothing is written before the signature exists, and an unused URL leaves only a record
/// that the sweeper ends as `upload_expired`.
pub async fn create(
    app: &App,
    id: JobId,
    caller: &CallerId,
    request: SessionRequest,
    notify: Notifications,
    variants: Option<Vec<VariantName>>,
) -> Result<Response<Body>, StoreError> {
    let ttl = app
        .images
        .link_lifetime(app.settings.upload_url_ttl)
        .await?;
    let now = OffsetDateTime::now_utc();
    let presigned = app
        .images
        .presign_direct_upload(id, &request.content_type, request.content_length, ttl)
        .await?;
    let expires_at = now + ttl;
    let upload = OriginalUpload::direct(request.content_type.clone(), request.content_length);
    let record = JobRecord::awaiting_upload(id, upload, now, expires_at)
        .owned_by(caller)
        .notifying(notify)
        .making(variants)
        .retained_for(app.settings.retention);
    app.jobs.create(&record).await?;
    info!(
        job_id = %id,
        bytes = request.content_length,
        content_type = %request.content_type,
        expires_at = %expires_at.format(&Rfc3339).unwrap_or_default(),
        "direct upload session created"
    );

    let location = format!("/images/{id}");
    let body = Created {
        id: id.to_string(),
        status: "awaiting_upload",
        upload: Upload {
            method: "PUT",
            url: presigned.url,
            headers: presigned.headers.into_iter().collect(),
            expires_at,
        },
        links: crate::accept::Links {
            status: location.clone(),
        },
    };
    Ok(Response::builder()
        .status(StatusCode::CREATED)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::LOCATION, location)
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Text(
            serde_json::to_string(&body).expect("the created body serializes"),
        ))
        .expect("the created response is well formed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variants_list_is_read_and_a_null_or_non_list_one_is_malformed() {
        let parse =
            |body: &str| SessionRequest::parse(Some("application/json"), body.as_bytes(), 100);
        let ok = parse(
            r#"{"content_type": "image/png", "content_length": 5, "variants": ["thumbnail"]}"#,
        )
        .unwrap();
        assert_eq!(ok.variants, Some(vec!["thumbnail".to_string()]));
        for bad in [
            r#""variants": null"#,
            r#""variants": "thumbnail""#,
            r#""variants": [1]"#,
        ] {
            let body = format!(r#"{{"content_type": "image/png", "content_length": 5, {bad}}}"#);
            assert!(
                matches!(parse(&body), Err(SessionError::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_null_callback_url_or_notify_email_is_malformed_and_an_absent_one_is_none() {
        for field in ["callback_url", "notify_email"] {
            let body =
                format!(r#"{{"content_type": "image/gif", "content_length": 1, "{field}": null}}"#);
            let err = SessionRequest::parse(Some("application/json"), body.as_bytes(), 10);
            assert!(
                matches!(err, Err(SessionError::Malformed(_))),
                "{field}: {err:?}"
            );
        }
        let plain = br#"{"content_type": "image/gif", "content_length": 1}"#;
        let request = SessionRequest::parse(Some("application/json"), plain, 10).unwrap();
        assert_eq!((request.callback_url, request.notify_email), (None, None));
    }

    const LIMIT: u64 = 50 * 1024 * 1024;

    #[test]
    fn a_declaration_of_an_accepted_type_and_size_is_read() {
        let body = br#"{"content_type": "Image/JPEG", "content_length": 20000000}"#;
        let request = SessionRequest::parse(Some("application/json"), body, LIMIT).unwrap();
        assert_eq!(request.content_type, "image/jpeg");
        assert_eq!(request.content_length, 20_000_000);
        // No header at all is taken as JSON.
        assert!(SessionRequest::parse(None, body, LIMIT).is_ok());
    }

    #[test]
    fn bad_declarations_are_refused_with_their_reason() {
        let parse =
            |ct: Option<&str>, body: &str| SessionRequest::parse(ct, body.as_bytes(), LIMIT);
        let json = Some("application/json; charset=utf-8");
        assert!(matches!(
            parse(
                Some("text/plain"),
                r#"{"content_type":"image/png","content_length":1}"#
            ),
            Err(SessionError::NotJson)
        ));
        for malformed in [
            "",
            "{",
            r#"{"content_type":"image/png"}"#,
            r#"{"content_type":"image/png","content_length":-5}"#,
            r#"{"content_type":"image/png","content_length":"12"}"#,
            r#"{"content_type":"image/png","content_length":1,"key":"../x"}"#,
            r#"["image/png",1]"#,
        ] {
            assert!(
                matches!(parse(json, malformed), Err(SessionError::Malformed(_))),
                "{malformed}"
            );
        }
        for unsupported in ["image/bmp", "text/html", "image/svg+xml", ""] {
            let body = format!(r#"{{"content_type":"{unsupported}","content_length":1}}"#);
            assert!(matches!(
                parse(json, &body),
                Err(SessionError::UnsupportedType(_))
            ));
        }
        assert!(matches!(
            parse(json, r#"{"content_type":"image/gif","content_length":0}"#),
            Err(SessionError::Empty)
        ));
        let over = format!(
            r#"{{"content_type":"image/webp","content_length":{}}}"#,
            LIMIT + 1
        );
        assert!(matches!(
            parse(json, &over),
            Err(SessionError::TooLarge { declared, limit }) if declared == LIMIT + 1 && limit == LIMIT
        ));
        let at = format!(r#"{{"content_type":"image/webp","content_length":{LIMIT}}}"#);
        assert!(parse(json, &at).is_ok());
    }

    #[test]
    fn the_same_declaration_written_differently_has_one_canonical_form() {
        let a = SessionRequest::parse(
            None,
            br#"{"content_type":"image/png","content_length":5}"#,
            LIMIT,
        )
        .unwrap();
        let b = SessionRequest::parse(
            None,
            br#"{ "content_length": 5, "content_type": "IMAGE/PNG" }"#,
            LIMIT,
        )
        .unwrap();
        assert_eq!(a.canonical(), b.canonical());
    }
}
