//! One e-mail through SES when a job ends: what happened and the link to its status (never
//! a presigned URL, which would outlive its purpose in an inbox).

use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use ferrotype_service::domain::{JobStatus, NotifyEmail};
use tracing::info;

use crate::payload::JobSummary;

#[derive(Debug, Clone)]
pub struct Mailer {
    client: aws_sdk_sesv2::Client,
    /// The verified sender.
    from: String,
    /// The API's base URL, for the status link.
    api_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("SES SendEmail failed")]
    Send(#[source] Box<aws_sdk_sesv2::Error>),
    #[error("the e-mail could not be built")]
    Build(#[from] aws_sdk_sesv2::error::BuildError),
}

/// The subject and text of the message about `job`.
pub fn compose(job: &JobSummary, api_url: &str) -> (String, String) {
    let link = format!("{}{}", api_url.trim_end_matches('/'), job.links.status);
    match job.status {
        JobStatus::Completed => (
            "Your image is ready".into(),
            format!(
                "Your image {} has been processed: a thumbnail, a preview and an optimized copy \
                 are ready.\n\nGet the download links from {link}\n",
                job.id
            ),
        ),
        _ => {
            let why = job
                .error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_else(|| "it could not be processed".into());
            (
                "Your image could not be processed".into(),
                format!(
                    "Your image {} could not be processed: {why}\n\nIts status: {link}\n",
                    job.id
                ),
            )
        }
    }
}

impl Mailer {
    pub fn new(client: aws_sdk_sesv2::Client, from: String, api_url: String) -> Self {
        Self {
            client,
            from,
            api_url,
        }
    }

    pub async fn send(&self, to: &NotifyEmail, job: &JobSummary) -> Result<(), EmailError> {
        let (subject, text) = compose(job, &self.api_url);
        let content = |data: String| Content::builder().data(data).charset("UTF-8").build();
        let message = Message::builder()
            .subject(content(subject)?)
            .body(Body::builder().text(content(text)?).build())
            .build();
        self.client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(to.as_str()).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(|err| EmailError::Send(Box::new(err.into())))?;
        info!(job_id = %job.id, "e-mail sent");
        Ok(())
    }
}
