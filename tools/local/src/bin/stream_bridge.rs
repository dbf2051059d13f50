//! Reads the jobs table's stream and invokes the notifier, like Lambda's DynamoDB-stream
//! event-source mapping.

use anyhow::Context;
use clap::Parser;
use ferrotype_local::bridge::InvokeArgs;
use ferrotype_local::stream::{stream_arn, StreamBridge};
use ferrotype_local::{init_tracing, shutdown_signal};
use ferrotype_service::aws::Clients;

#[derive(Parser)]
struct Args {
    /// The table whose stream to read.
    #[arg(long, env = "TABLE_NAME")]
    table: String,
    // Invokes the notifier function (/2015-03-31/functions/notifier/invocations).
    #[command(flatten)]
    invoke: InvokeArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_tracing();
    let args = Args::parse();
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let clients = Clients::from_config(&config, false);
    let arn = stream_arn(&clients.dynamodb, &args.table)
        .await
        .context("looking up the table")?
        .context("the table has no stream (provision it again)")?;
    let invoker = args.invoke.invoker()?;
    let mut bridge = StreamBridge::new(aws_sdk_dynamodbstreams::Client::new(&config), arn, invoker);
    tracing::info!(invoke_url = %args.invoke.invoke_url, "stream bridge reading");
    bridge.run(shutdown_signal()).await;
    tracing::info!("stream bridge stopped");
    Ok(())
}
