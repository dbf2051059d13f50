//! What AWS provides in the cloud, made locally against an emulator (moto or LocalStack):
//! - [`provision`] creates the bucket, table, queue and dead-letter queue that
//!   `template.yaml` declares;
//! - [`bridge`] polls the queue and invokes the processor the way Lambda's SQS event-source
//!   mapping does.

pub mod bridge;
pub mod provision;
