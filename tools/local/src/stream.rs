//! A local stand-in for Lambda's DynamoDB-stream event-source mapping: read each shard of
//! the jobs table's stream in order, invoke the notifier with the records as one stream
//! event, and move on past the records it did not report in `batchItemFailures`. On a
//! reported record (or a failed invocation), the same records are delivered again from
//! there, after a pause, as Lambda does; after `MaximumRetryAttempts` (5, as in
//! `template.yaml`) such deliveries of one record, it is given up and skipped, as Lambda
//! gives it to the on-failure destination.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use aws_lambda_events::event::dynamodb::{Event, EventRecord, StreamRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use aws_sdk_dynamodbstreams::types::{Record, ShardIteratorType};
use tracing::{info, warn};

use crate::bridge::{HttpInvoker, InvokeError};

#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("DynamoDB Streams {0} failed")]
    Streams(&'static str, #[source] Box<aws_sdk_dynamodbstreams::Error>),
    #[error("the function could not be invoked")]
    Invoke(#[from] InvokeError),
}

fn streams(operation: &'static str) -> impl Fn(aws_sdk_dynamodbstreams::Error) -> StreamError {
    move |err| StreamError::Streams(operation, Box::new(err))
}

/// Delivers one batch of stream records to the notifier and returns its answer.
pub trait InvokeStream {
    fn invoke(
        &self,
        event: Event,
    ) -> impl Future<Output = Result<DynamoDbEventResponse, InvokeError>> + Send;
}

impl InvokeStream for HttpInvoker {
    async fn invoke(&self, event: Event) -> Result<DynamoDbEventResponse, InvokeError> {
        self.call(&event).await
    }
}

/// Reads one stream from its start (`TRIM_HORIZON`) and feeds the notifier.
pub struct StreamBridge<I> {
    client: aws_sdk_dynamodbstreams::Client,
    stream_arn: String,
    invoker: I,
    region: String,
    /// Per shard: the iterator to read next.
    iterators: HashMap<String, String>,
    /// Per shard: records delivered but reported as failed, to deliver again.
    pending: HashMap<String, Vec<Record>>,
    /// Records per invocation.
    batch_size: usize,
    /// Per shard: the record at the head of `pending` and how often it was retried.
    retries: HashMap<String, (String, u32)>,
    /// Retries of one record before it is skipped.
    max_retries: u32,
    /// Records delivered again after a reported failure, in all.
    redelivered: usize,
}

/// The template's `MaximumRetryAttempts` for the notifier's stream mapping.
pub const MAX_RETRY_ATTEMPTS: u32 = 5;

fn sequence_of(record: &Record) -> Option<&str> {
    record.dynamodb.as_ref()?.sequence_number.as_deref()
}

impl<I: InvokeStream> StreamBridge<I> {
    pub fn new(client: aws_sdk_dynamodbstreams::Client, stream_arn: String, invoker: I) -> Self {
        let region = client
            .config()
            .region()
            .map_or_else(|| "us-east-1".to_string(), |r| r.to_string());
        Self {
            client,
            stream_arn,
            invoker,
            region,
            iterators: HashMap::new(),
            pending: HashMap::new(),
            batch_size: 100,
            retries: HashMap::new(),
            max_retries: MAX_RETRY_ATTEMPTS,
            redelivered: 0,
        }
    }

    /// What the bridge invokes.
    pub fn invoker(&self) -> &I {
        &self.invoker
    }

    /// How many records were delivered again after a reported failure (or a failed
    /// invocation), in all: zero while nothing holds the stream back.
    pub fn redelivered(&self) -> usize {
        self.redelivered
    }

    /// Polls until `shutdown` completes; errors are logged and retried.
    pub async fn run(&mut self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let delivered = tokio::select! {
                _ = &mut shutdown => return,
                result = self.poll_once() => result,
            };
            match delivered {
                Ok(0) => tokio::time::sleep(Duration::from_millis(100)).await,
                Ok(records) => info!(records, "stream records delivered"),
                Err(err) => {
                    warn!(error = %aws_sdk_dynamodbstreams::error::DisplayErrorContext(&err), "reading the stream failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// One round over the shards: returns the records delivered and accepted.
    pub async fn poll_once(&mut self) -> Result<usize, StreamError> {
        let shards = self
            .client
            .describe_stream()
            .stream_arn(&self.stream_arn)
            .send()
            .await
            .map_err(|e| streams("DescribeStream")(e.into()))?
            .stream_description
            .map(|d| d.shards.unwrap_or_default())
            .unwrap_or_default();
        let mut accepted = 0;
        for shard in shards {
            let Some(shard_id) = shard.shard_id else {
                continue;
            };
            accepted += self.poll_shard(&shard_id).await?;
        }
        Ok(accepted)
    }

    async fn poll_shard(&mut self, shard_id: &str) -> Result<usize, StreamError> {
        let mut records = self.pending.remove(shard_id).unwrap_or_default();
        if records.len() < self.batch_size {
            records.extend(self.read(shard_id).await?);
        }
        if records.is_empty() {
            return Ok(0);
        }
        let event = self.event(&records);
        let answer = self.invoker.invoke(event).await;
        let first_failed = match answer {
            Ok(response) => response
                .batch_item_failures
                .iter()
                .filter_map(|f| f.item_identifier.clone())
                .filter_map(|sequence| {
                    records.iter().position(|r| {
                        r.dynamodb
                            .as_ref()
                            .and_then(|d| d.sequence_number.as_deref())
                            == Some(sequence.as_str())
                    })
                })
                .min(),
            Err(err) => {
                warn!(error = %aws_sdk_dynamodbstreams::error::DisplayErrorContext(&err), "invocation failed; the records will be delivered again");
                Some(0)
            }
        };
        let accepted = first_failed.unwrap_or(records.len());
        let mut again = records.split_off(accepted);
        let mut skipped = 0;
        if let Some(head) = again.first().and_then(sequence_of).map(str::to_string) {
            let retried = match self.retries.get(shard_id) {
                Some((sequence, count)) if *sequence == head => count + 1,
                _ => 1,
            };
            if retried > self.max_retries {
                warn!(
                    shard_id,
                    sequence = head,
                    retried = self.max_retries,
                    "giving up on a stream record, as Lambda's MaximumRetryAttempts would"
                );
                again.remove(0);
                self.retries.remove(shard_id);
                skipped = 1;
            } else {
                self.retries.insert(shard_id.to_string(), (head, retried));
            }
        } else {
            self.retries.remove(shard_id);
        }
        if !again.is_empty() {
            self.redelivered += again.len();
            self.pending.insert(shard_id.to_string(), again);
            // Lambda retries a failed batch after a pause, not at once.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Ok(accepted + skipped)
    }

    /// The shard's next records (at most one `GetRecords` call).
    async fn read(&mut self, shard_id: &str) -> Result<Vec<Record>, StreamError> {
        let iterator = match self.iterators.get(shard_id) {
            Some(iterator) => iterator.clone(),
            None => self
                .client
                .get_shard_iterator()
                .stream_arn(&self.stream_arn)
                .shard_id(shard_id)
                .shard_iterator_type(ShardIteratorType::TrimHorizon)
                .send()
                .await
                .map_err(|e| streams("GetShardIterator")(e.into()))?
                .shard_iterator
                .unwrap_or_default(),
        };
        if iterator.is_empty() {
            return Ok(Vec::new());
        }
        let output = self
            .client
            .get_records()
            .shard_iterator(&iterator)
            .limit(self.batch_size as i32)
            .send()
            .await
            .map_err(|e| streams("GetRecords")(e.into()))?;
        match output.next_shard_iterator {
            Some(next) => self.iterators.insert(shard_id.to_string(), next),
            // A closed shard, read to its end.
            None => self.iterators.insert(shard_id.to_string(), String::new()),
        };
        Ok(output.records.unwrap_or_default())
    }

    /// The records as Lambda delivers them.
    fn event(&self, records: &[Record]) -> Event {
        let mut event = Event::default();
        event.records = records
            .iter()
            .map(|record| {
                let mut change = StreamRecord::default();
                if let Some(data) = &record.dynamodb {
                    change.keys = data.keys.clone().unwrap_or_default().into();
                    change.new_image = data.new_image.clone().unwrap_or_default().into();
                    change.old_image = data.old_image.clone().unwrap_or_default().into();
                    change.sequence_number = data.sequence_number.clone();
                    change.size_bytes = data.size_bytes.unwrap_or_default();
                }
                let mut out = EventRecord::default();
                out.aws_region = self.region.clone();
                out.change = change;
                out.event_id = record.event_id.clone().unwrap_or_default();
                out.event_name = record
                    .event_name
                    .as_ref()
                    .map(|name| name.as_str().to_string())
                    .unwrap_or_default();
                out.event_source = Some("aws:dynamodb".into());
                out.event_source_arn = Some(self.stream_arn.clone());
                out
            })
            .collect();
        event
    }
}

/// The stream of `table`, if it has one.
pub async fn stream_arn(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Result<Option<String>, aws_sdk_dynamodb::Error> {
    let described = dynamodb
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(aws_sdk_dynamodb::Error::from)?;
    Ok(described.table.and_then(|t| t.latest_stream_arn))
}
