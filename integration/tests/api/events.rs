//! The sample events in `events/` (used with `cargo lambda invoke --data-file` and
//! `sam local invoke -e`) driven through the real handlers against the emulator.

use aws_lambda_events::event::sqs::SqsEvent;
use ferrotype_samples as samples;
use ferrotype_service::domain::{
    JobId, JobMessage, JobRecord, JobStatus, OriginalUpload, UploadSource,
};
use image::DynamicImage;
use integration::{header_of, json, TestStack};
use time::OffsetDateTime;

fn event_text(name: &str) -> String {
    let path = format!("{}/../events/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

fn http_event(name: &str) -> lambda_http::Request {
    lambda_http::request::from_str(&event_text(name))
        .unwrap_or_else(|e| panic!("{name} is not an API Gateway request: {e}"))
}

#[tokio::test]
async fn the_raw_and_multipart_upload_events_are_accepted_and_stored() {
    let stack = TestStack::new().await;
    for name in ["upload.json", "upload-multipart.json"] {
        let response = upload::handle(&stack.upload_app(), http_event(name)).await;
        assert_eq!(response.status(), 202, "{name}: {:?}", response.body());
        let id = JobId::parse(json(&response)["id"].as_str().unwrap()).unwrap();
        let stored = stack
            .images()
            .get_original(id, UploadSource::Inline)
            .await
            .unwrap();
        assert!(
            image::load_from_memory(&stored).is_ok(),
            "{name}: stored a real image"
        );
        assert!(header_of(&response, "location")
            .unwrap()
            .ends_with(&id.to_string()));
    }
    assert_eq!(stack.job_count().await, 2);
    assert_eq!(stack.queued_messages().await, 2);
}

/// Creates a `queued` job with the id an `/images/{id}` event names.
async fn create_job_named_by(stack: &TestStack, request: &lambda_http::Request) -> JobId {
    let id = JobId::parse(request.uri().path().trim_start_matches("/images/")).unwrap();
    let upload = OriginalUpload::inline("image/png", 1);
    stack
        .jobs()
        .create(&JobRecord::queued(id, upload, OffsetDateTime::now_utc()))
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn the_status_event_is_404_until_its_job_exists() {
    let stack = TestStack::new().await;
    let response = status::handle(&stack.status_app(), http_event("status.json")).await;
    assert_eq!(response.status(), 404);

    let request = http_event("status.json");
    create_job_named_by(&stack, &request).await;
    let response = status::handle(&stack.status_app(), request).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(&response)["status"], "queued");
}

#[tokio::test]
async fn the_delete_event_is_404_until_its_job_exists_then_204() {
    let stack = TestStack::new().await;
    let response = delete::handle(&stack.delete_app(), http_event("delete.json")).await;
    assert_eq!(response.status(), 404);

    let request = http_event("delete.json");
    let id = create_job_named_by(&stack, &request).await;
    let response = delete::handle(&stack.delete_app(), request).await;
    assert_eq!(response.status(), 204);
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(record.status, ferrotype_service::domain::JobStatus::Deleted);
}

#[tokio::test]
async fn the_sqs_batch_event_completes_the_jobs_it_names() {
    let stack = TestStack::new().await;
    let event: SqsEvent = serde_json::from_str(&event_text("sqs-batch.json")).unwrap();
    assert!(!event.records.is_empty());
    let photo = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(320, 240)));
    let mut ids = Vec::new();
    for record in &event.records {
        let id = JobMessage::parse(record.body.as_deref().unwrap())
            .unwrap()
            .job_id;
        let upload = OriginalUpload::inline("image/jpeg", photo.len() as u64);
        stack
            .images()
            .put_original(id, photo.clone(), "image/jpeg")
            .await
            .unwrap();
        stack
            .jobs()
            .create(&JobRecord::queued(id, upload, OffsetDateTime::now_utc()))
            .await
            .unwrap();
        ids.push(id);
    }

    let response = processor::handle(&stack.processor_app(), event).await;
    assert!(response.batch_item_failures.is_empty());
    for id in ids {
        let record = stack.jobs().get(id).await.unwrap().unwrap();
        assert_eq!(record.status, JobStatus::Completed, "{id}");
    }
}

#[tokio::test]
async fn a_batch_naming_unknown_jobs_is_acknowledged_without_failures() {
    let stack = TestStack::new().await;
    let event: SqsEvent = serde_json::from_str(&event_text("sqs-batch.json")).unwrap();
    let response = processor::handle(&stack.processor_app(), event).await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(stack.job_count().await, 0);
}

#[tokio::test]
async fn the_direct_upload_event_opens_a_session_for_its_declaration() {
    let stack = TestStack::new().await;
    let response = upload::handle(&stack.upload_app(), http_event("direct-upload.json")).await;
    assert_eq!(response.status(), 201, "{:?}", response.body());
    let body = json(&response);
    assert_eq!(body["status"], "awaiting_upload");
    assert_eq!(body["upload"]["headers"]["content-length"], "20971520");
    let id = JobId::parse(body["id"].as_str().unwrap()).unwrap();
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::AwaitingUpload);
    assert_eq!(
        record.upload,
        OriginalUpload::direct("image/jpeg", 20_971_520)
    );
}

#[tokio::test]
async fn the_s3_notification_event_queues_the_upload_it_names() {
    let stack = TestStack::new().await;
    // The sample names a bucket of a deployed stack; here it is the test stack's.
    let text = event_text("s3-direct-upload.json")
        .replace("ferrotype-images-123456789012", &stack.stack.bucket);
    let event: SqsEvent = serde_json::from_str(&text).unwrap();
    let ids = ingest::uploads_in(
        event.records[0].body.as_deref().unwrap(),
        &stack.stack.bucket,
    )
    .unwrap();
    let [id] = ids[..] else {
        panic!("one upload in the sample: {ids:?}")
    };
    let photo = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(64, 48)));
    let now = OffsetDateTime::now_utc();
    let upload = OriginalUpload::direct("image/jpeg", photo.len() as u64);
    stack
        .jobs()
        .create(&JobRecord::awaiting_upload(
            id,
            upload,
            now,
            now + time::Duration::minutes(15),
        ))
        .await
        .unwrap();
    let session = stack
        .images()
        .presign_direct_upload(
            id,
            "image/jpeg",
            photo.len() as u64,
            std::time::Duration::from_secs(60),
        )
        .await
        .unwrap();
    let put = reqwest::Client::new()
        .put(&session.url)
        .header("content-type", "image/jpeg")
        .header("if-none-match", "*")
        .body(photo)
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success());

    let response = ingest::handle(&stack.ingest_app(), event).await;
    assert!(response.batch_item_failures.is_empty());
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Queued);
}

#[tokio::test]
async fn the_notice_retry_event_sends_the_e_mail_it_names_and_keeps_that_on_the_job() {
    use ferrotype_service::domain::{NoticeChannel, NoticeState, Notifications, NotifyEmail};
    let stack = TestStack::new().await;
    let notify = integration::notifications::Notifications::provision(&stack).await;
    let event: SqsEvent = serde_json::from_str(&event_text("notice-retry.json")).unwrap();
    let retry: serde_json::Value =
        serde_json::from_str(event.records[0].body.as_deref().unwrap()).unwrap();
    let id = JobId::parse(retry["job"]["id"].as_str().unwrap()).unwrap();
    let job = JobRecord::queued(
        id,
        OriginalUpload::inline("image/png", 1),
        OffsetDateTime::now_utc(),
    )
    .notifying(Notifications {
        callback_url: None,
        email: Some(NotifyEmail::parse("ann@example.com").unwrap()),
    });
    stack.jobs().create(&job).await.unwrap();

    // SES as the emulator has it, with what it accepts counted.
    let counted = integration::faults::SesRefusal::rejecting("nobody@unverified.example");
    let notifier = notify.notifier_with_ses(&stack, &counted);
    let response = notifier::handle_notices(&notifier, event, None).await;
    assert!(response.batch_item_failures.is_empty());
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    let email = &record.notices.unwrap()[&NoticeChannel::Email];
    assert_eq!((email.state, email.attempts), (NoticeState::Delivered, 2));
    assert_eq!(counted.sent_to("ann@example.com"), 1);
}

#[tokio::test]
async fn the_projector_stream_event_lists_its_job_once_and_the_list_event_finds_it() {
    let stack = TestStack::new().await;
    let response = status::handle(&stack.status_app(), http_event("list.json")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(&response)["items"], serde_json::json!([]));

    let event: aws_lambda_events::event::dynamodb::Event =
        serde_json::from_str(&event_text("projector-stream.json")).unwrap();
    let app = stack.projector_app();
    // Delivered twice: the second changes nothing.
    for _ in 0..2 {
        let answer = projector::handle(&app, event.clone()).await;
        assert!(answer.batch_item_failures.is_empty());
    }
    let response = status::handle(&stack.status_app(), http_event("list.json")).await;
    let body = json(&response);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["id"], "5c3e1d2a-8b7f-4e6d-9c5b-4a3f2e1d0c9b");
    assert_eq!(items[0]["status"], "failed");
    assert_eq!(items[0]["error"]["code"], "corrupt_image");
    assert_eq!(items[0]["source"]["bytes"], 2048);
}
