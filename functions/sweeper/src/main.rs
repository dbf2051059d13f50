use std::time::Duration;

use ferrotype_service::aws::Clients;
use ferrotype_service::config::{max_direct_upload_bytes, Env, Resources};
use ferrotype_service::direct_upload::DirectUploads;
use ferrotype_service::metrics;
use ferrotype_service::store::{ImageStore, JobQueue, JobTable};
use lambda_runtime::{tracing, Error, LambdaEvent};
use time::OffsetDateTime;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let collector = metrics::collector("sweeper")?;
    let env = Env::process();
    let resources = Resources::from_env(&env)?;
    let queue_url = env.required("QUEUE_URL")?;
    // 360 s visibility x 5 receives, the job queue's settings in template.yaml.
    let resend_after = Duration::from_secs(env.parsed_or("RESEND_AFTER_SECONDS", 1800u64)?);
    let upload_grace = Duration::from_secs(env.parsed_or("UPLOAD_GRACE_SECONDS", 300u64)?);
    let max_bytes = max_direct_upload_bytes(&env)?;
    let clients = Clients::from_env().await;
    let jobs = JobTable::new(clients.dynamodb, resources.table);
    let queue = JobQueue::new(clients.sqs, queue_url);
    let app = sweeper::App {
        jobs: jobs.clone(),
        queue: queue.clone(),
        resend_after,
        uploads: DirectUploads {
            images: ImageStore::new(clients.s3, resources.bucket),
            jobs,
            queue,
            max_bytes,
        },
        upload_grace,
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
