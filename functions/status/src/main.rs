use ferrotype_access::{AccessSettings, Gate};
use ferrotype_service::aws::Clients;
use ferrotype_service::config::{Env, Resources, StatusSettings};
use ferrotype_service::store::{ImageStore, JobTable};
use lambda_http::{run, service_fn, tracing, Error, Request};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let env = Env::process();
    let resources = Resources::from_env(&env)?;
    let settings = StatusSettings::from_env(&env)?;
    let access = AccessSettings::from_env(&env)?;
    let clients = Clients::from_env().await;
    let gate = Gate::new(access, &clients.dynamodb, settings.unavailable_retry_after);
    let app = status::App {
        gate,
        images: ImageStore::new(clients.s3, resources.bucket)
            .signed_with(clients.credentials.clone()),
        jobs: JobTable::new(clients.dynamodb, resources.table),
        settings,
    };
    let app = &app;
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(status::handle(app, request).await)
    }))
    .await
}
