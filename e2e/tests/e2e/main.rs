//! The end-to-end tests: real HTTP against the stack that `cargo run -p xtask -- e2e`
//! (`make e2e`, and the end of `make test`) starts on free loopback ports, the processes of
//! `make dev`: moto, `cargo lambda watch`, the bridges and the live gateway.
//!
//! They keep to what only that stack can show; the handlers' behaviour is the integration
//! tests' (`integration/tests/`), which call them in-process against the emulator.
//! - [`upload`]: the curl flow of docs/local.md, multipart, idempotency, delete;
//! - [`direct`]: the direct upload lines `make dev` prints, run as printed;
//! - [`errors`]: client errors through the router;
//! - [`callers`]: no key, a forged key, the health check;
//! - [`listing`]: the caller's list, kept from the jobs stream by the projector;
//! - [`webhooks`]: a job's signed webhooks through the whole pipeline;
//! - [`page`]: the web page in headless Chromium;
//! - [`variants`]: every variant in every format, decoded by Pillow.

mod callers;
mod direct;
mod errors;
mod listing;
mod page;
mod upload;
mod variants;
mod webhooks;

use e2e::{Api, Env};

/// The stack the xtask described, and a client of its API as the stack's caller.
fn stack() -> anyhow::Result<(Env, Api)> {
    let env = Env::from_env()?;
    let api = Api::new(&env)?;
    Ok((env, api))
}
