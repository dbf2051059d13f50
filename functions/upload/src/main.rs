use ferrotype_access::Gate;
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::metrics;
use ferrotype_service::store::{IdempotencyStore, ImageStore, JobQueue, JobTable};
use lambda_http::{Error, Request};
use upload::settings::Settings;

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let collector = metrics::collector("upload")?;
    let Settings {
        resources,
        access,
        handler,
    } = Settings::from_env(&Env::process())?;
    let clients = Clients::from_env().await;
    let gate = Gate::new(access, &clients.dynamodb, handler.unavailable_retry_after);
    let app = upload::App {
        gate,
        images: ImageStore::new(clients.s3, resources.bucket)
            .signed_with(clients.credentials.clone()),
        jobs: JobTable::new(clients.dynamodb.clone(), resources.table),
        queue: JobQueue::new(clients.sqs, handler.queue_url.clone()),
        idempotency: IdempotencyStore::new(clients.dynamodb, handler.idempotency_table.clone()),
        settings: handler,
    };
    let app = &app;
    metrics::run_http(collector, move |request: Request| async move {
        Ok::<_, Error>(upload::handle(app, request).await)
    })
    .await
}
