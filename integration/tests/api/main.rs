//! The integration tests of the whole flow, as one test binary (one link of every function
//! crate instead of one per file). Each module is one area; each test makes its own
//! uniquely named bucket, table and queues on the emulator, so they run in parallel.
//! `metrics.rs` beside this folder is a binary of its own: the metrics collector is the
//! process's one global recorder, and other tests' jobs would count in it.

mod callers;
mod compensation;
mod delete;
mod direct;
mod events;
mod floods;
mod flow;
mod heif;
mod idempotency;
mod limits;
mod listing;
mod live;
mod notices;
mod notifications;
mod openapi;
mod recovery;
mod retention;
mod template;
mod usage;
mod webhook_secrets;
