//! Notifications against the emulator: the jobs table's stream read by the stream bridge,
//! the notifier and webhook handlers in-process, webhooks to a receiver on loopback checked
//! with the Standard Webhooks reference library, events on the emulator's EventBridge and
//! e-mail on its SES.

use std::collections::HashMap;
use std::time::Duration;

use ferrotype_notify::delivery::{Outcome, Sender};
use ferrotype_notify::schedule::RetrySchedule;
use ferrotype_notify::signature::{SigningKeys, WebhookSecret};
use ferrotype_samples as samples;
use ferrotype_service::domain::{CallbackUrl, CallerId, JobId, JobMessage, ReceiverPolicy};
use ferrotype_service::store::JobQueue;
use image::DynamicImage;
use integration::notifications::{verify_with_reference, Answer, Notifications, Receiver};
use integration::{get_status, json, post_image, TestStack};
use lambda_http::RequestExt;

fn photo() -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(320, 240)))
}

/// `POST /images?callback_url=…&notify_email=…`.
pub(crate) fn upload_notifying(
    callback_url: &str,
    notify_email: Option<&str>,
) -> lambda_http::Request {
    let mut query = HashMap::from([("callback_url".to_string(), callback_url.to_string())]);
    if let Some(email) = notify_email {
        query.insert("notify_email".into(), email.into());
    }
    post_image("image/jpeg", photo()).with_query_string_parameters(query)
}

fn events_of(receiver: &Receiver) -> Vec<String> {
    receiver
        .received()
        .iter()
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn each_transition_is_told_once_signed_even_when_the_job_is_delivered_twice() {
    let stack = TestStack::new().await;
    let notify = Notifications::provision(&stack).await;
    let receiver = Receiver::start().await;
    // A rule on the bus that copies ferrotype's events to a queue the test reads.
    let events_queue = subscribe_to_events(&stack, &notify).await;

    let upload = stack.upload_app();
    let response = upload::handle(
        &upload,
        upload_notifying(&format!("{}/hook", receiver.url), Some("ann@example.com")),
    )
    .await;
    assert_eq!(response.status(), 202, "{:?}", response.body());
    let id = json(&response)["id"].as_str().unwrap().to_string();
    // The job's message twice: the second delivery finds it done and writes nothing.
    JobQueue::new(stack.clients.sqs.clone(), &stack.stack.queue_url)
        .enqueue(&JobMessage::new(JobId::parse(&id).unwrap()))
        .await
        .unwrap();

    // SES as the emulator has it, with what it accepts kept.
    let ses = integration::faults::SesRefusal::rejecting("nobody@unverified.example");
    let notifier = notify.notifier_with_ses(&stack, &ses);
    let webhook = notify.webhook_app(&stack, RetrySchedule::standard(), Duration::from_secs(5));
    notify.settle(&stack, &notifier, Some(&webhook), 30).await;

    // A batch's webhooks are sent concurrently: they may arrive in either order.
    let mut events = events_of(&receiver);
    events.sort();
    assert_eq!(events, ["image.completed", "image.processing"]);
    let received = receiver.received();
    // Jobs of an open gate are the anonymous caller's, and signed with its secret.
    let secret = notify.secret_of(&CallerId::anonymous()).await;
    for delivery in &received {
        let body = verify_with_reference(&secret, delivery)
            .expect("the reference library verifies the signature");
        assert_eq!(body["data"]["id"], id.as_str());
        assert!(!delivery.body.contains("X-Amz-Signature") && !delivery.body.contains("derived/"));
    }
    let completed_at = events_of(&receiver)
        .iter()
        .position(|event| event == "image.completed")
        .unwrap();
    let completed: serde_json::Value = serde_json::from_str(&received[completed_at].body).unwrap();
    assert_eq!(completed["data"]["status"], "completed");
    assert_eq!(completed["data"]["outputs"]["thumbnail"]["width"], 200);
    assert_eq!(
        completed["data"]["links"]["status"],
        format!("/images/{id}")
    );
    let ids: Vec<&str> = received
        .iter()
        .map(|r| r.headers["webhook-id"].to_str().unwrap())
        .collect();
    assert_ne!(ids[0], ids[1], "one id per transition");
    // A forged body with a real signature fails the reference check.
    let mut forged = received[completed_at].clone();
    forged.body = forged.body.replace("completed", "failed");
    assert!(verify_with_reference(&secret, &forged).is_err());

    // The status document shows both deliveries.
    let status = json(&status::handle(&stack.status_app(), get_status(&id)).await);
    for event in ["image.processing", "image.completed"] {
        assert_eq!(status["webhooks"][event]["state"], "delivered", "{status}");
        assert_eq!(status["webhooks"][event]["attempts"], 1);
        assert_eq!(status["webhooks"][event]["last_status"], 204);
    }

    // One event on the bus: the end, not the start.
    let events = drain(&stack, &events_queue).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["source"], "ferrotype");
    assert_eq!(events[0]["detail-type"], "Image Processed");
    assert_eq!(events[0]["detail"]["id"], id.as_str());

    // One e-mail, with the status link and no presigned URL.
    let mails = ses.messages_to("ann@example.com");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].contains(&format!("/images/{id}")), "{}", mails[0]);
    assert!(!mails[0].contains("X-Amz-Signature"));
}

#[tokio::test]
async fn a_failing_receiver_is_retried_on_the_schedule_until_it_answers_410() {
    let stack = TestStack::new().await;
    let notify = Notifications::provision(&stack).await;
    let receiver = Receiver::start().await;
    let zero = Duration::ZERO;
    receiver.answer(
        "image.processing",
        &[
            // 500, then too slow for the 1 s bound, then 410.
            Answer {
                status: 500,
                delay: zero,
            },
            Answer {
                status: 204,
                delay: Duration::from_secs(3),
            },
            Answer {
                status: 410,
                delay: zero,
            },
        ],
    );
    let upload = stack.upload_app();
    let response = upload::handle(
        &upload,
        upload_notifying(&format!("{}/hook", receiver.url), None),
    )
    .await;
    assert_eq!(response.status(), 202);
    let id = json(&response)["id"].as_str().unwrap().to_string();

    let notifier = notify.notifier_app(&stack);
    // Four attempts, none delayed, each bounded to 1 s.
    let schedule = RetrySchedule::parse("0,0,0,0").unwrap();
    let webhook = notify.webhook_app(&stack, schedule, Duration::from_secs(1));
    notify.settle(&stack, &notifier, Some(&webhook), 30).await;

    let status = json(&status::handle(&stack.status_app(), get_status(&id)).await);
    let processing = &status["webhooks"]["image.processing"];
    assert_eq!(processing["state"], "gone", "{status}");
    assert_eq!(processing["attempts"], 3);
    assert_eq!(processing["last_status"], 410);
    let completed = &status["webhooks"]["image.completed"];
    assert_eq!(completed["state"], "delivered", "{status}");
    assert_eq!(completed["attempts"], 1);
    assert_eq!(
        events_of(&receiver).len(),
        4,
        "three attempts of one, one of the other"
    );
    let processing_attempts = events_of(&receiver)
        .iter()
        .filter(|e| *e == "image.processing")
        .count();
    assert_eq!(processing_attempts, 3, "no attempt after 410");
    // Nothing is left to send after 410 and the other event's delivery.
    assert_eq!(
        stack
            .webhook_bridge(&webhook)
            .await
            .poll_once()
            .await
            .unwrap()
            .received,
        0
    );
}

#[tokio::test]
async fn the_retry_schedule_ends_as_failed_after_its_last_attempt() {
    let stack = TestStack::new().await;
    let notify = Notifications::provision(&stack).await;
    let receiver = Receiver::start().await;
    let always_500 = Answer {
        status: 500,
        delay: Duration::ZERO,
    };
    receiver.answer("image.processing", &[always_500; 10]);
    receiver.answer("image.completed", &[always_500; 10]);
    let upload = stack.upload_app();
    let response = upload::handle(
        &upload,
        upload_notifying(&format!("{}/hook", receiver.url), None),
    )
    .await;
    let id = json(&response)["id"].as_str().unwrap().to_string();
    let notifier = notify.notifier_app(&stack);
    let webhook = notify.webhook_app(
        &stack,
        RetrySchedule::parse("0,0").unwrap(),
        Duration::from_secs(1),
    );
    notify.settle(&stack, &notifier, Some(&webhook), 30).await;
    let status = json(&status::handle(&stack.status_app(), get_status(&id)).await);
    for event in ["image.processing", "image.completed"] {
        assert_eq!(status["webhooks"][event]["state"], "failed", "{status}");
        assert_eq!(status["webhooks"][event]["attempts"], 2);
        assert_eq!(status["webhooks"][event]["last_status"], 500);
    }
    assert_eq!(receiver.received().len(), 4);
}

#[tokio::test]
async fn private_addresses_are_refused_at_upload_and_after_resolution() {
    let stack = TestStack::new().await;
    // As deployed: https only, public addresses only.
    let settings = upload::settings::UploadSettings {
        receivers: ReceiverPolicy { allow_local: false },
        ..stack.upload_app().settings
    };
    let upload = stack.upload_app_with(settings);
    for url in [
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.8/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "http://hooks.example.com/hook",
        "https://user:pw@hooks.example.com/hook",
        "not a url",
    ] {
        let response = upload::handle(&upload, upload_notifying(url, None)).await;
        assert_eq!(response.status(), 400, "{url}");
        let kind = json(&response)["type"].as_str().unwrap().to_string();
        assert!(kind.ends_with("invalid-callback-url"), "{url}: {kind}");
    }
    assert_eq!(stack.job_count().await, 0);

    // A DNS name that resolves to loopback is refused after resolution, before connecting.
    let receiver = Receiver::start().await;
    let port = receiver.url.rsplit(':').next().unwrap();
    let keys = SigningKeys::parse(&WebhookSecret::generate_text([1; 32])).unwrap();
    let aws = Sender {
        policy: ReceiverPolicy { allow_local: false },
        timeout: Duration::from_secs(2),
    };
    let by_name = CallbackUrl::parse(
        &format!("http://localhost:{port}/hook"),
        ReceiverPolicy { allow_local: true },
    )
    .unwrap();
    let outcome = aws.send(&by_name, &keys, "msg_1", 1, "{}".into()).await;
    assert!(
        matches!(&outcome, Outcome::Refused { reason } if reason.contains("127.0.0.1") || reason.contains("::1")),
        "{outcome:?}"
    );
    assert!(receiver.received().is_empty(), "nothing was sent");

    // A redirect is not followed, even to an allowed receiver.
    let local = Sender {
        policy: ReceiverPolicy { allow_local: true },
        timeout: Duration::from_secs(2),
    };
    let moved = CallbackUrl::parse(
        &format!("{}/moved", receiver.url),
        ReceiverPolicy { allow_local: true },
    )
    .unwrap();
    let outcome = local.send(&moved, &keys, "msg_2", 1, "{}".into()).await;
    assert_eq!(
        outcome,
        Outcome::Retry {
            status: Some(307),
            reason: "HTTP 307: redirects are not followed".into()
        }
    );
    let paths: Vec<String> = receiver.received().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/moved"], "the redirect's target was never called");
}

#[tokio::test]
async fn while_a_secret_rotates_receivers_with_either_secret_verify() {
    let receiver = Receiver::start().await;
    let old = WebhookSecret::generate_text([3; 32]);
    let new = WebhookSecret::generate_text([4; 32]);
    let other = WebhookSecret::generate_text([5; 32]);
    let keys = SigningKeys::parse(&format!("{new} {old}")).unwrap();
    let local = Sender {
        policy: ReceiverPolicy { allow_local: true },
        timeout: Duration::from_secs(2),
    };
    let url = CallbackUrl::parse(
        &format!("{}/hook", receiver.url),
        ReceiverPolicy { allow_local: true },
    )
    .unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let outcome = local
        .send(
            &url,
            &keys,
            "msg_rotation",
            now,
            r#"{"type":"image.completed"}"#.into(),
        )
        .await;
    assert_eq!(outcome, Outcome::Delivered { status: 204 });
    let delivery = &receiver.received()[0];
    assert!(verify_with_reference(&old, delivery).is_ok());
    assert!(verify_with_reference(&new, delivery).is_ok());
    assert!(verify_with_reference(&other, delivery).is_err());
}

/// A queue subscribed to the bus's ferrotype events.
async fn subscribe_to_events(stack: &TestStack, notify: &Notifications) -> String {
    let sqs = &stack.clients.sqs;
    let url = sqs
        .create_queue()
        .queue_name(format!("{}-events-copy", stack.stack.bucket))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let arn = ferrotype_local::provision::queue_arn(sqs, &url)
        .await
        .unwrap();
    let events = aws_sdk_eventbridge::Client::new(&notify.config);
    let rule = format!("{}-all", stack.stack.bucket);
    events
        .put_rule()
        .name(&rule)
        .event_bus_name(&notify.resources.event_bus)
        .event_pattern(r#"{"source": ["ferrotype"]}"#)
        .send()
        .await
        .unwrap();
    events
        .put_targets()
        .rule(&rule)
        .event_bus_name(&notify.resources.event_bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("copy")
                .arn(arn)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    url
}

async fn drain(stack: &TestStack, queue_url: &str) -> Vec<serde_json::Value> {
    let output = stack
        .clients
        .sqs
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .wait_time_seconds(1)
        .send()
        .await
        .unwrap();
    output
        .messages
        .unwrap_or_default()
        .iter()
        .map(|m| serde_json::from_str(m.body().unwrap()).unwrap())
        .collect()
}
