//! Support for the notification tests: the stream bridge and the webhook queue driving the
//! notifier and webhook handlers in-process, and a webhook receiver on loopback that
//! records what it gets and answers what the test tells it to.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use ferrotype_local::bridge::{Bridge, Invoke, InvokeError};
use ferrotype_local::provision::{provision_notifications, NotificationClients, NotificationStack};
use ferrotype_local::stream::{stream_arn, InvokeStream, StreamBridge};
use ferrotype_notify::attempt::WebhookQueue;
use ferrotype_notify::delivery::Sender;
use ferrotype_notify::email::Mailer;
use ferrotype_notify::events::EventBus;
use ferrotype_notify::notice::NoticeQueue;
use ferrotype_notify::schedule::RetrySchedule;
use ferrotype_notify::secrets::{SigningSecrets, WebhookSecrets};
use ferrotype_service::domain::{CallerId, ReceiverPolicy};

use crate::faults::SesRefusal;
use crate::TestStack;

/// The notification side of a test stack.
pub struct Notifications {
    pub config: aws_config::SdkConfig,
    pub resources: NotificationStack,
}

impl Notifications {
    pub async fn provision(stack: &TestStack) -> Self {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let prefix = stack.stack.bucket.clone();
        let resources = provision_notifications(&NotificationClients::new(&config), &prefix)
            .await
            .expect("provisioning the notification resources");
        Self { config, resources }
    }

    pub fn notifier_app(&self, stack: &TestStack) -> notifier::App {
        notifier::App {
            webhooks: WebhookQueue::new(stack.clients.sqs.clone(), &stack.stack.webhook_queue_url),
            jobs: stack.jobs(),
            notices: NoticeQueue::new(stack.clients.sqs.clone(), &stack.stack.notice_queue_url),
            // Retries due at once, so a test need not wait for the standard backoff.
            notice_schedule: RetrySchedule::parse("0,0,0").expect("a schedule"),
            events: Some(EventBus::new(
                aws_sdk_eventbridge::Client::new(&self.config),
                &self.resources.event_bus,
            )),
            mailer: Some(Mailer::new(
                aws_sdk_sesv2::Client::new(&self.config),
                self.resources.email_from.clone(),
                "https://api.ferrotype.test".into(),
            )),
            live: None,
        }
    }

    /// The notifier, its e-mail sent through an SES client with `ses` added (which counts,
    /// keeps or refuses messages).
    pub fn notifier_with_ses(&self, stack: &TestStack, ses: &SesRefusal) -> notifier::App {
        let mut app = self.notifier_app(stack);
        app.mailer = Some(Mailer::new(
            ses.client(&aws_sdk_sesv2::Client::new(&self.config)),
            self.resources.email_from.clone(),
            "https://api.ferrotype.test".into(),
        ));
        app
    }

    /// Each caller's webhook secrets, as the webhook and webhook-secret functions see them.
    pub fn webhook_secrets(&self) -> WebhookSecrets {
        WebhookSecrets::new(
            aws_sdk_dynamodb::Client::new(&self.config),
            aws_sdk_kms::Client::new(&self.config),
            self.resources.secret_store(),
        )
    }

    /// `caller`'s current webhook secret (`whsec_…`), made if it has none, as
    /// `GET /webhook-secret` answers it.
    pub async fn secret_of(&self, caller: &CallerId) -> String {
        self.webhook_secrets()
            .get_or_create(caller, time::OffsetDateTime::now_utc())
            .await
            .expect("reading the caller's webhook secret")
            .current
            .expose()
    }

    /// The webhook function, allowed to call loopback receivers, on `schedule`; a
    /// caller's secrets are kept 60 s, as in AWS.
    pub fn webhook_app(
        &self,
        stack: &TestStack,
        schedule: RetrySchedule,
        timeout: Duration,
    ) -> webhook::App {
        webhook::App {
            jobs: stack.jobs(),
            queue: WebhookQueue::new(stack.clients.sqs.clone(), &stack.stack.webhook_queue_url),
            secrets: SigningSecrets::new(
                self.webhook_secrets(),
                Duration::from_secs(60),
                webhook::SECRET_CACHE_CALLERS,
            ),
            sender: Sender {
                policy: ReceiverPolicy { allow_local: true },
                timeout,
            },
            schedule,
        }
    }

    /// The stream bridge on the stack's jobs table, invoking `app` in-process.
    pub async fn stream_bridge<'a>(
        &self,
        stack: &TestStack,
        app: &'a notifier::App,
    ) -> StreamBridge<NotifierInProcess<'a>> {
        let arn = stream_arn(&stack.clients.dynamodb, &stack.stack.table)
            .await
            .expect("describing the jobs table")
            .expect("the jobs table has a stream");
        StreamBridge::new(
            aws_sdk_dynamodbstreams::Client::new(&self.config),
            arn,
            NotifierInProcess(app),
        )
    }

    /// Runs the processor, the notifier (through the stream and the notice queue) and,
    /// when given, the webhook sender until a round finds nothing more to do; panics after
    /// `rounds`.
    pub async fn settle(
        &self,
        stack: &TestStack,
        notifier: &notifier::App,
        webhook: Option<&webhook::App>,
        rounds: usize,
    ) {
        if !self.try_settle(stack, notifier, webhook, rounds).await {
            panic!("the jobs and their notifications did not settle in {rounds} rounds");
        }
    }

    /// As [`Self::settle`]; `false` when `rounds` were not enough.
    pub async fn try_settle(
        &self,
        stack: &TestStack,
        notifier: &notifier::App,
        webhook: Option<&webhook::App>,
        rounds: usize,
    ) -> bool {
        let processor = stack.processor_app();
        let mut stream = self.stream_bridge(stack, notifier).await;
        for _ in 0..rounds {
            let processed = stack
                .bridge(&processor)
                .await
                .poll_once()
                .await
                .expect("the processor's bridge")
                .received;
            let told = stream.poll_once().await.expect("the stream bridge");
            let retried = stack
                .notice_bridge(notifier)
                .await
                .poll_once()
                .await
                .expect("the notice bridge")
                .received;
            let attempted = match webhook {
                Some(app) => {
                    stack
                        .webhook_bridge(app)
                        .await
                        .poll_once()
                        .await
                        .expect("the webhook bridge")
                        .received
                }
                None => 0,
            };
            if processed == 0 && told == 0 && retried == 0 && attempted == 0 {
                return true;
            }
        }
        false
    }
}

impl TestStack {
    /// The local SQS bridge on the webhook queue, invoking `app` in-process.
    pub async fn webhook_bridge<'a>(&self, app: &'a webhook::App) -> Bridge<WebhookInProcess<'a>> {
        self.bridge_on(&self.stack.webhook_queue_url, WebhookInProcess(app))
            .await
    }

    /// The local SQS bridge on the notice queue, invoking the notifier `app` in-process.
    pub async fn notice_bridge<'a>(&self, app: &'a notifier::App) -> Bridge<NoticesInProcess<'a>> {
        self.bridge_on(&self.stack.notice_queue_url, NoticesInProcess(app))
            .await
    }

    /// Messages on the notice queue, visible, delayed or in flight.
    pub async fn notices_waiting(&self) -> usize {
        self.messages_on(&self.stack.notice_queue_url).await
    }

    /// Messages on the webhook queue, visible, delayed or in flight.
    pub async fn webhook_attempts(&self) -> usize {
        self.messages_on(&self.stack.webhook_queue_url).await
    }
}

/// Invokes the notifier's handler in this process.
pub struct NotifierInProcess<'a>(pub &'a notifier::App);

impl InvokeStream for NotifierInProcess<'_> {
    async fn invoke(&self, event: Event) -> Result<DynamoDbEventResponse, InvokeError> {
        Ok(notifier::handle(self.0, event, None).await)
    }
}

/// Invokes the notifier's handler of the notice queue in this process.
pub struct NoticesInProcess<'a>(pub &'a notifier::App);

impl Invoke for NoticesInProcess<'_> {
    async fn invoke(&self, event: SqsEvent) -> Result<SqsBatchResponse, InvokeError> {
        Ok(notifier::handle_notices(self.0, event, None).await)
    }
}

/// Invokes the webhook function's handler in this process.
pub struct WebhookInProcess<'a>(pub &'a webhook::App);

impl Invoke for WebhookInProcess<'_> {
    async fn invoke(&self, event: SqsEvent) -> Result<SqsBatchResponse, InvokeError> {
        Ok(webhook::handle(self.0, event).await)
    }
}

/// One request a receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// When it arrived.
    pub at: std::time::SystemTime,
    pub path: String,
    pub headers: HeaderMap,
    pub body: String,
}

/// How a receiver answers its next requests: each a status and a delay before it.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub status: u16,
    pub delay: Duration,
}

#[derive(Default)]
struct ReceiverState {
    received: Vec<Received>,
    /// By the webhook's `type`.
    answers: HashMap<String, VecDeque<Answer>>,
}

/// A webhook receiver on `127.0.0.1`: `POST /hook` answers the answers queued for the
/// webhook's `type` in turn (then 204); `POST /moved` redirects to `/hook`.
pub struct Receiver {
    pub url: String,
    state: Arc<Mutex<ReceiverState>>,
    server: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(ReceiverState::default()));
        let app = Router::new()
            .route("/hook", post(hook))
            .route("/moved", post(moved))
            .with_state(state.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        Self { url, state, server }
    }

    /// Answers the next webhooks of `event` (`image.processing`, …) with `answers`, in order.
    pub fn answer(&self, event: &str, answers: &[Answer]) {
        self.state
            .lock()
            .unwrap()
            .answers
            .entry(event.to_string())
            .or_default()
            .extend(answers.iter().copied());
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn hook(
    State(state): State<Arc<Mutex<ReceiverState>>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let body = String::from_utf8_lossy(&body).into_owned();
    let event = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["type"].as_str().map(String::from))
        .unwrap_or_default();
    let answer = {
        let mut state = state.lock().unwrap();
        state.received.push(Received {
            at: std::time::SystemTime::now(),
            path: "/hook".into(),
            headers,
            body,
        });
        state.answers.get_mut(&event).and_then(VecDeque::pop_front)
    };
    let answer = answer.unwrap_or(Answer {
        status: 204,
        delay: Duration::ZERO,
    });
    tokio::time::sleep(answer.delay).await;
    (
        StatusCode::from_u16(answer.status).unwrap(),
        // A body the sender must not read or keep.
        "ignored",
    )
}

async fn moved(
    State(state): State<Arc<Mutex<ReceiverState>>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(&'static str, &'static str); 1]) {
    state.lock().unwrap().received.push(Received {
        at: std::time::SystemTime::now(),
        path: "/moved".into(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    (StatusCode::TEMPORARY_REDIRECT, [("location", "/hook")])
}

/// Verifies a received webhook with the Standard Webhooks reference library
/// (`integration/webhooks/verify.py`, Python from `.venv`), independently of ferrotype's own
/// signing: `Ok` with the parsed body, or the library's error.
pub fn verify_with_reference(
    secret: &str,
    received: &Received,
) -> Result<serde_json::Value, String> {
    let header = |name: &str| {
        received
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let root = crate::workspace_root();
    let python = root.join(".venv/bin/python");
    let mut child = std::process::Command::new(&python)
        .arg(root.join("integration/webhooks/verify.py"))
        .arg(secret)
        .arg(header("webhook-id"))
        .arg(header("webhook-timestamp"))
        .arg(header("webhook-signature"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("running {} (make venv): {err}", python.display()));
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(received.body.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    if output.status.success() {
        Ok(serde_json::from_slice(&output.stdout).expect("the verifier prints JSON"))
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}
