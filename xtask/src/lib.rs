//! ferrotype's local tooling, in the language of the rest of the project. Every `make`
//! target that starts processes runs one of these commands (`cargo run -p xtask -- …`).
//!
//! Commands, one module each:
//! - [`dev`]: the whole system locally until Ctrl-C (`make dev`).
//! - [`suite`]: `cargo test --workspace --exclude e2e` against moto, then the end-to-end
//!   tests (`make test`, after the lints).
//! - [`e2e`]: the end-to-end tests (the `e2e` crate, `cargo test -p e2e`) over real HTTP on
//!   a stack of their own, which it starts and describes to them (`make e2e`).
//! - [`reliability`]: faults, load and hostile input, one table of figures
//!   (`make test-reliability`).
//! - [`latency`]: from a transition to its webhook and its live push (`make bench-notify`).
//!
//! What they are built from:
//! - [`supervise`]: child processes in process groups of their own, stopped on drop
//!   (SIGTERM, then SIGKILL) and sent SIGTERM by the kernel if their owner dies.
//! - [`interrupt`]: Ctrl-C and SIGTERM as a flag the waiting loops check, so that every
//!   drop runs.
//! - [`ports`]: free loopback ports.
//! - [`moto`], [`aws_env`]: the emulator and the environment that points the SDK at it.
//! - [`stack`]: provision, the functions' env file, `cargo lambda watch`, the SQS bridges.
//! - [`http`]: the blocking HTTP client of the reliability suite and the latency bench.
//!   The webhook receiver and the multipart bodies they use are the `e2e` crate's.
//! - [`workspace`]: where the checkout, `target/` and `.venv/` are; the venv and build steps.

pub mod aws_env;
pub mod dev;
pub mod e2e;
pub mod http;
pub mod interrupt;
pub mod latency;
pub mod list_latency;
pub mod moto;
pub mod ports;
pub mod reliability;
pub mod stack;
pub mod suite;
pub mod supervise;
pub mod workspace;
