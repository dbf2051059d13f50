use aws_config::BehaviorVersion;
use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use ferrotype_access::Gate;
use ferrotype_notify::live::{Connections, LiveChannel, Subscriptions};
use ferrotype_service::config::Env;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use live::settings::Settings;
use live::App;

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let settings = Settings::from_env(&Env::process())?;
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    let app = App {
        gate: Gate::new(
            settings.access,
            &dynamodb,
            std::time::Duration::from_secs(5),
        ),
        jobs_table: settings.jobs_table,
        live: LiveChannel {
            subscriptions: Subscriptions::new(dynamodb, settings.connections_table)
                .with_caps(settings.caps),
            connections: Connections::new(&config, &settings.endpoint),
            // The live function answers subscribes only; pushes check revocation.
            keys: None,
        },
    };
    let app = &app;
    run(service_fn(
        move |event: LambdaEvent<ApiGatewayWebsocketProxyRequest>| async move {
            Ok::<_, Error>(live::handle(app, event.payload).await)
        },
    ))
    .await
}
