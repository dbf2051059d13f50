//! The job and what it produces, independent of where it is stored.

mod job;
mod message;
mod outputs;

pub use job::{JobError, JobId, JobIdError, JobRecord, JobStatus, OriginalUpload};
pub use message::{JobMessage, MessageError};
pub use outputs::{OutputInfo, OutputName, Outputs};
