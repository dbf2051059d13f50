use aws_config::BehaviorVersion;
use aws_lambda_events::event::sqs::SqsEvent;
use ferrotype_notify::attempt::WebhookQueue;
use ferrotype_notify::secrets::{SigningSecrets, WebhookSecrets};
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::metrics;
use ferrotype_service::store::JobTable;
use lambda_runtime::{Error, LambdaEvent};
use webhook::settings::Settings;
use webhook::App;

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let collector = metrics::collector("webhook")?;
    let settings = Settings::from_env(&Env::process())?;
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let clients = Clients::from_config(&config, false);
    let app = App {
        jobs: JobTable::new(clients.dynamodb.clone(), settings.resources.table),
        queue: WebhookQueue::new(clients.sqs, settings.webhook_queue_url),
        secrets: SigningSecrets::new(
            WebhookSecrets::new(
                clients.dynamodb.clone(),
                aws_sdk_kms::Client::new(&config),
                settings.secrets,
            ),
            settings.secret_cache,
            webhook::SECRET_CACHE_CALLERS,
        ),
        sender: settings.sender,
        schedule: settings.schedule,
    };
    let app = &app;
    metrics::run(collector, move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<_, Error>(webhook::handle(app, event.payload).await)
    })
    .await
}
