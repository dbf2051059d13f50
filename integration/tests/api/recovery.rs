//! Jobs that cannot go the normal way still end: dead-lettered messages mark their job
//! `failed` (unless another delivery holds it under a live lease), and the sweeper
//! re-enqueues jobs whose message was lost, found through its index (never a scan), once
//! their message can no longer be in flight.

use std::time::Duration;

use ferrotype_local::backfill;
use ferrotype_local::provision::QueueSettings;
use ferrotype_samples as samples;
use ferrotype_service::domain::{FailureCode, JobId, JobRecord, JobStatus, OriginalUpload};
use ferrotype_service::store::{ImageStore, JobQueue, JobTable};
use image::DynamicImage;
use integration::faults::{intercepted, FaultInjector, Matcher};
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
    use integration::faults::Delay;

    let stack = TestStack::new().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let response = upload::handle(&stack.upload_app(), post_image("image/jpeg", photo())).await;
        ids.push(JobId::parse(json(&response)["id"].as_str().unwrap()).unwrap());
    }
    // Every output write takes 400 ms (the interceptor blocks its thread, so on this test's
    // one thread a job's three writes take turns): a job takes more than a second.
    let slow = intercepted(
        &stack.clients,
        Delay {
            matcher: Matcher::S3_PUT,
            delay: Duration::from_millis(400),
        },
    );
    let mut app = stack.jpeg_only_processor_app();
    app.images = ImageStore::new(slow.s3, &stack.stack.bucket);
    app.settings.concurrency = 1;
    app.settings.start_margin = Duration::from_secs(2);
    // The started job may use all the time left (the bound is the next test's).
    app.settings.finish_margin = Duration::ZERO;
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

/// An S3 endpoint on loopback that passes every request on to the emulator, holding the
/// PUTs of one job's outputs (their key names it) for `delay` each, asynchronously, as a
/// slow network would: the code under test can give up on them at its deadline.
async fn slow_outputs_of(job: JobId, delay: Duration) -> String {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method, StatusCode, Uri};
    let emulator = std::env::var("AWS_ENDPOINT_URL").expect("the emulator");
    let client = reqwest::Client::new();
    let held = format!("derived/{job}/");
    let forward = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let (client, emulator, held) = (client.clone(), emulator.clone(), held.clone());
        async move {
            if method == Method::PUT && uri.path().contains(&held) {
                tokio::time::sleep(delay).await;
            }
            let path = uri.path_and_query().map_or("/", |p| p.as_str());
            let mut request = client
                .request(method, format!("{emulator}{path}"))
                .body(body);
            for (name, value) in &headers {
                if name != "host" {
                    request = request.header(name, value);
                }
            }
            let answer = request.send().await.expect("the emulator answers");
            let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
            let mut headers = HeaderMap::new();
            for (name, value) in answer.headers() {
                if name != "transfer-encoding" && name != "content-length" {
                    headers.insert(name, value.clone());
                }
            }
            (status, headers, answer.bytes().await.unwrap_or_default())
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(forward);
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// A job that cannot finish before the invocation's deadline less the finish margin is
/// given up: its lease released (the next delivery takes it at once) and its message
/// reported for redelivery, while the batch's other messages complete and the batch is
/// answered before the deadline instead of timing out.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_job_that_cannot_finish_before_the_deadline_is_released_and_the_batch_still_answers() {
    let stack = TestStack::new().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let response = upload::handle(&stack.upload_app(), post_image("image/jpeg", photo())).await;
        ids.push(JobId::parse(json(&response)["id"].as_str().unwrap()).unwrap());
    }
    let slow_job = ids[0];
    // Its output writes take 15 s (they are written at once), past the bound. The others have
    // about 11 s, room enough for a loaded machine running the whole suite.
    let slow_endpoint = slow_outputs_of(slow_job, Duration::from_secs(15)).await;
    let slow_s3 = aws_sdk_s3::Client::from_conf(
        stack
            .clients
            .s3
            .config()
            .to_builder()
            .endpoint_url(slow_endpoint)
            .build(),
    );
    let mut app = stack.jpeg_only_processor_app();
    app.images = ImageStore::new(slow_s3, &stack.stack.bucket);
    app.settings.concurrency = 3;
    app.settings.start_margin = Duration::from_secs(2);
    app.settings.finish_margin = Duration::from_secs(1);
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
    let slow_message = messages
        .iter()
        .find(|m| m.body().unwrap_or_default().contains(&slow_job.to_string()))
        .and_then(|m| m.message_id.clone())
        .expect("the slow job's message");
    let event: aws_lambda_events::event::sqs::SqsEvent =
        serde_json::from_value(serde_json::json!({
            "Records": messages.iter().map(|m| serde_json::json!({
                "messageId": m.message_id, "body": m.body, "receiptHandle": m.receipt_handle,
            })).collect::<Vec<_>>()
        }))
        .unwrap();
    let event_again = event.clone();

    // Twelve seconds left: every job may start (start margin 2 s) and must be done by 11 s.
    let started = std::time::Instant::now();
    let deadline = started + Duration::from_secs(12);
    let response = processor::handle_until(&app, event, Some(deadline)).await;
    let took = started.elapsed();

    assert!(
        took < Duration::from_secs(12),
        "answered before the deadline: {took:?}"
    );
    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(
        failed,
        vec![slow_message.as_str()],
        "only the slow job's message"
    );
    for id in &ids[1..] {
        let record = stack.jobs().get(*id).await.unwrap().unwrap();
        assert_eq!(record.status, JobStatus::Completed, "{id}");
    }
    let record = stack.jobs().get(slow_job).await.unwrap().unwrap();
    assert_eq!((record.status, record.attempts), (JobStatus::Processing, 1));

    // Released: the next delivery takes it at once (a live lease would answer Busy for the
    // next 60 s), and it completes with the time it needs.
    let fresh = stack.processor_app();
    let again = processor::handle(&fresh, event_again).await;
    assert!(again.batch_item_failures.is_empty(), "{again:?}");
    let record = stack.jobs().get(slow_job).await.unwrap().unwrap();
    assert_eq!((record.status, record.attempts), (JobStatus::Completed, 2));
}

/// A job record as the store leaves it in `status`: a job that has left `queued` carries no
/// `sweep_from` (every move on removes it), a waiting upload its deadline.
fn record_in(status: JobStatus, at: OffsetDateTime) -> JobRecord {
    let upload = OriginalUpload::inline("image/jpeg", 1000);
    let mut record = JobRecord::queued(JobId::new_random(), upload, at);
    record.status = status;
    if status != JobStatus::Queued {
        record.sweep_from = None;
    }
    record
}

/// Writes `records` straight into the table, 25 to a request.
async fn write_all(stack: &TestStack, records: &[JobRecord]) {
    use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
    for chunk in records.chunks(25) {
        let requests: Vec<WriteRequest> = chunk
            .iter()
            .map(|record| {
                let item = serde_dynamo::to_item(record).unwrap();
                WriteRequest::builder()
                    .put_request(PutRequest::builder().set_item(Some(item)).build().unwrap())
                    .build()
            })
            .collect();
        let output = stack
            .clients
            .dynamodb
            .batch_write_item()
            .request_items(&stack.stack.table, requests)
            .send()
            .await
            .unwrap();
        assert!(
            output.unprocessed_items.unwrap_or_default().is_empty(),
            "the emulator took every write"
        );
    }
}

/// The job ids of every message on the job queue (received, so they stay hidden).
async fn enqueued_ids(stack: &TestStack) -> std::collections::HashSet<JobId> {
    let mut ids = std::collections::HashSet::new();
    loop {
        let messages = stack
            .clients
            .sqs
            .receive_message()
            .queue_url(&stack.stack.queue_url)
            .max_number_of_messages(10)
            .visibility_timeout(60)
            .send()
            .await
            .unwrap()
            .messages
            .unwrap_or_default();
        if messages.is_empty() {
            return ids;
        }
        for message in messages {
            let job =
                ferrotype_service::domain::JobMessage::parse(message.body().unwrap()).unwrap();
            assert!(ids.insert(job.job_id), "one message per job");
        }
    }
}

/// The sweeper with a DynamoDB client on which every Scan fails: it must not need one.
fn sweeper_without_scans(
    stack: &TestStack,
    resend_after: Duration,
) -> (sweeper::App, FaultInjector) {
    let scans = FaultInjector::new(
        vec![Matcher {
            method: "POST",
            target: Some("DynamoDB_20120810.Scan"),
        }],
        1.0,
    );
    let clients = intercepted(&stack.clients, scans.clone());
    let mut app = stack.sweeper_app(resend_after);
    app.jobs = JobTable::new(clients.dynamodb.clone(), &stack.stack.table);
    app.uploads.jobs = JobTable::new(clients.dynamodb, &stack.stack.table);
    (app, scans)
}

#[tokio::test]
async fn the_sweeper_on_a_large_table_reads_only_the_due_jobs_and_resends_exactly_the_stale_ones() {
    let stack = TestStack::new().await;
    let now = OffsetDateTime::now_utc();
    let hours_ago = now - Duration::from_secs(3 * 3600);
    let resend_after = Duration::from_secs(1800);

    // Mostly finished jobs, all old: a scan would read every one of them.
    let mut records = Vec::new();
    for i in 0..3000 {
        let status = match i % 10 {
            0..=6 => JobStatus::Completed,
            7 => JobStatus::Failed,
            8 => JobStatus::Deleted,
            _ => JobStatus::Processing,
        };
        records.push(record_in(status, hours_ago));
    }
    // Stale: queued, their last message sent hours ago (more than one page of the index).
    let stale: Vec<JobRecord> = (0..250)
        .map(|_| record_in(JobStatus::Queued, hours_ago))
        .collect();
    // In flight: old jobs whose message was sent ten minutes ago, and fresh uploads.
    let in_flight: Vec<JobRecord> = (0..100)
        .map(|i| {
            let mut record = record_in(JobStatus::Queued, hours_ago);
            let sent = if i % 2 == 0 { 600 } else { 5 };
            record.sweep_from = Some(now - Duration::from_secs(sent));
            record
        })
        .collect();
    // Direct uploads: a few past their deadline (no object came), more still open.
    let upload = |deadline: OffsetDateTime| {
        JobRecord::awaiting_upload(
            JobId::new_random(),
            OriginalUpload::direct("image/jpeg", 1000),
            hours_ago,
            deadline,
        )
    };
    let overdue: Vec<JobRecord> = (0..5)
        .map(|_| upload(now - Duration::from_secs(60)))
        .collect();
    let open: Vec<JobRecord> = (0..40)
        .map(|_| upload(now + Duration::from_secs(600)))
        .collect();
    for group in [&records, &stale, &in_flight, &overdue, &open] {
        write_all(&stack, group).await;
    }
    let total = records.len() + stale.len() + in_flight.len() + overdue.len() + open.len();

    let (app, scans) = sweeper_without_scans(&stack, resend_after);
    let started = std::time::Instant::now();
    let sweep = sweeper::sweep(&app, now).await.unwrap();
    let took = started.elapsed();
    assert_eq!(scans.injected(), 0, "the sweep never scanned the table");
    assert_eq!(
        (sweep.stale, sweep.requeued, sweep.skipped, sweep.failed),
        (250, 250, 0, 0)
    );
    assert_eq!((sweep.overdue_uploads, sweep.expired_uploads), (5, 5));
    assert_eq!(
        sweep.items_read,
        stale.len() + overdue.len(),
        "only the due items were read"
    );
    let expected: std::collections::HashSet<JobId> = stale.iter().map(|r| r.id).collect();
    assert_eq!(
        enqueued_ids(&stack).await,
        expected,
        "exactly the stale jobs were sent"
    );

    // For comparison: what a scan for the same jobs reads.
    let mut scanned = 0;
    let mut pages = stack
        .clients
        .dynamodb
        .scan()
        .table_name(&stack.stack.table)
        .select(aws_sdk_dynamodb::types::Select::Count)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        scanned += page.unwrap().scanned_count as usize;
    }
    assert_eq!(scanned, total);
    println!(
        "sweep of {total} jobs: {} index items read (a scan reads {scanned}), {took:?}",
        sweep.items_read
    );
    assert!(took < Duration::from_secs(30), "{took:?}");

    // Right after, nothing is due: what was sent is in flight, what expired has failed.
    let again = sweeper::sweep(&app, now + Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(
        (again.stale, again.overdue_uploads, again.items_read),
        (0, 0, 0)
    );
    for record in &overdue {
        let record = stack.jobs().get(record.id).await.unwrap().unwrap();
        assert_eq!(record.error.unwrap().code, FailureCode::UploadExpired);
    }
}

#[tokio::test]
async fn the_sweeper_does_not_resend_a_job_whose_message_is_still_in_flight() {
    let stack = TestStack::new().await;
    let now = OffsetDateTime::now_utc();
    let window = Duration::from_secs(1800);
    // A job queued hours ago whose message was lost.
    let lost = record_in(JobStatus::Queued, now - Duration::from_secs(3 * 3600));
    stack.jobs().create(&lost).await.unwrap();
    let app = stack.sweeper_app(window);

    // Two sweeps at once (a retried schedule): one sends.
    let (a, b) = tokio::join!(sweeper::sweep(&app, now), sweeper::sweep(&app, now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.requeued + b.requeued, 1, "{a:?} {b:?}");
    let sent = stack.jobs().get(lost.id).await.unwrap().unwrap();
    assert_eq!(
        sent.sweep_from.unwrap().unix_timestamp(),
        now.unix_timestamp()
    );

    // Its record is hours old, but its message was just sent: in flight until the window ends.
    for later in [60, 600, 1799] {
        let sweep = sweeper::sweep(&app, now + Duration::from_secs(later))
            .await
            .unwrap();
        assert_eq!((sweep.stale, sweep.requeued), (0, 0), "{later} s after");
    }
    assert_eq!(stack.queued_messages().await, 1);
    // Received and given up on by now, and still `queued`: sent again.
    let sweep = sweeper::sweep(&app, now + window).await.unwrap();
    assert_eq!(sweep.requeued, 1);
    assert_eq!(stack.queued_messages().await, 2);
}

#[tokio::test]
async fn a_resend_is_claimed_once_released_after_a_failed_send_and_never_for_a_job_that_moved_on() {
    let stack = TestStack::new().await;
    let jobs = stack.jobs();
    let now = OffsetDateTime::now_utc();
    let cutoff = now - Duration::from_secs(1800);
    let lost = record_in(JobStatus::Queued, now - Duration::from_secs(3600));
    jobs.create(&lost).await.unwrap();

    let claim = jobs.claim_resend(lost.id, cutoff, now).await.unwrap();
    assert!(claim.is_some());
    assert_eq!(
        jobs.claim_resend(lost.id, cutoff, now).await.unwrap(),
        None,
        "claimed once"
    );
    jobs.release_resend(lost.id, claim.unwrap()).await.unwrap();
    let record = jobs.get(lost.id).await.unwrap().unwrap();
    assert_eq!(
        record.sweep_from.map(OffsetDateTime::unix_timestamp),
        lost.sweep_from.map(OffsetDateTime::unix_timestamp),
        "the previous send time is back"
    );

    // A sweep whose send fails leaves the job due for the next one.
    let broken = intercepted(
        &stack.clients,
        FaultInjector::new(vec![Matcher::SQS_SEND], 1.0),
    );
    let mut app = stack.sweeper_app(Duration::from_secs(1800));
    app.queue = JobQueue::new(broken.sqs, &stack.stack.queue_url);
    assert!(sweeper::sweep(&app, now).await.is_err());
    let sweep = sweeper::sweep(&stack.sweeper_app(Duration::from_secs(1800)), now)
        .await
        .unwrap();
    assert_eq!(sweep.requeued, 1);

    // Taken by a processor: out of the index, and no resend can be claimed.
    let started = jobs
        .start_processing(lost.id, now, Duration::from_secs(120))
        .await
        .unwrap();
    let ferrotype_service::store::StartOutcome::Started { record, .. } = started else {
        panic!("{started:?}");
    };
    assert_eq!(record.sweep_from, None, "the move on removed the index key");
    let far = now + Duration::from_secs(86_400);
    assert_eq!(jobs.claim_resend(lost.id, far, far).await.unwrap(), None);
    assert_eq!(jobs.stale_queued(far).await.unwrap().items_read, 0);
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
        .start_processing(id, OffsetDateTime::now_utc(), lease)
        .await
        .unwrap();
    assert!(matches!(
        taken,
        ferrotype_service::store::StartOutcome::Started { .. }
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

#[tokio::test]
async fn waiting_jobs_written_before_the_index_are_swept_after_the_one_off_backfill() {
    let stack = TestStack::new().await;
    let long_ago = OffsetDateTime::now_utc() - Duration::from_secs(3 * 3600);
    // As the code before the index wrote them: no `sweep_from`.
    let mut old = record_in(JobStatus::Queued, long_ago);
    old.sweep_from = None;
    let mut old_upload = JobRecord::awaiting_upload(
        JobId::new_random(),
        OriginalUpload::direct("image/jpeg", 1000),
        long_ago,
        long_ago + Duration::from_secs(900),
    );
    old_upload.sweep_from = None;
    let finished = record_in(JobStatus::Completed, long_ago);
    write_all(&stack, &[old.clone(), old_upload.clone(), finished.clone()]).await;
    let app = stack.sweeper_app(Duration::from_secs(1800));
    let sweep = sweeper::sweep(&app, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(
        (sweep.stale, sweep.overdue_uploads),
        (0, 0),
        "invisible to the index until marked"
    );

    assert_eq!(
        backfill::index_unmarked_waiting(&stack.clients.dynamodb, &stack.stack.table)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        backfill::index_unmarked_waiting(&stack.clients.dynamodb, &stack.stack.table)
            .await
            .unwrap(),
        0,
        "repeatable"
    );
    assert_eq!(
        stack.jobs().get(finished.id).await.unwrap().unwrap(),
        finished
    );
    let sweep = sweeper::sweep(&app, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!((sweep.stale, sweep.requeued), (1, 1));
    assert_eq!((sweep.overdue_uploads, sweep.expired_uploads), (1, 1));
    assert_eq!(enqueued_ids(&stack).await, [old.id].into());
}
