//! Jobs that cannot go the normal way still end: dead-lettered messages mark their job
//! `failed`, and the sweeper re-enqueues jobs whose message was lost.

use std::time::Duration;

use ferrotype_local::provision::QueueSettings;
use ferrotype_samples as samples;
use ferrotype_service::domain::{FailureCode, JobId, JobRecord, JobStatus, OriginalUpload};
use ferrotype_service::store::{ImageStore, JobQueue};
use image::DynamicImage;
use integration::{json, post_image, TestStack};
use time::OffsetDateTime;

fn photo() -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(320, 200)))
}

#[tokio::test]
async fn a_message_that_keeps_failing_lands_in_the_dead_letter_queue_and_its_job_ends_failed() {
    let stack = TestStack::with_queue(QueueSettings {
        visibility_timeout_secs: 1,
        max_receive_count: 2,
    })
    .await;
    let response = upload::handle(&stack.upload_app(), post_image("image/jpeg", photo())).await;
    assert_eq!(response.status(), 202);
    let id = JobId::parse(json(&response)["id"].as_str().unwrap()).unwrap();

    // A processor whose S3 is unreachable fails the message on every delivery.
    let dead = aws_config::from_env()
        .endpoint_url("http://127.0.0.1:9")
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
        .load()
        .await;
    let mut broken = stack.processor_app();
    broken.images = ImageStore::new(
        ferrotype_service::aws::Clients::from_config(&dead, true).s3,
        &stack.stack.bucket,
    );
    broken.settings.lease = Duration::ZERO;
    let bridge = stack.bridge(&broken).await;
    // SQS moves a message when a receive finds its count exceeded, so the poll after the
    // last failed delivery is what moves it; emulators differ in when that shows in the
    // counts. Keep polling (as Lambda's mapping does) until the dead-letter queue has it.
    let mut failures = 0;
    let mut moved = false;
    for _ in 0..15 {
        let report = bridge.poll_once().await.unwrap();
        failures += report.failed;
        if failures >= 2 && stack.dead_lettered_messages().await == 1 {
            moved = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    assert!(moved, "the message reached the dead-letter queue");
    assert_eq!(failures, 2, "delivered maxReceiveCount times, no more");
    assert_eq!(stack.queued_messages().await, 0, "moved off the main queue");
    assert_eq!(
        stack.jobs().get(id).await.unwrap().unwrap().status,
        JobStatus::Processing,
        "stuck until the dead-letter handler runs"
    );

    let dead_letter = dead_letter::App { jobs: stack.jobs() };
    let report = stack
        .dead_letter_bridge(&dead_letter)
        .await
        .poll_once()
        .await
        .unwrap();
    assert_eq!((report.received, report.failed, report.deleted), (1, 0, 1));
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Failed);
    assert_eq!(record.error.unwrap().code, FailureCode::RetriesExhausted);
}

#[tokio::test]
async fn a_dead_letter_never_touches_a_finished_job() {
    let stack = TestStack::new().await;
    let response = upload::handle(&stack.upload_app(), post_image("image/jpeg", photo())).await;
    let id = JobId::parse(json(&response)["id"].as_str().unwrap()).unwrap();
    processor::process_job(&stack.processor_app(), id)
        .await
        .unwrap();
    let before = stack.jobs().get(id).await.unwrap().unwrap();

    // The same job's message, as if a late copy had been dead-lettered.
    let dlq = JobQueue::new(stack.clients.sqs.clone(), &stack.stack.dlq_url);
    dlq.enqueue(&ferrotype_service::domain::JobMessage::new(id))
        .await
        .unwrap();
    let app = dead_letter::App { jobs: stack.jobs() };
    let report = stack
        .dead_letter_bridge(&app)
        .await
        .poll_once()
        .await
        .unwrap();
    assert_eq!((report.received, report.failed), (1, 0));
    assert_eq!(stack.jobs().get(id).await.unwrap().unwrap(), before);
}

#[tokio::test]
async fn the_sweeper_enqueues_a_job_whose_message_was_lost_and_it_completes() {
    let stack = TestStack::new().await;
    // A job written to the table and S3 whose message was never sent.
    let lost = JobId::new_random();
    let image = photo();
    stack
        .images()
        .put_original(lost, image.clone(), "image/jpeg")
        .await
        .unwrap();
    let upload = OriginalUpload::inline("image/jpeg", image.len() as u64);
    let long_ago = OffsetDateTime::now_utc() - Duration::from_secs(3600);
    stack
        .jobs()
        .create(&JobRecord::queued(lost, upload, long_ago))
        .await
        .unwrap();
    // A job uploaded just now, whose message is on its way: not stale.
    let fresh = upload::handle(&stack.upload_app(), post_image("image/jpeg", photo())).await;
    let fresh = JobId::parse(json(&fresh)["id"].as_str().unwrap()).unwrap();

    let app = stack.sweeper_app(Duration::from_secs(300));
    let sweep = sweeper::sweep(&app, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!((sweep.stale, sweep.requeued, sweep.failed), (1, 1, 0));

    let processor = stack.processor_app();
    let report = stack.bridge(&processor).await.poll_once().await.unwrap();
    assert_eq!((report.received, report.failed), (2, 0));
    for id in [lost, fresh] {
        assert_eq!(
            stack.jobs().get(id).await.unwrap().unwrap().status,
            JobStatus::Completed,
            "{id}"
        );
    }
    let again = sweeper::sweep(&app, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(again.stale, 0, "nothing left queued");
}

/// A batch near its deadline: the slow job that started finishes, the messages whose turn
/// came too late are not started (their jobs stay `queued`, untouched) and are reported
/// for redelivery, instead of the whole batch timing out.
#[tokio::test]
async fn a_batch_near_its_deadline_starts_no_message_it_cannot_finish() {
    use integration::faults::{intercepted, Delay, Matcher};

    let stack = TestStack::new().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let response = upload::handle(&stack.upload_app(), post_image("image/jpeg", photo())).await;
        ids.push(JobId::parse(json(&response)["id"].as_str().unwrap()).unwrap());
    }
    // Every output write takes 400 ms: a job takes more than a second.
    let slow = intercepted(
        &stack.clients,
        Delay {
            matcher: Matcher::S3_PUT,
            delay: Duration::from_millis(400),
        },
    );
    let mut app = stack.processor_app();
    app.images = ImageStore::new(slow.s3, &stack.stack.bucket);
    app.settings.concurrency = 1;
    app.settings.start_margin = Duration::from_secs(2);
    let messages = stack
        .clients
        .sqs
        .receive_message()
        .queue_url(&stack.stack.queue_url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default();
    assert_eq!(messages.len(), 3);
    let event: aws_lambda_events::event::sqs::SqsEvent =
        serde_json::from_value(serde_json::json!({
            "Records": messages.iter().map(|m| serde_json::json!({
                "messageId": m.message_id, "body": m.body, "receiptHandle": m.receipt_handle,
            })).collect::<Vec<_>>()
        }))
        .unwrap();
    let event_again = event.clone();
    // The deadline leaves room to start the first message only.
    let deadline = std::time::Instant::now() + Duration::from_millis(2500);
    let response = processor::handle_until(&app, event, Some(deadline)).await;

    assert_eq!(response.batch_item_failures.len(), 2, "two not started");
    let mut statuses = Vec::new();
    for id in &ids {
        let record = stack.jobs().get(*id).await.unwrap().unwrap();
        statuses.push((record.status, record.attempts));
    }
    statuses.sort_by_key(|(status, _)| status.as_str());
    assert_eq!(
        statuses,
        vec![
            (JobStatus::Completed, 1),
            (JobStatus::Queued, 0),
            (JobStatus::Queued, 0)
        ]
    );

    // A deadline that leaves less than the margin from the start (a local runtime's) is
    // not applied: the redelivered batch is processed whole.
    let again = processor::handle_until(
        &app,
        event_again,
        Some(std::time::Instant::now() + Duration::from_secs(1)),
    )
    .await;
    assert!(again.batch_item_failures.is_empty(), "{again:?}");
    for id in &ids {
        let record = stack.jobs().get(*id).await.unwrap().unwrap();
        assert_eq!(record.status, JobStatus::Completed);
    }
}

#[tokio::test]
async fn a_dead_letter_leaves_a_job_held_under_a_live_lease_until_the_lease_lapses() {
    let stack = TestStack::new().await;
    let response = upload::handle(&stack.upload_app(), post_image("image/jpeg", photo())).await;
    let id = JobId::parse(json(&response)["id"].as_str().unwrap()).unwrap();
    // Another delivery (a resend) holds the job for two seconds.
    let lease = Duration::from_secs(2);
    let taken = stack
        .jobs()
        .start_processing(id, "holder", OffsetDateTime::now_utc(), lease)
        .await
        .unwrap();
    assert!(matches!(
        taken,
        ferrotype_service::store::StartOutcome::Started(_)
    ));
    let held = stack.jobs().get(id).await.unwrap().unwrap();

    // A kept dead letter comes back after a second.
    stack
        .clients
        .sqs
        .set_queue_attributes()
        .queue_url(&stack.stack.dlq_url)
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            "1",
        )
        .send()
        .await
        .unwrap();
    let dlq = JobQueue::new(stack.clients.sqs.clone(), &stack.stack.dlq_url);
    dlq.enqueue(&ferrotype_service::domain::JobMessage::new(id))
        .await
        .unwrap();
    let app = dead_letter::App { jobs: stack.jobs() };
    let bridge = stack.dead_letter_bridge(&app).await;
    let report = bridge.poll_once().await.unwrap();
    assert_eq!((report.received, report.failed, report.deleted), (1, 1, 0));
    assert_eq!(
        stack.jobs().get(id).await.unwrap().unwrap(),
        held,
        "left to its holder"
    );
    assert_eq!(
        stack.dead_lettered_messages().await,
        1,
        "kept on the dead-letter queue"
    );

    // The holder died: once its lease has lapsed, the dead letter ends the job.
    tokio::time::sleep(lease + Duration::from_millis(100)).await;
    let report = bridge.poll_once().await.unwrap();
    assert_eq!((report.received, report.failed, report.deleted), (1, 0, 1));
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Failed);
    assert_eq!(record.error.unwrap().code, FailureCode::RetriesExhausted);
}
