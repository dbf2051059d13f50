//! The e-mail and the event when they fail: the notifier keeps a refusal on its job and
//! skips it, retries anything else from the notice queue, and the stream, which carries
//! every caller's jobs, goes on. SES's refusals are injected into the real SDK client
//! (`SesRefusal`); everything else runs against the emulator.

use std::collections::HashMap;

use ferrotype_service::domain::{JobId, NoticeChannel, NoticeState};
use integration::faults::SesRefusal;
use integration::notifications::{Notifications, Receiver};
use integration::{get_status, json, TestStack};

use crate::notifications::upload_notifying;

async fn upload(stack: &TestStack, callback: &str, email: &str) -> JobId {
    let response =
        upload::handle(&stack.upload_app(), upload_notifying(callback, Some(email))).await;
    assert_eq!(response.status(), 202, "{:?}", response.body());
    JobId::parse(json(&response)["id"].as_str().unwrap()).unwrap()
}

/// The events each job's webhooks told, by job id.
fn told(receiver: &Receiver) -> HashMap<String, Vec<String>> {
    let mut by_job: HashMap<String, Vec<String>> = HashMap::new();
    for delivery in receiver.received() {
        let body: serde_json::Value = serde_json::from_str(&delivery.body).unwrap();
        by_job
            .entry(body["data"]["id"].as_str().unwrap().to_string())
            .or_default()
            .push(body["type"].as_str().unwrap().to_string());
    }
    for events in by_job.values_mut() {
        events.sort();
    }
    by_job
}

#[tokio::test]
async fn an_address_ses_refuses_is_kept_on_its_job_and_holds_no_other_job_back() {
    let stack = TestStack::new().await;
    let notify = Notifications::provision(&stack).await;
    let receiver = Receiver::start().await;
    let refused = "nobody@unverified.example";
    let refusal = SesRefusal::rejecting(refused);
    let notifier = notify.notifier_with_ses(&stack, &refusal);
    let hook = format!("{}/hook", receiver.url);

    // The refused job first, so every other job is behind it in the stream.
    let poison = upload(&stack, &hook, refused).await;
    let mut others = Vec::new();
    for i in 0..8 {
        others.push(upload(&stack, &hook, &format!("user{i}@example.com")).await);
    }
    let webhook = notify.webhook_app(
        &stack,
        ferrotype_notify::schedule::RetrySchedule::standard(),
        std::time::Duration::from_secs(5),
    );
    // Before, the refused e-mail failed its record again and again, and no job behind it
    // in the stream was told.
    notify.settle(&stack, &notifier, Some(&webhook), 30).await;

    // Every job, the refused one too, is told once per transition: nothing was repeated.
    let told = told(&receiver);
    for id in others.iter().chain([&poison]) {
        assert_eq!(
            told.get(&id.to_string()).map(Vec::as_slice),
            Some(
                &[
                    "image.completed".to_string(),
                    "image.processing".to_string()
                ][..]
            ),
            "{id}: {told:?}"
        );
    }
    for (i, id) in others.iter().enumerate() {
        assert_eq!(refusal.sent_to(&format!("user{i}@example.com")), 1, "{id}");
        assert!(stack
            .jobs()
            .get(*id)
            .await
            .unwrap()
            .unwrap()
            .notices
            .is_none());
    }

    // The refusal was tried once (no retry fixes it) and is kept on the job, without the address.
    assert_eq!(refusal.refused(), 1);
    assert_eq!(refusal.sent_to(refused), 0);
    let record = stack.jobs().get(poison).await.unwrap().unwrap();
    let email = &record.notices.as_ref().unwrap()[&NoticeChannel::Email];
    assert_eq!(email.state, NoticeState::Failed);
    assert_eq!(email.attempts, 1);
    let reason = email.last_error.as_deref().unwrap();
    assert!(reason.contains("MessageRejected"), "{reason}");
    assert!(!reason.contains(refused), "{reason}");

    // The status document says which channel failed and why.
    let status = json(&status::handle(&stack.status_app(), get_status(&poison.to_string())).await);
    assert_eq!(status["status"], "completed", "{status}");
    assert_eq!(
        status["notifications"]["email"]["state"], "failed",
        "{status}"
    );
    assert_eq!(status["notifications"]["email"]["event"], "image.completed");
    assert!(status["notifications"].get("events").is_none(), "{status}");
}

#[tokio::test]
async fn a_refusal_that_may_pass_is_retried_from_the_notice_queue_until_it_does() {
    let stack = TestStack::new().await;
    let notify = Notifications::provision(&stack).await;
    let receiver = Receiver::start().await;
    let address = "paused@example.com";
    let refusal = SesRefusal::pausing(address, 1);
    let notifier = notify.notifier_with_ses(&stack, &refusal);

    let id = upload(&stack, &format!("{}/hook", receiver.url), address).await;
    notify.settle(&stack, &notifier, None, 30).await;

    assert_eq!(refusal.refused(), 1);
    assert_eq!(refusal.sent_to(address), 1, "sent on the retry");
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    let email = &record.notices.as_ref().unwrap()[&NoticeChannel::Email];
    assert_eq!(email.state, NoticeState::Delivered);
    assert_eq!(email.attempts, 2);
    assert_eq!(email.last_error, None);
}

#[tokio::test]
async fn a_refusal_that_never_passes_fails_after_the_schedule_s_last_try() {
    let stack = TestStack::new().await;
    let notify = Notifications::provision(&stack).await;
    let receiver = Receiver::start().await;
    let address = "paused@example.com";
    let refusal = SesRefusal::pausing(address, 100);
    let notifier = notify.notifier_with_ses(&stack, &refusal);
    let tries = notifier.notice_schedule.attempts();

    let id = upload(&stack, &format!("{}/hook", receiver.url), address).await;
    notify.settle(&stack, &notifier, None, 30).await;

    assert_eq!(refusal.refused(), tries as usize);
    assert_eq!(refusal.sent_to(address), 0);
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    let email = &record.notices.as_ref().unwrap()[&NoticeChannel::Email];
    assert_eq!(email.state, NoticeState::Failed);
    assert_eq!(email.attempts, tries);
    assert!(email
        .last_error
        .as_deref()
        .unwrap()
        .contains("SendingPausedException"));
    assert_eq!(stack.notices_waiting().await, 0);
}

/// Reports the record of one job as failed, every time; counts its deliveries.
struct FailingOne {
    job: String,
    deliveries: std::sync::Mutex<HashMap<String, usize>>,
}

impl ferrotype_local::stream::InvokeStream for FailingOne {
    async fn invoke(
        &self,
        event: aws_lambda_events::event::dynamodb::Event,
    ) -> Result<
        aws_lambda_events::event::streams::DynamoDbEventResponse,
        ferrotype_local::bridge::InvokeError,
    > {
        let mut response = aws_lambda_events::event::streams::DynamoDbEventResponse::default();
        let mut deliveries = self.deliveries.lock().unwrap();
        for record in event.records {
            let id = record
                .change
                .keys
                .get("id")
                .and_then(|v| match v {
                    serde_dynamo::AttributeValue::S(s) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            *deliveries.entry(id.clone()).or_default() += 1;
            if id == self.job {
                let mut failure =
                    aws_lambda_events::event::streams::DynamoDbBatchItemFailure::default();
                failure.item_identifier = record.change.sequence_number.clone();
                response.batch_item_failures.push(failure);
                break;
            }
        }
        Ok(response)
    }
}

#[tokio::test]
async fn the_local_stream_mapping_gives_up_on_a_record_after_the_template_s_retries() {
    let stack = TestStack::new().await;
    let notify = Notifications::provision(&stack).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let response = upload::handle(
            &stack.upload_app(),
            integration::post_image(
                "image/jpeg",
                ferrotype_samples::jpeg(&image::DynamicImage::ImageRgb8(
                    ferrotype_samples::two_halves(32, 24),
                )),
            ),
        )
        .await;
        ids.push(json(&response)["id"].as_str().unwrap().to_string());
    }
    let invoker = FailingOne {
        job: ids[0].clone(),
        deliveries: Default::default(),
    };
    let arn = ferrotype_local::stream::stream_arn(&stack.clients.dynamodb, &stack.stack.table)
        .await
        .unwrap()
        .unwrap();
    let mut bridge = ferrotype_local::stream::StreamBridge::new(
        aws_sdk_dynamodbstreams::Client::new(&notify.config),
        arn,
        invoker,
    );
    for _ in 0..20 {
        bridge.poll_once().await.unwrap();
    }
    let deliveries = bridge.invoker().deliveries.lock().unwrap().clone();
    let retries = ferrotype_local::stream::MAX_RETRY_ATTEMPTS as usize;
    assert_eq!(deliveries[&ids[0]], 1 + retries, "{deliveries:?}");
    // The jobs behind it were held while it was retried, then delivered.
    for id in &ids[1..] {
        assert!(deliveries[id] >= 1, "{deliveries:?}");
    }
}

#[tokio::test]
async fn notices_not_started_before_the_invocation_s_margin_come_again_from_the_queue() {
    use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
    use ferrotype_notify::notice::Notice;
    use ferrotype_notify::payload::JobSummary;
    use ferrotype_service::domain::{
        JobRecord, Notifications as Notify, NotifyEmail, OriginalUpload, WebhookEvent,
    };

    let stack = TestStack::new().await;
    let notify = Notifications::provision(&stack).await;
    let ses = SesRefusal::rejecting("nobody@unverified.example");
    let notifier = notify.notifier_with_ses(&stack, &ses);
    let mut event = SqsEvent::default();
    for i in 0..3 {
        let job = JobRecord::queued(
            JobId::new_random(),
            OriginalUpload::inline("image/png", 1),
            time::OffsetDateTime::now_utc(),
        )
        .notifying(Notify {
            callback_url: None,
            email: Some(NotifyEmail::parse("ann@example.com").unwrap()),
        });
        stack.jobs().create(&job).await.unwrap();
        let first = Notice::first(
            NoticeChannel::Email,
            WebhookEvent::Completed,
            JobSummary::from(&job),
        );
        let mut message = SqsMessage::default();
        message.message_id = Some(format!("m{i}"));
        message.body = Some(serde_json::to_string(&first).unwrap());
        event.records.push(message);
    }

    // A second left: less than the margin, so nothing is started.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    let response = notifier::handle_notices(&notifier, event.clone(), Some(deadline)).await;
    assert_eq!(response.batch_item_failures.len(), 3);
    assert_eq!(ses.sent_to("ann@example.com"), 0);

    // With time, all three are sent at the first try, and nothing is kept on the jobs.
    let response = notifier::handle_notices(&notifier, event, None).await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(ses.sent_to("ann@example.com"), 3);
}
