//! Polls the job queue and invokes the processor, like Lambda's SQS event-source mapping.

use anyhow::Context;
use clap::Parser;
use ferrotype_local::bridge::{Bridge, BridgeSettings, InvokeArgs};
use ferrotype_local::provision::queue_arn;
use ferrotype_local::{init_tracing, shutdown_signal};
use ferrotype_service::aws::Clients;

#[derive(Parser)]
struct Args {
    /// The queue to poll.
    #[arg(long, env = "QUEUE_URL")]
    queue_url: String,
    /// Messages per invocation (1-10).
    #[arg(long, default_value_t = 10)]
    batch_size: i32,
    /// Seconds a received message stays hidden; defaults to the queue's setting.
    #[arg(long)]
    visibility_timeout: Option<i32>,
    /// Long-poll wait in seconds.
    #[arg(long, default_value_t = 1)]
    wait_seconds: i32,
    // Invokes the processor function (/2015-03-31/functions/processor/invocations).
    #[command(flatten)]
    invoke: InvokeArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_tracing();
    let args = Args::parse();
    let clients = Clients::from_env().await;
    let arn = queue_arn(&clients.sqs, &args.queue_url)
        .await
        .context("looking up the queue")?;
    let invoker = args.invoke.invoker()?;
    let bridge = Bridge::new(
        clients.sqs,
        BridgeSettings {
            queue_url: args.queue_url,
            batch_size: args.batch_size,
            visibility_timeout: args.visibility_timeout,
            wait_seconds: args.wait_seconds,
        },
        arn,
        invoker,
    );
    tracing::info!(invoke_url = %args.invoke.invoke_url, "bridge polling");
    bridge.run(shutdown_signal()).await;
    tracing::info!("bridge stopped");
    Ok(())
}
