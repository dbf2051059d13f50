//! The live channel: browsers hold a WebSocket (API Gateway's WebSocket API in AWS, the
//! `live-gateway` stand-in locally) subscribed to some of their caller's jobs, and every
//! status change of those jobs is posted to them through the `@connections` API.
//!
//! The connections table keeps one item per (job, connection): partition key `job_id`,
//! sort key `connection_id`, with the caller, the credential's API key id (if any) and when
//! the subscription ends (`expires_at`: two hours, the longest a connection lives, or the
//! token's expiry if sooner; also the table's TTL). Beside them, three kinds of counter
//! items bound what one subscriber may hold ([`Caps`]):
//! - per job, `(job, "#watchers/{job}")`: the set of connections that watch it;
//! - per connection, `("#connection/{id}", same)`: the set of jobs it watches and its caller;
//! - per caller, `("#caller/{caller}", same)`: how many subscriptions it holds.
//!
//! Each counter carries `expires_at` = the last subscribe that touched it + two hours, and
//! every subscription it counts ends by then: a counter past its `expires_at` reads as
//! empty, so a count a lost `$disconnect` left behind heals by itself. Their sort keys are
//! unique so the `by-connection` index (which sees every item) has no hot partition.
//!
//! A subscribe is one `BatchGetItem` (the named jobs from the jobs table, their watcher
//! sets, the connection's set, the caller's counter) and one `TransactWriteItems` (the
//! subscriptions and the three counters, each under a condition, so concurrent subscribes
//! never pass a cap). A push checks, at the time it is sent, that the subscription has not
//! ended and that its API key is not revoked (one `BatchGetItem` on the key table per
//! batch), so a revoked key stops receiving at the next push.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_apigatewaymanagement::primitives::Blob;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, KeysAndAttributes, Put, TransactWriteItem, Update,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ferrotype_service::domain::{CallerId, JobId, JobRecord, JobStatus};
use ferrotype_service::store::DisplayErrorContext;
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::payload::JobSummary;

/// The index of the connections table by connection.
pub const BY_CONNECTION_INDEX: &str = "by-connection";
/// API Gateway closes a WebSocket after two hours at most.
pub const CONNECTION_LIFETIME: time::Duration = time::Duration::hours(2);
/// The most jobs one subscribe message names.
pub const MAX_JOBS_PER_SUBSCRIBE: usize = 25;
/// How many posts (and subscription reads) a push has in flight at once: enough to post a
/// batch of 100 jobs × 20 watchers in well under a second at API Gateway's latency, few
/// enough to stay clear of the `@connections` API's and the table's throttles.
pub const PUSH_CONCURRENCY: usize = 32;
/// A subscribe that lost a race on a counter reads and tries again this many times at most.
const SUBSCRIBE_ATTEMPTS: usize = 3;
/// Removals are written in transactions of at most 100 actions: two per job, two more.
const REMOVALS_PER_TRANSACTION: usize = 45;
/// A removal that meets another transaction on its counters tries this many times.
const REMOVAL_ATTEMPTS: usize = 5;

/// How a transaction went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    Yes,
    /// A condition did not hold (a counter changed since it was read, or a cap).
    ConditionFailed,
    /// Another write held one of its items.
    Conflict,
}

/// The attributes of the connections table's items.
mod attr {
    pub const JOB_ID: &str = "job_id";
    pub const CONNECTION_ID: &str = "connection_id";
    pub const CALLER: &str = "caller";
    pub const EXPIRES_AT: &str = "expires_at";
    pub const KEY_ID: &str = "key_id";
    pub const MEMBERS: &str = "members";
    pub const COUNT: &str = "n";
}

/// The API key table's attributes a push reads (`ferrotype_access::keys`: partition key
/// `key_id`, `revoked_at` once revoked).
mod key_attr {
    pub const KEY_ID: &str = "key_id";
    pub const REVOKED_AT: &str = "revoked_at";
}

/// How much one subscriber may hold on the live channel. Each refusal names its cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Jobs one connection watches (`LIVE_MAX_JOBS_PER_CONNECTION`).
    pub per_connection: usize,
    /// Connections that watch one job (`LIVE_MAX_CONNECTIONS_PER_JOB`).
    pub per_job: usize,
    /// Subscriptions of one caller over all its connections (`LIVE_MAX_SUBSCRIPTIONS_PER_CALLER`).
    pub per_caller: usize,
}

impl Default for Caps {
    /// A page follows its unfinished jobs only, and shows far fewer than 100 at once; a job
    /// is one person's, so 20 tabs watching it is already generous; 1,000 lets a caller's
    /// team keep a few dozen pages open, and bounds one push's posts for a caller.
    fn default() -> Self {
        Self {
            per_connection: 100,
            per_job: 20,
            per_caller: 1_000,
        }
    }
}

/// Which cap a subscribe would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    PerConnection(usize),
    PerJob(usize),
    PerCaller(usize),
}

impl Cap {
    /// The refusal a browser is sent, naming the cap.
    pub fn message(self, jobs: Vec<String>) -> LiveMessage {
        let text = match self {
            Self::PerConnection(cap) => {
                format!("a connection watches at most {cap} jobs; open another or let some end")
            }
            Self::PerJob(cap) => format!("a job is watched by at most {cap} connections"),
            Self::PerCaller(cap) => {
                format!("a caller holds at most {cap} subscriptions over all its connections")
            }
        };
        LiveMessage::error("too-many-subscriptions", text, jobs)
    }
}

/// What a subscription remembers of the credential it was made with, read from the
/// credential only after the gate accepted it (so nothing here is a check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API key, by its id: every push checks it is not revoked.
    ApiKey { key_id: String },
    /// A token: the subscription ends when it expires.
    Token { expires_at: Option<OffsetDateTime> },
    /// No callers (`AUTH_MODE=none`).
    Open,
}

impl Credential {
    /// What an accepted `credential` of `caller` says of itself.
    pub fn of_admitted(credential: &str, caller: &CallerId) -> Self {
        let credential = credential.trim();
        if caller.is_anonymous() {
            return Self::Open;
        }
        if let Some(rest) = credential.strip_prefix("ftk_") {
            let key_id = rest.split_once('_').map_or(rest, |(id, _)| id);
            return Self::ApiKey {
                key_id: key_id.to_string(),
            };
        }
        #[derive(Deserialize)]
        struct Claims {
            exp: Option<i64>,
        }
        let expires_at = credential
            .split('.')
            .nth(1)
            .and_then(|payload| URL_SAFE_NO_PAD.decode(payload).ok())
            .and_then(|json| serde_json::from_slice::<Claims>(&json).ok())
            .and_then(|claims| claims.exp)
            .and_then(|exp| OffsetDateTime::from_unix_timestamp(exp).ok());
        Self::Token { expires_at }
    }

    /// When a subscription made with it at `now` ends.
    pub fn subscription_end(&self, now: OffsetDateTime) -> OffsetDateTime {
        let longest = now + CONNECTION_LIFETIME;
        match self {
            Self::Token {
                expires_at: Some(at),
            } => (*at).min(longest),
            _ => longest,
        }
    }
}

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
    #[error("DynamoDB {operation} on the live channel's tables failed")]
    Table {
        operation: &'static str,
        #[source]
        source: Box<aws_sdk_dynamodb::Error>,
    },
    #[error("a job record read for a subscribe does not have the expected shape")]
    Record(#[source] serde_dynamo::Error),
    #[error("DynamoDB left keys unprocessed after {0} tries")]
    Unprocessed(usize),
    #[error("the connection's subscriptions kept changing while it was being forgotten")]
    Contended,
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

/// Why a subscribe was not made.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error("the subscribe would pass a cap: {0:?}")]
    Cap(Cap),
    /// One connection follows one caller's jobs.
    #[error("the connection already follows another caller's jobs")]
    OtherCaller,
    #[error("the counters kept changing under the subscribe")]
    Contended,
    #[error(transparent)]
    Live(#[from] LiveError),
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn set(members: impl IntoIterator<Item = String>) -> AttributeValue {
    AttributeValue::Ss(members.into_iter().collect())
}

type Item = HashMap<String, AttributeValue>;

fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([
        (attr::JOB_ID.to_string(), s(pk)),
        (attr::CONNECTION_ID.to_string(), s(sk)),
    ])
}

fn watchers_key(job: JobId) -> Item {
    key(job.to_string(), format!("#watchers/{job}"))
}

fn connection_key(connection: &ConnectionId) -> Item {
    let id = format!("#connection/{connection}");
    key(id.clone(), id)
}

fn caller_key(caller: &str) -> Item {
    let id = format!("#caller/{caller}");
    key(id.clone(), id)
}

fn field(item: &Item, name: &str) -> Option<String> {
    item.get(name)?.as_s().ok().cloned()
}

fn number(item: &Item, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

/// A counter item as read: its set or count, and when everything it counts has ended.
#[derive(Debug, Default)]
struct Counter {
    exists: bool,
    members: BTreeSet<String>,
    count: i64,
    caller: Option<String>,
    expires_at: Option<i64>,
}

impl Counter {
    fn read(item: Option<&Item>, now: OffsetDateTime) -> Self {
        let Some(item) = item else {
            return Self::default();
        };
        let expires_at = number(item, attr::EXPIRES_AT);
        let mut counter = Self {
            exists: true,
            expires_at,
            ..Self::default()
        };
        // Past its expiry every subscription it counted has ended: it counts nothing.
        if expires_at.is_some_and(|at| at > now.unix_timestamp()) {
            counter.members = item
                .get(attr::MEMBERS)
                .and_then(|v| v.as_ss().ok())
                .map(|ss| ss.iter().cloned().collect())
                .unwrap_or_default();
            counter.count = number(item, attr::COUNT).unwrap_or(0).max(0);
            counter.caller = field(item, attr::CALLER);
        }
        counter
    }

    fn is_live(&self) -> bool {
        !self.members.is_empty() || self.count > 0
    }

    /// An update that replaces the counter if it is still as read (absent or ended).
    fn replace(
        &self,
        table: &str,
        key: Item,
        set_expression: &str,
    ) -> aws_sdk_dynamodb::types::builders::UpdateBuilder {
        let update = Update::builder()
            .table_name(table)
            .set_key(Some(key))
            .update_expression(set_expression);
        match (self.exists, self.expires_at) {
            (false, _) => update.condition_expression("attribute_not_exists(job_id)"),
            (true, Some(old)) => update
                .condition_expression("expires_at = :old")
                .expression_attribute_values(":old", n(old)),
            (true, None) => update.condition_expression("attribute_not_exists(expires_at)"),
        }
    }
}

/// One connection's subscription to one job, as the table holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub job: String,
    pub connection: ConnectionId,
    pub caller: Option<String>,
    /// The API key it was made with, if any.
    pub key_id: Option<String>,
    /// When it ends (epoch seconds).
    pub expires_at: Option<i64>,
}

impl Subscription {
    fn read(item: &Item) -> Option<Self> {
        let connection = field(item, attr::CONNECTION_ID)?;
        // Counter items share the partition; their sort keys start with `#`.
        if connection.starts_with('#') {
            return None;
        }
        Some(Self {
            job: field(item, attr::JOB_ID)?,
            connection: ConnectionId(connection),
            caller: field(item, attr::CALLER),
            key_id: field(item, attr::KEY_ID),
            expires_at: number(item, attr::EXPIRES_AT),
        })
    }

    fn has_ended(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_some_and(|at| at <= now.unix_timestamp())
    }
}

/// What a subscribe came to.
#[derive(Debug, Default)]
pub struct Subscribed {
    /// The caller's jobs now watched, as they were right after the subscribe was written.
    pub watching: Vec<JobRecord>,
    /// The caller's jobs that have ended: sent as they are, not watched (they change no more).
    pub ended: Vec<JobRecord>,
    /// Named jobs that are not the caller's (or no longer exist).
    pub missing: Vec<JobId>,
    /// Jobs already watched by as many connections as one job may have.
    pub full: Vec<JobId>,
}

/// One subscribe message, once its credential is accepted.
#[derive(Debug, Clone)]
pub struct SubscribeRequest<'a> {
    pub connection: &'a ConnectionId,
    pub caller: &'a CallerId,
    pub credential: &'a Credential,
    /// Distinct job ids, at most [`MAX_JOBS_PER_SUBSCRIBE`].
    pub jobs: &'a [JobId],
    pub now: OffsetDateTime,
}

/// Reads the keys of `request` with `BatchGetItem` (each table's consistency as asked),
/// asking again, after a pause, only for keys DynamoDB left unprocessed (throttling).
async fn batch_get(
    client: &aws_sdk_dynamodb::Client,
    mut request: HashMap<String, KeysAndAttributes>,
) -> Result<HashMap<String, Vec<Item>>, LiveError> {
    let mut found: HashMap<String, Vec<Item>> = HashMap::new();
    for attempt in 0..5u32 {
        if request.is_empty() {
            return Ok(found);
        }
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(25 << attempt)).await;
        }
        let output = client
            .batch_get_item()
            .set_request_items(Some(request))
            .send()
            .await
            .map_err(|e| table_error("BatchGetItem")(e.into()))?;
        for (table, items) in output.responses.unwrap_or_default() {
            found.entry(table).or_default().extend(items);
        }
        request = output.unprocessed_keys.unwrap_or_default();
    }
    if request.is_empty() {
        Ok(found)
    } else {
        Err(LiveError::Unprocessed(5))
    }
}

/// Which connections watch which jobs.
#[derive(Debug, Clone)]
pub struct Subscriptions {
    client: aws_sdk_dynamodb::Client,
    table: String,
    caps: Caps,
}

impl Subscriptions {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            caps: Caps::default(),
        }
    }

    pub fn with_caps(mut self, caps: Caps) -> Self {
        self.caps = caps;
        self
    }

    pub fn caps(&self) -> Caps {
        self.caps
    }

    /// Watches the named jobs of `request.caller` on `request.connection`, within the caps:
    /// one `BatchGetItem`, one `TransactWriteItems`, one `BatchGetItem` (the jobs as they are
    /// once watched), each repeated only when a concurrent subscribe changed a counter in
    /// between (at most three times) or DynamoDB left keys unprocessed.
    pub async fn subscribe(
        &self,
        jobs_table: &str,
        request: SubscribeRequest<'_>,
    ) -> Result<Subscribed, SubscribeError> {
        for attempt in 0..SUBSCRIBE_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(20 * attempt as u64)).await;
            }
            match self.try_subscribe(jobs_table, &request).await? {
                Some(subscribed) => return Ok(subscribed),
                None => continue,
            }
        }
        Err(SubscribeError::Contended)
    }

    /// `None` when a counter changed between the read and the write.
    async fn try_subscribe(
        &self,
        jobs_table: &str,
        request: &SubscribeRequest<'_>,
    ) -> Result<Option<Subscribed>, SubscribeError> {
        let SubscribeRequest {
            connection,
            caller,
            credential,
            jobs,
            now,
        } = *request;
        let job_keys = |ids: &mut dyn Iterator<Item = JobId>| -> KeysAndAttributes {
            KeysAndAttributes::builder()
                .set_keys(Some(
                    ids.map(|id| HashMap::from([("id".to_string(), s(id.to_string()))]))
                        .collect(),
                ))
                .consistent_read(true)
                .build()
                .expect("keys are set")
        };
        let mut counters: Vec<Item> = jobs.iter().map(|id| watchers_key(*id)).collect();
        counters.push(connection_key(connection));
        counters.push(caller_key(caller.as_str()));
        let read = batch_get(
            &self.client,
            HashMap::from([
                (jobs_table.to_string(), job_keys(&mut jobs.iter().copied())),
                (
                    self.table.clone(),
                    KeysAndAttributes::builder()
                        .set_keys(Some(counters))
                        .consistent_read(true)
                        .build()
                        .expect("keys are set"),
                ),
            ]),
        )
        .await?;

        let mut records: HashMap<JobId, JobRecord> = HashMap::new();
        for item in read.get(jobs_table).into_iter().flatten() {
            let record: JobRecord =
                serde_dynamo::from_item(item.clone()).map_err(LiveError::Record)?;
            records.insert(record.id, record);
        }
        let by_key: HashMap<(String, String), &Item> = read
            .get(&self.table)
            .into_iter()
            .flatten()
            .filter_map(|item| {
                Some((
                    (
                        field(item, attr::JOB_ID)?,
                        field(item, attr::CONNECTION_ID)?,
                    ),
                    item,
                ))
            })
            .collect();
        let counter = |key: &Item| {
            let pk = field(key, attr::JOB_ID).unwrap_or_default();
            let sk = field(key, attr::CONNECTION_ID).unwrap_or_default();
            Counter::read(by_key.get(&(pk, sk)).copied(), now)
        };
        let on_connection = counter(&connection_key(connection));
        let of_caller = counter(&caller_key(caller.as_str()));
        if on_connection
            .caller
            .as_deref()
            .is_some_and(|other| other != caller.as_str() && on_connection.is_live())
        {
            return Err(SubscribeError::OtherCaller);
        }

        let mut outcome = Subscribed::default();
        // The jobs to watch, each with its watchers as read; and those new to the connection.
        let mut watch: Vec<(JobId, Counter)> = Vec::new();
        let mut new: Vec<JobId> = Vec::new();
        for id in jobs {
            let Some(record) = records.remove(id) else {
                outcome.missing.push(*id);
                continue;
            };
            if !record.belongs_to(caller) || record.status == JobStatus::Deleted {
                outcome.missing.push(*id);
            } else if record.status.is_terminal() {
                outcome.ended.push(record);
            } else {
                let watchers = counter(&watchers_key(*id));
                let already = on_connection.members.contains(&id.to_string());
                if !already {
                    if !watchers.members.contains(connection.as_str())
                        && watchers.members.len() >= self.caps.per_job
                    {
                        outcome.full.push(*id);
                        continue;
                    }
                    new.push(*id);
                }
                watch.push((*id, watchers));
            }
        }
        if on_connection.members.len() + new.len() > self.caps.per_connection {
            return Err(SubscribeError::Cap(Cap::PerConnection(
                self.caps.per_connection,
            )));
        }
        if of_caller.count as usize + new.len() > self.caps.per_caller {
            return Err(SubscribeError::Cap(Cap::PerCaller(self.caps.per_caller)));
        }
        if watch.is_empty() {
            return Ok(Some(outcome));
        }

        let end = credential.subscription_end(now).unix_timestamp();
        // Counters outlive every subscription they count.
        let counter_end = (now + CONNECTION_LIFETIME).unix_timestamp();
        let mut actions = Vec::with_capacity(watch.len() * 2 + 2);
        for (id, watchers) in &watch {
            let mut item = key(id.to_string(), connection.as_str());
            item.insert(attr::CALLER.into(), s(caller.as_str()));
            item.insert(attr::EXPIRES_AT.into(), n(end));
            if let Credential::ApiKey { key_id } = credential {
                item.insert(attr::KEY_ID.into(), s(key_id));
            }
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .build()
                .expect("table and item are set");
            actions.push(TransactWriteItem::builder().put(put).build());

            let update = if watchers.is_live() {
                Update::builder()
                    .table_name(&self.table)
                    .set_key(Some(watchers_key(*id)))
                    .update_expression("ADD members :c SET expires_at = :end")
                    .condition_expression(
                        "attribute_not_exists(members) OR contains(members, :id) OR size(members) < :cap",
                    )
                    .expression_attribute_values(":id", s(connection.as_str()))
                    .expression_attribute_values(":cap", n(self.caps.per_job))
            } else {
                watchers.replace(
                    &self.table,
                    watchers_key(*id),
                    "SET members = :c, expires_at = :end",
                )
            };
            let update = update
                .expression_attribute_values(":c", set([connection.to_string()]))
                .expression_attribute_values(":end", n(counter_end))
                .build()
                .expect("table, key and expression are set");
            actions.push(TransactWriteItem::builder().update(update).build());
        }

        let update = if on_connection.is_live() {
            let mut condition = String::from(
                "(attribute_not_exists(caller) OR caller = :caller) AND (attribute_not_exists(members) OR size(members) <= :room)",
            );
            let mut update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(connection_key(connection)))
                .expression_attribute_values(
                    ":room",
                    n(self.caps.per_connection.saturating_sub(new.len())),
                );
            for (i, id) in new.iter().enumerate() {
                condition.push_str(&format!(" AND NOT contains(members, :j{i})"));
                update = update.expression_attribute_values(format!(":j{i}"), s(id.to_string()));
            }
            if !new.is_empty() {
                update = update
                    .expression_attribute_values(":new", set(new.iter().map(ToString::to_string)));
            }
            update
                .update_expression(if new.is_empty() {
                    "SET expires_at = :end, caller = :caller"
                } else {
                    "ADD members :new SET expires_at = :end, caller = :caller"
                })
                .condition_expression(condition)
        } else {
            on_connection
                .replace(
                    &self.table,
                    connection_key(connection),
                    "SET members = :all, expires_at = :end, caller = :caller",
                )
                .expression_attribute_values(
                    ":all",
                    set(watch.iter().map(|(id, _)| id.to_string())),
                )
        };
        let update = update
            .expression_attribute_values(":end", n(counter_end))
            .expression_attribute_values(":caller", s(caller.as_str()))
            .build()
            .expect("table, key and expression are set");
        actions.push(TransactWriteItem::builder().update(update).build());

        let update = if of_caller.is_live() {
            Update::builder()
                .table_name(&self.table)
                .set_key(Some(caller_key(caller.as_str())))
                .update_expression("ADD n :k SET expires_at = :end")
                .condition_expression("attribute_not_exists(n) OR n <= :room")
                .expression_attribute_values(
                    ":room",
                    n(self.caps.per_caller.saturating_sub(new.len())),
                )
        } else {
            of_caller.replace(
                &self.table,
                caller_key(caller.as_str()),
                "SET n = :k, expires_at = :end",
            )
        };
        let update = update
            .expression_attribute_values(":k", n(new.len()))
            .expression_attribute_values(":end", n(counter_end))
            .build()
            .expect("table, key and expression are set");
        actions.push(TransactWriteItem::builder().update(update).build());

        if self.transact(actions).await? != Written::Yes {
            return Ok(None);
        }

        // Watch first, then read: a change after this read is pushed, one before it is in it.
        let mut ids = watch.iter().map(|(id, _)| *id);
        let read = batch_get(
            &self.client,
            HashMap::from([(jobs_table.to_string(), job_keys(&mut ids))]),
        )
        .await?;
        let mut now_read: HashMap<JobId, JobRecord> = HashMap::new();
        for item in read.get(jobs_table).into_iter().flatten() {
            let record: JobRecord =
                serde_dynamo::from_item(item.clone()).map_err(LiveError::Record)?;
            now_read.insert(record.id, record);
        }
        outcome.watching = watch
            .iter()
            .filter_map(|(id, _)| now_read.remove(id))
            .collect();
        Ok(Some(outcome))
    }

    /// Writes `actions` as one transaction. A cancelled one says whether a condition did
    /// not hold or another write held one of its items at the time.
    async fn transact(&self, actions: Vec<TransactWriteItem>) -> Result<Written, LiveError> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(actions))
            .send()
            .await
        {
            Ok(_) => Ok(Written::Yes),
            Err(err) => match err.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => {
                    let condition = cancelled
                        .cancellation_reasons()
                        .iter()
                        .any(|reason| reason.code() == Some("ConditionalCheckFailed"));
                    Ok(if condition {
                        Written::ConditionFailed
                    } else {
                        Written::Conflict
                    })
                }
                // Another transaction on the same items (removals of one caller's
                // subscriptions at one push): tried again.
                Some(TransactWriteItemsError::TransactionInProgressException(_)) => {
                    Ok(Written::Conflict)
                }
                _ => Err(table_error("TransactWriteItems")(err.into())),
            },
        }
    }

    /// The subscriptions of `job`.
    pub async fn of_job(&self, job: JobId) -> Result<Vec<Subscription>, LiveError> {
        let items = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("job_id = :job")
            .expression_attribute_values(":job", s(job.to_string()))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| table_error("Query")(e.into()))?;
        Ok(items.iter().filter_map(Subscription::read).collect())
    }

    /// The jobs `connection` watches, and whose they are (its counter, read consistently).
    pub async fn of_connection(
        &self,
        connection: &ConnectionId,
    ) -> Result<(BTreeSet<String>, Option<String>), LiveError> {
        let item = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(connection_key(connection)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| table_error("GetItem")(e.into()))?
            .item;
        let members = item
            .as_ref()
            .and_then(|item| item.get(attr::MEMBERS)?.as_ss().ok().cloned())
            .unwrap_or_default();
        let caller = item.as_ref().and_then(|item| field(item, attr::CALLER));
        Ok((members.into_iter().collect(), caller))
    }

    /// How many subscriptions `caller` holds, as its counter says (for operators and tests).
    pub async fn count_of(&self, caller: &CallerId) -> Result<i64, LiveError> {
        let item = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(caller_key(caller.as_str())))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| table_error("GetItem")(e.into()))?
            .item;
        Ok(Counter::read(item.as_ref(), OffsetDateTime::now_utc()).count)
    }

    /// `connection` no longer watches `job`: the subscription goes and every counter that
    /// counted it is lowered, once (a second removal finds the connection's set without
    /// the job and only deletes the item).
    pub async fn remove(&self, subscription: &Subscription) -> Result<(), LiveError> {
        let Subscription {
            job,
            connection,
            caller,
            ..
        } = subscription;
        let mut actions = Vec::with_capacity(4);
        if let Ok(id) = job.parse::<JobId>() {
            actions.push(self.leave_job(id, connection));
        }
        actions.push(self.delete_subscription(job, connection));
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(connection_key(connection)))
            .update_expression("DELETE members :j")
            .condition_expression("contains(members, :job)")
            .expression_attribute_values(":j", set([job.clone()]))
            .expression_attribute_values(":job", s(job))
            .build()
            .expect("table, key and expression are set");
        actions.push(TransactWriteItem::builder().update(update).build());
        if let Some(caller) = caller {
            actions.push(self.lower_caller(caller, 1));
        }
        // Removals at one push often share the caller's and the connection's counters:
        // one that meets another in flight waits a little and tries again.
        let mut written = Written::Conflict;
        for attempt in 0..REMOVAL_ATTEMPTS {
            if attempt > 0 {
                let jitter = u64::from(OffsetDateTime::now_utc().nanosecond() % 20);
                tokio::time::sleep(Duration::from_millis(10 * attempt as u64 + jitter)).await;
            }
            written = self.transact(actions.clone()).await?;
            if written != Written::Conflict {
                break;
            }
        }
        if written != Written::Yes {
            // Not counted (already removed), or still contended: the item goes regardless;
            // a count left behind reads as nothing once its counter expires.
            self.client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(key(job.as_str(), connection.as_str())))
                .send()
                .await
                .map_err(|e| table_error("DeleteItem")(e.into()))?;
        }
        Ok(())
    }

    fn delete_subscription(&self, job: &str, connection: &ConnectionId) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(job, connection.as_str())))
            .build()
            .expect("table and key are set");
        TransactWriteItem::builder().delete(delete).build()
    }

    /// `connection` leaves `job`'s watchers (a counter that never had it gets an expiry, so
    /// the TTL takes it).
    fn leave_job(&self, job: JobId, connection: &ConnectionId) -> TransactWriteItem {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(watchers_key(job)))
            .update_expression("DELETE members :c SET expires_at = if_not_exists(expires_at, :now)")
            .expression_attribute_values(":c", set([connection.to_string()]))
            .expression_attribute_values(":now", n(OffsetDateTime::now_utc().unix_timestamp()))
            .build()
            .expect("table, key and expression are set");
        TransactWriteItem::builder().update(update).build()
    }

    fn lower_caller(&self, caller: &str, by: usize) -> TransactWriteItem {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(caller_key(caller)))
            .update_expression("ADD n :minus SET expires_at = if_not_exists(expires_at, :now)")
            .expression_attribute_values(":minus", n(-(by as i64)))
            .expression_attribute_values(":now", n(OffsetDateTime::now_utc().unix_timestamp()))
            .build()
            .expect("table, key and expression are set");
        TransactWriteItem::builder().update(update).build()
    }

    /// Forgets everything `connection` watched and lowers the counters; the number of
    /// subscriptions removed.
    pub async fn remove_connection(&self, connection: &ConnectionId) -> Result<usize, LiveError> {
        let mut removed = 0;
        for _ in 0..SUBSCRIBE_ATTEMPTS * 4 {
            let (jobs, caller) = self.of_connection(connection).await?;
            if jobs.is_empty() {
                self.client
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(connection_key(connection)))
                    .send()
                    .await
                    .map_err(|e| table_error("DeleteItem")(e.into()))?;
                return Ok(removed);
            }
            let chunk: Vec<String> = jobs.into_iter().take(REMOVALS_PER_TRANSACTION).collect();
            let mut actions = Vec::with_capacity(chunk.len() * 2 + 2);
            for job in &chunk {
                if let Ok(id) = job.parse::<JobId>() {
                    actions.push(self.leave_job(id, connection));
                }
                actions.push(self.delete_subscription(job, connection));
            }
            let mut condition = Vec::with_capacity(chunk.len());
            let mut update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(connection_key(connection)))
                .update_expression("DELETE members :chunk")
                .expression_attribute_values(":chunk", set(chunk.iter().cloned()));
            for (i, job) in chunk.iter().enumerate() {
                condition.push(format!("contains(members, :j{i})"));
                update = update.expression_attribute_values(format!(":j{i}"), s(job));
            }
            let update = update
                .condition_expression(condition.join(" AND "))
                .build()
                .expect("table, key and expression are set");
            actions.push(TransactWriteItem::builder().update(update).build());
            if let Some(caller) = &caller {
                actions.push(self.lower_caller(caller, chunk.len()));
            }
            if self.transact(actions).await? == Written::Yes {
                removed += chunk.len();
            }
        }
        Err(LiveError::Contended)
    }
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
        self.post_bytes(connection, body).await
    }

    async fn post_bytes(
        &self,
        connection: &ConnectionId,
        body: Vec<u8>,
    ) -> Result<Posted, LiveError> {
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

/// Which API keys are revoked, read from the API key table (`ferrotype_access::keys`).
#[derive(Debug, Clone)]
pub struct KeyRevocations {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl KeyRevocations {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Those of `key_ids` that may no longer be used: revoked, or no longer in the table.
    /// One consistent `BatchGetItem` per 100 keys.
    pub async fn unusable(&self, key_ids: &BTreeSet<String>) -> Result<HashSet<String>, LiveError> {
        let ids: Vec<&String> = key_ids.iter().collect();
        let mut usable = HashSet::new();
        for chunk in ids.chunks(100) {
            let request = HashMap::from([(
                self.table.clone(),
                KeysAndAttributes::builder()
                    .set_keys(Some(
                        chunk
                            .iter()
                            .map(|id| HashMap::from([(key_attr::KEY_ID.to_string(), s(*id))]))
                            .collect(),
                    ))
                    .projection_expression("key_id, revoked_at")
                    .consistent_read(true)
                    .build()
                    .expect("keys are set"),
            )]);
            let found = batch_get(&self.client, request).await?;
            for item in found.into_values().flatten() {
                if !item.contains_key(key_attr::REVOKED_AT) {
                    usable.extend(field(&item, key_attr::KEY_ID));
                }
            }
        }
        Ok(key_ids
            .iter()
            .filter(|id| !usable.contains(*id))
            .cloned()
            .collect())
    }
}

/// Both halves: who watches, and how to reach them; and, when callers use API keys, which
/// keys are revoked.
#[derive(Debug, Clone)]
pub struct LiveChannel {
    pub subscriptions: Subscriptions,
    pub connections: Connections,
    /// `None` when the stack has no API key table.
    pub keys: Option<KeyRevocations>,
}

/// What one subscription is sent at a push.
enum Delivery {
    /// The job's changes of the batch, in order; `true` when the last one ends the job,
    /// after which there is nothing more to watch.
    Post(Subscription, Arc<Vec<Vec<u8>>>, bool),
    /// Ended (its token expired) or its key was revoked: removed, not sent.
    Drop(Subscription),
    /// Its key could not be checked: not sent this time.
    Unchecked { cut: bool },
}

/// How one delivery went.
enum Outcome {
    /// This many messages posted.
    Sent(usize),
    Gone,
    Dropped,
    Failed,
    Cut,
}

/// Whether the watchers' keys could be checked.
enum KeyCheck {
    Done(HashSet<String>),
    Failed,
    Cut,
}

impl LiveChannel {
    /// Posts `job` to every connection that watches it, as [`LiveChannel::push_all`] does.
    pub async fn push(&self, job: &JobSummary, deadline: Instant) -> PushReport {
        self.push_all(std::slice::from_ref(job), deadline).await
    }

    /// Pushes every job of a stream batch to its watchers: the subscriptions are read and the
    /// posts sent [`PUSH_CONCURRENCY`] at a time, and nothing is started after `deadline`
    /// (whatever is in flight then is abandoned and counted as cut). A job's changes reach
    /// each watcher in the batch's order. A subscription whose token has expired or whose API
    /// key is revoked is removed instead of sent to, and so is a connection found gone. Best
    /// effort: failures are logged and counted, never returned, so the stream is never held
    /// back by them.
    pub async fn push_all(&self, jobs: &[JobSummary], deadline: Instant) -> PushReport {
        let mut report = PushReport::default();
        // Each job once, with its changes in the batch's order; and those that ended.
        let mut changes: Vec<(JobId, Vec<Vec<u8>>)> = Vec::new();
        let mut ended = HashSet::new();
        for job in jobs {
            if job.status.is_terminal() {
                ended.insert(job.id.to_string());
            } else {
                ended.remove(&job.id.to_string());
            }
            let body = serde_json::to_vec(&LiveMessage::Status { job: job.clone() })
                .expect("a live message serializes");
            match changes.iter_mut().find(|(id, _)| *id == job.id) {
                Some((_, bodies)) => bodies.push(body),
                None => changes.push((job.id, vec![body])),
            }
        }
        // Futures made up front: the stream then holds no closure over borrowed arguments.
        let reads: Vec<_> = changes
            .into_iter()
            .map(|(id, bodies)| self.watchers_of(id, bodies, deadline))
            .collect();
        let reads = stream::iter(reads)
            .buffer_unordered(PUSH_CONCURRENCY)
            .collect::<Vec<_>>()
            .await;
        let mut watched = Vec::new();
        for (id, bodies, read) in reads {
            match read {
                Ok(Ok(subscriptions)) if !subscriptions.is_empty() => {
                    watched.push((Arc::new(bodies), subscriptions));
                }
                Ok(Ok(_)) => {}
                Ok(Err(err)) => {
                    tracing::warn!(job_id = %id, error = %DisplayErrorContext(&err), "reading a job's watchers failed");
                    report.unread += 1;
                }
                Err(_) => report.unread += 1,
            }
        }

        let key_ids: BTreeSet<String> = watched
            .iter()
            .flat_map(|(_, subscriptions)| subscriptions.iter().filter_map(|s| s.key_id.clone()))
            .collect();
        let keys = match (&self.keys, key_ids.is_empty()) {
            (Some(keys), false) => {
                match tokio::time::timeout_at(deadline, keys.unusable(&key_ids)).await {
                    Ok(Ok(unusable)) => KeyCheck::Done(unusable),
                    Ok(Err(err)) => {
                        tracing::warn!(error = %DisplayErrorContext(&err), "checking the watchers' API keys failed; their pushes are skipped");
                        KeyCheck::Failed
                    }
                    Err(_) => KeyCheck::Cut,
                }
            }
            _ => KeyCheck::Done(HashSet::new()),
        };

        let now = OffsetDateTime::now_utc();
        let mut deliveries = Vec::new();
        for (bodies, subscriptions) in watched {
            for subscription in subscriptions {
                let delivery = match (&subscription.key_id, &keys) {
                    (Some(_), KeyCheck::Failed) => Delivery::Unchecked { cut: false },
                    (Some(_), KeyCheck::Cut) => Delivery::Unchecked { cut: true },
                    (Some(id), KeyCheck::Done(unusable)) if unusable.contains(id) => {
                        Delivery::Drop(subscription)
                    }
                    _ if subscription.has_ended(now) => Delivery::Drop(subscription),
                    _ => {
                        let ends = ended.contains(&subscription.job);
                        Delivery::Post(subscription, bodies.clone(), ends)
                    }
                };
                deliveries.push(delivery);
            }
        }
        let deliveries: Vec<_> = deliveries
            .into_iter()
            .map(|delivery| self.deliver_by(delivery, deadline))
            .collect();
        let outcomes = stream::iter(deliveries)
            .buffer_unordered(PUSH_CONCURRENCY)
            .collect::<Vec<_>>()
            .await;
        for outcome in outcomes {
            match outcome {
                Outcome::Sent(messages) => report.sent += messages,
                Outcome::Gone => report.gone += 1,
                Outcome::Dropped => report.dropped += 1,
                Outcome::Failed => report.failed += 1,
                Outcome::Cut => report.cut += 1,
            }
        }
        if report.cut > 0 || report.unread > 0 {
            tracing::warn!(
                cut = report.cut,
                unread = report.unread,
                "the push deadline passed or a read failed; some watchers were not sent this change"
            );
        }
        report
    }

    async fn watchers_of(
        &self,
        job: JobId,
        bodies: Vec<Vec<u8>>,
        deadline: Instant,
    ) -> (
        JobId,
        Vec<Vec<u8>>,
        Result<Result<Vec<Subscription>, LiveError>, tokio::time::error::Elapsed>,
    ) {
        let read = tokio::time::timeout_at(deadline, self.subscriptions.of_job(job)).await;
        (job, bodies, read)
    }

    async fn deliver_by(&self, delivery: Delivery, deadline: Instant) -> Outcome {
        tokio::time::timeout_at(deadline, self.deliver(delivery))
            .await
            .unwrap_or(Outcome::Cut)
    }

    async fn deliver(&self, delivery: Delivery) -> Outcome {
        let (subscription, outcome) = match delivery {
            Delivery::Unchecked { cut: true } => return Outcome::Cut,
            Delivery::Unchecked { cut: false } => return Outcome::Failed,
            Delivery::Drop(subscription) => (subscription, Outcome::Dropped),
            Delivery::Post(subscription, bodies, ends) => {
                let mut sent = 0;
                let mut gone = false;
                for body in bodies.iter() {
                    match self
                        .connections
                        .post_bytes(&subscription.connection, body.clone())
                        .await
                    {
                        Ok(Posted::Sent) => sent += 1,
                        Ok(Posted::Gone) => {
                            gone = true;
                            break;
                        }
                        Err(err) => {
                            tracing::warn!(job_id = subscription.job, error = %DisplayErrorContext(&err), "posting a status failed");
                            return Outcome::Failed;
                        }
                    }
                }
                match (gone, ends) {
                    (true, _) => (subscription, Outcome::Gone),
                    // The job ended: its subscription would only hold a cap's place.
                    (false, true) => (subscription, Outcome::Sent(sent)),
                    (false, false) => return Outcome::Sent(sent),
                }
            }
        };
        match self.subscriptions.remove(&subscription).await {
            Ok(()) => outcome,
            Err(err) => {
                tracing::warn!(job_id = subscription.job, connection = %subscription.connection, error = %DisplayErrorContext(&err), "removing a subscription failed");
                Outcome::Failed
            }
        }
    }
}

/// What [`LiveChannel::push_all`] came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Messages posted.
    pub sent: usize,
    /// Connections found closed (410), and forgotten.
    pub gone: usize,
    /// Subscriptions whose token had expired or whose API key was revoked: removed, not sent.
    pub dropped: usize,
    /// Subscriptions whose key check, post or removal failed.
    pub failed: usize,
    /// Subscriptions left unsent because the deadline passed.
    pub cut: usize,
    /// Jobs whose watchers could not be read (a failure, or the deadline).
    pub unread: usize,
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
    fn a_key_names_its_id_a_token_its_expiry_and_an_open_stack_nothing() {
        let alice = CallerId::of_key("alice").unwrap();
        assert_eq!(
            Credential::of_admitted("ftk_0123456789abcdef_secret", &alice),
            Credential::ApiKey {
                key_id: "0123456789abcdef".into()
            }
        );
        let payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"a","exp":1800000000}"#);
        let token = format!("eyJhbGciOiJSUzI1NiJ9.{payload}.sig");
        let expires_at = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        assert_eq!(
            Credential::of_admitted(&token, &alice),
            Credential::Token {
                expires_at: Some(expires_at)
            }
        );
        assert_eq!(
            Credential::of_admitted("ftk_0123456789abcdef_secret", &CallerId::anonymous()),
            Credential::Open
        );
    }

    #[test]
    fn a_subscription_ends_with_its_token_or_after_two_hours() {
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let soon = now + time::Duration::minutes(5);
        let token = Credential::Token {
            expires_at: Some(soon),
        };
        assert_eq!(token.subscription_end(now), soon);
        let late = Credential::Token {
            expires_at: Some(now + time::Duration::days(1)),
        };
        assert_eq!(late.subscription_end(now), now + CONNECTION_LIFETIME);
        let key = Credential::ApiKey { key_id: "k".into() };
        assert_eq!(key.subscription_end(now), now + CONNECTION_LIFETIME);
    }

    #[test]
    fn a_counter_past_its_expiry_counts_nothing() {
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let item = |expires: i64| {
            HashMap::from([
                (
                    attr::MEMBERS.to_string(),
                    set(["a".to_string(), "b".to_string()]),
                ),
                (attr::COUNT.to_string(), n(7)),
                (attr::EXPIRES_AT.to_string(), n(expires)),
            ])
        };
        let live = Counter::read(Some(&item(1_700_000_001)), now);
        assert_eq!(
            (live.members.len(), live.count, live.is_live()),
            (2, 7, true)
        );
        let ended = Counter::read(Some(&item(1_700_000_000)), now);
        assert_eq!(
            (ended.members.len(), ended.count, ended.is_live()),
            (0, 0, false)
        );
        assert!(ended.exists && !Counter::read(None, now).exists);
    }

    #[test]
    fn each_refusal_names_its_cap() {
        for (cap, text) in [
            (Cap::PerConnection(100), "100 jobs"),
            (Cap::PerJob(20), "20 connections"),
            (Cap::PerCaller(1000), "1000 subscriptions"),
        ] {
            let LiveMessage::Error { code, message, .. } = cap.message(vec![]) else {
                unreachable!()
            };
            assert_eq!(code, "too-many-subscriptions");
            assert!(message.contains(text), "{message}");
        }
    }

    #[test]
    fn counter_items_never_share_an_index_partition() {
        let job = JobId::new_random();
        let other = JobId::new_random();
        let sk = |item: Item| field(&item, attr::CONNECTION_ID).unwrap();
        assert_ne!(sk(watchers_key(job)), sk(watchers_key(other)));
        assert!(sk(watchers_key(job)).starts_with('#'));
        assert!(sk(connection_key(&ConnectionId::new("c"))).starts_with('#'));
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
