//! Reads the jobs table's stream and invokes the notifier, like Lambda's DynamoDB-stream
//! event-source mapping.

use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use ferrotype_local::bridge::HttpInvoker;
use ferrotype_local::shutdown_signal;
use ferrotype_local::stream::{stream_arn, StreamBridge};
use ferrotype_service::aws::Clients;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
struct Args {
    /// The table whose stream to read.
    #[arg(long, env = "TABLE_NAME")]
    table: String,
    /// The notifier's Lambda Invoke URL (cargo lambda watch serves
    /// /2015-03-31/functions/notifier/invocations).
    #[arg(long)]
    invoke_url: String,
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
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let clients = Clients::from_config(&config, false);
    let arn = stream_arn(&clients.dynamodb, &args.table)
        .await
        .context("looking up the table")?
        .context("the table has no stream (provision it again)")?;
    let invoker = HttpInvoker::new(&args.invoke_url, Duration::from_secs(args.invoke_timeout))?;
    let mut bridge = StreamBridge::new(aws_sdk_dynamodbstreams::Client::new(&config), arn, invoker);
    tracing::info!(invoke_url = %args.invoke_url, "stream bridge reading");
    bridge.run(shutdown_signal()).await;
    tracing::info!("stream bridge stopped");
    Ok(())
}
