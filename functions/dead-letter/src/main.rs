use aws_lambda_events::event::sqs::SqsEvent;
use dead_letter::settings::Settings;
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::metrics;
use ferrotype_service::store::JobTable;
use lambda_runtime::{Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let collector = metrics::collector("dead-letter")?;
    let Settings { resources } = Settings::from_env(&Env::process())?;
    let clients = Clients::from_env().await;
    let app = dead_letter::App {
        jobs: JobTable::new(clients.dynamodb, resources.table),
    };
    let app = &app;
    metrics::run(collector, move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<_, Error>(dead_letter::handle(app, event.payload).await)
    })
    .await
}
