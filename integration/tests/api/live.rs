//! The live channel against the emulator: a WebSocket client on the local gateway, the real
//! `live` handler behind it, the notifier pushing what the jobs table's stream says, and the
//! callers' API keys checked as on the HTTP routes.

use std::time::Duration;

use ferrotype_access::Limits;
use ferrotype_notify::live::{ConnectionId, LiveMessage};
use ferrotype_samples as samples;
use ferrotype_service::domain::{CallerId, JobStatus};
use image::DynamicImage;
use integration::live::{Browser, LiveHarness};
use integration::notifications::Notifications;
use integration::{json, post_image, TestStack};
use time::OffsetDateTime;

struct Live {
    stack: TestStack,
    notify: Notifications,
    harness: LiveHarness,
    upload: upload::App,
}

impl Live {
    async fn new() -> Self {
        let stack = TestStack::new().await;
        let notify = Notifications::provision(&stack).await;
        let harness =
            LiveHarness::start(&stack, stack.gate(stack.access(vec![], Limits::NONE))).await;
        let mut upload = stack.upload_app();
        upload.gate = stack.gate(stack.access(vec![], Limits::NONE));
        Self {
            stack,
            notify,
            harness,
            upload,
        }
    }

    async fn key_for(&self, caller: &str) -> String {
        let (key, _) = self
            .stack
            .api_keys()
            .create(caller, "test", OffsetDateTime::now_utc())
            .await
            .unwrap();
        key.expose().to_string()
    }

    /// A job of the caller of `key` (an inline upload), queued.
    async fn upload_as(&self, key: &str, image: Vec<u8>) -> String {
        let mut request = post_image("image/jpeg", image);
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {key}").parse().unwrap());
        let response = upload::handle(&self.upload, request).await;
        assert_eq!(response.status(), 202);
        json(&response)["id"].as_str().unwrap().to_string()
    }

    /// Processes what is queued and tells what the stream holds, with the live channel on.
    async fn settle(&self) {
        let mut notifier = self.notify.notifier_app(&self.stack);
        notifier.live = Some(self.harness.channel());
        self.notify.settle(&self.stack, &notifier, None, 20).await;
    }
}

fn photo() -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(320, 240)))
}

fn status_of(message: &LiveMessage) -> (String, JobStatus) {
    match message {
        LiveMessage::Status { job } => (job.id.to_string(), job.status),
        other => panic!("expected a status, got {other:?}"),
    }
}

fn error_of(message: &LiveMessage) -> (&str, &[String]) {
    match message {
        LiveMessage::Error { code, jobs, .. } => (code.as_str(), jobs.as_slice()),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// Reads messages until `status`, returning the statuses seen on the way.
async fn statuses_until(browser: &mut Browser, status: JobStatus) -> Vec<JobStatus> {
    let mut seen = Vec::new();
    while seen.last() != Some(&status) {
        seen.push(status_of(&browser.next().await).1);
    }
    seen
}

#[tokio::test]
async fn a_page_sees_its_jobs_now_and_at_every_change_without_polling() {
    let live = Live::new().await;
    let key = live.key_for("alice").await;
    let good = live.upload_as(&key, photo()).await;
    let whole = photo();
    let corrupt = live
        .upload_as(&key, whole[..whole.len() / 2].to_vec())
        .await;

    let mut browser = live.harness.connect().await;
    browser
        .subscribe(&key, &[good.clone(), corrupt.clone()])
        .await;
    // First each job as it is now.
    let first = [
        status_of(&browser.next().await),
        status_of(&browser.next().await),
    ];
    assert!(
        first.contains(&(good.clone(), JobStatus::Queued)),
        "{first:?}"
    );
    assert!(
        first.contains(&(corrupt.clone(), JobStatus::Queued)),
        "{first:?}"
    );

    live.settle().await;
    let mut by_job: std::collections::HashMap<String, Vec<JobStatus>> = Default::default();
    while by_job
        .values()
        .map(|s| s.last().is_some_and(|s| s.is_terminal()) as usize)
        .sum::<usize>()
        < 2
    {
        let (id, status) = status_of(&browser.next().await);
        by_job.entry(id).or_default().push(status);
    }
    assert_eq!(by_job[&good], [JobStatus::Processing, JobStatus::Completed]);
    assert_eq!(by_job[&corrupt], [JobStatus::Processing, JobStatus::Failed]);
    // Nothing more: a no-op write (moto streams those too) pushes nothing.
    assert_eq!(browser.next_within(Duration::from_millis(500)).await, None);
}

#[tokio::test]
async fn another_callers_job_a_forged_key_and_bad_messages_get_errors_and_nothing_else() {
    let live = Live::new().await;
    let alice = live.key_for("alice").await;
    let mallory = live.key_for("mallory").await;
    let job = live.upload_as(&alice, photo()).await;

    // Another caller's id reads as not found, and its changes never reach that socket.
    let mut snoop = live.harness.connect().await;
    snoop.subscribe(&mallory, std::slice::from_ref(&job)).await;
    assert_eq!(
        error_of(&snoop.next().await),
        ("not-found", std::slice::from_ref(&job))
    );

    let mut forger = live.harness.connect().await;
    let forged = format!("{}x", &alice[..alice.len() - 1]);
    forger.subscribe(&forged, std::slice::from_ref(&job)).await;
    assert_eq!(error_of(&forger.next().await).0, "invalid-api-key");
    forger
        .subscribe("not a credential", std::slice::from_ref(&job))
        .await;
    assert!(matches!(
        error_of(&forger.next().await).0,
        "invalid-token" | "unauthorized"
    ));

    forger.send("hello").await;
    assert_eq!(error_of(&forger.next().await).0, "bad-request");
    forger.send(r#"{"action":"subscribe","token":"t"}"#).await;
    assert_eq!(error_of(&forger.next().await).0, "bad-request");
    let many: Vec<String> = (0..26).map(|_| job.clone()).collect();
    forger.subscribe(&alice, &many).await;
    assert_eq!(error_of(&forger.next().await).0, "too-many-jobs");
    forger.subscribe(&alice, &["not-an-id".to_string()]).await;
    assert_eq!(
        error_of(&forger.next().await),
        ("not-found", &["not-an-id".to_string()][..])
    );

    let mut owner = live.harness.connect().await;
    owner.subscribe(&alice, std::slice::from_ref(&job)).await;
    assert_eq!(status_of(&owner.next().await).1, JobStatus::Queued);
    live.settle().await;
    assert_eq!(
        statuses_until(&mut owner, JobStatus::Completed).await,
        [JobStatus::Processing, JobStatus::Completed]
    );
    assert_eq!(snoop.next_within(Duration::from_millis(300)).await, None);
    assert_eq!(forger.next_within(Duration::from_millis(300)).await, None);
}

#[tokio::test]
async fn closing_the_socket_removes_its_subscriptions_and_a_gone_connection_is_forgotten() {
    let live = Live::new().await;
    let key = live.key_for("alice").await;
    let job = live.upload_as(&key, photo()).await;
    let id = job.parse().unwrap();
    let subscriptions = live.harness.subscriptions();

    let mut browser = live.harness.connect().await;
    browser.subscribe(&key, std::slice::from_ref(&job)).await;
    status_of(&browser.next().await);
    assert_eq!(subscriptions.of_job(id).await.unwrap().len(), 1);
    browser.close().await;
    let mut left = 1;
    for _ in 0..50 {
        left = subscriptions.of_job(id).await.unwrap().len();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        left, 0,
        "$disconnect removes the connection's subscriptions"
    );

    // A connection that went away without $disconnect: the push finds it gone (410) and
    // drops it.
    let ghost = ConnectionId::new("ghost");
    let caller = CallerId::of_key("alice").unwrap();
    subscriptions
        .add(&ghost, &caller, id, OffsetDateTime::now_utc())
        .await
        .unwrap();
    live.settle().await;
    assert!(subscriptions.of_job(id).await.unwrap().is_empty());
}
