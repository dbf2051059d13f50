//! `DELETE /images/{id}` against the emulator: before, during and after processing, twice,
//! and for ids that are not jobs. A deleted job never comes back: no object is left, no
//! status is written after the delete, and later deliveries change nothing.

use std::time::Duration;

use ferrotype_samples as samples;
use ferrotype_service::domain::{JobId, JobStatus};
use image::DynamicImage;
use integration::faults::{intercepted, Delay, Matcher};
use integration::{delete_job, get_status, json, post_image, TestStack};

fn photo(width: u32, height: u32) -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(width, height)))
}

async fn upload(stack: &TestStack) -> String {
    let response = upload::handle(
        &stack.upload_app(),
        post_image("image/jpeg", photo(640, 480)),
    )
    .await;
    assert_eq!(response.status(), 202);
    json(&response)["id"].as_str().unwrap().to_string()
}

async fn delete(stack: &TestStack, id: &str) -> u16 {
    delete::handle(&stack.delete_app(), delete_job(id))
        .await
        .status()
        .as_u16()
}

async fn status_code(stack: &TestStack, id: &str) -> u16 {
    status::handle(&stack.status_app(), get_status(id))
        .await
        .status()
        .as_u16()
}

async fn recorded_status(stack: &TestStack, id: &str) -> Option<JobStatus> {
    let id = JobId::parse(id).unwrap();
    stack.jobs().get(id).await.unwrap().map(|r| r.status)
}

#[tokio::test]
async fn a_completed_job_deleted_is_gone_with_every_object_and_deleting_again_is_204() {
    let stack = TestStack::new().await;
    let id = upload(&stack).await;
    let app = stack.processor_app();
    stack.bridge(&app).await.poll_once().await.unwrap();
    assert_eq!(
        recorded_status(&stack, &id).await,
        Some(JobStatus::Completed)
    );
    // The original, then every variant in each of its formats (the default set: thumbnail
    // and preview in AVIF, WebP and JPEG, optimized in JPEG).
    let keys = stack.object_keys().await;
    let derived: Vec<&str> = keys
        .iter()
        .filter_map(|k| k.strip_prefix(&format!("derived/{id}/")))
        .collect();
    assert_eq!(
        derived,
        [
            "optimized.jpg",
            "preview.avif",
            "preview.jpg",
            "preview.webp",
            "thumbnail.avif",
            "thumbnail.jpg",
            "thumbnail.webp"
        ],
        "{keys:?}"
    );
    assert_eq!(keys.len(), 8, "and the original: {keys:?}");

    assert_eq!(delete(&stack, &id).await, 204);
    assert_eq!(stack.object_keys().await, Vec::<String>::new());
    assert_eq!(status_code(&stack, &id).await, 404);
    let record = stack
        .jobs()
        .get(JobId::parse(&id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.status, JobStatus::Deleted);
    assert!(record.outputs.is_none(), "the tombstone keeps no outputs");

    assert_eq!(delete(&stack, &id).await, 204, "idempotent");
    assert_eq!(status_code(&stack, &id).await, 404);
}

#[tokio::test]
async fn a_job_deleted_before_processing_stays_deleted_when_its_message_arrives() {
    let stack = TestStack::new().await;
    let id = upload(&stack).await;
    assert_eq!(delete(&stack, &id).await, 204);
    assert_eq!(stack.object_keys().await, Vec::<String>::new());

    // The job's message is still on the queue: its delivery must change nothing.
    let app = stack.processor_app();
    let report = stack.bridge(&app).await.poll_once().await.unwrap();
    assert_eq!(report.received, 1, "{report:?}");
    assert_eq!(report.failed, 0, "acknowledged, not retried: {report:?}");
    assert_eq!(recorded_status(&stack, &id).await, Some(JobStatus::Deleted));
    assert_eq!(stack.object_keys().await, Vec::<String>::new());
    assert_eq!(status_code(&stack, &id).await, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_job_deleted_while_it_is_processed_leaves_no_output_and_no_status() {
    let stack = TestStack::new().await;
    let id = upload(&stack).await;
    // A processor whose S3 writes are slow: the delete lands while it writes its outputs.
    let slow = intercepted(
        &stack.clients,
        Delay {
            matcher: Matcher::S3_PUT,
            delay: Duration::from_millis(300),
        },
    );
    let mut app = stack.processor_app();
    app.images = ferrotype_service::store::ImageStore::new(slow.s3, &stack.stack.bucket);
    let job = JobId::parse(&id).unwrap();
    let processing = tokio::spawn(async move { processor::process_job(&app, job).await });

    let started = std::time::Instant::now();
    while recorded_status(&stack, &id).await != Some(JobStatus::Processing) {
        assert!(started.elapsed() < Duration::from_secs(20), "never started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(delete(&stack, &id).await, 204);
    let outcome = processing
        .await
        .unwrap()
        .expect("the processor ends without a retry");
    assert_eq!(
        outcome,
        processor::Outcome::Skipped("deleted while processing")
    );

    assert_eq!(recorded_status(&stack, &id).await, Some(JobStatus::Deleted));
    assert_eq!(
        stack.object_keys().await,
        Vec::<String>::new(),
        "no output outlives the delete"
    );
    assert_eq!(status_code(&stack, &id).await, 404);
}

#[tokio::test]
async fn deleting_an_unknown_or_malformed_id_is_404_and_other_methods_are_405() {
    let stack = TestStack::new().await;
    assert_eq!(delete(&stack, &JobId::new_random().to_string()).await, 404);
    assert_eq!(delete(&stack, "not-an-id").await, 404);
    assert_eq!(delete(&stack, "../../originals").await, 404);

    let id = upload(&stack).await;
    let mut get = get_status(&id);
    *get.method_mut() = lambda_http::http::Method::POST;
    let response = delete::handle(&stack.delete_app(), get).await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET, HEAD, DELETE");
    assert_eq!(
        recorded_status(&stack, &id).await,
        Some(JobStatus::Queued),
        "untouched"
    );
}
