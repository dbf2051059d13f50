//! Polls the job queue and invokes the processor, like Lambda's SQS event-source mapping.

use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use ferrotype_local::bridge::{Bridge, BridgeSettings, HttpInvoker};
use ferrotype_local::provision::queue_arn;
use ferrotype_local::shutdown_signal;
use ferrotype_service::aws::Clients;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
struct Args {
    /// The queue to poll.
    #[arg(long, env = "QUEUE_URL")]
    queue_url: String,
    /// The processor's Lambda Invoke URL (cargo lambda watch serves
    /// /2015-03-31/functions/processor/invocations).
    #[arg(long)]
    invoke_url: String,
    /// Messages per invocation (1-10).
    #[arg(long, default_value_t = 10)]
    batch_size: i32,
    /// Seconds a received message stays hidden; defaults to the queue's setting.
    #[arg(long)]
    visibility_timeout: Option<i32>,
    /// Long-poll wait in seconds.
    #[arg(long, default_value_t = 1)]
    wait_seconds: i32,
    /// How long one invocation may take, in seconds (the first one compiles the function).
    #[arg(long, default_value_t = 600)]
    invoke_timeout: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args = Args::parse();
    let clients = Clients::from_env().await;
    let arn = queue_arn(&clients.sqs, &args.queue_url)
        .await
        .context("looking up the queue")?;
    let invoker = HttpInvoker::new(&args.invoke_url, Duration::from_secs(args.invoke_timeout))?;
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
    tracing::info!(invoke_url = %args.invoke_url, "bridge polling");
    bridge.run(shutdown_signal()).await;
    tracing::info!("bridge stopped");
    Ok(())
}
