use serde::{Deserialize, Serialize};

use super::JobId;

/// The SQS message that names a job. Small and versioned; never the image bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobMessage {
    pub version: u32,
    pub job_id: JobId,
}

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("message body is not a job message")]
    Malformed(#[source] serde_json::Error),
    #[error("message version {0} is not supported (expected {current})", current = JobMessage::VERSION)]
    UnsupportedVersion(u32),
}

impl JobMessage {
    pub const VERSION: u32 = 1;

    pub fn new(job_id: JobId) -> Self {
        Self {
            version: Self::VERSION,
            job_id,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a job message always serializes")
    }

    pub fn parse(body: &str) -> Result<Self, MessageError> {
        let message: Self = serde_json::from_str(body).map_err(MessageError::Malformed)?;
        if message.version != Self::VERSION {
            return Err(MessageError::UnsupportedVersion(message.version));
        }
        Ok(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_round_trips() {
        let message = JobMessage::new(JobId::new_random());
        assert_eq!(JobMessage::parse(&message.to_json()).unwrap(), message);
    }

    #[test]
    fn unknown_versions_and_garbage_are_rejected() {
        let id = JobId::new_random();
        let v2 = format!(r#"{{"version":2,"job_id":"{id}"}}"#);
        assert!(matches!(
            JobMessage::parse(&v2),
            Err(MessageError::UnsupportedVersion(2))
        ));
        assert!(matches!(
            JobMessage::parse("hello"),
            Err(MessageError::Malformed(_))
        ));
        assert!(matches!(
            JobMessage::parse(r#"{"version":1,"job_id":"nope"}"#),
            Err(MessageError::Malformed(_))
        ));
    }
}
