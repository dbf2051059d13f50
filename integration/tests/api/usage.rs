//! `GET /usage` against the emulator: a caller's counters against its limits, read from the
//! same items the limits are enforced with, its own only, checked against the API document.

use std::time::Duration;

use ferrotype_access::Limits;
use ferrotype_samples as samples;
use image::DynamicImage;
use integration::{bearer, header_of, json, post_image, TestStack};
use lambda_http::http::Method;
use lambda_http::{Body, Request};
use time::{OffsetDateTime, Time};

fn photo() -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(64, 48)))
}

fn get_usage() -> Request {
    let mut request = Request::new(Body::Empty);
    *request.uri_mut() = "/usage".parse().unwrap();
    request
}

#[tokio::test]
async fn usage_counts_the_callers_uploads_bytes_and_requests_and_only_its_own() {
    let limits = Limits {
        requests: 100,
        window: Duration::from_secs(3600),
        daily_uploads: 10,
        daily_bytes: 1_000_000,
        daily_emails: 0,
    };
    let stack = TestStack::new().await;
    let mut upload = stack.upload_app();
    upload.gate = stack.gate(stack.access(Vec::new(), limits));
    let mut status = stack.status_app();
    status.gate = stack.gate(stack.access(Vec::new(), limits));
    let alice = stack.api_key("alice").await;
    let bob = stack.api_key("bob").await;

    let image = photo();
    for _ in 0..2 {
        let response = upload::handle(
            &upload,
            bearer(post_image("image/jpeg", image.clone()), &alice),
        )
        .await;
        assert_eq!(response.status(), 202);
    }

    let now = OffsetDateTime::now_utc();
    let response = status::handle(&status, bearer(get_usage(), &alice)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header_of(&response, "cache-control"), Some("no-store"));
    assert_eq!(
        header_of(&response, "content-type"),
        Some("application/json")
    );
    let body = json(&response);
    crate::openapi::assert_body_conforms("Usage", &body);
    assert_eq!(body["day"], now.date().to_string());
    assert_eq!(body["uploads"]["used"], 2);
    assert_eq!(body["uploads"]["limit"], 10);
    assert_eq!(body["uploads"]["remaining"], 8);
    assert_eq!(body["bytes"]["used"], 2 * image.len());
    assert_eq!(body["bytes"]["remaining"], 1_000_000 - 2 * image.len());
    // The e-mail quota is off: no limit, nothing remaining to count down.
    assert!(body["emails"]["limit"].is_null());
    assert!(body["emails"]["remaining"].is_null());
    let midnight = (now.date() + time::Duration::days(1))
        .with_time(Time::MIDNIGHT)
        .assume_utc();
    let midnight = midnight
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    assert_eq!(body["uploads"]["resets_at"], midnight);
    // Two uploads and this request, in an hour's window (one that ended in between would
    // leave fewer).
    let requests = body["requests"]["used"].as_u64().unwrap();
    assert!((1..=3).contains(&requests), "{body}");
    assert_eq!(body["requests"]["limit"], 100);
    assert_eq!(body["requests"]["remaining"], 100 - requests);
    assert_eq!(body["requests"]["window_seconds"], 3600);

    // Bob sees his own day, untouched by Alice's uploads.
    let bobs = json(&status::handle(&status, bearer(get_usage(), &bob)).await);
    assert_eq!(bobs["uploads"]["used"], 0);
    assert_eq!(bobs["uploads"]["remaining"], 10);
    assert_eq!(bobs["bytes"]["used"], 0);
    assert_eq!(bobs["requests"]["used"], 1);

    // A third upload shows at once (the read is consistent).
    let response = upload::handle(
        &upload,
        bearer(post_image("image/jpeg", image.clone()), &alice),
    )
    .await;
    assert_eq!(response.status(), 202);
    let body = json(&status::handle(&status, bearer(get_usage(), &alice)).await);
    assert_eq!(body["uploads"]["used"], 3);
    assert_eq!(body["uploads"]["remaining"], 7);
}

#[tokio::test]
async fn usage_needs_a_caller_and_is_only_read() {
    let limits = Limits {
        requests: 100,
        window: Duration::from_secs(60),
        daily_uploads: 10,
        ..Limits::NONE
    };
    let stack = TestStack::new().await;
    let mut status = stack.status_app();
    status.gate = stack.gate(stack.access(Vec::new(), limits));
    let alice = stack.api_key("alice").await;

    let anonymous = status::handle(&status, get_usage()).await;
    assert_eq!(anonymous.status(), 401);
    // Alice's key with its last character changed.
    let last = if alice.ends_with('x') { 'y' } else { 'x' };
    let forged_key = format!("{}{last}", &alice[..alice.len() - 1]);
    let forged = status::handle(&status, bearer(get_usage(), &forged_key)).await;
    assert_eq!(forged.status(), 401);

    let mut post = bearer(get_usage(), &alice);
    *post.method_mut() = Method::POST;
    let refused = status::handle(&status, post).await;
    assert_eq!(refused.status(), 405);
    assert_eq!(header_of(&refused, "allow"), Some("GET, HEAD"));
    assert_eq!(
        header_of(&refused, "content-type"),
        Some("application/problem+json")
    );
}

#[tokio::test]
async fn without_limits_every_quota_reads_as_off() {
    let stack = TestStack::new().await;
    let status = stack.status_app();
    let response = status::handle(&status, get_usage()).await;
    assert_eq!(response.status(), 200);
    let body = json(&response);
    crate::openapi::assert_body_conforms("Usage", &body);
    for quota in ["uploads", "bytes", "emails", "requests"] {
        assert!(body[quota]["limit"].is_null(), "{quota}: {body}");
        assert!(body[quota]["remaining"].is_null(), "{quota}: {body}");
        assert_eq!(body[quota]["used"], 0, "{quota}: {body}");
    }
}
