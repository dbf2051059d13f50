//! Telling callers that a job started or ended, from one place: the jobs table's stream.
//!
//! A status change is a conditional write, so the stream holds exactly the transitions that
//! happened; a duplicate or late SQS delivery of a job writes nothing new and so notifies
//! nothing. The `notifier` function reads the stream ([`transition`]) and fans out:
//! - webhooks: one [`attempt::WebhookAttempt`] per transition on the webhook queue, which the
//!   `webhook` function delivers ([`delivery`]), signed as Standard Webhooks 1.0 describes
//!   ([`signature`]) with the job owner's own secrets ([`secrets`]), and retried on the
//!   [`schedule`];
//! - [`events`]: `Image Processed` and `Image Failed` on an EventBridge bus;
//! - [`email`]: one message through SES when the job ends;
//! - [`live`]: every status change to the browsers that watch the job, over WebSockets.
//!
//! An e-mail or event that fails is never retried by holding the stream: [`notice`] sorts
//! the failure, keeps a permanent one on the job and retries the others from a queue.
//!
//! [`payload`] is what they all say about the job: never a presigned link (a receiver fetches
//! fresh ones from the status route).

pub mod attempt;
pub mod delivery;
pub mod email;
pub mod events;
pub mod live;
pub mod notice;
pub mod payload;
pub mod schedule;
pub mod secrets;
pub mod signature;
pub mod transition;
