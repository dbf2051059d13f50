//! The live channel: browsers hold a WebSocket (API Gateway's WebSocket API in AWS, the
//! `live-gateway` stand-in locally) subscribed to some of their caller's jobs, and every
//! status change of those jobs is posted to them through the `@connections` API.
//!
//! The connections table keeps one item per (job, connection): partition key `job_id`,
//! sort key `connection_id`, and the index `by-connection` to drop a connection's items
//! when it closes. Items expire with the longest a connection lives (two hours).

use std::collections::HashMap;

use aws_sdk_apigatewaymanagement::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use ferrotype_service::domain::{CallerId, JobId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::payload::JobSummary;

/// The index of the connections table by connection.
pub const BY_CONNECTION_INDEX: &str = "by-connection";
/// API Gateway closes a WebSocket after two hours at most.
pub const CONNECTION_LIFETIME: time::Duration = time::Duration::hours(2);
/// The most jobs one subscribe message names.
pub const MAX_JOBS_PER_SUBSCRIBE: usize = 25;

/// A WebSocket connection, as API Gateway names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConnectionId(String);

impl ConnectionId {
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a browser sends: `{"action": "subscribe", "token": "...", "jobs": ["<id>", ...]}`.
/// The credential travels in the message, not the URL, so no access log holds it.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    Subscribe { token: String, jobs: Vec<String> },
}

/// What a browser is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// A subscribed job as it is now: once after the subscribe, then at every status change.
    Status { job: JobSummary },
    /// Why a message was refused; `jobs` names the ids it concerns, if any.
    Error {
        code: String,
        message: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        jobs: Vec<String>,
    },
}

impl LiveMessage {
    pub fn error(code: &str, message: impl Into<String>, jobs: Vec<String>) -> Self {
        Self::Error {
            code: code.into(),
            message: message.into(),
            jobs,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("DynamoDB {operation} on the connections table failed")]
    Table {
        operation: &'static str,
        #[source]
        source: Box<aws_sdk_dynamodb::Error>,
    },
    #[error("posting to connection {connection} failed")]
    Post {
        connection: ConnectionId,
        #[source]
        source: Box<aws_sdk_apigatewaymanagement::Error>,
    },
}

fn table_error(operation: &'static str) -> impl Fn(aws_sdk_dynamodb::Error) -> LiveError {
    move |source| LiveError::Table {
        operation,
        source: Box::new(source),
    }
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// Which connections watch which jobs.
#[derive(Debug, Clone)]
pub struct Subscriptions {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl Subscriptions {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// `connection` watches `job` (a repeat only renews the item).
    pub async fn add(
        &self,
        connection: &ConnectionId,
        caller: &CallerId,
        job: JobId,
        now: OffsetDateTime,
    ) -> Result<(), LiveError> {
        let expires = (now + CONNECTION_LIFETIME).unix_timestamp();
        self.client
            .put_item()
            .table_name(&self.table)
            .item("job_id", s(job.to_string()))
            .item("connection_id", s(connection.as_str()))
            .item("caller", s(caller.as_str()))
            .item("expires_at", AttributeValue::N(expires.to_string()))
            .send()
            .await
            .map_err(|e| table_error("PutItem")(e.into()))?;
        Ok(())
    }

    /// The connections that watch `job`.
    pub async fn of_job(&self, job: JobId) -> Result<Vec<ConnectionId>, LiveError> {
        let query = self
            .client
            .query()
            .key_condition_expression("job_id = :job")
            .expression_attribute_values(":job", s(job.to_string()));
        Ok(self
            .all(query, "connection_id")
            .await?
            .into_iter()
            .map(ConnectionId)
            .collect())
    }

    /// `connection` no longer watches `job`.
    pub async fn remove(&self, connection: &ConnectionId, job: &str) -> Result<(), LiveError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("job_id", s(job))
            .key("connection_id", s(connection.as_str()))
            .send()
            .await
            .map_err(|e| table_error("DeleteItem")(e.into()))?;
        Ok(())
    }

    /// Forgets everything `connection` watched; the number of items removed.
    pub async fn remove_connection(&self, connection: &ConnectionId) -> Result<usize, LiveError> {
        let query = self
            .client
            .query()
            .index_name(BY_CONNECTION_INDEX)
            .key_condition_expression("connection_id = :connection")
            .expression_attribute_values(":connection", s(connection.as_str()));
        let jobs = self.all(query, "job_id").await?;
        for job in &jobs {
            self.remove(connection, job).await?;
        }
        Ok(jobs.len())
    }
}

impl Subscriptions {
    /// Attribute `name` of every item `query` finds in the table, all pages read.
    async fn all(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
        name: &str,
    ) -> Result<Vec<String>, LiveError> {
        let items = query
            .table_name(&self.table)
            .projection_expression(name)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| table_error("Query")(e.into()))?;
        Ok(items.iter().filter_map(|item| field(item, name)).collect())
    }
}

fn field(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    item.get(name)?.as_s().ok().cloned()
}

/// Whether a post reached its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    Sent,
    /// The connection is closed (410 Gone).
    Gone,
}

/// The `@connections` API of the WebSocket API's stage.
#[derive(Debug, Clone)]
pub struct Connections {
    client: aws_sdk_apigatewaymanagement::Client,
}

impl Connections {
    /// A client for the stage at `endpoint` (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`,
    /// or the local stand-in's URL).
    pub fn new(config: &aws_config::SdkConfig, endpoint: &str) -> Self {
        let config = aws_sdk_apigatewaymanagement::config::Builder::from(config)
            .endpoint_url(endpoint)
            .build();
        Self {
            client: aws_sdk_apigatewaymanagement::Client::from_conf(config),
        }
    }

    pub async fn post(
        &self,
        connection: &ConnectionId,
        message: &LiveMessage,
    ) -> Result<Posted, LiveError> {
        let body = serde_json::to_vec(message).expect("a live message serializes");
        match self
            .client
            .post_to_connection()
            .connection_id(connection.as_str())
            .data(Blob::new(body))
            .send()
            .await
        {
            Ok(_) => Ok(Posted::Sent),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_gone_exception()) =>
            {
                Ok(Posted::Gone)
            }
            Err(err) => Err(LiveError::Post {
                connection: connection.clone(),
                source: Box::new(err.into()),
            }),
        }
    }
}

/// Both halves: who watches, and how to reach them.
#[derive(Debug, Clone)]
pub struct LiveChannel {
    pub subscriptions: Subscriptions,
    pub connections: Connections,
}

impl LiveChannel {
    /// Posts `job` to every connection that watches it; a closed one is forgotten. The
    /// number of connections reached.
    pub async fn push(&self, job: &JobSummary) -> Result<usize, LiveError> {
        let message = LiveMessage::Status { job: job.clone() };
        let mut sent = 0;
        for connection in self.subscriptions.of_job(job.id).await? {
            match self.connections.post(&connection, &message).await? {
                Posted::Sent => sent += 1,
                Posted::Gone => {
                    self.subscriptions
                        .remove(&connection, &job.id.to_string())
                        .await?
                }
            }
        }
        Ok(sent)
    }

    /// Pushes every job of a stream batch to its watchers; best effort: a push that fails
    /// is logged and counted, never returned, so the stream is never held back by it.
    pub async fn push_all(&self, jobs: &[JobSummary]) -> PushReport {
        let mut report = PushReport::default();
        for job in jobs {
            match self.push(job).await {
                Ok(sent) => report.sent += sent,
                Err(err) => {
                    tracing::warn!(job_id = %job.id, error = %ferrotype_service::store::DisplayErrorContext(&err), "pushing a status failed");
                    report.failed += 1;
                }
            }
        }
        report
    }
}

/// What [`LiveChannel::push_all`] came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Messages posted.
    pub sent: usize,
    /// Jobs whose push failed (or was cut short).
    pub failed: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscribe_message_names_its_token_and_jobs() {
        let message: ClientMessage =
            serde_json::from_str(r#"{"action":"subscribe","token":"t","jobs":["a","b"]}"#).unwrap();
        let ClientMessage::Subscribe { token, jobs } = message;
        assert_eq!(token, "t");
        assert_eq!(jobs, ["a", "b"]);
    }

    #[test]
    fn other_actions_and_extra_fields_are_refused() {
        for text in [
            r#"{"action":"unsubscribe","jobs":[]}"#,
            r#"{"action":"subscribe","token":"t","jobs":[],"caller":"x"}"#,
            r#"{"token":"t","jobs":[]}"#,
        ] {
            assert!(
                serde_json::from_str::<ClientMessage>(text).is_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn an_error_without_jobs_leaves_the_field_out() {
        let text = serde_json::to_string(&LiveMessage::error("bad-request", "no", vec![])).unwrap();
        assert_eq!(
            text,
            r#"{"type":"error","code":"bad-request","message":"no"}"#
        );
    }
}
