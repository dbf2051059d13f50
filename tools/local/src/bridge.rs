//! A local stand-in for Lambda's SQS event-source mapping: receive up to ten messages,
//! hide them for the visibility timeout, invoke the processor with them as one `SqsEvent`,
//! and delete only the messages the processor did not report in `batchItemFailures`. If the
//! invocation itself fails, nothing is deleted: every message comes back after the
//! visibility timeout, and after `maxReceiveCount` receives SQS moves it to the
//! dead-letter queue.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, Message, MessageSystemAttributeName};
use tracing::{info, warn};

/// How to poll.
#[derive(Debug, Clone)]
pub struct BridgeSettings {
    pub queue_url: String,
    /// Messages per invocation, 1 to 10.
    pub batch_size: i32,
    /// Seconds a received message stays hidden; `None` keeps the queue's own setting.
    pub visibility_timeout: Option<i32>,
    /// Long-poll wait, in seconds.
    pub wait_seconds: i32,
}

/// Delivers one batch to the processor and returns its answer.
pub trait Invoke {
    fn invoke(
        &self,
        event: SqsEvent,
    ) -> impl Future<Output = Result<SqsBatchResponse, InvokeError>> + Send;
}

#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    #[error("the invoke request failed")]
    Request(#[from] reqwest::Error),
    #[error("the function returned HTTP {status}: {body}")]
    Status { status: u16, body: String },
    #[error("the function failed: {0}")]
    Function(String),
    #[error("the function's answer is not the batch response expected")]
    Answer(#[source] serde_json::Error),
}

/// Invokes a function through the Lambda Invoke API over HTTP, as `cargo lambda watch`
/// serves it (`/2015-03-31/functions/{name}/invocations`).
#[derive(Debug, Clone)]
pub struct HttpInvoker {
    client: reqwest::Client,
    url: String,
}

impl HttpInvoker {
    pub fn new(url: impl Into<String>, timeout: Duration) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: reqwest::Client::builder().timeout(timeout).build()?,
            url: url.into(),
        })
    }
}

/// The command-line arguments every stand-in that invokes a function shares.
#[derive(Debug, Clone, clap::Args)]
pub struct InvokeArgs {
    /// The function's Lambda Invoke URL (cargo lambda watch serves
    /// /2015-03-31/functions/{name}/invocations).
    #[arg(long)]
    pub invoke_url: String,
    /// How long one invocation may take, in seconds (the first one compiles the function).
    #[arg(long, default_value_t = 600)]
    pub invoke_timeout: u64,
}

impl InvokeArgs {
    pub fn invoker(&self) -> Result<HttpInvoker, reqwest::Error> {
        HttpInvoker::new(&self.invoke_url, Duration::from_secs(self.invoke_timeout))
    }
}

impl HttpInvoker {
    /// Invokes the function with `event` and reads its answer.
    pub async fn call<E, R>(&self, event: &E) -> Result<R, InvokeError>
    where
        E: serde::Serialize,
        R: serde::de::DeserializeOwned,
    {
        let response = self.client.post(&self.url).json(event).send().await?;
        let status = response.status();
        let function_error = response.headers().contains_key("x-amz-function-error");
        let body = response.text().await?;
        if !status.is_success() {
            return Err(InvokeError::Status {
                status: status.as_u16(),
                body,
            });
        }
        if function_error {
            return Err(InvokeError::Function(body));
        }
        serde_json::from_str(&body).map_err(InvokeError::Answer)
    }
}

impl Invoke for HttpInvoker {
    async fn invoke(&self, event: SqsEvent) -> Result<SqsBatchResponse, InvokeError> {
        self.call(&event).await
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error("SQS {0} failed")]
    Sqs(&'static str, #[source] Box<aws_sdk_sqs::Error>),
}

/// What one poll did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PollReport {
    pub received: usize,
    pub failed: usize,
    pub deleted: usize,
    pub invoke_failed: bool,
}

pub struct Bridge<I> {
    sqs: aws_sdk_sqs::Client,
    settings: BridgeSettings,
    queue_arn: String,
    region: String,
    invoker: I,
}

impl<I: Invoke> Bridge<I> {
    pub fn new(
        sqs: aws_sdk_sqs::Client,
        settings: BridgeSettings,
        queue_arn: String,
        invoker: I,
    ) -> Self {
        let region = sqs
            .config()
            .region()
            .map_or_else(|| "us-east-1".to_string(), |r| r.to_string());
        Self {
            sqs,
            settings,
            queue_arn,
            region,
            invoker,
        }
    }

    /// Changes how many messages one invocation gets (1 to 10).
    pub fn set_batch_size(&mut self, batch_size: i32) {
        self.settings.batch_size = batch_size;
    }

    /// Polls until `shutdown` completes. Errors talking to SQS are logged and retried.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => return,
                result = self.poll_once() => match result {
                    Ok(report) if report.received > 0 => info!(
                        received = report.received,
                        failed = report.failed,
                        deleted = report.deleted,
                        invoke_failed = report.invoke_failed,
                        "batch delivered"
                    ),
                    Ok(_) => {}
                    Err(err) => {
                        warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&err), "polling failed; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                },
            }
        }
    }

    /// Receives one batch, invokes the processor and deletes the messages that succeeded.
    pub async fn poll_once(&self) -> Result<PollReport, BridgeError> {
        let mut receive = self
            .sqs
            .receive_message()
            .queue_url(&self.settings.queue_url)
            .max_number_of_messages(self.settings.batch_size.clamp(1, 10))
            .wait_time_seconds(self.settings.wait_seconds)
            .message_system_attribute_names(MessageSystemAttributeName::All);
        if let Some(timeout) = self.settings.visibility_timeout {
            receive = receive.visibility_timeout(timeout);
        }
        let messages = receive
            .send()
            .await
            .map_err(|e| BridgeError::Sqs("ReceiveMessage", Box::new(e.into())))?
            .messages
            .unwrap_or_default();
        let mut report = PollReport {
            received: messages.len(),
            ..PollReport::default()
        };
        if messages.is_empty() {
            return Ok(report);
        }

        let event = self.event(&messages);
        let failed: HashSet<String> = match self.invoker.invoke(event).await {
            Ok(response) => response
                .batch_item_failures
                .into_iter()
                .map(|f| f.item_identifier)
                .collect(),
            Err(err) => {
                // Like Lambda: a failed invocation fails the whole batch.
                warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&err), "invocation failed; the batch will be delivered again");
                report.invoke_failed = true;
                report.failed = messages.len();
                return Ok(report);
            }
        };
        report.failed = failed.len();

        let entries: Vec<DeleteMessageBatchRequestEntry> = messages
            .iter()
            .enumerate()
            .filter(|(_, m)| !failed.contains(m.message_id().unwrap_or_default()))
            .filter_map(|(i, m)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .set_receipt_handle(m.receipt_handle.clone())
                    .build()
                    .ok()
            })
            .collect();
        if !entries.is_empty() {
            let output = self
                .sqs
                .delete_message_batch()
                .queue_url(&self.settings.queue_url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| BridgeError::Sqs("DeleteMessageBatch", Box::new(e.into())))?;
            report.deleted = output.successful.len();
        }
        Ok(report)
    }

    /// The batch as Lambda would deliver it.
    fn event(&self, messages: &[Message]) -> SqsEvent {
        let mut event = SqsEvent::default();
        event.records = messages
            .iter()
            .map(|m| {
                let mut record = SqsMessage::default();
                record.message_id = m.message_id.clone();
                record.receipt_handle = m.receipt_handle.clone();
                record.body = m.body.clone();
                record.md5_of_body = m.md5_of_body.clone();
                record.attributes = m
                    .attributes
                    .as_ref()
                    .map(|attributes| {
                        attributes
                            .iter()
                            .map(|(k, v)| (k.as_str().to_string(), v.clone()))
                            .collect::<HashMap<_, _>>()
                    })
                    .unwrap_or_default();
                record.event_source = Some("aws:sqs".into());
                record.event_source_arn = Some(self.queue_arn.clone());
                record.aws_region = Some(self.region.clone());
                record
            })
            .collect();
        event
    }
}
