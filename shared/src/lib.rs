//! The library every ferrotype function uses.
//!
//! Layout, by architectural role:
//! - [`domain`]: job ids, statuses and their transitions, outputs, the queue message.
//! - [`config`]: settings read from the environment (set by `template.yaml` in AWS and by
//!   the local tooling at home).
//! - [`store`]: adapters over the real AWS SDK clients, in domain words — originals and
//!   outputs in S3 ([`store::ImageStore`]), job records in DynamoDB ([`store::JobTable`]),
//!   job messages in SQS ([`store::JobQueue`]).
//! - [`imaging`]: sniffing an upload's type from its bytes, and the image pipeline that
//!   makes the thumbnail, preview and optimized outputs.
//! - [`problem`]: RFC 9457 problem details, the one place HTTP errors are shaped.
//! - [`aws`]: building the SDK clients once, at init.
//!
//! `aws`, `store` and `problem` need the default `aws` feature; the rest is plain code.

#[cfg(feature = "aws")]
pub mod aws;
pub mod config;
pub mod domain;
pub mod imaging;
#[cfg(feature = "aws")]
pub mod problem;
#[cfg(feature = "aws")]
pub mod store;
