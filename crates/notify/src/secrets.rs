//! The webhook signing secrets, kept in AWS Secrets Manager: the secret's value is one or
//! more `whsec_` secrets separated by spaces, newest first. Read again after a while, so a
//! rotation reaches running functions without a deploy.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::signature::{SecretError, SigningKeys};

#[derive(Debug)]
pub struct SecretSource {
    client: aws_sdk_secretsmanager::Client,
    secret_id: String,
    refresh: Duration,
    cached: Mutex<Option<(Instant, SigningKeys)>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretSourceError {
    #[error("GetSecretValue of {secret_id} failed")]
    Get {
        secret_id: String,
        #[source]
        source: Box<aws_sdk_secretsmanager::Error>,
    },
    #[error("secret {secret_id} has no string value")]
    NotText { secret_id: String },
    #[error("secret {secret_id} does not hold webhook secrets")]
    Malformed {
        secret_id: String,
        #[source]
        source: SecretError,
    },
}

impl SecretSource {
    pub fn new(
        client: aws_sdk_secretsmanager::Client,
        secret_id: impl Into<String>,
        refresh: Duration,
    ) -> Self {
        Self {
            client,
            secret_id: secret_id.into(),
            refresh,
            cached: Mutex::new(None),
        }
    }

    /// The keys, read at most once per `refresh`.
    pub async fn keys(&self) -> Result<SigningKeys, SecretSourceError> {
        let mut cached = self.cached.lock().await;
        if let Some((at, keys)) = cached.as_ref() {
            if at.elapsed() < self.refresh {
                return Ok(keys.clone());
            }
        }
        let output = self
            .client
            .get_secret_value()
            .secret_id(&self.secret_id)
            .send()
            .await
            .map_err(|err| SecretSourceError::Get {
                secret_id: self.secret_id.clone(),
                source: Box::new(err.into()),
            })?;
        let text = output
            .secret_string()
            .ok_or_else(|| SecretSourceError::NotText {
                secret_id: self.secret_id.clone(),
            })?;
        let keys = SigningKeys::parse(text).map_err(|source| SecretSourceError::Malformed {
            secret_id: self.secret_id.clone(),
            source,
        })?;
        *cached = Some((Instant::now(), keys.clone()));
        Ok(keys)
    }
}
