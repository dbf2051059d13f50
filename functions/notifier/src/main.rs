use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use ferrotype_notify::attempt::WebhookQueue;
use ferrotype_notify::email::Mailer;
use ferrotype_notify::events::EventBus;
use ferrotype_notify::live::{Connections, KeyRevocations, LiveChannel, Subscriptions};
use ferrotype_notify::notice::NoticeQueue;
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::metrics;
use ferrotype_service::store::JobTable;
use lambda_runtime::{Error, LambdaEvent};
use notifier::settings::Settings;
use notifier::{App, Trigger};

/// One SES or EventBridge call may take this long: a slow one then fails as transient and
/// is tried again later from the notice queue, and a batch of tries fits the invocation.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let collector = metrics::collector("notifier")?;
    let settings = Settings::from_env(&Env::process())?;
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let bounded = config
        .to_builder()
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(CALL_TIMEOUT)
                .build(),
        )
        .build();
    let clients = Clients::from_config(&config, false);
    let app = App {
        webhooks: WebhookQueue::new(clients.sqs.clone(), settings.webhook_queue_url.clone()),
        jobs: JobTable::new(clients.dynamodb, settings.table.clone()),
        notices: NoticeQueue::new(clients.sqs, settings.notice_queue_url.clone()),
        notice_schedule: settings.notice_schedule.clone(),
        events: settings
            .event_bus
            .map(|bus| EventBus::new(aws_sdk_eventbridge::Client::new(&bounded), bus)),
        mailer: settings.email.map(|(from, api_url)| {
            Mailer::new(aws_sdk_sesv2::Client::new(&bounded), from, api_url)
        }),
        live: settings.live.map(|(table, endpoint)| LiveChannel {
            subscriptions: Subscriptions::new(aws_sdk_dynamodb::Client::new(&config), table),
            connections: Connections::new(&config, &endpoint),
            keys: settings
                .api_key_table
                .clone()
                .map(|keys| KeyRevocations::new(aws_sdk_dynamodb::Client::new(&config), keys)),
        }),
    };
    let app = &app;
    metrics::run(
        collector,
        move |event: LambdaEvent<serde_json::Value>| async move {
            let deadline = instant_of(event.context.deadline);
            // Each handler's future boxed: nested inline, their state machines are too
            // deep for the compiler's layout query.
            let response = match Trigger::read(event.payload)? {
                Trigger::Sqs(batch) => serde_json::to_value(
                    Box::pin(notifier::handle_notices(app, batch, deadline)).await,
                )?,
                Trigger::Stream(batch) => {
                    serde_json::to_value(Box::pin(notifier::handle(app, batch, deadline)).await)?
                }
            };
            Ok::<_, Error>(response)
        },
    )
    .await
}

/// Lambda's deadline (epoch milliseconds) as an instant of this process's clock.
fn instant_of(deadline_ms: u64) -> Option<Instant> {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_millis() as u64;
    Some(Instant::now() + Duration::from_millis(deadline_ms.checked_sub(now_ms)?))
}
