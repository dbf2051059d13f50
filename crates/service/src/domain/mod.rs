//! The job and what it produces, independent of where it is stored.

mod caller;
mod failure;
mod idempotency;
mod job;
mod lifecycle;
mod listing;
mod message;
mod notification;
mod outputs;

pub use caller::{CallerId, CallerNameError};
pub use failure::{FailureCode, JobError};
pub use idempotency::{
    Fingerprint, IdempotencyKey, IdempotencyKeyError, ScopedKey, StoredResponse,
};
pub use job::{JobId, JobIdError, JobRecord, JobStatus, OriginalUpload, UploadSource};
pub use lifecycle::{Guard, Lease, LeaseToken, Move, Start};
pub use listing::{
    epoch_millis, listable, ListEntry, SortKey, StreamSequence, StreamSequenceError,
};
pub use message::{JobMessage, MessageError};
pub use notification::{
    is_public, CallbackUrl, CallbackUrlError, DeliveryState, NoticeChannel, NoticeDeliveries,
    NoticeDelivery, NoticeState, Notifications, NotifyEmail, NotifyEmailError, ReceiverPolicy,
    WebhookDeliveries, WebhookDelivery, WebhookEvent, MAX_CALLBACK_URL_LEN,
};
pub use outputs::{OutputInfo, OutputName, Outputs, Placeholder, VariantFile, VariantInfo};
