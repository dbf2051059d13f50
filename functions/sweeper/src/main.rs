use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::direct_upload::DirectUploads;
use ferrotype_service::metrics;
use ferrotype_service::store::{ImageStore, JobQueue, JobTable};
use lambda_runtime::{tracing, Error, LambdaEvent};
use sweeper::settings::Settings;
use time::OffsetDateTime;

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let collector = metrics::collector("sweeper")?;
    let settings = Settings::from_env(&Env::process())?;
    let clients = Clients::from_env().await;
    let jobs = JobTable::new(clients.dynamodb, settings.resources.table);
    let queue = JobQueue::new(clients.sqs, settings.queue_url);
    let app = sweeper::App {
        jobs: jobs.clone(),
        queue: queue.clone(),
        resend_after: settings.resend_after,
        uploads: DirectUploads {
            images: ImageStore::new(clients.s3, settings.resources.bucket),
            jobs,
            queue,
            max_bytes: settings.max_direct_upload_bytes,
        },
        upload_grace: settings.upload_grace,
    };
    let app = &app;
    // The scheduled event's content is not needed: each run queries what is due now.
    metrics::run(
        collector,
        move |_: LambdaEvent<serde_json::Value>| async move {
            let sweep = sweeper::sweep(app, OffsetDateTime::now_utc()).await?;
            tracing::info!(
                stale = sweep.stale,
                requeued = sweep.requeued,
                skipped = sweep.skipped,
                items_read = sweep.items_read,
                overdue_uploads = sweep.overdue_uploads,
                expired_uploads = sweep.expired_uploads,
                "sweep done"
            );
            Ok::<_, Error>(sweep)
        },
    )
    .await
}
