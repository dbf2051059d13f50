//! One-off migration for a table whose records predate the sweeper's index: marks every
//! waiting job that has no `sweep_from`, so the sweeper's query finds it (see
//! docs/reliability.md). Runs against whatever the environment names: AWS with the
//! operator's credentials, or an emulator with `AWS_ENDPOINT_URL`. Safe to repeat.

use clap::Parser;
use ferrotype_local::backfill;
use ferrotype_service::aws::Clients;

/// Mark the waiting jobs written before the sweeper's index, once, after the deploy.
#[derive(Parser)]
struct Args {
    /// The jobs table (the stack's TableName output).
    #[arg(long, env = "TABLE_NAME")]
    table: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let clients = Clients::from_env().await;
    let marked = backfill::index_unmarked_waiting(&clients.dynamodb, &args.table).await?;
    println!(
        "{marked} waiting jobs marked for the sweeper in {}",
        args.table
    );
    Ok(())
}
