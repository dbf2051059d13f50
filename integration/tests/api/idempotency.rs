//! `Idempotency-Key` on `POST /images` against the emulator: the same request answered
//! once (one job), a different request refused with 422, a concurrent retry with 409, a
//! failure on our side leaving the key free for the retry, and bad keys refused.

use std::time::Duration;

use ferrotype_samples as samples;
use image::DynamicImage;
use integration::faults::{intercepted, Delay, Matcher};
use integration::issuer::TestIssuer;
use integration::{bearer, json, post_image, TestStack};
use lambda_http::{Body, Request, Response};

fn photo(width: u32) -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(width, 48)))
}

fn with_key(mut request: Request, key: &str) -> Request {
    request
        .headers_mut()
        .insert("idempotency-key", key.parse().unwrap());
    request
}

fn header<'a>(response: &'a Response<Body>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn a_retry_with_the_same_key_and_request_gets_the_same_answer_and_no_second_job() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let key = "\"5b2c3f4e-retry-1\"";
    let first = upload::handle(&app, with_key(post_image("image/jpeg", photo(64)), key)).await;
    assert_eq!(first.status(), 202);
    let second = upload::handle(&app, with_key(post_image("image/jpeg", photo(64)), key)).await;
    assert_eq!(second.status(), 202);
    assert_eq!(json(&second), json(&first), "the same job");
    assert_eq!(header(&second, "location"), header(&first, "location"));
    assert_eq!(
        header(&second, "retry-after"),
        header(&first, "retry-after")
    );
    assert_eq!(header(&second, "content-type"), Some("application/json"));
    assert_eq!(stack.job_count().await, 1);
    assert_eq!(stack.queued_messages().await, 1, "one message, one job");

    // A bare key is the same key as its quoted form.
    let third = upload::handle(
        &app,
        with_key(post_image("image/jpeg", photo(64)), "5b2c3f4e-retry-1"),
    )
    .await;
    assert_eq!(json(&third), json(&first));

    // Without the header, requests behave as before: two uploads, two jobs.
    upload::handle(&app, post_image("image/jpeg", photo(64))).await;
    upload::handle(&app, post_image("image/jpeg", photo(64))).await;
    assert_eq!(stack.job_count().await, 3);
}

#[tokio::test]
async fn the_same_key_with_another_request_is_422_and_makes_no_job() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let first = upload::handle(&app, with_key(post_image("image/jpeg", photo(64)), "k-422")).await;
    assert_eq!(first.status(), 202);
    let other_body =
        upload::handle(&app, with_key(post_image("image/jpeg", photo(65)), "k-422")).await;
    assert_eq!(other_body.status(), 422);
    assert_eq!(
        json(&other_body)["type"],
        "urn:ferrotype:problem:idempotency-key-reused"
    );
    let other_type =
        upload::handle(&app, with_key(post_image("image/png", photo(64)), "k-422")).await;
    assert_eq!(other_type.status(), 422);
    assert_eq!(stack.job_count().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_retry_while_the_first_request_is_handled_is_409() {
    let stack = TestStack::new().await;
    // Slow S3 writes keep the first request in flight while the second arrives.
    let slow = intercepted(
        &stack.clients,
        Delay {
            matcher: Matcher::S3_PUT,
            delay: Duration::from_millis(500),
        },
    );
    let mut app = stack.upload_app();
    app.images = ferrotype_service::store::ImageStore::new(slow.s3, &stack.stack.bucket);
    let (a, b) = tokio::join!(
        upload::handle(&app, with_key(post_image("image/jpeg", photo(64)), "k-409")),
        async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            upload::handle(&app, with_key(post_image("image/jpeg", photo(64)), "k-409")).await
        }
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [202, 409]);
    let conflict = if a.status() == 409 { &a } else { &b };
    assert_eq!(
        json(conflict)["type"],
        "urn:ferrotype:problem:idempotency-key-in-flight"
    );
    assert_eq!(stack.job_count().await, 1);

    // Once the first is answered, the retry gets its answer.
    let later = upload::handle(&app, with_key(post_image("image/jpeg", photo(64)), "k-409")).await;
    assert_eq!(later.status(), 202);
    let first = if a.status() == 202 { &a } else { &b };
    assert_eq!(json(&later), json(first));
}

#[tokio::test]
async fn a_failure_on_our_side_leaves_the_key_free_for_the_retry() {
    let stack = TestStack::new().await;
    let mut broken = stack.upload_app();
    broken.queue = ferrotype_service::store::JobQueue::new(
        stack.clients.sqs.clone(),
        format!("{}-missing", stack.stack.queue_url),
    );
    let failed = upload::handle(
        &broken,
        with_key(post_image("image/jpeg", photo(64)), "k-503"),
    )
    .await;
    assert_eq!(failed.status(), 503);
    let retried = upload::handle(
        &stack.upload_app(),
        with_key(post_image("image/jpeg", photo(64)), "k-503"),
    )
    .await;
    assert_eq!(retried.status(), 202, "handled afresh, not a replayed 503");
    assert_eq!(stack.job_count().await, 1);
}

#[tokio::test]
async fn malformed_keys_are_400_and_make_no_job() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let too_long = "k".repeat(300);
    for key in ["\"\"", "\"unterminated", too_long.as_str()] {
        let response =
            upload::handle(&app, with_key(post_image("image/jpeg", photo(64)), key)).await;
        assert_eq!(response.status(), 400, "{key}");
        assert_eq!(
            json(&response)["type"],
            "urn:ferrotype:problem:invalid-idempotency-key"
        );
    }
    assert_eq!(stack.job_count().await, 0);
}

#[tokio::test]
async fn a_retry_after_its_job_was_deleted_makes_a_new_job_instead_of_pointing_at_the_gone_one() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let first = upload::handle(&app, with_key(post_image("image/jpeg", photo(64)), "k-del")).await;
    let first_id = json(&first)["id"].as_str().unwrap().to_string();
    let deleted = delete::handle(&stack.delete_app(), integration::delete_job(&first_id)).await;
    assert_eq!(deleted.status(), 204);

    let again = upload::handle(&app, with_key(post_image("image/jpeg", photo(64)), "k-del")).await;
    assert_eq!(again.status(), 202);
    let second_id = json(&again)["id"].as_str().unwrap().to_string();
    assert_ne!(second_id, first_id, "the deleted job does not come back");
    let status = status::handle(&stack.status_app(), integration::get_status(&second_id)).await;
    assert_eq!(status.status(), 200, "the answer names a job that exists");
    // And that answer is the one kept now.
    let third = upload::handle(&app, with_key(post_image("image/jpeg", photo(64)), "k-del")).await;
    assert_eq!(json(&third)["id"], second_id.as_str());
}

/// A multipart body holding `file`, framed with `boundary`.
fn multipart(boundary: &str, file: &[u8]) -> Request {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    post_image(&format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn a_multipart_retry_with_a_new_boundary_is_the_same_request() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let first = upload::handle(&app, with_key(multipart("b-one", &photo(64)), "k-form")).await;
    assert_eq!(first.status(), 202);
    let retry = upload::handle(
        &app,
        with_key(multipart("b-two-other", &photo(64)), "k-form"),
    )
    .await;
    assert_eq!(retry.status(), 202);
    assert_eq!(json(&retry), json(&first), "the same job");
    let other = upload::handle(&app, with_key(multipart("b-three", &photo(66)), "k-form")).await;
    assert_eq!(other.status(), 422, "another file is another request");
    assert_eq!(stack.job_count().await, 1);
}

#[tokio::test]
async fn a_caller_whose_subject_holds_a_hash_cannot_reach_another_callers_key() {
    // Under the old stored form `{caller}#{key}`, subject "alice#b" with key "c" and
    // subject "alice" with key "b#c" were one key: the same request replayed alice's
    // answer (her job's id and URL) to the other caller.
    let issuer = TestIssuer::start().await;
    let stack = TestStack::new().await;
    let mut app = stack.upload_app();
    app.gate = stack.gate(stack.access(
        vec![issuer.config("ferrotype-test")],
        ferrotype_access::Limits::NONE,
    ));
    let alice = issuer.token("alice", "ferrotype-test", 300);
    let other = issuer.token("alice#b", "ferrotype-test", 300);
    let request =
        |token: &str, key: &str| bearer(with_key(post_image("image/jpeg", photo(64)), key), token);

    let hers = upload::handle(&app, request(&alice, "b#c")).await;
    assert_eq!(hers.status(), 202);
    let theirs = upload::handle(&app, request(&other, "c")).await;
    assert_eq!(theirs.status(), 202, "{:?}", json(&theirs));
    assert_ne!(json(&theirs)["id"], json(&hers)["id"], "not alice's answer");
    assert_eq!(stack.job_count().await, 2);
    // Each caller's own retry still gets its own first answer.
    let again = upload::handle(&app, request(&alice, "b#c")).await;
    assert_eq!(json(&again)["id"], json(&hers)["id"]);
    let again = upload::handle(&app, request(&other, "c")).await;
    assert_eq!(json(&again)["id"], json(&theirs)["id"]);
    assert_eq!(stack.job_count().await, 2);
}
