//! One-off migration for a stack whose jobs predate the list's projector: puts every job
//! the list table lacks into it, so `GET /images` shows it (see docs/reliability.md). A job
//! the projector has written keeps what it wrote. Runs against whatever the environment
//! names: AWS with the operator's credentials, or an emulator with `AWS_ENDPOINT_URL`.
//! Safe to repeat.

use clap::Parser;
use ferrotype_local::backfill;
use ferrotype_service::aws::Clients;
use ferrotype_service::store::ListTable;

/// List the jobs written before the projector, once, after the deploy.
#[derive(Parser)]
struct Args {
    /// The jobs table (the stack's TableName output).
    #[arg(long, env = "TABLE_NAME")]
    table: String,
    /// The list table (the stack's ListTableName output).
    #[arg(long, env = "LIST_TABLE_NAME")]
    list_table: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let clients = Clients::from_env().await;
    let list = ListTable::new(clients.dynamodb.clone(), &args.list_table);
    let done = backfill::list_existing_jobs(&clients.dynamodb, &args.table, &list).await?;
    println!(
        "{} jobs listed in {}; {} were listed already, {} deleted ones left out",
        done.listed, args.list_table, done.present, done.deleted
    );
    Ok(())
}
