//! The job and what it produces, independent of where it is stored.

mod failure;
mod job;
mod message;
mod outputs;

pub use failure::{FailureCode, JobError};
pub use job::{JobId, JobIdError, JobRecord, JobStatus, OriginalUpload};
pub use message::{JobMessage, MessageError};
pub use outputs::{OutputInfo, OutputName, Outputs};
