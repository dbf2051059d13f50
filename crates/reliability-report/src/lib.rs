//! The reliability suite's figures as data, written by the side that measures them and read
//! by the side that runs it:
//!
//! - the harness in `integration` (`target/debug/reliability --json`, `target/debug/load`)
//!   prints [`Reports`] and a [`LoadSummary`] as JSON;
//! - `cargo run -p xtask -- reliability` starts them, reads the JSON back into the same
//!   types, adds its own rows and prints one [`Table`].
//!
//! Both run at one [`Scale`]. A crate of its own, with only serde and clap, so that the xtask
//! reads the harness's reports without linking the functions or the AWS SDK.

mod load;
mod scale;
mod scenario;
mod table;

pub use load::LoadSummary;
pub use scale::Scale;
pub use scenario::{Figure, Report, Reports};
pub use table::{Row, Table};
