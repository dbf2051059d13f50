//! Creates the resources `template.yaml` declares, on an emulator. Idempotent.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, GlobalSecondaryIndex,
    GlobalSecondaryIndexUpdate, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};
use aws_sdk_s3::types::{
    CorsConfiguration, CorsRule, Event, FilterRule, FilterRuleName, NotificationConfiguration,
    NotificationConfigurationFilter, QueueConfiguration, S3KeyFilter,
};
use aws_sdk_sqs::types::QueueAttributeName;
use ferrotype_notify::live::BY_CONNECTION_INDEX;
use ferrotype_service::aws::Clients;
use ferrotype_service::domain::JobRecord;
use ferrotype_service::store::{JobTable, ListTable, SweepIndex, DIRECT_UPLOAD_PREFIX};

/// Names of one provisioned stack.
#[derive(Debug, Clone)]
pub struct Stack {
    pub bucket: String,
    pub table: String,
    pub idempotency_table: String,
    /// API keys (partition key `key_id`).
    pub api_key_table: String,
    /// Per-caller usage counters (partition key `key`).
    pub usage_table: String,
    pub queue_url: String,
    pub dlq_url: String,
    /// Where the bucket's notifications of direct uploads go (the ingest function's queue).
    pub upload_events_url: String,
    /// Webhook attempts (the webhook function's queue) and their dead letters.
    pub webhook_queue_url: String,
    pub webhook_dlq_url: String,
    /// E-mails and events to try again (the notifier reads it) and their dead letters.
    pub notice_queue_url: String,
    pub notice_dlq_url: String,
    /// The live channel's subscriptions (keys `job_id`, `connection_id`).
    pub connections_table: String,
    /// The read model of `GET /images` (partition key `id`, indexes `by-caller` and
    /// `by-caller-status`), written by the projector.
    pub list_table: String,
}

impl Stack {
    /// The stack as `KEY=value` lines for an env file.
    pub fn env_lines(&self) -> String {
        format!(
            "BUCKET_NAME={}\nTABLE_NAME={}\nIDEMPOTENCY_TABLE_NAME={}\nAPI_KEY_TABLE_NAME={}\n\
             USAGE_TABLE_NAME={}\nQUEUE_URL={}\nDLQ_URL={}\nUPLOAD_EVENTS_QUEUE_URL={}\n\
             WEBHOOK_QUEUE_URL={}\nWEBHOOK_DLQ_URL={}\nNOTICE_QUEUE_URL={}\nNOTICE_DLQ_URL={}\n\
             CONNECTIONS_TABLE={}\nLIST_TABLE_NAME={}\n",
            self.bucket,
            self.table,
            self.idempotency_table,
            self.api_key_table,
            self.usage_table,
            self.queue_url,
            self.dlq_url,
            self.upload_events_url,
            self.webhook_queue_url,
            self.webhook_dlq_url,
            self.notice_queue_url,
            self.notice_dlq_url,
            self.connections_table,
            self.list_table
        )
    }
}

/// Queue settings, as in `template.yaml`.
#[derive(Debug, Clone, Copy)]
pub struct QueueSettings {
    pub visibility_timeout_secs: u32,
    pub max_receive_count: u32,
}

impl QueueSettings {
    /// How long a message sent now may still be in flight: received and retried until it
    /// is dead-lettered. The sweeper resends no sooner (`RESEND_AFTER_SECONDS`).
    pub fn in_flight_secs(&self) -> u64 {
        u64::from(self.visibility_timeout_secs) * u64::from(self.max_receive_count)
    }
}

impl Default for QueueSettings {
    fn default() -> Self {
        Self {
            visibility_timeout_secs: 30,
            max_receive_count: 5,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("creating bucket {0} failed")]
    Bucket(String, #[source] Box<aws_sdk_s3::Error>),
    #[error("creating table {0} failed")]
    Table(String, #[source] Box<aws_sdk_dynamodb::Error>),
    #[error("creating queue {0} failed")]
    Queue(String, #[source] Box<aws_sdk_sqs::Error>),
    #[error("configuring the CORS rules of bucket {0} failed")]
    Cors(String, #[source] Box<aws_sdk_s3::Error>),
    #[error("configuring the event notification of bucket {0} failed")]
    Notification(String, #[source] Box<aws_sdk_s3::Error>),
    /// The SDKs share one builder error type.
    #[error("a table or notification definition is incomplete")]
    Definition(#[from] aws_sdk_dynamodb::error::BuildError),
    #[error("queue {0} has no ARN")]
    NoQueueArn(String),
}

/// Creates (or finds) bucket `<prefix>`, tables `<prefix>-jobs` (with the sweeper's
/// index), `<prefix>-idempotency`, `<prefix>-api-keys` and `<prefix>-usage`,
/// queue `<prefix>-jobs` and its dead-letter queue `<prefix>-jobs-dlq`, and queue
/// `<prefix>-upload-events` (dead letters `<prefix>-upload-events-dlq`) that the bucket
/// notifies of every object created under `originals/direct/`, as `template.yaml` declares.
pub async fn provision(
    clients: &Clients,
    prefix: &str,
    queue: QueueSettings,
) -> Result<Stack, ProvisionError> {
    let bucket = prefix.to_string();
    let table = format!("{prefix}-jobs");
    create_bucket(&clients.s3, &bucket).await?;
    allow_browser_uploads(&clients.s3, &bucket).await?;
    create_table(&clients.dynamodb, &table, "id").await?;
    add_sweep_index(&clients.dynamodb, &table).await?;
    add_stream(&clients.dynamodb, &table).await?;
    let idempotency_table = format!("{prefix}-idempotency");
    create_table(&clients.dynamodb, &idempotency_table, "key").await?;
    let api_key_table = format!("{prefix}-api-keys");
    create_table(&clients.dynamodb, &api_key_table, "key_id").await?;
    let usage_table = format!("{prefix}-usage");
    create_table(&clients.dynamodb, &usage_table, "key").await?;

    let (queue_url, dlq_url) = create_queue_with_dlq(&clients.sqs, &table, queue).await?;
    let (upload_events_url, _) =
        create_queue_with_dlq(&clients.sqs, &format!("{prefix}-upload-events"), queue).await?;
    let events_arn = queue_arn(&clients.sqs, &upload_events_url).await?;
    notify_direct_uploads(&clients.s3, &bucket, &events_arn).await?;
    let (webhook_queue_url, webhook_dlq_url) =
        create_queue_with_dlq(&clients.sqs, &format!("{prefix}-webhooks"), queue).await?;
    let (notice_queue_url, notice_dlq_url) =
        create_queue_with_dlq(&clients.sqs, &format!("{prefix}-notices"), queue).await?;
    let connections_table = format!("{prefix}-connections");
    create_connections_table(&clients.dynamodb, &connections_table).await?;
    let list_table = format!("{prefix}-list");
    create_list_table(&clients.dynamodb, &list_table).await?;
    Ok(Stack {
        bucket,
        table,
        idempotency_table,
        api_key_table,
        usage_table,
        queue_url,
        dlq_url,
        upload_events_url,
        webhook_queue_url,
        webhook_dlq_url,
        notice_queue_url,
        notice_dlq_url,
        connections_table,
        list_table,
    })
}

/// A key schema element: attribute `name` as the `kind` key.
fn key(name: &str, kind: KeyType) -> Result<KeySchemaElement, aws_sdk_dynamodb::error::BuildError> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
}

/// An attribute definition: `name` is a string.
fn string(name: &str) -> Result<AttributeDefinition, aws_sdk_dynamodb::error::BuildError> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
}

/// The list table ([`ListTable`]): partition key `id`, and the two sparse indexes a list
/// reads, each sorted by `entry` and projecting every attribute, as `template.yaml`
/// declares them; the TTL on `expires_at`.
async fn create_list_table(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Result<(), ProvisionError> {
    let index = |name: &str, partition: &str| -> Result<GlobalSecondaryIndex, ProvisionError> {
        Ok(GlobalSecondaryIndex::builder()
            .index_name(name)
            .key_schema(key(partition, KeyType::Hash)?)
            .key_schema(key("entry", KeyType::Range)?)
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build()?)
    };
    let result = dynamodb
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string("id")?)
        .attribute_definitions(string("caller")?)
        .attribute_definitions(string("caller_status")?)
        .attribute_definitions(string("entry")?)
        .key_schema(key("id", KeyType::Hash)?)
        .global_secondary_indexes(index(ListTable::BY_CALLER, "caller")?)
        .global_secondary_indexes(index(ListTable::BY_CALLER_STATUS, "caller_status")?)
        .send()
        .await;
    created_with_ttl(dynamodb, table, result, "expires_at").await
}

/// The bucket's CORS rules, as `template.yaml` declares them: browsers may PUT a presigned
/// upload and GET a presigned link from any origin. A presigned URL is the permission
/// itself, so an origin list would guard nothing that the URL does not.
async fn allow_browser_uploads(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
) -> Result<(), ProvisionError> {
    let rule = CorsRule::builder()
        .allowed_origins("*")
        .allowed_methods("PUT")
        .allowed_methods("GET")
        .allowed_methods("HEAD")
        .allowed_headers("content-type")
        // Signed into every upload URL: one write per URL.
        .allowed_headers("if-none-match")
        .expose_headers("etag")
        .max_age_seconds(3000)
        .build()?;
    s3.put_bucket_cors()
        .bucket(bucket)
        .cors_configuration(CorsConfiguration::builder().cors_rules(rule).build()?)
        .send()
        .await
        .map_err(|err| ProvisionError::Cors(bucket.into(), Box::new(err.into())))?;
    Ok(())
}

/// The live channel's table: one item per (job, connection), the index `by-connection`
/// (keys only) to find a connection's items, and the TTL on `expires_at`.
async fn create_connections_table(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Result<(), ProvisionError> {
    let result = dynamodb
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string("job_id")?)
        .attribute_definitions(string("connection_id")?)
        .key_schema(key("job_id", KeyType::Hash)?)
        .key_schema(key("connection_id", KeyType::Range)?)
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(BY_CONNECTION_INDEX)
                .key_schema(key("connection_id", KeyType::Hash)?)
                .key_schema(key("job_id", KeyType::Range)?)
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::KeysOnly)
                        .build(),
                )
                .build()?,
        )
        .send()
        .await;
    created_with_ttl(dynamodb, table, result, "expires_at").await
}

/// The jobs table's stream (`NEW_AND_OLD_IMAGES`), as `template.yaml` declares it; added
/// to a table made before it existed.
async fn add_stream(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Result<(), ProvisionError> {
    let fail = |err: aws_sdk_dynamodb::Error| ProvisionError::Table(table.into(), Box::new(err));
    let described = dynamodb
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(|err| fail(err.into()))?;
    let enabled = described
        .table
        .and_then(|t| t.stream_specification)
        .is_some_and(|spec| spec.stream_enabled);
    if enabled {
        return Ok(());
    }
    dynamodb
        .update_table()
        .table_name(table)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()?,
        )
        .send()
        .await
        .map_err(|err| fail(err.into()))?;
    Ok(())
}

/// The notification resources that are not tables or queues (but the webhook secrets'
/// table): the KMS key and table of each caller's webhook secrets, the event bus and the
/// e-mail sender's verified identity.
#[derive(Debug, Clone)]
pub struct NotificationStack {
    /// Each caller's webhook secrets (partition key `caller`), encrypted with
    /// `webhook_secrets_key_id`.
    pub webhook_secrets_table: String,
    pub webhook_secrets_key_id: String,
    pub event_bus: String,
    pub email_from: String,
}

impl NotificationStack {
    pub fn env_lines(&self) -> String {
        format!(
            "WEBHOOK_SECRETS_TABLE={}\nWEBHOOK_SECRETS_KEY_ID={}\nEVENT_BUS_NAME={}\nNOTIFY_EMAIL_FROM={}\n",
            self.webhook_secrets_table, self.webhook_secrets_key_id, self.event_bus, self.email_from
        )
    }

    /// Where the webhook secrets are, as the functions read it.
    pub fn secret_store(&self) -> ferrotype_notify::secrets::SecretStoreSettings {
        ferrotype_notify::secrets::SecretStoreSettings {
            table: self.webhook_secrets_table.clone(),
            key_id: self.webhook_secrets_key_id.clone(),
        }
    }
}

/// The clients of the notification resources.
#[derive(Debug, Clone)]
pub struct NotificationClients {
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub kms: aws_sdk_kms::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub ses: aws_sdk_sesv2::Client,
}

impl NotificationClients {
    pub fn new(config: &aws_config::SdkConfig) -> Self {
        Self {
            dynamodb: aws_sdk_dynamodb::Client::new(config),
            kms: aws_sdk_kms::Client::new(config),
            events: aws_sdk_eventbridge::Client::new(config),
            ses: aws_sdk_sesv2::Client::new(config),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    #[error("creating the webhook secrets' key {0} failed")]
    Key(String, #[source] Box<aws_sdk_kms::Error>),
    #[error("KMS made key {0} without an id")]
    NoKeyId(String),
    #[error("creating the webhook secrets' table failed")]
    Table(#[source] Box<ProvisionError>),
    #[error("creating event bus {0} failed")]
    Bus(String, #[source] Box<aws_sdk_eventbridge::Error>),
    #[error("verifying the e-mail sender {0} failed")]
    Sender(String, #[source] Box<aws_sdk_sesv2::Error>),
}

/// Creates (or finds) the KMS key `alias/<prefix>-webhook-secrets` and table
/// `<prefix>-webhook-secrets`, bus `<prefix>-events` and the sender
/// `notify@<prefix>.ferrotype.test`, marked verified as the emulator allows.
pub async fn provision_notifications(
    clients: &NotificationClients,
    prefix: &str,
) -> Result<NotificationStack, NotificationError> {
    let webhook_secrets_table = format!("{prefix}-webhook-secrets");
    create_table(
        &clients.dynamodb,
        &webhook_secrets_table,
        ferrotype_notify::secrets::PARTITION_KEY,
    )
    .await
    .map_err(|err| NotificationError::Table(Box::new(err)))?;
    let webhook_secrets_key_id =
        webhook_secrets_key(&clients.kms, &format!("alias/{prefix}-webhook-secrets")).await?;

    let event_bus = format!("{prefix}-events");
    let bus = clients
        .events
        .create_event_bus()
        .name(&event_bus)
        .send()
        .await;
    match bus {
        Ok(_) => {}
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_already_exists_exception()) => {}
        Err(err) => return Err(NotificationError::Bus(event_bus, Box::new(err.into()))),
    }

    let email_from = format!("notify@{prefix}.ferrotype.test");
    let identity = clients
        .ses
        .create_email_identity()
        .email_identity(&email_from)
        .send()
        .await;
    match identity {
        Ok(_) => {}
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_already_exists_exception()) => {}
        Err(err) => return Err(NotificationError::Sender(email_from, Box::new(err.into()))),
    }
    Ok(NotificationStack {
        webhook_secrets_table,
        webhook_secrets_key_id,
        event_bus,
        email_from,
    })
}

/// The id of the symmetric key named `alias`, made the first time.
async fn webhook_secrets_key(
    kms: &aws_sdk_kms::Client,
    alias: &str,
) -> Result<String, NotificationError> {
    let fail = |err: aws_sdk_kms::Error| NotificationError::Key(alias.into(), Box::new(err));
    match kms.describe_key().key_id(alias).send().await {
        Ok(found) => {
            return found
                .key_metadata
                .map(|key| key.key_id)
                .ok_or_else(|| NotificationError::NoKeyId(alias.into()))
        }
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_not_found_exception()) => {}
        Err(err) => return Err(fail(err.into())),
    }
    let made = kms
        .create_key()
        .description("ferrotype: each caller's webhook signing secrets")
        .send()
        .await
        .map_err(|err| fail(err.into()))?;
    let key_id = made
        .key_metadata
        .map(|key| key.key_id)
        .ok_or_else(|| NotificationError::NoKeyId(alias.into()))?;
    kms.create_alias()
        .alias_name(alias)
        .target_key_id(&key_id)
        .send()
        .await
        .map_err(|err| fail(err.into()))?;
    Ok(key_id)
}

/// The bucket's event notification: every object created under the direct-upload prefix
/// is reported to `queue_arn`. Replaces any earlier configuration, so it can be repeated.
async fn notify_direct_uploads(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    queue_arn: &str,
) -> Result<(), ProvisionError> {
    let fail = |err: aws_sdk_s3::Error| ProvisionError::Notification(bucket.into(), Box::new(err));
    let prefix = FilterRule::builder()
        .name(FilterRuleName::Prefix)
        .value(DIRECT_UPLOAD_PREFIX)
        .build();
    let queue = QueueConfiguration::builder()
        .id("direct-uploads")
        .queue_arn(queue_arn)
        .events(Event::from("s3:ObjectCreated:*"))
        .filter(
            NotificationConfigurationFilter::builder()
                .key(S3KeyFilter::builder().filter_rules(prefix).build())
                .build(),
        )
        .build()?;
    s3.put_bucket_notification_configuration()
        .bucket(bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(queue)
                .build(),
        )
        .send()
        .await
        .map_err(|e| fail(e.into()))?;
    Ok(())
}

async fn create_bucket(s3: &aws_sdk_s3::Client, bucket: &str) -> Result<(), ProvisionError> {
    match s3.create_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(()),
        Err(err)
            if err.as_service_error().is_some_and(|e| {
                e.is_bucket_already_owned_by_you() || e.is_bucket_already_exists()
            }) =>
        {
            Ok(())
        }
        Err(err) => Err(ProvisionError::Bucket(bucket.into(), Box::new(err.into()))),
    }
}

/// A table with a string partition key `key_name` and the TTL on `expires_at`.
async fn create_table(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    key_name: &str,
) -> Result<(), ProvisionError> {
    let result = dynamodb
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(key_name)
                .attribute_type(ScalarAttributeType::S)
                .build()?,
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name(key_name)
                .key_type(KeyType::Hash)
                .build()?,
        )
        .send()
        .await;
    // Retention and tombstones expire through the TTL, as template.yaml declares.
    created_with_ttl(dynamodb, table, result, JobRecord::TTL_ATTRIBUTE).await
}

/// After a `CreateTable`: an existing table is left as it is; a new one gets its TTL on
/// `ttl_attribute`.
async fn created_with_ttl(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    result: Result<
        aws_sdk_dynamodb::operation::create_table::CreateTableOutput,
        aws_sdk_dynamodb::error::SdkError<
            aws_sdk_dynamodb::operation::create_table::CreateTableError,
        >,
    >,
    ttl_attribute: &str,
) -> Result<(), ProvisionError> {
    let fail = |err: aws_sdk_dynamodb::Error| ProvisionError::Table(table.into(), Box::new(err));
    match result {
        Ok(_) => {}
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            return Ok(());
        }
        Err(err) => return Err(fail(err.into())),
    }
    dynamodb
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(ttl_attribute)
                .enabled(true)
                .build()?,
        )
        .send()
        .await
        .map_err(|err| fail(err.into()))?;
    Ok(())
}

/// The jobs table's sparse index for the sweeper ([`JobTable::SWEEP_INDEXES`]), as
/// `template.yaml` declares it. Added to the table if missing (one per update, as DynamoDB
/// requires), so a table made before it existed gets it too.
async fn add_sweep_index(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Result<(), ProvisionError> {
    let fail = |err: aws_sdk_dynamodb::Error| ProvisionError::Table(table.into(), Box::new(err));
    let described = dynamodb
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(|err| fail(err.into()))?;
    let existing: Vec<String> = described
        .table
        .and_then(|t| t.global_secondary_indexes)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|index| index.index_name)
        .collect();
    for SweepIndex { name, sort_key } in JobTable::SWEEP_INDEXES {
        if existing.iter().any(|e| e == name) {
            continue;
        }
        let index = CreateGlobalSecondaryIndexAction::builder()
            .index_name(name)
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("status")
                    .key_type(KeyType::Hash)
                    .build()?,
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name(sort_key)
                    .key_type(KeyType::Range)
                    .build()?,
            )
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::KeysOnly)
                    .build(),
            )
            .build()?;
        dynamodb
            .update_table()
            .table_name(table)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("status")
                    .attribute_type(ScalarAttributeType::S)
                    .build()?,
            )
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(sort_key)
                    .attribute_type(ScalarAttributeType::N)
                    .build()?,
            )
            .global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder().create(index).build(),
            )
            .send()
            .await
            .map_err(|err| fail(err.into()))?;
    }
    Ok(())
}

/// Queue `name` with the visibility timeout of `queue`, moving a message to `<name>-dlq`
/// after `queue.max_receive_count` receives: the URLs of both.
async fn create_queue_with_dlq(
    sqs: &aws_sdk_sqs::Client,
    name: &str,
    queue: QueueSettings,
) -> Result<(String, String), ProvisionError> {
    let dlq_url = create_queue(sqs, &format!("{name}-dlq"), Vec::new()).await?;
    let redrive = serde_json::json!({
        "deadLetterTargetArn": queue_arn(sqs, &dlq_url).await?,
        "maxReceiveCount": queue.max_receive_count.to_string(),
    });
    let url = create_queue(
        sqs,
        name,
        vec![
            (
                QueueAttributeName::VisibilityTimeout,
                queue.visibility_timeout_secs.to_string(),
            ),
            (QueueAttributeName::RedrivePolicy, redrive.to_string()),
        ],
    )
    .await?;
    Ok((url, dlq_url))
}

async fn create_queue(
    sqs: &aws_sdk_sqs::Client,
    name: &str,
    attributes: Vec<(QueueAttributeName, String)>,
) -> Result<String, ProvisionError> {
    let mut request = sqs.create_queue().queue_name(name);
    for (key, value) in attributes {
        request = request.attributes(key, value);
    }
    let output = request
        .send()
        .await
        .map_err(|e| ProvisionError::Queue(name.into(), Box::new(e.into())))?;
    output
        .queue_url
        .ok_or_else(|| ProvisionError::NoQueueArn(name.into()))
}

/// The ARN of a queue, from its URL.
pub async fn queue_arn(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
) -> Result<String, ProvisionError> {
    let output = sqs
        .get_queue_attributes()
        .queue_url(queue_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| ProvisionError::Queue(queue_url.into(), Box::new(e.into())))?;
    output
        .attributes
        .and_then(|mut a| a.remove(&QueueAttributeName::QueueArn))
        .ok_or_else(|| ProvisionError::NoQueueArn(queue_url.into()))
}
