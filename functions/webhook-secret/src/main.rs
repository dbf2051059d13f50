use aws_config::BehaviorVersion;
use ferrotype_access::Gate;
use ferrotype_notify::secrets::WebhookSecrets;
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use lambda_http::{run, service_fn, Error, Request};
use webhook_secret::settings::Settings;

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let Settings {
        access,
        store,
        handler,
    } = Settings::from_env(&Env::process())?;
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let clients = Clients::from_config(&config, false);
    let gate = Gate::new(access, &clients.dynamodb, handler.unavailable_retry_after);
    let app = webhook_secret::App {
        gate,
        secrets: WebhookSecrets::new(clients.dynamodb, aws_sdk_kms::Client::new(&config), store),
        settings: handler,
    };
    let app = &app;
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(webhook_secret::handle(app, request).await)
    }))
    .await
}
