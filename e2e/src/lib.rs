//! The client side of the end-to-end tests (`tests/e2e/`, one test binary: `cargo test -p
//! e2e`). They run against the stack that `cargo run -p xtask -- e2e` (`make e2e`) starts on
//! free loopback ports, the processes `make dev` runs, which the xtask describes to them in
//! their environment; run alone, each test fails saying so.
//!
//! - [`env`]: what the stack told the tests (its URL, the caller's key, the webhook secret,
//!   the lines `make dev` prints) and the checkout's paths.
//! - [`api`]: the API's documents as types, and a client that reads answers into them.
//! - [`webhooks`]: a webhook receiver on loopback, and the Standard Webhooks reference
//!   library's verdict on what it received.
//! - [`multipart`]: `multipart/form-data` bodies built byte by byte.
//!
//! The xtask uses the receiver (`make bench-notify`) and the multipart bodies (the
//! reliability suite's hostile requests) too.

pub mod api;
pub mod env;
pub mod multipart;
pub mod webhooks;

pub use api::{Answer, Api};
pub use env::Env;
