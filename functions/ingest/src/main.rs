use aws_lambda_events::event::sqs::SqsEvent;
use ferrotype_service::aws::Clients;
use ferrotype_service::config::{max_direct_upload_bytes, Env, Resources};
use ferrotype_service::direct_upload::DirectUploads;
use ferrotype_service::metrics;
use ferrotype_service::store::{ImageStore, JobQueue, JobTable};
use lambda_runtime::{tracing, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let collector = metrics::collector("ingest")?;
    let env = Env::process();
    let resources = Resources::from_env(&env)?;
    let queue_url = env.required("QUEUE_URL")?;
    let max_bytes = max_direct_upload_bytes(&env)?;
    let clients = Clients::from_env().await;
    let app = ingest::App {
        uploads: DirectUploads {
            images: ImageStore::new(clients.s3, resources.bucket),
            jobs: JobTable::new(clients.dynamodb, resources.table),
            queue: JobQueue::new(clients.sqs, queue_url),
            max_bytes,
        },
    };
    let app = &app;
    metrics::run(collector, move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<_, Error>(ingest::handle(app, event.payload).await)
    })
    .await
}
