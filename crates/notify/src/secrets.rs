//! Each caller's webhook signing secrets, one DynamoDB item per caller, the secrets in it
//! encrypted with AWS KMS.
//!
//! An item holds the caller's current secret and, for a while after a rotation, the one
//! before it (`previous`, signing beside the new one until `previous_expires_at`). Each is
//! the KMS ciphertext of the `whsec_` text, encrypted with an encryption context naming the
//! caller: KMS refuses to decrypt it under any other caller's name, so a ciphertext copied
//! into another caller's item is useless, and the table alone reveals no secret.
//!
//! A caller's first secret is made on first need (its first `GET /webhook-secret`, or the
//! first webhook of one of its jobs) with a conditional write, so two first uses at once
//! agree on one secret. A rotation is a conditional write on the item's `version`.
//!
//! [`SigningSecrets`] is the webhook function's view: each caller's keys decrypted and kept
//! for a bounded time, so a rotation reaches signing within that bound.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use ferrotype_service::config::{ConfigError, Env};
use ferrotype_service::domain::CallerId;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::signature::{SecretError, SigningKeys, WebhookSecret};

/// The encryption context's key; its value is the caller id.
pub const CONTEXT_KEY: &str = "ferrotype:webhook-secret-caller";

/// The table's partition key (the caller id), and the item's attributes.
pub const PARTITION_KEY: &str = "caller";
const SECRET: &str = "secret";
const CREATED_AT: &str = "created_at";
const PREVIOUS: &str = "previous";
const PREVIOUS_EXPIRES_AT: &str = "previous_expires_at";
const VERSION: &str = "version";

/// How often a rotation re-reads and tries again when another rotation of the same caller
/// wrote in between.
const ROTATE_TRIES: usize = 5;

/// A caller's secrets, in clear: only ever in memory, and only shown to their caller.
#[derive(Clone, PartialEq, Eq)]
pub struct CallerSecrets {
    pub current: WebhookSecret,
    pub created_at: OffsetDateTime,
    /// The secret before the last rotation and until when it still signs.
    pub previous: Option<(WebhookSecret, OffsetDateTime)>,
}

impl std::fmt::Debug for CallerSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallerSecrets")
            .field("created_at", &self.created_at)
            .field("previous_expires_at", &self.previous.as_ref().map(|p| p.1))
            .finish_non_exhaustive()
    }
}

impl CallerSecrets {
    /// The previous secret, if it has not expired at `now`.
    pub fn previous_at(&self, now: OffsetDateTime) -> Option<(&WebhookSecret, OffsetDateTime)> {
        self.previous
            .as_ref()
            .filter(|(_, expires_at)| *expires_at > now)
            .map(|(secret, expires_at)| (secret, *expires_at))
    }

    /// What a webhook is signed with at `now`: the current secret, then the previous one
    /// while it has not expired.
    pub fn signing_keys(&self, now: OffsetDateTime) -> SigningKeys {
        let mut secrets = vec![self.current.clone()];
        if let Some((previous, _)) = self.previous_at(now) {
            secrets.push(previous.clone());
        }
        SigningKeys::new(secrets).expect("there is always a current secret")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretStoreError {
    #[error("reading the webhook secrets of {caller} failed")]
    Read {
        caller: CallerId,
        #[source]
        source: Box<aws_sdk_dynamodb::Error>,
    },
    #[error("writing the webhook secrets of {caller} failed")]
    Write {
        caller: CallerId,
        #[source]
        source: Box<aws_sdk_dynamodb::Error>,
    },
    #[error("encrypting a webhook secret of {caller} failed")]
    Encrypt {
        caller: CallerId,
        #[source]
        source: Box<aws_sdk_kms::Error>,
    },
    /// Also what a ciphertext made for another caller comes to.
    #[error("decrypting a webhook secret of {caller} failed")]
    Decrypt {
        caller: CallerId,
        #[source]
        source: Box<aws_sdk_kms::Error>,
    },
    #[error("the stored webhook secrets of {caller} are malformed: {reason}")]
    Malformed { caller: CallerId, reason: String },
    #[error("no random numbers for a new webhook secret")]
    Random(#[source] getrandom::Error),
    #[error("rotating the webhook secret of {caller} kept colliding with other rotations")]
    Contended { caller: CallerId },
}

impl SecretStoreError {
    /// Whether KMS refused a ciphertext (tampered, or moved from another caller's item).
    pub fn is_invalid_ciphertext(&self) -> bool {
        matches!(
            self,
            Self::Decrypt { source, .. }
                if matches!(**source, aws_sdk_kms::Error::InvalidCiphertextException(_))
        )
    }
}

/// Where the secrets are: what both functions that use them read from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretStoreSettings {
    /// `WEBHOOK_SECRETS_TABLE`: the table, partition key `caller`.
    pub table: String,
    /// `WEBHOOK_SECRETS_KEY_ID`: the KMS key (id, ARN or alias) the secrets are encrypted
    /// with.
    pub key_id: String,
}

impl SecretStoreSettings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            table: env.required("WEBHOOK_SECRETS_TABLE")?,
            key_id: env.required("WEBHOOK_SECRETS_KEY_ID")?,
        })
    }
}

/// The stored item as read, secrets still encrypted.
struct StoredItem {
    secret: Blob,
    created_at: OffsetDateTime,
    previous: Option<(Blob, OffsetDateTime)>,
    version: u64,
}

/// The webhook secrets table and the KMS key its secrets are encrypted with.
#[derive(Debug, Clone)]
pub struct WebhookSecrets {
    dynamodb: aws_sdk_dynamodb::Client,
    kms: aws_sdk_kms::Client,
    table: String,
    key_id: String,
}

impl WebhookSecrets {
    pub fn new(
        dynamodb: aws_sdk_dynamodb::Client,
        kms: aws_sdk_kms::Client,
        settings: SecretStoreSettings,
    ) -> Self {
        Self {
            dynamodb,
            kms,
            table: settings.table,
            key_id: settings.key_id,
        }
    }

    /// The caller's secrets, made now if it has none yet.
    pub async fn get_or_create(
        &self,
        caller: &CallerId,
        now: OffsetDateTime,
    ) -> Result<CallerSecrets, SecretStoreError> {
        if let Some(item) = self.read(caller).await? {
            return self.open(caller, item).await;
        }
        match self.create(caller, now).await? {
            Some(made) => Ok(made),
            // Another first use wrote first: its secret is the one.
            None => {
                let item = self
                    .read(caller)
                    .await?
                    .ok_or_else(|| SecretStoreError::Malformed {
                        caller: caller.clone(),
                        reason: "the item that refused the first write is gone".into(),
                    })?;
                self.open(caller, item).await
            }
        }
    }

    /// A new current secret; the current one becomes `previous` until `now + overlap`, and
    /// a previous one still in its overlap is dropped.
    pub async fn rotate(
        &self,
        caller: &CallerId,
        now: OffsetDateTime,
        overlap: Duration,
    ) -> Result<CallerSecrets, SecretStoreError> {
        for _ in 0..ROTATE_TRIES {
            let Some(item) = self.read(caller).await? else {
                // Nothing to rotate: the first secret is the new one.
                match self.create(caller, now).await? {
                    Some(made) => return Ok(made),
                    None => continue,
                }
            };
            let fresh = WebhookSecret::random().map_err(SecretStoreError::Random)?;
            let ciphertext = self.encrypt(caller, &fresh).await?;
            let expires_at = now + overlap;
            let written = self
                .dynamodb
                .put_item()
                .table_name(&self.table)
                .item(PARTITION_KEY, AttributeValue::S(caller.as_str().into()))
                .item(SECRET, AttributeValue::B(ciphertext))
                .item(CREATED_AT, AttributeValue::S(rfc3339(now)))
                // The ciphertext moves as it is: it stays under the same caller's context.
                .item(PREVIOUS, AttributeValue::B(item.secret.clone()))
                .item(PREVIOUS_EXPIRES_AT, AttributeValue::S(rfc3339(expires_at)))
                .item(VERSION, AttributeValue::N((item.version + 1).to_string()))
                .condition_expression("#version = :version")
                .expression_attribute_names("#version", VERSION)
                .expression_attribute_values(
                    ":version",
                    AttributeValue::N(item.version.to_string()),
                )
                .send()
                .await;
            match written {
                Ok(_) => {
                    let previous = self.decrypt(caller, &item.secret).await?;
                    return Ok(CallerSecrets {
                        current: fresh,
                        created_at: now,
                        previous: Some((previous, expires_at)),
                    });
                }
                Err(err)
                    if err
                        .as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                {
                    continue
                }
                Err(err) => {
                    return Err(SecretStoreError::Write {
                        caller: caller.clone(),
                        source: Box::new(err.into()),
                    })
                }
            }
        }
        Err(SecretStoreError::Contended {
            caller: caller.clone(),
        })
    }

    /// Writes a first secret unless the caller has one: `None` when it had.
    async fn create(
        &self,
        caller: &CallerId,
        now: OffsetDateTime,
    ) -> Result<Option<CallerSecrets>, SecretStoreError> {
        let fresh = WebhookSecret::random().map_err(SecretStoreError::Random)?;
        let ciphertext = self.encrypt(caller, &fresh).await?;
        let written = self
            .dynamodb
            .put_item()
            .table_name(&self.table)
            .item(PARTITION_KEY, AttributeValue::S(caller.as_str().into()))
            .item(SECRET, AttributeValue::B(ciphertext))
            .item(CREATED_AT, AttributeValue::S(rfc3339(now)))
            .item(VERSION, AttributeValue::N("1".into()))
            .condition_expression("attribute_not_exists(#caller)")
            .expression_attribute_names("#caller", PARTITION_KEY)
            .send()
            .await;
        match written {
            Ok(_) => Ok(Some(CallerSecrets {
                current: fresh,
                created_at: now,
                previous: None,
            })),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(None)
            }
            Err(err) => Err(SecretStoreError::Write {
                caller: caller.clone(),
                source: Box::new(err.into()),
            }),
        }
    }

    async fn read(&self, caller: &CallerId) -> Result<Option<StoredItem>, SecretStoreError> {
        let output = self
            .dynamodb
            .get_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, AttributeValue::S(caller.as_str().into()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|err| SecretStoreError::Read {
                caller: caller.clone(),
                source: Box::new(err.into()),
            })?;
        let Some(item) = output.item else {
            return Ok(None);
        };
        let malformed = |reason: &str| SecretStoreError::Malformed {
            caller: caller.clone(),
            reason: reason.into(),
        };
        let blob = |name: &str| match item.get(name) {
            Some(AttributeValue::B(blob)) => Ok(Some(blob.clone())),
            None => Ok(None),
            Some(_) => Err(malformed(&format!("{name} is not binary"))),
        };
        let at = |name: &str| match item.get(name) {
            Some(AttributeValue::S(text)) => OffsetDateTime::parse(text, &Rfc3339)
                .map(Some)
                .map_err(|_| malformed(&format!("{name} is not an RFC 3339 time"))),
            None => Ok(None),
            Some(_) => Err(malformed(&format!("{name} is not a string"))),
        };
        let secret = blob(SECRET)?.ok_or_else(|| malformed("no secret"))?;
        let created_at = at(CREATED_AT)?.ok_or_else(|| malformed("no created_at"))?;
        let previous = match (blob(PREVIOUS)?, at(PREVIOUS_EXPIRES_AT)?) {
            (Some(previous), Some(expires_at)) => Some((previous, expires_at)),
            (None, None) => None,
            _ => return Err(malformed("previous without its expiry, or the reverse")),
        };
        let version = match item.get(VERSION) {
            Some(AttributeValue::N(n)) => n.parse().map_err(|_| malformed("version"))?,
            _ => return Err(malformed("no version")),
        };
        Ok(Some(StoredItem {
            secret,
            created_at,
            previous,
            version,
        }))
    }

    async fn open(
        &self,
        caller: &CallerId,
        item: StoredItem,
    ) -> Result<CallerSecrets, SecretStoreError> {
        let current = self.decrypt(caller, &item.secret).await?;
        let previous = match item.previous {
            Some((ciphertext, expires_at)) => {
                Some((self.decrypt(caller, &ciphertext).await?, expires_at))
            }
            None => None,
        };
        Ok(CallerSecrets {
            current,
            created_at: item.created_at,
            previous,
        })
    }

    async fn encrypt(
        &self,
        caller: &CallerId,
        secret: &WebhookSecret,
    ) -> Result<Blob, SecretStoreError> {
        let output = self
            .kms
            .encrypt()
            .key_id(&self.key_id)
            .plaintext(aws_sdk_kms::primitives::Blob::new(secret.expose()))
            .encryption_context(CONTEXT_KEY, caller.as_str())
            .send()
            .await
            .map_err(|err| SecretStoreError::Encrypt {
                caller: caller.clone(),
                source: Box::new(err.into()),
            })?;
        let ciphertext = output
            .ciphertext_blob
            .ok_or_else(|| SecretStoreError::Malformed {
                caller: caller.clone(),
                reason: "KMS returned no ciphertext".into(),
            })?;
        Ok(Blob::new(ciphertext.into_inner()))
    }

    async fn decrypt(
        &self,
        caller: &CallerId,
        ciphertext: &Blob,
    ) -> Result<WebhookSecret, SecretStoreError> {
        let output = self
            .kms
            .decrypt()
            // Naming the key refuses a ciphertext made under any other key.
            .key_id(&self.key_id)
            .ciphertext_blob(aws_sdk_kms::primitives::Blob::new(ciphertext.as_ref()))
            .encryption_context(CONTEXT_KEY, caller.as_str())
            .send()
            .await
            .map_err(|err| SecretStoreError::Decrypt {
                caller: caller.clone(),
                source: Box::new(err.into()),
            })?;
        let malformed = |reason: String| SecretStoreError::Malformed {
            caller: caller.clone(),
            reason,
        };
        let plaintext = output
            .plaintext
            .ok_or_else(|| malformed("KMS returned no plaintext".into()))?;
        let text = std::str::from_utf8(plaintext.as_ref())
            .map_err(|_| malformed("a decrypted secret is not text".into()))?;
        WebhookSecret::parse(text).map_err(|err: SecretError| malformed(err.to_string()))
    }
}

/// Each caller's signing keys for the webhook function, decrypted and kept for at most
/// `ttl`: a rotation reaches signing within `ttl`. A previous secret's expiry is checked at
/// each use, so an expired one stops signing at once. At most `capacity` callers are kept.
#[derive(Debug)]
pub struct SigningSecrets {
    store: WebhookSecrets,
    ttl: Duration,
    capacity: usize,
    // A plain mutex, held only to look up or insert: the reads run outside it, so one
    // caller's slow read never holds up another's.
    cache: Mutex<HashMap<CallerId, (Instant, CallerSecrets)>>,
}

impl SigningSecrets {
    pub fn new(store: WebhookSecrets, ttl: Duration, capacity: usize) -> Self {
        Self {
            store,
            ttl,
            capacity: capacity.max(1),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The keys a webhook of `owner`'s job is signed with at `now`, newest first.
    pub async fn keys(
        &self,
        owner: &CallerId,
        now: OffsetDateTime,
    ) -> Result<SigningKeys, SecretStoreError> {
        let cached = {
            let cache = self.cache.lock().expect("the cache lock is never poisoned");
            cache
                .get(owner)
                .filter(|(at, _)| at.elapsed() < self.ttl)
                .map(|(_, secrets)| secrets.clone())
        };
        if let Some(secrets) = cached {
            return Ok(secrets.signing_keys(now));
        }
        let secrets = self.store.get_or_create(owner, now).await?;
        let keys = secrets.signing_keys(now);
        let mut cache = self.cache.lock().expect("the cache lock is never poisoned");
        if cache.len() >= self.capacity && !cache.contains_key(owner) {
            cache.retain(|_, (at, _)| at.elapsed() < self.ttl);
            if cache.len() >= self.capacity {
                cache.clear();
            }
        }
        cache.insert(owner.clone(), (Instant::now(), secrets));
        Ok(keys)
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .expect("a current time formats as RFC 3339")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(byte: u8) -> WebhookSecret {
        WebhookSecret::parse(&WebhookSecret::generate_text([byte; 32])).unwrap()
    }

    #[test]
    fn a_previous_secret_signs_until_it_expires_and_never_after() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let secrets = CallerSecrets {
            current: secret(1),
            created_at: now,
            previous: Some((secret(2), now + Duration::from_secs(60))),
        };
        assert_eq!(secrets.signing_keys(now).len(), 2);
        assert_eq!(
            secrets.signing_keys(now),
            SigningKeys::new(vec![secret(1), secret(2)]).unwrap(),
            "newest first"
        );
        let later = now + Duration::from_secs(60);
        assert!(secrets.previous_at(later).is_none());
        assert_eq!(
            secrets.signing_keys(later),
            SigningKeys::new(vec![secret(1)]).unwrap()
        );
    }

    #[test]
    fn debug_shows_no_secret() {
        let secrets = CallerSecrets {
            current: secret(1),
            created_at: OffsetDateTime::UNIX_EPOCH,
            previous: None,
        };
        let shown = format!("{secrets:?}");
        assert!(!shown.contains(&secret(1).expose()), "{shown}");
    }
}
