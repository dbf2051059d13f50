//! One e-mail through SES when a job ends: what happened and the link to its status (never
//! a presigned URL, which would outlive its purpose in an inbox).

use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use ferrotype_service::domain::{JobStatus, NotifyEmail};
use tracing::info;

use crate::notice::Failure;
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

impl EmailError {
    /// Whether another try may pass. SES's answer is named by its code only: its message
    /// may quote the address.
    pub fn failure(&self) -> Failure {
        use aws_sdk_sesv2::error::ProvideErrorMetadata;
        use aws_sdk_sesv2::Error as Ses;
        match self {
            Self::Build(_) => Failure::Permanent("the e-mail could not be built".into()),
            Self::Send(err) => {
                let code = err.code().unwrap_or("no error code");
                match err.as_ref() {
                    // The address or the message itself: the same again is refused again.
                    Ses::MessageRejected(_)
                    | Ses::BadRequestException(_)
                    | Ses::MailFromDomainNotVerifiedException(_)
                    | Ses::NotFoundException(_) => {
                        Failure::Permanent(format!("SES refused the message ({code})"))
                    }
                    // Throttling, a paused or over-quota account, a server error or no
                    // answer at all: it may pass later.
                    _ => Failure::Transient(format!("SES did not send the message ({code})")),
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sesv2::error::ErrorMetadata;
    use aws_sdk_sesv2::types::error::{MessageRejected, SendingPausedException};

    fn meta(code: &str) -> ErrorMetadata {
        ErrorMetadata::builder()
            .code(code)
            .message("Email address is not verified: ann@example.com")
            .build()
    }

    #[test]
    fn a_rejected_address_is_permanent_and_named_by_code_only() {
        let err = EmailError::Send(Box::new(aws_sdk_sesv2::Error::MessageRejected(
            MessageRejected::builder()
                .meta(meta("MessageRejected"))
                .build(),
        )));
        let failure = err.failure();
        assert!(matches!(failure, Failure::Permanent(_)), "{failure:?}");
        assert!(failure.reason().contains("MessageRejected"));
        assert!(!failure.reason().contains("ann@example.com"));
    }

    #[test]
    fn a_paused_account_may_pass_later_and_a_message_that_cannot_be_built_never() {
        let paused = EmailError::Send(Box::new(aws_sdk_sesv2::Error::SendingPausedException(
            SendingPausedException::builder()
                .meta(meta("SendingPausedException"))
                .build(),
        )));
        assert!(matches!(paused.failure(), Failure::Transient(_)));
        let built = EmailError::Build(aws_sdk_sesv2::error::BuildError::missing_field(
            "data", "no text",
        ));
        assert!(matches!(built.failure(), Failure::Permanent(_)));
    }
}
