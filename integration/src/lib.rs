//! Support for the flow tests: a fresh, uniquely named stack on the emulator per test, the
//! three functions' apps wired to it, and the local bridge driving the processor in-process.
//!
//! The emulator is named by `AWS_ENDPOINT_URL`; `make test` starts moto on a free port and
//! sets it.

pub mod faults;
pub mod issuer;
pub mod live;
pub mod notifications;
pub mod reliability;

use std::collections::HashMap;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use delete::settings::DeleteSettings;
use ferrotype_access::{AccessSettings, ApiKeyTable, AuthMode, Gate, IssuerConfig, Limits};
use ferrotype_imaging::PipelineSettings;
use ferrotype_local::bridge::{Bridge, BridgeSettings, Invoke, InvokeError};
use ferrotype_local::provision::{provision, queue_arn, QueueSettings, Stack};
use ferrotype_local::stream::{stream_arn, InvokeStream, StreamBridge};
use ferrotype_service::aws::Clients;
use ferrotype_service::direct_upload::DirectUploads;
use ferrotype_service::domain::ReceiverPolicy;
use ferrotype_service::store::{IdempotencyStore, ImageStore, JobQueue, JobTable, ListTable};
use ferrotype_variants::Declaration;
use lambda_http::http::header;
use lambda_http::{Body, Request, RequestExt, Response};
use processor::settings::ProcessorSettings;
use status::cursor::CursorKeys;
use status::settings::StatusSettings;
use upload::settings::UploadSettings;

/// `LIST_CURSOR_KEYS` in the tests.
pub const CURSOR_KEYS: &str = "the integration tests' cursor key of 32 bytes or more";

/// Invokes the projector's handler in this process.
pub struct ProjectorInProcess<'a>(pub &'a projector::App);

impl InvokeStream for ProjectorInProcess<'_> {
    async fn invoke(
        &self,
        event: aws_lambda_events::event::dynamodb::Event,
    ) -> Result<aws_lambda_events::event::streams::DynamoDbEventResponse, InvokeError> {
        Ok(projector::handle(self.0, event).await)
    }
}

/// `MAX_DIRECT_UPLOAD_BYTES` in the tests, as its default.
pub const DEFAULT_MAX_DIRECT_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

pub struct TestStack {
    pub clients: Clients,
    pub stack: Stack,
}

impl TestStack {
    /// Provisions a new stack with a unique name on the emulator.
    pub async fn new() -> Self {
        Self::with_queue(QueueSettings {
            visibility_timeout_secs: 30,
            max_receive_count: 5,
        })
        .await
    }

    /// As [`TestStack::new`], with the given queue settings.
    pub async fn with_queue(queue: QueueSettings) -> Self {
        assert!(
            std::env::var_os("AWS_ENDPOINT_URL").is_some(),
            "AWS_ENDPOINT_URL must name the emulator: run the tests with `make test`"
        );
        let clients = Clients::from_env().await;
        let prefix = format!("t-{}", &uuid::Uuid::new_v4().simple().to_string()[..16]);
        let stack = provision(&clients, &prefix, queue)
            .await
            .expect("provisioning a test stack on the emulator");
        Self { clients, stack }
    }

    /// Access as deployed: callers required (the stack's API key table and the `issuers`),
    /// with `limits` counted in the stack's usage table.
    pub fn access(&self, issuers: Vec<IssuerConfig>, limits: Limits) -> AccessSettings {
        AccessSettings {
            mode: AuthMode::Required,
            issuers,
            api_key_table: Some(self.stack.api_key_table.clone()),
            usage_table: (!limits.is_none()).then(|| self.stack.usage_table.clone()),
            limits,
            cors_origins: vec!["https://app.example".into()],
        }
    }

    /// A gate of `access` over this stack's tables.
    pub fn gate(&self, access: AccessSettings) -> Gate {
        Gate::new(access, &self.clients.dynamodb, Duration::from_secs(5))
    }

    pub fn api_keys(&self) -> ApiKeyTable {
        ApiKeyTable::new(self.clients.dynamodb.clone(), &self.stack.api_key_table)
    }

    /// A new API key of `caller`'s, as a client sends it.
    pub async fn api_key(&self, caller: &str) -> String {
        let (key, _) = self
            .api_keys()
            .create(caller, "test", time::OffsetDateTime::now_utc())
            .await
            .expect("creating an API key");
        key.expose().to_string()
    }

    pub fn images(&self) -> ImageStore {
        ImageStore::new(self.clients.s3.clone(), &self.stack.bucket)
            .signed_with(self.clients.credentials.clone())
    }

    pub fn jobs(&self) -> JobTable {
        JobTable::new(self.clients.dynamodb.clone(), &self.stack.table)
    }

    pub fn upload_app(&self) -> upload::App {
        self.upload_app_with(UploadSettings {
            queue_url: self.stack.queue_url.clone(),
            idempotency_table: self.stack.idempotency_table.clone(),
            max_upload_bytes: UploadSettings::DEFAULT_MAX_UPLOAD_BYTES,
            retry_after: Duration::from_secs(2),
            unavailable_retry_after: Duration::from_secs(5),
            retention: None,
            max_direct_upload_bytes: DEFAULT_MAX_DIRECT_UPLOAD_BYTES,
            upload_url_ttl: UploadSettings::DEFAULT_UPLOAD_URL_TTL,
            receivers: ReceiverPolicy { allow_local: true },
            email_enabled: true,
            variants: Declaration::default_set(),
            heic_input: upload::settings::HeicInput::Enabled,
        })
    }

    pub fn upload_app_with(&self, settings: UploadSettings) -> upload::App {
        upload::App {
            gate: Gate::open(),
            images: self.images(),
            jobs: self.jobs(),
            queue: JobQueue::new(self.clients.sqs.clone(), settings.queue_url.clone()),
            idempotency: IdempotencyStore::new(
                self.clients.dynamodb.clone(),
                settings.idempotency_table.clone(),
            ),
            settings,
        }
    }

    /// The direct-upload checks of the ingest function and the sweeper, on this stack.
    pub fn direct_uploads(&self) -> DirectUploads {
        DirectUploads {
            images: self.images(),
            jobs: self.jobs(),
            queue: JobQueue::new(self.clients.sqs.clone(), &self.stack.queue_url),
            max_bytes: DEFAULT_MAX_DIRECT_UPLOAD_BYTES,
        }
    }

    pub fn ingest_app(&self) -> ingest::App {
        ingest::App {
            uploads: self.direct_uploads(),
        }
    }

    /// The sweeper, counting jobs `queued` as lost `resend_after` after their last send, and
    /// settling direct uploads as soon as their URL has expired (no grace).
    pub fn sweeper_app(&self, resend_after: Duration) -> sweeper::App {
        sweeper::App {
            jobs: self.jobs(),
            queue: JobQueue::new(self.clients.sqs.clone(), &self.stack.queue_url),
            resend_after,
            uploads: self.direct_uploads(),
            upload_grace: Duration::ZERO,
        }
    }

    pub fn delete_app(&self) -> delete::App {
        delete::App {
            gate: Gate::open(),
            images: self.images(),
            jobs: self.jobs(),
            settings: DeleteSettings {
                unavailable_retry_after: Duration::from_secs(5),
            },
        }
    }

    pub fn status_app(&self) -> status::App {
        status::App {
            gate: Gate::open(),
            images: self.images(),
            jobs: self.jobs(),
            list: self.list(),
            settings: StatusSettings {
                presign_ttl: Duration::from_secs(300),
                retry_after: Duration::from_secs(2),
                unavailable_retry_after: Duration::from_secs(5),
                cursor_keys: CursorKeys::parse(CURSOR_KEYS).expect("the tests' cursor keys"),
            },
        }
    }

    /// The read model `GET /images` pages through.
    pub fn list(&self) -> ListTable {
        ListTable::new(self.clients.dynamodb.clone(), &self.stack.list_table)
    }

    pub fn projector_app(&self) -> projector::App {
        projector::App { list: self.list() }
    }

    /// The stream bridge on the stack's jobs table, invoking the projector in-process, as
    /// Lambda's mapping of the stream does in AWS.
    pub async fn projection_bridge<'a>(
        &self,
        app: &'a projector::App,
    ) -> StreamBridge<ProjectorInProcess<'a>> {
        self.projection_bridge_with(ProjectorInProcess(app)).await
    }

    /// The stream bridge on the stack's jobs table, invoking `invoker`.
    pub async fn projection_bridge_with<I: InvokeStream>(&self, invoker: I) -> StreamBridge<I> {
        let arn = stream_arn(&self.clients.dynamodb, &self.stack.table)
            .await
            .expect("describing the jobs table")
            .expect("the jobs table has a stream");
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        StreamBridge::new(aws_sdk_dynamodbstreams::Client::new(&config), arn, invoker)
    }

    pub fn processor_app(&self) -> processor::App {
        processor::App::new(
            self.images(),
            self.jobs(),
            ProcessorSettings {
                pipeline: PipelineSettings::default(),
                variants: Declaration::default_set(),
                lease: Duration::from_secs(60),
                concurrency: 2,
                start_margin: Duration::from_secs(20),
                finish_margin: Duration::from_secs(5),
            },
        )
    }

    /// The processor of [`TestStack::processor_app`] making the default set's variants in
    /// JPEG (PNG for alpha) only: for tests of time bounds, whose timings must not hang on
    /// the AV1 encoder's CPU on a loaded machine.
    pub fn jpeg_only_processor_app(&self) -> processor::App {
        let mut app = self.processor_app();
        for variant in &mut app.settings.pipeline.variants {
            variant
                .formats
                .retain(|spec| spec.format == ferrotype_variants::Format::Auto);
        }
        app
    }

    /// The local SQS bridge on this stack's queue, invoking `app` in-process.
    pub async fn bridge<'a>(&self, app: &'a processor::App) -> Bridge<InProcess<'a>> {
        self.bridge_on(&self.stack.queue_url, InProcess(app)).await
    }

    /// The local SQS bridge on the queue of the bucket's notifications, invoking the ingest
    /// function's `app` in-process.
    pub async fn ingest_bridge<'a>(&self, app: &'a ingest::App) -> Bridge<IngestInProcess<'a>> {
        self.bridge_on(&self.stack.upload_events_url, IngestInProcess(app))
            .await
    }

    /// Messages on the queue of the bucket's notifications, visible or not.
    pub async fn upload_events(&self) -> usize {
        self.messages_on(&self.stack.upload_events_url).await
    }

    /// The local SQS bridge on the dead-letter queue, invoking `app` in-process.
    pub async fn dead_letter_bridge<'a>(
        &self,
        app: &'a dead_letter::App,
    ) -> Bridge<DeadLetterInProcess<'a>> {
        self.bridge_on(&self.stack.dlq_url, DeadLetterInProcess(app))
            .await
    }

    pub(crate) async fn bridge_on<I: Invoke>(&self, queue_url: &str, invoker: I) -> Bridge<I> {
        let arn = queue_arn(&self.clients.sqs, queue_url)
            .await
            .expect("queue ARN");
        Bridge::new(
            self.clients.sqs.clone(),
            BridgeSettings {
                queue_url: queue_url.to_string(),
                batch_size: 10,
                // The queue's own visibility timeout applies.
                visibility_timeout: None,
                wait_seconds: 0,
            },
            arn,
            invoker,
        )
    }

    /// Counts the items in the jobs table.
    pub async fn job_count(&self) -> usize {
        let output = self
            .clients
            .dynamodb
            .scan()
            .table_name(&self.stack.table)
            .send()
            .await
            .expect("scanning the jobs table");
        output.items.unwrap_or_default().len()
    }

    /// Lists the keys in the bucket.
    pub async fn object_keys(&self) -> Vec<String> {
        let mut pages = self
            .clients
            .s3
            .list_objects_v2()
            .bucket(&self.stack.bucket)
            .into_paginator()
            .send();
        let mut keys = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.expect("listing the bucket");
            keys.extend(
                page.contents
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|o| o.key),
            );
        }
        keys
    }

    /// Approximate visible plus in-flight messages on the queue.
    pub async fn queued_messages(&self) -> usize {
        self.messages_on(&self.stack.queue_url).await
    }

    /// Messages on the dead-letter queue, visible or not.
    pub async fn dead_lettered_messages(&self) -> usize {
        self.messages_on(&self.stack.dlq_url).await
    }

    pub(crate) async fn messages_on(&self, queue_url: &str) -> usize {
        use aws_sdk_sqs::types::QueueAttributeName as A;
        let output = self
            .clients
            .sqs
            .get_queue_attributes()
            .queue_url(queue_url)
            .attribute_names(A::ApproximateNumberOfMessages)
            .attribute_names(A::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .expect("queue attributes");
        let attributes = output.attributes.unwrap_or_default();
        [
            A::ApproximateNumberOfMessages,
            A::ApproximateNumberOfMessagesNotVisible,
        ]
        .iter()
        .map(|a| {
            attributes
                .get(a)
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0)
        })
        .sum()
    }
}

/// Invokes the processor's handler in this process, as Lambda would invoke the function.
pub struct InProcess<'a>(pub &'a processor::App);

impl Invoke for InProcess<'_> {
    async fn invoke(&self, event: SqsEvent) -> Result<SqsBatchResponse, InvokeError> {
        Ok(processor::handle(self.0, event).await)
    }
}

/// Invokes the ingest handler in this process.
pub struct IngestInProcess<'a>(pub &'a ingest::App);

impl Invoke for IngestInProcess<'_> {
    async fn invoke(&self, event: SqsEvent) -> Result<SqsBatchResponse, InvokeError> {
        Ok(ingest::handle(self.0, event).await)
    }
}

/// Invokes the dead-letter handler in this process.
pub struct DeadLetterInProcess<'a>(pub &'a dead_letter::App);

impl Invoke for DeadLetterInProcess<'_> {
    async fn invoke(&self, event: SqsEvent) -> Result<SqsBatchResponse, InvokeError> {
        Ok(dead_letter::handle(self.0, event).await)
    }
}

/// The workspace's root directory (where `.venv` is).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("integration/ is in the workspace")
        .to_path_buf()
}

/// `POST /images` with a raw body.
pub fn post_image(content_type: &str, body: Vec<u8>) -> Request {
    let mut request = Request::new(Body::Binary(body));
    *request.method_mut() = lambda_http::http::Method::POST;
    *request.uri_mut() = "/images".parse().unwrap();
    request
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type.parse().unwrap());
    request
}

/// `POST /uploads` with a JSON body.
pub fn post_session(body: &serde_json::Value) -> Request {
    let mut request = Request::new(Body::Text(body.to_string()));
    *request.method_mut() = lambda_http::http::Method::POST;
    *request.uri_mut() = "/uploads".parse().unwrap();
    request
        .headers_mut()
        .insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
    request
}

/// Sends `body` the way a client follows a `201` from `POST /uploads`: with the method, URL
/// and headers it names, over real HTTP. The headers are sent as given, so a body of
/// another length than the signed `content-length` is sent with its own length instead
/// (what a client that ignores the signature would do). Returns the HTTP status.
pub async fn put_direct(session: &serde_json::Value, body: Vec<u8>) -> u16 {
    let upload = &session["upload"];
    assert_eq!(upload["method"], "PUT");
    let mut request = reqwest::Client::new().put(upload["url"].as_str().expect("an upload URL"));
    for (name, value) in upload["headers"].as_object().expect("upload headers") {
        if name.eq_ignore_ascii_case("content-length") {
            continue; // reqwest sets the body's own length
        }
        request = request.header(name.as_str(), value.as_str().unwrap());
    }
    request
        .body(body)
        .send()
        .await
        .expect("the PUT reaches the emulator")
        .status()
        .as_u16()
}

/// `POST /images` with a multipart body holding `parts` (name, bytes).
pub fn post_multipart(parts: &[(&str, &[u8])]) -> Request {
    let boundary = "ferrotype-test-boundary";
    let mut body = Vec::new();
    for (name, data) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"photo\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    post_image(&format!("multipart/form-data; boundary={boundary}"), body)
}

/// `GET /images/{id}` as API Gateway delivers it, with the path parameter set.
pub fn get_status(id: &str) -> Request {
    let mut request = Request::new(Body::Empty);
    // Ids with characters a URI cannot hold still reach the handler as the path parameter.
    *request.uri_mut() = format!("/images/{id}")
        .parse()
        .unwrap_or_else(|_| "/images/".parse().unwrap());
    request.with_path_parameters(HashMap::from([("id".to_string(), id.to_string())]))
}

/// `DELETE /images/{id}` as API Gateway delivers it, with the path parameter set.
pub fn delete_job(id: &str) -> Request {
    let mut request = get_status(id);
    *request.method_mut() = lambda_http::http::Method::DELETE;
    request
}

/// The JSON body of a response.
pub fn json(response: &Response<Body>) -> serde_json::Value {
    serde_json::from_slice(response.body().as_ref()).expect("the body is JSON")
}

pub fn header_of<'a>(response: &'a Response<Body>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The same request, with `Authorization: Bearer <credential>`.
pub fn bearer(mut request: Request, credential: &str) -> Request {
    request.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {credential}").parse().unwrap(),
    );
    request
}
