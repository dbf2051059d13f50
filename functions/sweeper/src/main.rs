use std::time::Duration;

use ferrotype_service::aws::Clients;
use ferrotype_service::config::{Env, Resources};
use ferrotype_service::store::{JobQueue, JobTable};
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use time::OffsetDateTime;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let env = Env::process();
    let resources = Resources::from_env(&env)?;
    let queue_url = env.required("QUEUE_URL")?;
    let stale_after = Duration::from_secs(env.parsed_or("STALE_AFTER_SECONDS", 300u64)?);
    let clients = Clients::from_env().await;
    let app = sweeper::App {
        jobs: JobTable::new(clients.dynamodb, resources.table),
        queue: JobQueue::new(clients.sqs, queue_url),
        stale_after,
    };
    let app = &app;
    // The scheduled event's content is not needed: each run sweeps the whole table.
    run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            let sweep = sweeper::sweep(app, OffsetDateTime::now_utc()).await?;
            tracing::info!(stale = sweep.stale, requeued = sweep.requeued, "sweep done");
            Ok::<_, Error>(sweep)
        },
    ))
    .await
}
