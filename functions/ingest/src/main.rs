use aws_lambda_events::event::sqs::SqsEvent;
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::direct_upload::DirectUploads;
use ferrotype_service::metrics;
use ferrotype_service::store::{ImageStore, JobQueue, JobTable};
use ingest::settings::Settings;
use lambda_runtime::{Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let collector = metrics::collector("ingest")?;
    let settings = Settings::from_env(&Env::process())?;
    let clients = Clients::from_env().await;
    let app = ingest::App {
        uploads: DirectUploads {
            images: ImageStore::new(clients.s3, settings.resources.bucket),
            jobs: JobTable::new(clients.dynamodb, settings.resources.table),
            queue: JobQueue::new(clients.sqs, settings.queue_url),
            max_bytes: settings.max_direct_upload_bytes,
        },
    };
    let app = &app;
    metrics::run(collector, move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<_, Error>(ingest::handle(app, event.payload).await)
    })
    .await
}
