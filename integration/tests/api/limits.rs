//! Per-caller limits against the emulator: a caller over its request rate, its daily
//! upload quota or its daily e-mail quota gets `429` with `Retry-After`, recovers when the
//! window ends, and never slows another caller down.

use std::time::{Duration, Instant};

use ferrotype_access::Limits;
use ferrotype_samples as samples;
use image::DynamicImage;
use integration::{bearer, get_status, json, post_image, post_session, TestStack};
use lambda_http::http::header;
use lambda_http::{Body, RequestExt, Response};
use time::OffsetDateTime;

fn photo() -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(64, 48)))
}

async fn stack_with(limits: Limits) -> (TestStack, upload::App, status::App) {
    let stack = TestStack::new().await;
    let mut upload = stack.upload_app();
    upload.gate = stack.gate(stack.access(Vec::new(), limits));
    let mut status = stack.status_app();
    status.gate = stack.gate(stack.access(Vec::new(), limits));
    (stack, upload, status)
}

fn retry_after(response: &Response<Body>) -> u64 {
    response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_caller_over_its_rate_gets_429_until_the_window_ends_and_then_gets_in_again() {
    let limits = Limits {
        requests: 3,
        window: Duration::from_secs(2),
        ..Limits::NONE
    };
    let (stack, _, status) = stack_with(limits).await;
    let alice = stack.api_key("alice").await;
    let lookup = || {
        status::handle(
            &status,
            bearer(get_status(&uuid::Uuid::new_v4().to_string()), &alice),
        )
    };

    // Within one window at most 3 get through (a window may end mid-way: then a few more).
    let mut limited = None;
    for _ in 0..8 {
        let response = lookup().await;
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
        assert_eq!(response.status(), 404);
    }
    let limited = limited.expect("the fourth request in a window is refused");
    assert_eq!(json(&limited)["type"], "urn:ferrotype:problem:rate-limited");
    let wait = retry_after(&limited);
    assert!((1..=2).contains(&wait), "Retry-After {wait}");

    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(lookup().await.status(), 404, "in again after Retry-After");
}

#[tokio::test]
async fn a_flood_from_one_caller_does_not_slow_another_callers_uploads() {
    let limits = Limits {
        requests: 5,
        window: Duration::from_secs(60),
        ..Limits::NONE
    };
    let (stack, upload, status) = stack_with(limits).await;
    let flooder = stack.api_key("flooder").await;
    let other = stack.api_key("other").await;

    let flood = futures_util::future::join_all((0..40).map(|_| {
        status::handle(
            &status,
            bearer(get_status(&uuid::Uuid::new_v4().to_string()), &flooder),
        )
    }));
    let started = Instant::now();
    let uploads = futures_util::future::join_all(
        (0..5).map(|_| upload::handle(&upload, bearer(post_image("image/jpeg", photo()), &other))),
    );
    let (flooded, uploaded) = tokio::join!(flood, uploads);
    let took = started.elapsed();

    let refused = flooded.iter().filter(|r| r.status() == 429).count();
    assert_eq!(
        refused, 35,
        "all but the 5 allowed of the flood are refused"
    );
    assert!(
        uploaded.iter().all(|r| r.status() == 202),
        "the other caller is not limited"
    );
    println!("5 uploads beside a 40-request flood: {took:?}");
    assert_eq!(stack.job_count().await, 5);
}

#[tokio::test]
async fn the_daily_upload_quota_counts_uploads_and_bytes_and_spares_other_callers() {
    let image = photo();
    let limits = Limits {
        daily_uploads: 2,
        daily_bytes: 10 * 1024 * 1024,
        ..Limits::NONE
    };
    let (stack, upload, _) = stack_with(limits).await;
    let alice = stack.api_key("alice").await;
    let bob = stack.api_key("bob").await;
    let post = |credential: &str| {
        upload::handle(
            &upload,
            bearer(post_image("image/jpeg", image.clone()), credential),
        )
    };

    assert_eq!(post(&alice).await.status(), 202);
    // A direct upload session counts as an upload too.
    let session = upload::handle(
        &upload,
        bearer(
            post_session(
                &serde_json::json!({"content_type": "image/jpeg", "content_length": 1000}),
            ),
            &alice,
        ),
    )
    .await;
    assert_eq!(session.status(), 201);
    let over = post(&alice).await;
    assert_eq!(over.status(), 429);
    assert_eq!(
        json(&over)["type"],
        "urn:ferrotype:problem:upload-quota-exceeded"
    );
    let midnight = (OffsetDateTime::now_utc().date() + time::Duration::days(1))
        .midnight()
        .assume_utc();
    let until_midnight = (midnight - OffsetDateTime::now_utc()).whole_seconds() as u64;
    assert!(
        retry_after(&over).abs_diff(until_midnight) <= 2,
        "Retry-After is the next UTC midnight"
    );
    assert_eq!(
        post(&bob).await.status(),
        202,
        "another caller has its own quota"
    );

    // Bytes: one declaration over what is left of the day is refused.
    let big = upload::handle(
        &upload,
        bearer(post_session(&serde_json::json!({"content_type": "image/jpeg", "content_length": 11 * 1024 * 1024})), &bob),
    )
    .await;
    assert_eq!(big.status(), 429);
    assert!(json(&big)["detail"].as_str().unwrap().contains("bytes"));
    assert_eq!(stack.job_count().await, 3);
}

#[tokio::test]
async fn a_refused_upload_keeps_no_idempotent_answer() {
    let limits = Limits {
        daily_uploads: 1,
        ..Limits::NONE
    };
    let (stack, upload, _) = stack_with(limits).await;
    let alice = stack.api_key("alice").await;
    let with_key = |n: u32| {
        let mut request = bearer(post_image("image/jpeg", photo()), &alice);
        request
            .headers_mut()
            .insert("idempotency-key", format!("\"k-{n}\"").parse().unwrap());
        request
    };
    assert_eq!(upload::handle(&upload, with_key(1)).await.status(), 202);
    assert_eq!(upload::handle(&upload, with_key(2)).await.status(), 429);
    // A replay of the first is its kept answer, not counted again.
    assert_eq!(upload::handle(&upload, with_key(1)).await.status(), 202);
    // The refused key was released: it is refused again for the quota, not as a replay.
    let again = upload::handle(&upload, with_key(2)).await;
    assert_eq!(again.status(), 429);
    assert_eq!(
        json(&again)["type"],
        "urn:ferrotype:problem:upload-quota-exceeded"
    );
}

/// The usage counters of `caller`'s current UTC day: (uploads, bytes, emails).
async fn day_counts(stack: &TestStack, caller: &str) -> (u64, u64, u64) {
    let key = format!("day#key:{caller}#{}", OffsetDateTime::now_utc().date());
    let item = stack
        .clients
        .dynamodb
        .get_item()
        .table_name(&stack.stack.usage_table)
        .key(
            "key",
            aws_sdk_dynamodb::types::AttributeValue::S(key.clone()),
        )
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .unwrap_or_default();
    let count = |name: &str| {
        item.get(name)
            .and_then(|v| v.as_n().ok())
            .map_or(0, |v| v.parse().unwrap())
    };
    (count("uploads"), count("bytes"), count("emails"))
}

#[tokio::test]
async fn uploads_naming_notify_email_over_the_daily_email_quota_get_429_and_spend_nothing() {
    let image = photo();
    let limits = Limits {
        daily_uploads: 10,
        daily_emails: 2,
        ..Limits::NONE
    };
    let (stack, upload, _) = stack_with(limits).await;
    let alice = stack.api_key("alice").await;
    let bob = stack.api_key("bob").await;
    let post = |credential: &str, email: Option<&str>| {
        let mut request = bearer(post_image("image/jpeg", image.clone()), credential);
        if let Some(email) = email {
            request = request.with_query_string_parameters(std::collections::HashMap::from([(
                "notify_email".to_string(),
                email.to_string(),
            )]));
        }
        upload::handle(&upload, request)
    };
    let session = |credential: &str| {
        upload::handle(
            &upload,
            bearer(
                post_session(&serde_json::json!({
                    "content_type": "image/jpeg",
                    "content_length": 1000,
                    "notify_email": "ann@example.com",
                })),
                credential,
            ),
        )
    };

    assert_eq!(post(&alice, Some("ann@example.com")).await.status(), 202);
    // A direct upload session naming notify_email counts as one e-mail too.
    assert_eq!(session(&alice).await.status(), 201);
    let before = day_counts(&stack, "alice").await;
    assert_eq!(before.2, 2);

    for over in [
        post(&alice, Some("ann@example.com")).await,
        session(&alice).await,
    ] {
        assert_eq!(over.status(), 429, "{:?}", over.body());
        let problem = json(&over);
        assert_eq!(
            problem["type"],
            "urn:ferrotype:problem:email-quota-exceeded"
        );
        assert!(
            problem["detail"].as_str().unwrap().contains("notify_email"),
            "{problem}"
        );
        let midnight = (OffsetDateTime::now_utc().date() + time::Duration::days(1))
            .midnight()
            .assume_utc();
        let until_midnight = (midnight - OffsetDateTime::now_utc()).whole_seconds() as u64;
        assert!(
            retry_after(&over).abs_diff(until_midnight) <= 2,
            "Retry-After is the next UTC midnight"
        );
    }
    assert_eq!(
        day_counts(&stack, "alice").await,
        before,
        "a refused upload spends no upload, byte or e-mail of the day"
    );
    assert_eq!(stack.job_count().await, 2);

    // Without notify_email the same caller still uploads; another caller still e-mails.
    assert_eq!(post(&alice, None).await.status(), 202);
    assert_eq!(post(&bob, Some("bob@example.com")).await.status(), 202);
    let after = day_counts(&stack, "alice").await;
    assert_eq!((after.0, after.2), (before.0 + 1, 2));
}

#[tokio::test]
async fn an_upload_over_its_upload_quota_spends_no_email_of_the_day() {
    let limits = Limits {
        daily_uploads: 1,
        daily_emails: 5,
        ..Limits::NONE
    };
    let (stack, upload, _) = stack_with(limits).await;
    let alice = stack.api_key("alice").await;
    let post = || {
        upload::handle(
            &upload,
            bearer(post_image("image/jpeg", photo()), &alice).with_query_string_parameters(
                std::collections::HashMap::from([(
                    "notify_email".to_string(),
                    "ann@example.com".to_string(),
                )]),
            ),
        )
    };
    assert_eq!(post().await.status(), 202);
    let over = post().await;
    assert_eq!(over.status(), 429);
    assert_eq!(
        json(&over)["type"],
        "urn:ferrotype:problem:upload-quota-exceeded"
    );
    assert_eq!(
        day_counts(&stack, "alice").await.2,
        1,
        "only the accepted one"
    );
}

#[tokio::test]
async fn a_daily_email_limit_of_0_limits_no_uploads_naming_notify_email() {
    let limits = Limits {
        daily_uploads: 10,
        daily_emails: 0,
        ..Limits::NONE
    };
    let (stack, upload, _) = stack_with(limits).await;
    let alice = stack.api_key("alice").await;
    for _ in 0..3 {
        let request = bearer(post_image("image/jpeg", photo()), &alice)
            .with_query_string_parameters(std::collections::HashMap::from([(
                "notify_email".to_string(),
                "ann@example.com".to_string(),
            )]));
        assert_eq!(upload::handle(&upload, request).await.status(), 202);
    }
    assert_eq!(
        day_counts(&stack, "alice").await,
        (3, 3 * photo().len() as u64, 3)
    );
}
