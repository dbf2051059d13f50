use aws_config::BehaviorVersion;
use aws_lambda_events::event::dynamodb::Event;
use ferrotype_notify::attempt::WebhookQueue;
use ferrotype_notify::email::Mailer;
use ferrotype_notify::events::EventBus;
use ferrotype_notify::live::{Connections, LiveChannel, Subscriptions};
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::metrics;
use lambda_runtime::{tracing, Error, LambdaEvent};
use notifier::settings::Settings;
use notifier::App;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let collector = metrics::collector("notifier")?;
    let settings = Settings::from_env(&Env::process())?;
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let app = App {
        webhooks: WebhookQueue::new(
            Clients::from_config(&config, false).sqs,
            settings.webhook_queue_url.clone(),
        ),
        events: settings
            .event_bus
            .map(|bus| EventBus::new(aws_sdk_eventbridge::Client::new(&config), bus)),
        mailer: settings
            .email
            .map(|(from, api_url)| Mailer::new(aws_sdk_sesv2::Client::new(&config), from, api_url)),
        live: settings.live.map(|(table, endpoint)| LiveChannel {
            subscriptions: Subscriptions::new(aws_sdk_dynamodb::Client::new(&config), table),
            connections: Connections::new(&config, &endpoint),
        }),
    };
    let app = &app;
    metrics::run(collector, move |event: LambdaEvent<Event>| async move {
        Ok::<_, Error>(notifier::handle(app, event.payload).await)
    })
    .await
}
