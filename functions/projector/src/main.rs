use aws_lambda_events::event::dynamodb::Event;
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::metrics;
use ferrotype_service::store::ListTable;
use lambda_runtime::{Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let collector = metrics::collector("projector")?;
    let table = Env::process().required("LIST_TABLE_NAME")?;
    let clients = Clients::from_env().await;
    let app = projector::App {
        list: ListTable::new(clients.dynamodb, table),
    };
    let app = &app;
    metrics::run(collector, move |event: LambdaEvent<Event>| async move {
        Ok::<_, Error>(projector::handle(app, event.payload).await)
    })
    .await
}
