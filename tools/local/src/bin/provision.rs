//! Creates the local stack on an emulator and prints it as env-file lines.

use clap::Parser;
use ferrotype_local::provision::{
    provision, provision_notifications, NotificationClients, QueueSettings,
};
use ferrotype_service::aws::Clients;

/// Create the bucket, table, queue and dead-letter queue on the emulator named by
/// AWS_ENDPOINT_URL, and print them as KEY=value lines.
#[derive(Parser)]
struct Args {
    /// Name prefix: bucket <prefix>, table and queue <prefix>-jobs, DLQ <prefix>-jobs-dlq.
    #[arg(long, default_value = "ferrotype-local")]
    prefix: String,
    /// The queue's visibility timeout in seconds.
    #[arg(long, default_value_t = 30)]
    visibility_timeout: u32,
    /// Receives before a message moves to the dead-letter queue.
    #[arg(long, default_value_t = 5)]
    max_receive_count: u32,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let clients = Clients::from_env().await;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let queue = QueueSettings {
        visibility_timeout_secs: args.visibility_timeout,
        max_receive_count: args.max_receive_count,
    };
    let stack = provision(&clients, &args.prefix, queue).await?;
    print!("{}", stack.env_lines());
    let notifications =
        provision_notifications(&NotificationClients::new(&config), &args.prefix).await?;
    print!("{}", notifications.env_lines());
    // The sweeper's in-flight window follows the local queue, as template.yaml's does.
    println!("RESEND_AFTER_SECONDS={}", queue.in_flight_secs());
    Ok(())
}
