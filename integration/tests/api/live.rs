//! The live channel against the emulator: a WebSocket client on the local gateway, the real
//! `live` handler behind it, the notifier pushing what the jobs table's stream says, and the
//! callers' API keys checked as on the HTTP routes.

use std::collections::HashMap;
use std::time::Duration;

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use ferrotype_access::{Gate, Limits};
use ferrotype_notify::live::{
    Caps, ConnectionId, Connections, Credential, KeyRevocations, LiveChannel, LiveMessage,
    SubscribeRequest, Subscriptions,
};
use ferrotype_notify::payload::JobSummary;
use ferrotype_samples as samples;
use ferrotype_service::domain::{CallerId, JobId, JobRecord, JobStatus, OriginalUpload};
use image::DynamicImage;
use integration::faults::intercepted;
use integration::faults::OperationCounter;
use integration::live::{Browser, LiveHarness, LoopbackConnections};
use integration::notifications::Notifications;
use integration::{json, post_image, TestStack};
use time::OffsetDateTime;
use tokio::time::Instant;

struct Live {
    stack: TestStack,
    notify: Notifications,
    harness: LiveHarness,
    upload: upload::App,
}

impl Live {
    async fn new() -> Self {
        Self::with_caps(Caps::default()).await
    }

    async fn with_caps(caps: Caps) -> Self {
        let stack = TestStack::new().await;
        let notify = Notifications::provision(&stack).await;
        let gate = stack.gate(stack.access(vec![], Limits::NONE));
        let harness = LiveHarness::with_caps(&stack, gate, caps).await;
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
        self.key_with_id(caller).await.0
    }

    /// A new key of `caller`, and its id (to revoke it).
    async fn key_with_id(&self, caller: &str) -> (String, String) {
        let (key, info) = self
            .stack
            .api_keys()
            .create(caller, "test", OffsetDateTime::now_utc())
            .await
            .unwrap();
        (key.expose().to_string(), info.key_id)
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

fn refusal_text(message: &LiveMessage) -> &str {
    match message {
        LiveMessage::Error { message, .. } => message.as_str(),
        other => panic!("expected an error, got {other:?}"),
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
    // A job that ended is watched no more, so it holds no place under the caps.
    for id in [&good, &corrupt] {
        let watchers = live
            .harness
            .subscriptions()
            .of_job(JobId::parse(id).unwrap())
            .await
            .unwrap();
        assert!(watchers.is_empty(), "{id}: {watchers:?}");
    }
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
    // drops it, and gives the caller's count back.
    let ghost = ConnectionId::new("ghost");
    let caller = CallerId::of_key("alice").unwrap();
    let credential = Credential::of_admitted(&key, &caller);
    subscriptions
        .subscribe(
            &live.stack.stack.table,
            SubscribeRequest {
                connection: &ghost,
                caller: &caller,
                credential: &credential,
                jobs: &[id],
                now: OffsetDateTime::now_utc(),
            },
        )
        .await
        .unwrap();
    assert_eq!(subscriptions.count_of(&caller).await.unwrap(), 1);
    live.settle().await;
    assert!(subscriptions.of_job(id).await.unwrap().is_empty());
    assert_eq!(subscriptions.count_of(&caller).await.unwrap(), 0);
}

/// A queued job of `caller`, written straight to the table.
async fn job_of(stack: &TestStack, caller: &CallerId) -> JobRecord {
    let mut record = JobRecord::queued(
        JobId::new_random(),
        OriginalUpload::direct("image/jpeg", 1_000),
        OffsetDateTime::now_utc(),
    );
    record.owner = Some(caller.clone());
    stack.jobs().create(&record).await.unwrap();
    record
}

/// What API Gateway sends the live function for a frame on `connection`.
fn frame(connection: &str, body: String) -> ApiGatewayWebsocketProxyRequest {
    let mut event = ApiGatewayWebsocketProxyRequest::default();
    event.body = Some(body);
    event.request_context.route_key = Some("subscribe".into());
    event.request_context.connection_id = Some(connection.into());
    event
}

#[tokio::test]
async fn each_cap_refuses_by_name_and_a_closed_socket_gives_its_share_back() {
    let caps = Caps {
        per_connection: 2,
        per_job: 2,
        per_caller: 3,
    };
    let live = Live::with_caps(caps).await;
    let key = live.key_for("alice").await;
    let mut jobs = Vec::new();
    for _ in 0..4 {
        jobs.push(live.upload_as(&key, photo()).await);
    }
    let alice = CallerId::of_key("alice").unwrap();
    let subscriptions = live.harness.subscriptions();

    let mut first = live.harness.connect().await;
    first.subscribe(&key, &jobs[..2]).await;
    status_of(&first.next().await);
    status_of(&first.next().await);
    // A third job on that connection passes its cap.
    first.subscribe(&key, &jobs[2..3]).await;
    let refusal = first.next().await;
    assert_eq!(error_of(&refusal).0, "too-many-subscriptions");
    assert!(
        refusal_text(&refusal).contains("at most 2 jobs"),
        "{refusal:?}"
    );
    // Renewing what it watches is no new subscription.
    first.subscribe(&key, &jobs[..1]).await;
    assert_eq!(status_of(&first.next().await).0, jobs[0]);

    let mut second = live.harness.connect().await;
    second.subscribe(&key, &jobs[..1]).await;
    status_of(&second.next().await);
    assert_eq!(subscriptions.count_of(&alice).await.unwrap(), 3);

    // The caller holds 3: a fourth is refused on any connection.
    let mut third = live.harness.connect().await;
    third.subscribe(&key, &jobs[3..4]).await;
    let refusal = third.next().await;
    assert_eq!(error_of(&refusal).0, "too-many-subscriptions");
    assert!(
        refusal_text(&refusal).contains("at most 3 subscriptions"),
        "{refusal:?}"
    );
    // jobs[0] has its 2 watchers: refused for that job by name.
    third.subscribe(&key, &jobs[..1]).await;
    let refusal = third.next().await;
    assert_eq!(error_of(&refusal), ("too-many-subscriptions", &jobs[..1]));
    assert!(
        refusal_text(&refusal).contains("at most 2 connections"),
        "{refusal:?}"
    );

    // Closing a socket gives its subscriptions back at once.
    second.close().await;
    let mut count = 3;
    for _ in 0..50 {
        count = subscriptions.count_of(&alice).await.unwrap();
        if count == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count, 2, "$disconnect lowers the caller's count");
    third.subscribe(&key, &jobs[3..4]).await;
    assert_eq!(status_of(&third.next().await).0, jobs[3]);

    // One connection follows one caller.
    let bob = live.key_for("bob").await;
    let bobs = live.upload_as(&bob, photo()).await;
    third.subscribe(&bob, std::slice::from_ref(&bobs)).await;
    assert_eq!(error_of(&third.next().await).0, "other-caller");
    assert_eq!(subscriptions.count_of(&alice).await.unwrap(), 3);
    assert_eq!(
        subscriptions
            .count_of(&CallerId::of_key("bob").unwrap())
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_subscribe_of_25_jobs_costs_one_key_read_two_batch_reads_and_one_transaction() {
    let stack = TestStack::new().await;
    let counter = OperationCounter::default();
    let clients = intercepted(&stack.clients, counter.clone());
    let sink = LoopbackConnections::start(Duration::ZERO).await;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let app = live::App {
        gate: Gate::new(
            stack.access(vec![], Limits::NONE),
            &clients.dynamodb,
            Duration::from_secs(5),
        ),
        jobs_table: stack.stack.table.clone(),
        live: LiveChannel {
            subscriptions: Subscriptions::new(
                clients.dynamodb.clone(),
                &stack.stack.connections_table,
            ),
            connections: Connections::new(&config, &sink.endpoint),
            keys: None,
        },
    };
    let (key, _) = stack
        .api_keys()
        .create("alice", "test", OffsetDateTime::now_utc())
        .await
        .unwrap();
    let alice = CallerId::of_key("alice").unwrap();
    let mut ids = Vec::new();
    for _ in 0..25 {
        ids.push(job_of(&stack, &alice).await.id.to_string());
    }
    let body = serde_json::json!({"action": "subscribe", "token": key.expose(), "jobs": ids});
    let expected = HashMap::from([
        ("GetItem".to_string(), 1),
        ("BatchGetItem".to_string(), 2),
        ("TransactWriteItems".to_string(), 1),
    ]);

    counter.take();
    let answer = live::handle(&app, frame("tab-1", body.to_string())).await;
    assert_eq!(answer.status_code, 200);
    assert_eq!(counter.take(), expected, "the first subscribe");
    assert_eq!(sink.received.lock().unwrap()["tab-1"].len(), 25);
    // Renewing all 25 costs the same.
    live::handle(&app, frame("tab-1", body.to_string())).await;
    assert_eq!(counter.take(), expected, "a renewal");
    assert_eq!(sink.received.lock().unwrap()["tab-1"].len(), 50);
}

#[tokio::test]
async fn a_revoked_key_stops_receiving_at_the_next_push() {
    let live = Live::new().await;
    let (revoked, key_id) = live.key_with_id("alice").await;
    let kept = live.key_for("alice").await;
    let job = live.upload_as(&kept, photo()).await;

    let mut doomed = live.harness.connect().await;
    doomed.subscribe(&revoked, std::slice::from_ref(&job)).await;
    assert_eq!(status_of(&doomed.next().await).1, JobStatus::Queued);
    let mut watcher = live.harness.connect().await;
    watcher.subscribe(&kept, std::slice::from_ref(&job)).await;
    assert_eq!(status_of(&watcher.next().await).1, JobStatus::Queued);

    live.stack
        .api_keys()
        .revoke(&key_id, OffsetDateTime::now_utc())
        .await
        .unwrap();
    live.settle().await;
    assert_eq!(
        statuses_until(&mut watcher, JobStatus::Completed).await,
        [JobStatus::Processing, JobStatus::Completed]
    );
    assert_eq!(doomed.next_within(Duration::from_millis(500)).await, None);
    // Both subscriptions are gone: the revoked key's unsent, the other once its job ended.
    let left = live
        .harness
        .subscriptions()
        .of_job(job.parse().unwrap())
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn a_subscription_ends_with_its_token() {
    let stack = TestStack::new().await;
    let sink = LoopbackConnections::start(Duration::ZERO).await;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let subscriptions = Subscriptions::new(
        stack.clients.dynamodb.clone(),
        &stack.stack.connections_table,
    );
    let channel = LiveChannel {
        subscriptions: subscriptions.clone(),
        connections: Connections::new(&config, &sink.endpoint),
        keys: None,
    };
    let caller = CallerId::of_token("https://issuer.example", "alice");
    let job = job_of(&stack, &caller).await;
    let now = OffsetDateTime::now_utc();
    for (tab, expires_in) in [("short", 2), ("long", 3_600)] {
        let credential = Credential::Token {
            expires_at: Some(now + time::Duration::seconds(expires_in)),
        };
        subscriptions
            .subscribe(
                &stack.stack.table,
                SubscribeRequest {
                    connection: &ConnectionId::new(tab),
                    caller: &caller,
                    credential: &credential,
                    jobs: &[job.id],
                    now,
                },
            )
            .await
            .unwrap();
    }
    let summary = [JobSummary::from(&job)];
    let deadline = || Instant::now() + Duration::from_secs(10);
    let report = channel.push_all(&summary, deadline()).await;
    assert_eq!((report.sent, report.dropped), (2, 0));

    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let report = channel.push_all(&summary, deadline()).await;
    assert_eq!((report.sent, report.dropped), (1, 1));
    let received = sink.received.lock().unwrap().clone();
    assert_eq!((received["short"].len(), received["long"].len()), (1, 2));
    let left = subscriptions.of_job(job.id).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].connection, ConnectionId::new("long"));
    assert_eq!(subscriptions.count_of(&caller).await.unwrap(), 1);
}

#[tokio::test]
async fn fifty_sockets_on_twenty_jobs_ending_together_are_pushed_concurrently_within_the_deadline()
{
    const SOCKETS: usize = 50;
    const JOBS: usize = 20;
    const POST_DELAY: Duration = Duration::from_millis(50);
    let stack = TestStack::new().await;
    let sink = LoopbackConnections::start(POST_DELAY).await;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let subscriptions = Subscriptions::new(
        stack.clients.dynamodb.clone(),
        &stack.stack.connections_table,
    )
    .with_caps(Caps {
        per_connection: 100,
        per_job: SOCKETS,
        per_caller: SOCKETS * JOBS,
    });
    let channel = LiveChannel {
        subscriptions: subscriptions.clone(),
        connections: Connections::new(&config, &sink.endpoint),
        keys: Some(KeyRevocations::new(
            stack.clients.dynamodb.clone(),
            &stack.stack.api_key_table,
        )),
    };
    let (key, _) = stack
        .api_keys()
        .create("alice", "test", OffsetDateTime::now_utc())
        .await
        .unwrap();
    let caller = CallerId::of_key("alice").unwrap();
    let credential = Credential::of_admitted(key.expose(), &caller);
    let mut jobs = Vec::new();
    for _ in 0..JOBS {
        jobs.push(job_of(&stack, &caller).await);
    }
    let ids: Vec<JobId> = jobs.iter().map(|job| job.id).collect();
    for socket in 0..SOCKETS {
        let subscribed = subscriptions
            .subscribe(
                &stack.stack.table,
                SubscribeRequest {
                    connection: &ConnectionId::new(format!("tab-{socket}")),
                    caller: &caller,
                    credential: &credential,
                    jobs: &ids,
                    now: OffsetDateTime::now_utc(),
                },
            )
            .await
            .unwrap();
        assert_eq!(subscribed.watching.len(), JOBS);
    }
    let summaries: Vec<JobSummary> = jobs.iter().map(JobSummary::from).collect();

    // One post at a time would take 1,000 × 50 ms = 50 s, past the notifier's 30 s timeout.
    let bound = Duration::from_secs(10);
    let started = Instant::now();
    let report = channel.push_all(&summaries, started + bound).await;
    let took = started.elapsed();
    eprintln!("{SOCKETS} sockets × {JOBS} jobs, {POST_DELAY:?} a post: {report:?} in {took:?}");
    assert_eq!(report.sent, SOCKETS * JOBS, "{report:?}");
    assert!(took < bound, "{took:?}");
    assert_eq!(sink.total(), SOCKETS * JOBS);

    // A deadline shorter than the work: the push returns at it, the rest counted as cut.
    let short = Duration::from_millis(1_000);
    let started = Instant::now();
    let report = channel.push_all(&summaries, started + short).await;
    let took = started.elapsed();
    eprintln!("with a {short:?} deadline: {report:?} in {took:?}");
    assert!(took < short + Duration::from_millis(250), "{took:?}");
    assert!(report.cut + report.unread > 0, "{report:?}");
    assert!(report.sent < SOCKETS * JOBS, "{report:?}");
    assert_eq!(report.failed, 0, "{report:?}");
}

#[tokio::test]
async fn the_notifier_returns_before_its_deadline_however_many_sockets_watch_the_batch() {
    const SOCKETS: usize = 50;
    const JOBS: usize = 20;
    // 1,000 posts of 200 ms: 200 s one at a time, over 6 s even 32 at a time.
    let sink = LoopbackConnections::start(Duration::from_millis(200)).await;
    let stack = TestStack::new().await;
    let notify = Notifications::provision(&stack).await;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let subscriptions = Subscriptions::new(
        stack.clients.dynamodb.clone(),
        &stack.stack.connections_table,
    )
    .with_caps(Caps {
        per_connection: 100,
        per_job: SOCKETS,
        per_caller: SOCKETS * JOBS,
    });
    let caller = CallerId::of_token("https://issuer.example", "alice");
    let mut jobs = Vec::new();
    for _ in 0..JOBS {
        jobs.push(job_of(&stack, &caller).await);
    }
    let ids: Vec<JobId> = jobs.iter().map(|job| job.id).collect();
    for socket in 0..SOCKETS {
        subscriptions
            .subscribe(
                &stack.stack.table,
                SubscribeRequest {
                    connection: &ConnectionId::new(format!("tab-{socket}")),
                    caller: &caller,
                    credential: &Credential::Token { expires_at: None },
                    jobs: &ids,
                    now: OffsetDateTime::now_utc(),
                },
            )
            .await
            .unwrap();
    }
    // One stream batch in which every job starts.
    let mut event = aws_lambda_events::event::dynamodb::Event::default();
    for (i, job) in jobs.iter().enumerate() {
        let mut started = job.clone();
        started.status = JobStatus::Processing;
        let mut record = aws_lambda_events::event::dynamodb::EventRecord::default();
        record.change.old_image = serde_dynamo::to_item(job).unwrap();
        record.change.new_image = serde_dynamo::to_item(&started).unwrap();
        record.change.sequence_number = Some(format!("{:021}", i + 1));
        event.records.push(record);
    }
    let mut app = notify.notifier_app(&stack);
    app.live = Some(LiveChannel {
        subscriptions,
        connections: Connections::new(&config, &sink.endpoint),
        keys: None,
    });

    let budget = Duration::from_secs(6);
    let started = std::time::Instant::now();
    let response = notifier::handle(&app, event, Some(started + budget)).await;
    let took = started.elapsed();
    eprintln!(
        "{SOCKETS} sockets × {JOBS} jobs, 200 ms a post: the notifier returned in {took:?} \
         with {} of {} posted",
        sink.total(),
        SOCKETS * JOBS
    );
    assert!(took < budget, "{took:?}");
    assert!(response.batch_item_failures.is_empty());
    assert!(sink.total() < SOCKETS * JOBS);
}

#[tokio::test]
async fn a_revoked_keys_subscriptions_all_go_at_one_push_and_its_counts_with_them() {
    let stack = TestStack::new().await;
    let sink = LoopbackConnections::start(Duration::ZERO).await;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let subscriptions = Subscriptions::new(
        stack.clients.dynamodb.clone(),
        &stack.stack.connections_table,
    );
    let channel = LiveChannel {
        subscriptions: subscriptions.clone(),
        connections: Connections::new(&config, &sink.endpoint),
        keys: Some(KeyRevocations::new(
            stack.clients.dynamodb.clone(),
            &stack.stack.api_key_table,
        )),
    };
    let (key, info) = stack
        .api_keys()
        .create("alice", "test", OffsetDateTime::now_utc())
        .await
        .unwrap();
    let caller = CallerId::of_key("alice").unwrap();
    let credential = Credential::of_admitted(key.expose(), &caller);
    let mut jobs = Vec::new();
    for _ in 0..20 {
        jobs.push(job_of(&stack, &caller).await);
    }
    let ids: Vec<JobId> = jobs.iter().map(|job| job.id).collect();
    for tab in ["tab-1", "tab-2"] {
        subscriptions
            .subscribe(
                &stack.stack.table,
                SubscribeRequest {
                    connection: &ConnectionId::new(tab),
                    caller: &caller,
                    credential: &credential,
                    jobs: &ids,
                    now: OffsetDateTime::now_utc(),
                },
            )
            .await
            .unwrap();
    }
    assert_eq!(subscriptions.count_of(&caller).await.unwrap(), 40);

    stack
        .api_keys()
        .revoke(&info.key_id, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let summaries: Vec<JobSummary> = jobs.iter().map(JobSummary::from).collect();
    let report = channel
        .push_all(&summaries, Instant::now() + Duration::from_secs(10))
        .await;
    assert_eq!((report.sent, report.dropped, report.failed), (0, 40, 0));
    assert_eq!(sink.total(), 0);
    assert_eq!(subscriptions.count_of(&caller).await.unwrap(), 0);
    for tab in ["tab-1", "tab-2"] {
        let (watching, _) = subscriptions
            .of_connection(&ConnectionId::new(tab))
            .await
            .unwrap();
        assert!(watching.is_empty(), "{tab}: {watching:?}");
    }
    for id in ids {
        assert!(subscriptions.of_job(id).await.unwrap().is_empty());
    }
}
