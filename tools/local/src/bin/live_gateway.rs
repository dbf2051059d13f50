//! The live channel's WebSocket API on loopback, invoking the `live` function as API
//! Gateway does (see `ferrotype_local::live`).

use anyhow::Context;
use clap::Parser;
use ferrotype_local::bridge::InvokeArgs;
use ferrotype_local::live::LiveGateway;
use ferrotype_local::{init_tracing, shutdown_signal};

#[derive(Parser)]
struct Args {
    /// Where to listen (loopback only).
    #[arg(long, default_value = "127.0.0.1:9001")]
    listen: std::net::SocketAddr,
    // Invokes the live function (/2015-03-31/functions/live/invocations).
    #[command(flatten)]
    invoke: InvokeArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_tracing();
    let args = Args::parse();
    anyhow::ensure!(
        args.listen.ip().is_loopback(),
        "listen on a loopback address only"
    );
    let invoker = args.invoke.invoker()?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let router = LiveGateway::new(invoker, args.listen.to_string()).router();
    tracing::info!(listen = %args.listen, invoke_url = %args.invoke.invoke_url, "live gateway listening");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}
