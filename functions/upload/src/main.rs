use ferrotype_access::{AccessSettings, Gate};
use ferrotype_service::aws::Clients;
use ferrotype_service::config::{Env, Resources, UploadSettings};
use ferrotype_service::metrics;
use ferrotype_service::store::{IdempotencyStore, ImageStore, JobQueue, JobTable};
use lambda_http::{tracing, Error, Request};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let collector = metrics::collector("upload")?;
    let env = Env::process();
    let resources = Resources::from_env(&env)?;
    let settings = UploadSettings::from_env(&env)?;
    let access = AccessSettings::from_env(&env)?;
    let clients = Clients::from_env().await;
    let gate = Gate::new(access, &clients.dynamodb, settings.unavailable_retry_after);
    let app = upload::App {
        gate,
        images: ImageStore::new(clients.s3, resources.bucket)
            .signed_with(clients.credentials.clone()),
        jobs: JobTable::new(clients.dynamodb.clone(), resources.table),
        queue: JobQueue::new(clients.sqs, settings.queue_url.clone()),
        idempotency: IdempotencyStore::new(clients.dynamodb, settings.idempotency_table.clone()),
        settings,
    };
    let app = &app;
    metrics::run_http(collector, move |request: Request| async move {
        Ok::<_, Error>(upload::handle(app, request).await)
    })
    .await
}
