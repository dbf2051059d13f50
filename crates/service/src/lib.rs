//! ferrotype's service library: what every function shares, and no image codec (that is
//! `ferrotype-imaging`, which only the processor links).
//!
//! Layout, by architectural role:
//! - [`domain`]: job ids, statuses and their transitions, outputs, failure codes, the queue
//!   message.
//! - [`config`]: settings read from the environment (set by `template.yaml` in AWS and by
//!   the local tooling at home).
//! - [`store`]: adapters over the real AWS SDK clients, in domain words — originals and
//!   outputs in S3 ([`store::ImageStore`]), job records in DynamoDB ([`store::JobTable`]),
//!   job messages in SQS ([`store::JobQueue`]).
//! - [`problem`]: RFC 9457 problem details, the one place HTTP errors are shaped.
//! - [`routes`]: what the HTTP functions share about their routes (methods, the job id).
//! - [`direct_upload`]: whether a direct upload's object becomes a job (ingest, sweeper).
//! - [`metrics`]: what the service counts (CloudWatch embedded metrics).
//! - [`aws`]: building the SDK clients once, at init.
//! - [`logging`]: the functions' log filter, never at `trace` (raw events carry credentials).

pub mod aws;
pub mod config;
pub mod direct_upload;
pub mod domain;
pub mod logging;
pub mod metrics;
pub mod problem;
pub mod routes;
pub mod store;
