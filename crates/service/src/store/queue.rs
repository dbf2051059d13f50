use super::StoreError;
use crate::domain::JobMessage;

/// The queue that hands jobs to the processor.
#[derive(Debug, Clone)]
pub struct JobQueue {
    client: aws_sdk_sqs::Client,
    queue_url: String,
}

impl JobQueue {
    pub fn new(client: aws_sdk_sqs::Client, queue_url: impl Into<String>) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
        }
    }

    pub async fn enqueue(&self, message: &JobMessage) -> Result<(), StoreError> {
        self.client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(message.to_json())
            .send()
            .await
            .map_err(|e| StoreError::sqs("SendMessage", e))?;
        Ok(())
    }
}
