use aws_config::BehaviorVersion;
use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use ferrotype_access::{AccessSettings, Gate};
use ferrotype_notify::live::{Connections, LiveChannel, Subscriptions};
use ferrotype_service::config::Env;
use ferrotype_service::store::JobTable;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use live::App;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let env = Env::process();
    let jobs_table = env.required("TABLE_NAME")?;
    let access = AccessSettings::from_env(&env)?;
    let connections_table = env.required("CONNECTIONS_TABLE")?;
    let endpoint = env.required("LIVE_ENDPOINT_URL")?;
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    let app = App {
        gate: Gate::new(access, &dynamodb, std::time::Duration::from_secs(5)),
        jobs: JobTable::new(dynamodb.clone(), jobs_table),
        live: LiveChannel {
            subscriptions: Subscriptions::new(dynamodb, connections_table),
            connections: Connections::new(&config, &endpoint),
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
