use ferrotype_access::Gate;
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::store::{ImageStore, JobTable, ListTable};
use lambda_http::{run, service_fn, Error, Request};
use status::settings::Settings;

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let Settings {
        resources,
        list_table,
        access,
        handler,
    } = Settings::from_env(&Env::process())?;
    let clients = Clients::from_env().await;
    let gate = Gate::new(access, &clients.dynamodb, handler.unavailable_retry_after);
    let app = status::App {
        gate,
        images: ImageStore::new(clients.s3, resources.bucket)
            .signed_with(clients.credentials.clone()),
        jobs: JobTable::new(clients.dynamodb.clone(), resources.table),
        list: ListTable::new(clients.dynamodb, list_table),
        settings: handler,
    };
    let app = &app;
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(status::handle(app, request).await)
    }))
    .await
}
