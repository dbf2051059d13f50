use delete::settings::Settings;
use ferrotype_access::Gate;
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::store::{ImageStore, JobTable};
use lambda_http::{run, service_fn, Error, Request};

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let Settings {
        resources,
        access,
        handler,
    } = Settings::from_env(&Env::process())?;
    let clients = Clients::from_env().await;
    let gate = Gate::new(access, &clients.dynamodb, handler.unavailable_retry_after);
    let app = delete::App {
        gate,
        images: ImageStore::new(clients.s3, resources.bucket),
        jobs: JobTable::new(clients.dynamodb, resources.table),
        settings: handler,
    };
    let app = &app;
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(delete::handle(app, request).await)
    }))
    .await
}
