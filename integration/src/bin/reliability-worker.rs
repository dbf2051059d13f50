//! One processor worker as Lambda would run it: the local bridge polling the queue and the
//! processor handler in this process. The reliability harness starts and kills these.

use std::time::Duration;

use ferrotype_local::bridge::{Bridge, BridgeSettings};
use ferrotype_local::provision::queue_arn;
use ferrotype_service::aws::Clients;
use ferrotype_service::config::Env;
use ferrotype_service::store::{ImageStore, JobTable};
use integration::InProcess;
use processor::settings::Settings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let env = Env::process();
    let Settings { resources, handler } = Settings::from_env(&env)?;
    let queue_url = env.required("QUEUE_URL")?;
    let batch_size = env.parsed_or("BATCH_SIZE", 10)?;
    let clients = Clients::from_env().await;
    let app = processor::App::new(
        ImageStore::new(clients.s3, resources.bucket),
        JobTable::new(clients.dynamodb, resources.table),
        handler,
    );
    let arn = queue_arn(&clients.sqs, &queue_url).await?;
    let bridge = Bridge::new(
        clients.sqs,
        BridgeSettings {
            queue_url,
            batch_size,
            visibility_timeout: None,
            wait_seconds: 1,
        },
        arn,
        InProcess(&app),
    );
    bridge
        .run(tokio::time::sleep(Duration::from_secs(3600)))
        .await;
    Ok(())
}
