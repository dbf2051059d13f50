//! The live channel's WebSocket API on loopback, invoking the `live` function as API
//! Gateway does (see `ferrotype_local::live`).

use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use ferrotype_local::bridge::HttpInvoker;
use ferrotype_local::live::LiveGateway;
use ferrotype_local::shutdown_signal;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
struct Args {
    /// Where to listen (loopback only).
    #[arg(long, default_value = "127.0.0.1:9001")]
    listen: std::net::SocketAddr,
    /// The live function's Lambda Invoke URL (cargo lambda watch serves
    /// /2015-03-31/functions/live/invocations).
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
    anyhow::ensure!(
        args.listen.ip().is_loopback(),
        "listen on a loopback address only"
    );
    let invoker = HttpInvoker::new(&args.invoke_url, Duration::from_secs(args.invoke_timeout))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let router = LiveGateway::new(invoker, args.listen.to_string()).router();
    tracing::info!(listen = %args.listen, invoke_url = %args.invoke_url, "live gateway listening");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}
