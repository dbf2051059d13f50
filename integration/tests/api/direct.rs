//! Direct uploads against the emulator: `POST /uploads`, the client's `PUT` over real HTTP
//! to the presigned URL, the bucket's real event notification on the emulator's queue,
//! the ingest function, then the processor and the status document. Bad uploads (wrong
//! size, wrong type, too late, over the limit) and repeated or lost notifications too.

use std::time::Duration;

use ferrotype_samples as samples;
use ferrotype_service::domain::{FailureCode, JobId, JobStatus};
use image::{DynamicImage, Rgb, RgbImage};
use integration::{
    delete_job, get_status, header_of, json, post_image, post_session, put_direct, TestStack,
};
use lambda_http::http::header::HeaderValue;
use time::OffsetDateTime;
use upload::settings::UploadSettings;

/// A photo-sized JPEG whose bytes do not compress: grain over a gradient, as a phone's
/// high-ISO shot. About 1.1 bytes per pixel.
fn grainy_photo(width: u32, height: u32) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let image = RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let grain = (state & 0x7F) as u8;
        Rgb([
            ((x * 255 / width) as u8).saturating_add(grain / 2),
            ((y * 255 / height) as u8).saturating_add(grain / 3),
            grain,
        ])
    });
    samples::jpeg_with(&image, (1, 1), false, None)
}

fn smooth_photo(width: u32, height: u32) -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(width, height)))
}

async fn open_session(
    app: &upload::App,
    content_type: &str,
    content_length: usize,
) -> serde_json::Value {
    let response = upload::handle(
        app,
        post_session(&serde_json::json!({
            "content_type": content_type,
            "content_length": content_length,
        })),
    )
    .await;
    assert_eq!(response.status(), 201, "{:?}", response.body());
    let body = json(&response);
    assert_eq!(
        header_of(&response, "location"),
        Some(format!("/images/{}", body["id"].as_str().unwrap()).as_str())
    );
    body
}

fn job_id(session: &serde_json::Value) -> JobId {
    JobId::parse(session["id"].as_str().unwrap()).unwrap()
}

async fn status_of(stack: &TestStack, id: JobId) -> (u16, serde_json::Value) {
    let response = status::handle(&stack.status_app(), get_status(&id.to_string())).await;
    let code = response.status().as_u16();
    let body = if code == 200 {
        json(&response)
    } else {
        serde_json::Value::Null
    };
    (code, body)
}

/// Runs the ingest function on whatever notifications are on its queue.
async fn ingest_notifications(stack: &TestStack) -> usize {
    let app = stack.ingest_app();
    let bridge = stack.ingest_bridge(&app).await;
    let mut handled = 0;
    // The emulator puts the notification on the queue as the PUT completes; poll a little
    // in case it is not visible yet.
    for _ in 0..20 {
        let polled = bridge.poll_once().await.unwrap();
        handled += polled.received;
        if handled > 0 && stack.upload_events().await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    handled
}

async fn process(stack: &TestStack) {
    let app = stack.processor_app();
    let bridge = stack.bridge(&app).await;
    while stack.queued_messages().await > 0 {
        bridge.poll_once().await.unwrap();
    }
}

/// A session whose URL expires after one second, for a small photo.
async fn one_second_session(stack: &TestStack) -> (Vec<u8>, serde_json::Value) {
    let app = stack.upload_app_with(UploadSettings {
        upload_url_ttl: Duration::from_secs(1),
        ..stack.upload_app().settings
    });
    let photo = smooth_photo(320, 240);
    let session = open_session(&app, "image/jpeg", photo.len()).await;
    (photo, session)
}

/// Waits until a one-second session's deadline has passed, then sweeps (with no grace).
async fn sweep_after_the_deadline(stack: &TestStack) -> sweeper::Sweep {
    // Deadlines are kept in whole seconds: two seconds are surely past a one-second one.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    sweeper::sweep(
        &stack.sweeper_app(Duration::from_secs(300)),
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap()
}

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split_once('?')?
        .1
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

#[tokio::test]
async fn a_20_mb_photo_sent_straight_to_s3_becomes_a_completed_job_by_itself() {
    let stack = TestStack::new().await;
    let photo = grainy_photo(6000, 4000);
    assert!(photo.len() > 20_000_000, "a 20 MB photo: {}", photo.len());

    let session = open_session(&stack.upload_app(), "image/jpeg", photo.len()).await;
    let id = job_id(&session);
    assert_eq!(session["status"], "awaiting_upload");
    assert_eq!(session["links"]["status"], format!("/images/{id}"));
    let url = session["upload"]["url"].as_str().unwrap();
    assert!(url.contains(&format!("originals/direct/{id}")), "{url}");
    // Signed for this type and length, for the configured time, and for nothing else: no
    // checksum of an empty body that the real PUT would fail.
    let signed = query_param(url, "X-Amz-SignedHeaders").unwrap();
    assert_eq!(
        signed, "content-length%3Bcontent-type%3Bhost%3Bif-none-match",
        "{url}"
    );
    assert_eq!(query_param(url, "X-Amz-Expires"), Some("900"));
    assert!(!url.to_ascii_lowercase().contains("checksum"), "{url}");
    let headers = &session["upload"]["headers"];
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["content-length"], photo.len().to_string());
    assert_eq!(headers["if-none-match"], "*", "one write per URL");
    assert_eq!(
        headers.as_object().unwrap().len(),
        3,
        "only the signed headers: {headers}"
    );
    let expires_at = OffsetDateTime::parse(
        session["upload"]["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let ahead = expires_at - OffsetDateTime::now_utc();
    assert!(ahead > time::Duration::minutes(14) && ahead <= time::Duration::minutes(15));

    let (code, waiting) = status_of(&stack, id).await;
    assert_eq!(
        (code, waiting["status"].as_str()),
        (200, Some("awaiting_upload"))
    );

    assert_eq!(put_direct(&session, photo.clone()).await, 200);
    assert!(
        ingest_notifications(&stack).await >= 1,
        "S3 reported the object"
    );
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Queued);

    process(&stack).await;
    let (code, done) = status_of(&stack, id).await;
    assert_eq!(code, 200);
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["outputs"]["original"]["bytes"], photo.len());
    assert_eq!(done["outputs"]["original"]["width"], 6000);
    assert_eq!(done["outputs"]["thumbnail"]["width"], 200);
    let original = reqwest::get(done["outputs"]["original"]["url"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(original.len(), photo.len(), "the original downloads whole");
    assert_eq!(stack.job_count().await, 1);
}

#[tokio::test]
async fn a_direct_upload_naming_some_variants_gets_only_those() {
    let stack = TestStack::new().await;
    let photo = smooth_photo(1200, 900);
    let response = upload::handle(
        &stack.upload_app(),
        post_session(&serde_json::json!({
            "content_type": "image/jpeg",
            "content_length": photo.len(),
            "variants": ["preview", "thumbnail"],
        })),
    )
    .await;
    assert_eq!(response.status(), 201, "{:?}", response.body());
    let session = json(&response);
    let id = job_id(&session);
    assert_eq!(put_direct(&session, photo).await, 200);
    ingest_notifications(&stack).await;
    process(&stack).await;
    let (_, done) = status_of(&stack, id).await;
    assert_eq!(done["status"], "completed", "{done}");
    let mut made: Vec<&String> = done["variants"].as_object().unwrap().keys().collect();
    made.sort();
    assert_eq!(made, ["preview", "thumbnail"], "{done}");
    assert_eq!(done["variants"]["preview"]["width"], 800);
    assert!(done["outputs"].get("optimized").is_none(), "{done}");
    let keys = stack.object_keys().await;
    let derived = keys.iter().filter(|k| k.starts_with("derived/")).count();
    assert_eq!(derived, 6, "two variants in three formats: {keys:?}");
}

#[tokio::test]
async fn a_48_megapixel_photo_completes_through_the_direct_path() {
    let stack = TestStack::new().await;
    let photo = smooth_photo(8000, 6000);
    let session = open_session(&stack.upload_app(), "image/jpeg", photo.len()).await;
    let id = job_id(&session);
    assert_eq!(put_direct(&session, photo).await, 200);
    ingest_notifications(&stack).await;
    process(&stack).await;
    let (_, done) = status_of(&stack, id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["outputs"]["optimized"]["width"], 8000);
    assert_eq!(done["outputs"]["optimized"]["height"], 6000);
}

#[tokio::test]
async fn a_body_longer_or_shorter_than_declared_fails_with_its_code_and_is_deleted() {
    let stack = TestStack::new().await;
    let photo = smooth_photo(640, 480);
    let app = stack.upload_app();
    let longer = open_session(&app, "image/jpeg", photo.len() - 100).await;
    let shorter = open_session(&app, "image/jpeg", photo.len() + 100).await;
    assert_eq!(put_direct(&longer, photo.clone()).await, 200);
    assert_eq!(put_direct(&shorter, photo).await, 200);
    ingest_notifications(&stack).await;
    for session in [&longer, &shorter] {
        let (_, failed) = status_of(&stack, job_id(session)).await;
        assert_eq!(failed["status"], "failed", "{failed}");
        assert_eq!(failed["error"]["code"], "upload_size_mismatch");
    }
    assert_eq!(
        stack.object_keys().await,
        Vec::<String>::new(),
        "both deleted"
    );
    assert_eq!(stack.queued_messages().await, 0, "no job was queued");
}

#[tokio::test]
async fn another_type_than_declared_fails_with_its_code_and_is_deleted() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let jpeg = smooth_photo(64, 64);
    let text = b"<html>not an image at all</html>".to_vec();
    let as_png = open_session(&app, "image/png", jpeg.len()).await;
    let as_jpeg = open_session(&app, "image/jpeg", text.len()).await;
    assert_eq!(put_direct(&as_png, jpeg).await, 200);
    assert_eq!(put_direct(&as_jpeg, text).await, 200);
    ingest_notifications(&stack).await;
    for (session, says) in [(&as_png, "is image/jpeg, not"), (&as_jpeg, "not an image")] {
        let (_, failed) = status_of(&stack, job_id(session)).await;
        assert_eq!(failed["error"]["code"], "upload_type_mismatch", "{failed}");
        assert!(
            failed["error"]["message"].as_str().unwrap().contains(says),
            "{failed}"
        );
    }
    assert_eq!(stack.object_keys().await, Vec::<String>::new());
}

#[tokio::test]
async fn declarations_over_the_limit_or_malformed_are_refused_and_leave_nothing() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let over = integration::DEFAULT_MAX_DIRECT_UPLOAD_BYTES + 1;
    let cases = [
        (
            serde_json::json!({"content_type": "image/jpeg", "content_length": over}),
            413,
        ),
        (
            serde_json::json!({"content_type": "image/bmp", "content_length": 10}),
            415,
        ),
        (
            serde_json::json!({"content_type": "image/jpeg", "content_length": 0}),
            400,
        ),
        (serde_json::json!({"content_type": "image/jpeg"}), 400),
        (serde_json::json!(["image/jpeg", 10]), 400),
        (
            serde_json::json!({"content_type": "image/jpeg", "content_length": 10, "variants": ["hero"]}),
            400,
        ),
        (
            serde_json::json!({"content_type": "image/jpeg", "content_length": 10, "variants": []}),
            400,
        ),
        (
            serde_json::json!({"content_type": "image/jpeg", "content_length": 10, "variants": null}),
            400,
        ),
    ];
    for (body, expected) in cases {
        let response = upload::handle(&app, post_session(&body)).await;
        assert_eq!(response.status(), expected, "{body}");
        assert_eq!(
            header_of(&response, "content-type"),
            Some("application/problem+json")
        );
    }
    let mut not_json = post_session(&serde_json::json!({}));
    not_json.headers_mut().insert(
        lambda_http::http::header::CONTENT_TYPE,
        HeaderValue::from_static("image/jpeg"),
    );
    assert_eq!(upload::handle(&app, not_json).await.status(), 415);
    assert_eq!(stack.job_count().await, 0, "no session was made");
}

#[tokio::test]
async fn a_url_used_after_its_session_expired_finds_the_job_expired_and_its_object_is_deleted() {
    let stack = TestStack::new().await;
    let (photo, session) = one_second_session(&stack).await;
    let id = job_id(&session);
    assert_eq!(
        query_param(session["upload"]["url"].as_str().unwrap(), "X-Amz-Expires"),
        Some("1")
    );
    let sweep = sweep_after_the_deadline(&stack).await;
    assert_eq!((sweep.overdue_uploads, sweep.expired_uploads), (1, 1));
    let (_, expired) = status_of(&stack, id).await;
    assert_eq!(expired["status"], "failed");
    assert_eq!(
        expired["error"]["code"],
        FailureCode::UploadExpired.as_str()
    );

    // S3 refuses an expired URL; the emulator does not check, so the object arrives, and
    // the ingest function removes it.
    assert_eq!(put_direct(&session, photo).await, 200);
    ingest_notifications(&stack).await;
    assert_eq!(stack.object_keys().await, Vec::<String>::new());
    let (_, still) = status_of(&stack, id).await;
    assert_eq!(still["error"]["code"], "upload_expired", "{still}");
    assert_eq!(stack.queued_messages().await, 0);
}

#[tokio::test]
async fn an_upload_whose_notification_was_lost_is_started_by_the_sweeper() {
    let stack = TestStack::new().await;
    let (photo, session) = one_second_session(&stack).await;
    let id = job_id(&session);
    assert_eq!(put_direct(&session, photo).await, 200);
    // The notification is lost.
    stack
        .clients
        .sqs
        .purge_queue()
        .queue_url(&stack.stack.upload_events_url)
        .send()
        .await
        .unwrap();
    let sweep = sweep_after_the_deadline(&stack).await;
    assert_eq!((sweep.overdue_uploads, sweep.late_uploads), (1, 1));
    process(&stack).await;
    let (_, done) = status_of(&stack, id).await;
    assert_eq!(done["status"], "completed", "{done}");
}

#[tokio::test]
async fn repeated_notifications_make_one_job() {
    let stack = TestStack::new().await;
    let photo = smooth_photo(640, 480);
    let session = open_session(&stack.upload_app(), "image/jpeg", photo.len()).await;
    let id = job_id(&session);
    assert_eq!(put_direct(&session, photo).await, 200);

    // Deliver S3's one notification three times, as at-least-once delivery may.
    let sqs = &stack.clients.sqs;
    let notification = take_notification(&stack, id).await;
    let deliver = |body: &str| {
        let send = sqs
            .send_message()
            .queue_url(&stack.stack.upload_events_url)
            .message_body(body)
            .send();
        async move { send.await.unwrap() }
    };
    let app = stack.ingest_app();
    for _ in 0..3 {
        deliver(&notification).await;
        // One at a time, then all together once the job is queued.
        stack.ingest_bridge(&app).await.poll_once().await.unwrap();
    }
    for _ in 0..2 {
        deliver(&notification).await;
    }
    stack.ingest_bridge(&app).await.poll_once().await.unwrap();
    process(&stack).await;
    // And once more after completion: nothing changes.
    deliver(&notification).await;
    stack.ingest_bridge(&app).await.poll_once().await.unwrap();

    assert_eq!(stack.job_count().await, 1);
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Completed);
    assert_eq!(record.attempts, 1, "processed once");
    assert_eq!(
        stack.object_keys().await.len(),
        8,
        "the original and the default set's seven files"
    );
    assert_eq!(stack.queued_messages().await, 0);
}

#[tokio::test]
async fn a_session_deleted_before_its_upload_never_becomes_a_job() {
    let stack = TestStack::new().await;
    let photo = smooth_photo(320, 240);
    let session = open_session(&stack.upload_app(), "image/jpeg", photo.len()).await;
    let id = job_id(&session);
    let deleted = delete::handle(&stack.delete_app(), delete_job(&id.to_string())).await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(put_direct(&session, photo).await, 200);
    ingest_notifications(&stack).await;
    assert_eq!(status_of(&stack, id).await.0, 404);
    assert_eq!(stack.object_keys().await, Vec::<String>::new());
    assert_eq!(stack.queued_messages().await, 0);
}

#[tokio::test]
async fn an_idempotency_key_on_post_uploads_gives_the_same_session_once() {
    let stack = TestStack::new().await;
    let app = stack.upload_app();
    let keyed = |body: serde_json::Value, key: &'static str| {
        let mut request = post_session(&body);
        request
            .headers_mut()
            .insert("idempotency-key", HeaderValue::from_static(key));
        request
    };
    let declared = serde_json::json!({"content_type": "image/png", "content_length": 1234});
    let first = upload::handle(&app, keyed(declared.clone(), "\"session-1\"")).await;
    let again = upload::handle(&app, keyed(declared, "\"session-1\"")).await;
    assert_eq!(first.status(), 201);
    assert_eq!(again.status(), 201);
    assert_eq!(
        json(&first),
        json(&again),
        "the same answer: same id, same URL"
    );
    assert_eq!(stack.job_count().await, 1);

    let other = serde_json::json!({"content_type": "image/png", "content_length": 999});
    let reused = upload::handle(&app, keyed(other, "\"session-1\"")).await;
    assert_eq!(reused.status(), 422);
    // The same key on the inline route is another request too.
    let mut inline = post_image("image/jpeg", smooth_photo(32, 32));
    inline
        .headers_mut()
        .insert("idempotency-key", HeaderValue::from_static("\"session-1\""));
    assert_eq!(upload::handle(&app, inline).await.status(), 422);
    assert_eq!(stack.job_count().await, 1);
}

#[test]
fn the_template_notifies_the_ingest_function_of_exactly_the_direct_upload_prefix() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
        .expect("reading template.yaml");
    let template: serde_norway::Value = serde_norway::from_str(&text).expect("valid YAML");
    let resources = &template["Resources"];
    let queues = resources["ImageBucket"]["Properties"]["NotificationConfiguration"]
        ["QueueConfigurations"]
        .as_sequence()
        .expect("the bucket notifies a queue");
    assert_eq!(queues.len(), 1);
    let notification = &queues[0];
    assert_eq!(notification["Event"].as_str(), Some("s3:ObjectCreated:*"));
    assert!(format!("{:?}", notification["Queue"]).contains("UploadEventsQueue"));
    let rules = notification["Filter"]["S3Key"]["Rules"]
        .as_sequence()
        .unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["Name"].as_str(), Some("prefix"));
    assert_eq!(
        rules[0]["Value"].as_str(),
        Some(ferrotype_service::store::DIRECT_UPLOAD_PREFIX)
    );
    let event = &resources["IngestFunction"]["Properties"]["Events"]["UploadEvents"];
    assert_eq!(event["Type"].as_str(), Some("SQS"));
    assert!(format!("{:?}", event["Properties"]["Queue"]).contains("UploadEventsQueue"));
    // The ingest role may touch direct uploads only, not inline originals or outputs.
    let statements = format!(
        "{:?}",
        resources["IngestRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    );
    assert!(statements.contains("/originals/direct/*"));
    assert!(!statements.contains("/derived/"));
}

#[tokio::test]
async fn presigned_urls_never_outlive_the_credentials_that_sign_them() {
    use aws_sdk_s3::config::{Credentials, SharedCredentialsProvider};
    use ferrotype_service::store::ImageStore;

    let stack = TestStack::new().await;
    // Credentials that expire in a minute, as a role session near its end.
    let expiring = Credentials::new(
        "test",
        "test",
        None,
        Some(std::time::SystemTime::now() + Duration::from_secs(60)),
        "expiring",
    );
    let s3 = aws_sdk_s3::Client::from_conf(
        stack
            .clients
            .s3
            .config()
            .to_builder()
            .credentials_provider(expiring.clone())
            .build(),
    );
    let images = ImageStore::new(s3, &stack.stack.bucket)
        .signed_with(Some(SharedCredentialsProvider::new(expiring)));
    let mut upload_app = stack.upload_app();
    upload_app.images = images.clone();
    let mut status_app = stack.status_app();
    status_app.images = images;

    let photo = smooth_photo(320, 240);
    let session = open_session(&upload_app, "image/jpeg", photo.len()).await;
    let within_a_minute = |expires_at: &serde_json::Value, url: &str| {
        let at = OffsetDateTime::parse(
            expires_at.as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert!(
            at - OffsetDateTime::now_utc() <= time::Duration::seconds(60),
            "{at}"
        );
        let expires: u64 = query_param(url, "X-Amz-Expires").unwrap().parse().unwrap();
        assert!((1..=60).contains(&expires), "{url}");
    };
    within_a_minute(
        &session["upload"]["expires_at"],
        session["upload"]["url"].as_str().unwrap(),
    );
    assert_eq!(put_direct(&session, photo).await, 200);
    ingest_notifications(&stack).await;
    process(&stack).await;
    let response = status::handle(&status_app, get_status(session["id"].as_str().unwrap())).await;
    let done = json(&response);
    assert_eq!(done["status"], "completed", "{done}");
    within_a_minute(
        &done["expires_at"],
        done["outputs"]["thumbnail"]["url"].as_str().unwrap(),
    );
    // With credentials that do not expire soon, the configured 15 minutes stand.
    let (_, fresh) = status_of(&stack, job_id(&session)).await;
    let url = fresh["outputs"]["thumbnail"]["url"].as_str().unwrap();
    assert_eq!(query_param(url, "X-Amz-Expires"), Some("300"));
}

/// Takes S3's notification of job `id`'s object off the upload events queue (and anything
/// else on it, such as S3's test event), to deliver it by hand.
async fn take_notification(stack: &TestStack, id: JobId) -> String {
    let sqs = &stack.clients.sqs;
    let events = &stack.stack.upload_events_url;
    let mut notification = None;
    for _ in 0..20 {
        let output = sqs
            .receive_message()
            .queue_url(events)
            .send()
            .await
            .unwrap();
        for message in output.messages.unwrap_or_default() {
            let body = message.body.clone().unwrap();
            if body.contains("ObjectCreated") {
                notification = Some(body);
            }
            sqs.delete_message()
                .queue_url(events)
                .receipt_handle(message.receipt_handle.unwrap())
                .send()
                .await
                .unwrap();
        }
        if notification.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let notification = notification.expect("S3 reported the object");
    assert_eq!(
        ingest::uploads_in(&notification, &stack.stack.bucket).unwrap(),
        [id]
    );
    notification
}

/// The session's `PUT` of `body`, with its headers but those named in `leave_out`.
async fn put_leaving_out(session: &serde_json::Value, body: Vec<u8>, leave_out: &[&str]) -> u16 {
    let upload = &session["upload"];
    let mut request = reqwest::Client::new().put(upload["url"].as_str().unwrap());
    for (name, value) in upload["headers"].as_object().unwrap() {
        if name.eq_ignore_ascii_case("content-length")
            || leave_out.iter().any(|left| left.eq_ignore_ascii_case(name))
        {
            continue;
        }
        request = request.header(name.as_str(), value.as_str().unwrap());
    }
    request.body(body).send().await.unwrap().status().as_u16()
}

async fn stored_original(stack: &TestStack, id: JobId) -> Vec<u8> {
    stack
        .clients
        .s3
        .get_object()
        .bucket(&stack.stack.bucket)
        .key(format!("originals/direct/{id}"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn a_used_upload_url_refuses_a_second_put_and_keeps_the_first_bytes() {
    let stack = TestStack::new().await;
    let photo = smooth_photo(320, 240);
    let session = open_session(&stack.upload_app(), "image/jpeg", photo.len()).await;
    let id = job_id(&session);

    // Without the signed If-None-Match the PUT does not match its signature: refused
    // before anything is written, as S3 does.
    assert_eq!(
        put_leaving_out(&session, photo.clone(), &["if-none-match"]).await,
        403
    );
    assert_eq!(put_direct(&session, photo.clone()).await, 200);
    assert!(ingest_notifications(&stack).await >= 1);
    assert_eq!(
        stack.jobs().get(id).await.unwrap().unwrap().status,
        JobStatus::Queued
    );

    // Other bytes of the same length and type, after ingest checked the first ones.
    let mut swapped = photo.clone();
    let middle = swapped.len() / 2;
    swapped[middle] ^= 0xff;
    assert_eq!(put_direct(&session, swapped.clone()).await, 412);
    assert_eq!(
        put_direct(&session, photo.clone()).await,
        412,
        "even the same bytes"
    );
    assert_eq!(
        put_leaving_out(&session, swapped, &["if-none-match"]).await,
        403
    );
    assert_eq!(
        stored_original(&stack, id).await,
        photo,
        "the first PUT's bytes"
    );
    // No refused PUT made a notification: ingest has nothing more to do.
    assert_eq!(stack.upload_events().await, 0);
}

#[tokio::test]
async fn a_replayed_notification_changes_and_sends_nothing_and_only_a_retry_resends() {
    let stack = TestStack::new().await;
    let photo = smooth_photo(320, 240);
    let session = open_session(&stack.upload_app(), "image/jpeg", photo.len()).await;
    let id = job_id(&session);
    assert_eq!(put_direct(&session, photo).await, 200);

    let sqs = &stack.clients.sqs;
    let events = &stack.stack.upload_events_url;
    let notification = take_notification(&stack, id).await;
    let deliver = || async {
        sqs.send_message()
            .queue_url(events)
            .message_body(&notification)
            .send()
            .await
            .unwrap();
    };
    let app = stack.ingest_app();
    deliver().await;
    stack.ingest_bridge(&app).await.poll_once().await.unwrap();
    let first = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(first.status, JobStatus::Queued);
    assert_eq!(stack.queued_messages().await, 1);

    // S3 sends the same notification again (a new message): nothing changes, nothing is
    // sent.
    for _ in 0..3 {
        deliver().await;
        stack.ingest_bridge(&app).await.poll_once().await.unwrap();
    }
    assert_eq!(stack.jobs().get(id).await.unwrap().unwrap(), first);
    assert_eq!(stack.queued_messages().await, 1, "no second job message");

    // The same message delivered again by SQS (an attempt that failed): the job's message
    // may not have gone out, so it is sent again.
    deliver().await;
    let taken = sqs
        .receive_message()
        .queue_url(events)
        .send()
        .await
        .unwrap();
    let taken = &taken.messages.unwrap()[0];
    sqs.change_message_visibility()
        .queue_url(events)
        .receipt_handle(taken.receipt_handle.clone().unwrap())
        .visibility_timeout(0)
        .send()
        .await
        .unwrap();
    stack.ingest_bridge(&app).await.poll_once().await.unwrap();
    assert_eq!(stack.queued_messages().await, 2);
    assert_eq!(stack.jobs().get(id).await.unwrap().unwrap(), first);

    process(&stack).await;
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Completed);
    assert_eq!(record.attempts, 1, "processed once");
}
