//! `ferrotype-keys`: make, list and revoke API keys in the stack's API key table, with the
//! AWS credentials and region of the environment (`AWS_ENDPOINT_URL` for an emulator).

use anyhow::Context;
use clap::{Parser, Subcommand};
use ferrotype_access::ApiKeyTable;
use ferrotype_service::aws::Clients;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[derive(Parser)]
#[command(
    name = "ferrotype-keys",
    about = "Create, list and revoke ferrotype API keys"
)]
struct Args {
    /// The API key table: the stack's `ApiKeyTableName` output.
    #[arg(long, env = "API_KEY_TABLE_NAME")]
    table: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make a key for a caller and print it (to stdout, once: only its hash is kept).
    Create {
        /// The caller's name (letters, digits, '.', '_', '-'): all its keys see the same jobs.
        #[arg(long)]
        caller: String,
        /// What the key is for, shown by `list`.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List every key (never the key itself), as JSON lines.
    List,
    /// Revoke a key by its id; it is refused from the next request on.
    Revoke { key_id: String },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let clients = Clients::from_env().await;
    let keys = ApiKeyTable::new(clients.dynamodb, &args.table);
    let now = OffsetDateTime::now_utc();
    match args.command {
        Command::Create { caller, label } => {
            let (key, info) = keys
                .create(&caller, &label, now)
                .await
                .context("creating the key")?;
            eprintln!(
                "made key {} for caller {}; it is shown once, below",
                info.key_id, info.caller
            );
            println!("{}", key.expose());
        }
        Command::List => {
            for info in keys.list().await.context("listing the keys")? {
                println!("{}", serde_json::to_string(&info)?);
            }
        }
        Command::Revoke { key_id } => {
            let info = keys
                .revoke(&key_id, now)
                .await
                .context("revoking the key")?;
            let at = info.revoked_at.unwrap_or(now).format(&Rfc3339)?;
            eprintln!(
                "key {} of caller {} is revoked since {at}",
                info.key_id, info.caller
            );
        }
    }
    Ok(())
}
