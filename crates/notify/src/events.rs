//! `Image Processed` and `Image Failed` on an EventBridge bus (source `ferrotype`), so other
//! systems subscribe with rules.

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use ferrotype_service::domain::WebhookEvent;
use tracing::info;

use crate::notice::Failure;
use crate::payload::JobSummary;

/// The events' `source`.
pub const SOURCE: &str = "ferrotype";

/// The bus the events go to.
#[derive(Debug, Clone)]
pub struct EventBus {
    client: aws_sdk_eventbridge::Client,
    bus: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("PutEvents to bus {bus} failed")]
    Put {
        bus: String,
        #[source]
        source: Box<aws_sdk_eventbridge::Error>,
    },
    #[error("bus {bus} refused the event: {code}: {message}")]
    Refused {
        bus: String,
        code: String,
        message: String,
    },
}

/// Entry error codes a later try may pass (PutEvents' documented retryable ones).
const TRANSIENT_ENTRY_CODES: [&str; 2] = ["InternalFailure", "ThrottlingException"];

/// Request error codes no later try passes: the request or the bus is wrong.
const PERMANENT_CODES: [&str; 3] = [
    "ValidationException",
    "ResourceNotFoundException",
    "InvalidEventPatternException",
];

impl EventError {
    /// Whether another try may pass.
    pub fn failure(&self) -> Failure {
        use aws_sdk_eventbridge::error::ProvideErrorMetadata;
        match self {
            Self::Put { source, .. } => {
                let code = source.code().unwrap_or("no error code");
                if PERMANENT_CODES.contains(&code) {
                    Failure::Permanent(format!("EventBridge refused the event ({code})"))
                } else {
                    Failure::Transient(format!("EventBridge did not take the event ({code})"))
                }
            }
            Self::Refused { code, .. } => {
                if TRANSIENT_ENTRY_CODES.contains(&code.as_str()) {
                    Failure::Transient(format!("EventBridge did not take the event ({code})"))
                } else {
                    Failure::Permanent(format!("EventBridge refused the event ({code})"))
                }
            }
        }
    }
}

/// The `detail-type` of an event, or `None` for a transition that is not one (a start).
pub fn detail_type(event: WebhookEvent) -> Option<&'static str> {
    match event {
        WebhookEvent::Completed => Some("Image Processed"),
        WebhookEvent::Failed => Some("Image Failed"),
        WebhookEvent::Processing => None,
    }
}

impl EventBus {
    pub fn new(client: aws_sdk_eventbridge::Client, bus: impl Into<String>) -> Self {
        Self {
            client,
            bus: bus.into(),
        }
    }

    /// Puts the event of a job that ended; a start puts nothing.
    pub async fn publish(&self, event: WebhookEvent, job: &JobSummary) -> Result<(), EventError> {
        let Some(detail_type) = detail_type(event) else {
            return Ok(());
        };
        let entry = PutEventsRequestEntry::builder()
            .event_bus_name(&self.bus)
            .source(SOURCE)
            .detail_type(detail_type)
            .detail(serde_json::to_string(job).expect("a job summary serializes"))
            .build();
        let output = self
            .client
            .put_events()
            .entries(entry)
            .send()
            .await
            .map_err(|err| EventError::Put {
                bus: self.bus.clone(),
                source: Box::new(err.into()),
            })?;
        if output.failed_entry_count() > 0 {
            let failed = output.entries().first();
            return Err(EventError::Refused {
                bus: self.bus.clone(),
                code: failed
                    .and_then(|e| e.error_code())
                    .unwrap_or("unknown")
                    .into(),
                message: failed
                    .and_then(|e| e.error_message())
                    .unwrap_or_default()
                    .into(),
            });
        }
        info!(job_id = %job.id, detail_type, bus = %self.bus, "event published");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: &str) -> EventError {
        EventError::Refused {
            bus: "b".into(),
            code: code.into(),
            message: String::new(),
        }
    }

    #[test]
    fn throttling_and_internal_failures_may_pass_later_and_the_rest_do_not() {
        assert!(matches!(
            refused("ThrottlingException").failure(),
            Failure::Transient(_)
        ));
        assert!(matches!(
            refused("InternalFailure").failure(),
            Failure::Transient(_)
        ));
        let failure = refused("MalformedDetail").failure();
        assert!(matches!(failure, Failure::Permanent(_)), "{failure:?}");
        assert!(failure.reason().contains("MalformedDetail"));
    }
}
