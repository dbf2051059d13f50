//! Callers against the emulator: tokens from a test OIDC issuer on loopback, API keys in
//! the stack's table, and the attacks on both (no credential, forged, expired, another
//! issuer's, revoked, another caller's job). Each job is its caller's alone.

use base64::Engine;
use ferrotype_access::Limits;
use ferrotype_samples as samples;
use image::DynamicImage;
use integration::issuer::TestIssuer;
use integration::{bearer, delete_job, get_status, json, post_image, TestStack};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use lambda_http::http::header;
use lambda_http::{Body, Response};
use serde_json::json;
use time::OffsetDateTime;

const AUDIENCE: &str = "ferrotype-test";

fn photo() -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(64, 48)))
}

/// A stack whose upload, status and delete apps all require callers: tokens of `issuer`,
/// and the stack's API keys.
struct Guarded {
    stack: TestStack,
    upload: upload::App,
    status: status::App,
    delete: delete::App,
}

impl Guarded {
    async fn new(issuers: &[&TestIssuer]) -> Self {
        let stack = TestStack::new().await;
        let access = || {
            stack.access(
                issuers
                    .iter()
                    .map(|issuer| issuer.config(AUDIENCE))
                    .collect(),
                Limits::NONE,
            )
        };
        let mut upload = stack.upload_app();
        upload.gate = stack.gate(access());
        let mut status = stack.status_app();
        status.gate = stack.gate(access());
        let mut delete = stack.delete_app();
        delete.gate = stack.gate(access());
        Self {
            stack,
            upload,
            status,
            delete,
        }
    }

    async fn upload_as(&self, credential: Option<&str>) -> Response<Body> {
        let request = post_image("image/jpeg", photo());
        let request = match credential {
            Some(credential) => bearer(request, credential),
            None => request,
        };
        upload::handle(&self.upload, request).await
    }

    /// Uploads as `credential`; the new job's id.
    async fn job_of(&self, credential: &str) -> String {
        let response = self.upload_as(Some(credential)).await;
        assert_eq!(response.status(), 202, "{:?}", response.body());
        json(&response)["id"].as_str().unwrap().to_string()
    }

    async fn status_as(&self, id: &str, credential: &str) -> u16 {
        status::handle(&self.status, bearer(get_status(id), credential))
            .await
            .status()
            .as_u16()
    }

    async fn delete_as(&self, id: &str, credential: &str) -> u16 {
        delete::handle(&self.delete, bearer(delete_job(id), credential))
            .await
            .status()
            .as_u16()
    }

    async fn key_for(&self, caller: &str) -> (String, String) {
        let (key, info) = self
            .stack
            .api_keys()
            .create(caller, "test", OffsetDateTime::now_utc())
            .await
            .unwrap();
        (key.expose().to_string(), info.key_id)
    }
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// `token` with its header replaced by `header` (payload and signature kept).
fn with_header(token: &str, header: &Header) -> String {
    let (_, rest) = token.split_once('.').unwrap();
    format!("{}.{rest}", B64.encode(serde_json::to_vec(header).unwrap()))
}

fn assert_unauthorized(response: &Response<Body>, problem: &str) {
    assert_eq!(response.status(), 401, "{:?}", response.body());
    let challenge = response.headers()[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap();
    assert!(
        challenge.starts_with("Bearer realm=\"ferrotype\""),
        "{challenge}"
    );
    assert_eq!(
        json(response)["type"],
        format!("urn:ferrotype:problem:{problem}")
    );
}

#[tokio::test]
async fn a_request_without_a_credential_is_401_with_a_challenge_and_makes_no_job() {
    let issuer = TestIssuer::start().await;
    let guarded = Guarded::new(&[&issuer]).await;
    let response = guarded.upload_as(None).await;
    assert_unauthorized(&response, "unauthorized");
    assert_eq!(
        response.headers()[header::WWW_AUTHENTICATE],
        "Bearer realm=\"ferrotype\""
    );
    let basic = post_image("image/jpeg", photo());
    let mut basic = basic;
    basic
        .headers_mut()
        .insert(header::AUTHORIZATION, "Basic dXNlcjpwYXNz".parse().unwrap());
    assert_unauthorized(
        &upload::handle(&guarded.upload, basic).await,
        "unauthorized",
    );
    let lookup = status::handle(
        &guarded.status,
        get_status(&uuid::Uuid::new_v4().to_string()),
    );
    assert_unauthorized(&lookup.await, "unauthorized");
    assert_eq!(guarded.stack.job_count().await, 0);
    assert!(guarded.stack.object_keys().await.is_empty());
}

#[tokio::test]
async fn a_token_from_the_configured_issuer_is_a_caller_and_its_job_is_its_own() {
    let issuer = TestIssuer::start().await;
    let guarded = Guarded::new(&[&issuer]).await;
    let alice = issuer.token("alice", AUDIENCE, 300);
    let bob = issuer.token("bob", AUDIENCE, 300);
    let id = guarded.job_of(&alice).await;

    assert_eq!(guarded.status_as(&id, &alice).await, 200);
    // Another subject of the same issuer, and an API key caller, both see nothing.
    assert_eq!(guarded.status_as(&id, &bob).await, 404);
    let (key, _) = guarded.key_for("alice").await;
    assert_eq!(guarded.status_as(&id, &key).await, 404);
    assert_eq!(guarded.delete_as(&id, &bob).await, 404);
    assert_eq!(guarded.delete_as(&id, &key).await, 404);
    // The job survived the other callers' deletes.
    assert_eq!(guarded.status_as(&id, &alice).await, 200);
    assert_eq!(guarded.delete_as(&id, &alice).await, 204);
    assert_eq!(guarded.status_as(&id, &alice).await, 404);
    // A deleted job's tombstone is not another caller's to "delete again" either.
    assert_eq!(guarded.delete_as(&id, &bob).await, 404);
    // Keys are fetched once by each function (upload, status, delete) and kept.
    assert_eq!(issuer.key_fetches(), 3);
}

#[tokio::test]
async fn expired_wrong_audience_and_unknown_issuer_tokens_are_401() {
    let issuer = TestIssuer::start().await;
    let stranger = TestIssuer::start().await;
    let guarded = Guarded::new(&[&issuer]).await;

    let expired = guarded
        .upload_as(Some(&issuer.token("alice", AUDIENCE, -600)))
        .await;
    assert_unauthorized(&expired, "invalid-token");
    assert!(json(&expired)["detail"]
        .as_str()
        .unwrap()
        .contains("expired"));
    assert!(expired.headers()[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .contains("error=\"invalid_token\""));

    let elsewhere = guarded
        .upload_as(Some(&issuer.token("alice", "another-app", 300)))
        .await;
    assert_unauthorized(&elsewhere, "invalid-token");

    let foreign = guarded
        .upload_as(Some(&stranger.token("alice", AUDIENCE, 300)))
        .await;
    assert_unauthorized(&foreign, "invalid-token");
    assert!(json(&foreign)["detail"]
        .as_str()
        .unwrap()
        .contains("issuer"));

    let garbage = guarded.upload_as(Some("not.a.jwt")).await;
    assert_unauthorized(&garbage, "invalid-token");
    assert_eq!(guarded.stack.job_count().await, 0);
}

#[tokio::test]
async fn forged_tokens_are_401() {
    let issuer = TestIssuer::start().await;
    let forger = TestIssuer::start().await;
    let guarded = Guarded::new(&[&issuer]).await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let claims = json!({"iss": issuer.url, "sub": "alice", "aud": AUDIENCE, "exp": now + 300});

    // The right issuer, subject and kid, signed with another key.
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(issuer.kid.clone());
    let forged = with_header(&forger.sign(claims.clone()), &header);
    assert_unauthorized(&guarded.upload_as(Some(&forged)).await, "invalid-token");

    // HS256 "signed" with the issuer's published key as the secret.
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some(issuer.kid.clone());
    let public = serde_json::to_vec(issuer.jwk()).unwrap();
    let confused =
        jsonwebtoken::encode(&hs, &claims, &EncodingKey::from_secret(&public).unwrap()).unwrap();
    assert_unauthorized(&guarded.upload_as(Some(&confused)).await, "invalid-token");

    // alg "none", no signature.
    let none = format!(
        "{}.{}.",
        B64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        B64.encode(serde_json::to_vec(&claims).unwrap())
    );
    assert_unauthorized(&guarded.upload_as(Some(&none)).await, "invalid-token");

    // A made-up kid: refused, and the issuer is not asked again and again.
    let mut unknown = Header::new(Algorithm::ES256);
    unknown.kid = Some("made-up".into());
    for _ in 0..3 {
        let token = with_header(&issuer.sign(claims.clone()), &unknown);
        assert_unauthorized(&guarded.upload_as(Some(&token)).await, "invalid-token");
    }
    assert!(
        issuer.key_fetches() <= 1,
        "{} fetches",
        issuer.key_fetches()
    );
    assert_eq!(guarded.stack.job_count().await, 0);
}

#[tokio::test]
async fn api_keys_are_callers_until_revoked_and_a_guessed_secret_is_refused() {
    let issuer = TestIssuer::start().await;
    let guarded = Guarded::new(&[&issuer]).await;
    let (key, key_id) = guarded.key_for("acme-backend").await;
    let (second, _) = guarded.key_for("acme-backend").await;
    let id = guarded.job_of(&key).await;
    // Another key of the same caller sees the same jobs.
    assert_eq!(guarded.status_as(&id, &second).await, 200);

    let guessed = format!("ftk_{key_id}_{}", "A".repeat(43));
    assert_unauthorized(&guarded.upload_as(Some(&guessed)).await, "invalid-api-key");
    let unknown = format!("ftk_{}_{}", "0".repeat(16), "A".repeat(43));
    assert_unauthorized(&guarded.upload_as(Some(&unknown)).await, "invalid-api-key");

    let listed = guarded.stack.api_keys().list().await.unwrap();
    assert_eq!(listed.len(), 2);
    let stored = format!("{listed:?}");
    assert!(
        !stored.contains(&key[20..]),
        "the list must not hold the key"
    );

    guarded
        .stack
        .api_keys()
        .revoke(&key_id, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let revoked = guarded.upload_as(Some(&key)).await;
    assert_unauthorized(&revoked, "invalid-api-key");
    assert_eq!(guarded.status_as(&id, &key).await, 401);
    // The caller's other key still works.
    assert_eq!(guarded.status_as(&id, &second).await, 200);
    assert!(matches!(
        guarded
            .stack
            .api_keys()
            .revoke("0000000000000000", OffsetDateTime::now_utc())
            .await,
        Err(ferrotype_access::KeyError::NoSuchKey(_))
    ));
}

#[tokio::test]
async fn the_health_check_needs_no_caller() {
    let guarded = Guarded::new(&[]).await;
    let mut request = lambda_http::Request::new(Body::Empty);
    *request.uri_mut() = "/health".parse().unwrap();
    let response = status::handle(&guarded.status, request).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(&response)["status"], "ok");
}

#[tokio::test]
async fn a_browser_on_an_allowed_origin_gets_cors_headers_and_others_do_not() {
    let issuer = TestIssuer::start().await;
    let guarded = Guarded::new(&[&issuer]).await;
    let mut preflight = lambda_http::Request::new(Body::Empty);
    *preflight.method_mut() = lambda_http::http::Method::OPTIONS;
    *preflight.uri_mut() = "/images".parse().unwrap();
    preflight
        .headers_mut()
        .insert(header::ORIGIN, "https://app.example".parse().unwrap());
    preflight.headers_mut().insert(
        header::ACCESS_CONTROL_REQUEST_METHOD,
        "POST".parse().unwrap(),
    );
    // No credential: a preflight never has one.
    let answer = upload::handle(&guarded.upload, preflight).await;
    assert_eq!(answer.status(), 204);
    assert_eq!(
        answer.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://app.example"
    );

    let token = issuer.token("alice", AUDIENCE, 300);
    let mut request = bearer(post_image("image/jpeg", photo()), &token);
    request
        .headers_mut()
        .insert(header::ORIGIN, "https://app.example".parse().unwrap());
    let answer = upload::handle(&guarded.upload, request).await;
    assert_eq!(answer.status(), 202);
    assert_eq!(
        answer.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://app.example"
    );
    // A refusal carries them too, so the page can read the 401.
    let mut refused = post_image("image/jpeg", photo());
    refused
        .headers_mut()
        .insert(header::ORIGIN, "https://app.example".parse().unwrap());
    let answer = upload::handle(&guarded.upload, refused).await;
    assert_eq!(answer.status(), 401);
    assert!(answer
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));

    let mut other = bearer(post_image("image/jpeg", photo()), &token);
    other
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    let answer = upload::handle(&guarded.upload, other).await;
    assert!(!answer
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
}
