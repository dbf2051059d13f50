use aws_lambda_events::event::sqs::SqsEvent;
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::metrics;
use ferrotype_service::store::{ImageStore, JobTable};
use lambda_runtime::{Error, LambdaEvent};
use processor::settings::Settings;

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let collector = metrics::collector("processor")?;
    let Settings { resources, handler } = Settings::from_env(&Env::process())?;
    let clients = Clients::from_env().await;
    let app = processor::App::new(
        ImageStore::new(clients.s3, resources.bucket),
        JobTable::new(clients.dynamodb, resources.table),
        handler,
    );
    let app = &app;
    metrics::run(collector, move |event: LambdaEvent<SqsEvent>| async move {
        // Lambda's deadline as an Instant of this process.
        let left = event
            .context
            .deadline()
            .duration_since(std::time::SystemTime::now())
            .unwrap_or_default();
        let deadline = std::time::Instant::now() + left;
        Ok::<_, Error>(processor::handle_until(app, event.payload, Some(deadline)).await)
    })
    .await
}
