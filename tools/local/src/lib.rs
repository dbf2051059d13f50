//! What AWS provides in the cloud, made locally against an emulator (moto or LocalStack):
//! - [`provision`] creates the bucket, table, queue and dead-letter queue that
//!   `template.yaml` declares;
//! - [`bridge`] polls the queue and invokes the processor the way Lambda's SQS event-source
//!   mapping does;
//! - [`stream`] reads the jobs table's stream and invokes the notifier the way Lambda's
//!   DynamoDB-stream mapping does;
//! - [`live`] serves the live channel's WebSocket API and its `@connections` API.
//!
//! [`backfill`] is the one-off migration of a jobs table whose records predate the sweeper's
//! index, run by the `backfill-sweep-index` binary (it works against AWS as well).

pub mod backfill;
pub mod bridge;
pub mod live;
pub mod provision;
pub mod stream;

/// Logs to stderr at `RUST_LOG`'s level, `info` by default: how the stand-ins' binaries log.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
}

/// Completes on Ctrl-C or SIGTERM: how the bridges' binaries stop.
pub async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
