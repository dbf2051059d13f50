//! API keys for server-to-server callers.
//!
//! A key reads `ftk_<key id>_<secret>`. Only its SHA-256 is stored, beside the key id, the
//! caller it was made for, a label and when it was made or revoked; the key itself is
//! shown once, when made. A fast hash is enough: the secret is 256 random bits, so there
//! is nothing to guess with a dictionary, unlike a password.

use std::collections::HashMap;
use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ferrotype_service::domain::{CallerId, CallerNameError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

const PREFIX: &str = "ftk_";
/// The key id: 8 random bytes in lowercase hex.
const KEY_ID_LEN: usize = 16;
/// The secret: 32 random bytes in unpadded URL-safe base64.
const SECRET_BYTES: usize = 32;
const SECRET_LEN: usize = 43;
/// A whole key's length: `ftk_` + id + `_` + secret.
pub const KEY_LEN: usize = PREFIX.len() + KEY_ID_LEN + 1 + SECRET_LEN;

/// A whole API key, as the caller sends it. Never logged, never stored.
pub struct ApiKey(String);

impl ApiKey {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether a bearer credential is meant as an API key (and not a JWT).
    pub fn looks_like(credential: &str) -> bool {
        credential.starts_with(PREFIX)
    }

    /// The key id of a credential of exactly the form [`ApiKeyTable::create`] makes, or
    /// `None`: a key of any other form cannot be one of ours, so it is refused without a
    /// lookup (a flood of made-up keys costs no DynamoDB read).
    pub fn key_id(credential: &str) -> Option<&str> {
        if credential.len() != KEY_LEN {
            return None;
        }
        let rest = credential.strip_prefix(PREFIX)?;
        let (id, secret) = rest.split_once('_')?;
        let valid_id = id.len() == KEY_ID_LEN
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        // Decoding also refuses a last character with stray low bits: one encoding per
        // secret.
        let valid_secret = secret.len() == SECRET_LEN
            && URL_SAFE_NO_PAD
                .decode(secret)
                .is_ok_and(|bytes| bytes.len() == SECRET_BYTES);
        (valid_id && valid_secret).then_some(id)
    }

    fn hash(credential: &str) -> String {
        hex::encode(Sha256::digest(credential.as_bytes()))
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(…)")
    }
}

/// What is kept of a key: everything but the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    pub key_id: String,
    /// The caller's name: its jobs are `key:<caller>`'s, whichever of its keys made them.
    pub caller: String,
    pub label: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(Serialize, Deserialize)]
struct StoredKey {
    #[serde(flatten)]
    info: KeyInfo,
    hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Unknown, malformed, or not matching its stored hash: all read the same to a caller.
    #[error("the API key is not valid")]
    Invalid,
    #[error("the API key {key_id} was revoked")]
    Revoked { key_id: String },
    #[error("no API key has the id {0}")]
    NoSuchKey(String),
    #[error(transparent)]
    CallerName(#[from] CallerNameError),
    #[error("the random source failed")]
    Random(#[source] getrandom::Error),
    #[error("DynamoDB {operation} on the API key table failed")]
    Store {
        operation: &'static str,
        #[source]
        source: Box<aws_sdk_dynamodb::Error>,
    },
    #[error("a stored API key does not have the expected shape")]
    Record(#[source] serde_dynamo::Error),
}

impl KeyError {
    fn store(operation: &'static str, source: impl Into<aws_sdk_dynamodb::Error>) -> Self {
        Self::Store {
            operation,
            source: Box::new(source.into()),
        }
    }

    /// Whether the failure is ours (the table), not the key's.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Store { .. } | Self::Record(_) | Self::Random(_))
    }
}

/// The API key table (partition key `key_id`).
#[derive(Debug, Clone)]
pub struct ApiKeyTable {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl ApiKeyTable {
    pub const PARTITION_KEY: &'static str = "key_id";

    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Makes a key for `caller` (a name such as `acme-backend`). The returned [`ApiKey`] is
    /// the only copy.
    pub async fn create(
        &self,
        caller: &str,
        label: &str,
        now: OffsetDateTime,
    ) -> Result<(ApiKey, KeyInfo), KeyError> {
        CallerId::of_key(caller)?;
        let mut id = [0u8; KEY_ID_LEN / 2];
        let mut secret = [0u8; SECRET_BYTES];
        getrandom::fill(&mut id).map_err(KeyError::Random)?;
        getrandom::fill(&mut secret).map_err(KeyError::Random)?;
        let key_id = hex::encode(id);
        let key = ApiKey(format!(
            "{PREFIX}{key_id}_{}",
            URL_SAFE_NO_PAD.encode(secret)
        ));
        let info = KeyInfo {
            key_id,
            caller: caller.to_string(),
            label: label.to_string(),
            created_at: now,
            revoked_at: None,
        };
        let item: HashMap<String, AttributeValue> = serde_dynamo::to_item(StoredKey {
            info: info.clone(),
            hash: ApiKey::hash(key.expose()),
        })
        .map_err(KeyError::Record)?;
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(key_id)")
            .send()
            .await
            .map_err(|e| KeyError::store("PutItem", e))?;
        Ok((key, info))
    }

    /// Every key, revoked ones included, oldest first. A scan: the table holds one item per
    /// key, and listing is an operator's command.
    pub async fn list(&self) -> Result<Vec<KeyInfo>, KeyError> {
        let mut keys = Vec::new();
        let mut pages = self
            .client
            .scan()
            .table_name(&self.table)
            .into_paginator()
            .items()
            .send();
        while let Some(item) = pages.next().await {
            let item = item.map_err(|e| KeyError::store("Scan", e))?;
            let stored: StoredKey = serde_dynamo::from_item(item).map_err(KeyError::Record)?;
            keys.push(stored.info);
        }
        keys.sort_by_key(|key| key.created_at);
        Ok(keys)
    }

    /// Revokes a key at once (lookups read consistently). Revoking twice keeps the first
    /// time.
    pub async fn revoke(&self, key_id: &str, now: OffsetDateTime) -> Result<KeyInfo, KeyError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(Self::PARTITION_KEY, AttributeValue::S(key_id.to_string()))
            .update_expression("SET revoked_at = if_not_exists(revoked_at, :now)")
            .condition_expression("attribute_exists(key_id)")
            .expression_attribute_values(
                ":now",
                AttributeValue::S(
                    now.format(&time::format_description::well_known::Rfc3339)
                        .expect("a UTC time formats"),
                ),
            )
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let stored: StoredKey =
                    serde_dynamo::from_item(output.attributes.unwrap_or_default())
                        .map_err(KeyError::Record)?;
                Ok(stored.info)
            }
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(KeyError::NoSuchKey(key_id.to_string()))
            }
            Err(err) => Err(KeyError::store("UpdateItem", err)),
        }
    }

    /// The caller a presented key stands for.
    pub async fn verify(&self, credential: &str) -> Result<CallerId, KeyError> {
        let key_id = ApiKey::key_id(credential).ok_or(KeyError::Invalid)?;
        let item = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(Self::PARTITION_KEY, AttributeValue::S(key_id.to_string()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| KeyError::store("GetItem", e))?
            .item
            .ok_or(KeyError::Invalid)?;
        let stored: StoredKey = serde_dynamo::from_item(item).map_err(KeyError::Record)?;
        let presented = ApiKey::hash(credential);
        if !bool::from(presented.as_bytes().ct_eq(stored.hash.as_bytes())) {
            return Err(KeyError::Invalid);
        }
        if stored.info.revoked_at.is_some() {
            return Err(KeyError::Revoked {
                key_id: stored.info.key_id,
            });
        }
        Ok(CallerId::of_key(&stored.info.caller)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keys_of_the_form_create_makes_name_a_key_id() {
        let id = "0123456789abcdef";
        let secret = URL_SAFE_NO_PAD.encode([7u8; SECRET_BYTES]);
        let good = format!("ftk_{id}_{secret}");
        assert_eq!(good.len(), KEY_LEN);
        assert_eq!(ApiKey::key_id(&good), Some(id));
        // The last character of 43 carries 2 unused bits; only one spelling is ours.
        assert!(secret.ends_with('c'), "{secret}");
        let stray_bits = format!("ftk_{id}_{}d", &secret[..42]);
        for bad in [
            "ftk_".to_string(),
            "ftk_0123_secret".to_string(),
            format!("ftk_{id}_"),
            format!("ftk_{id}_secret"),
            format!("ftx_{id}_{secret}"),
            format!("ftk_0123456789abcdeg_{secret}"),
            format!("ftk_0123456789ABCDEF_{secret}"),
            format!("ftk_{id}_{}", &secret[..42]),
            format!("ftk_{id}_{secret}A"),
            format!("ftk_{id}_{}+", &secret[..42]),
            format!("ftk_{id}_{}=", &secret[..42]),
            format!("ftk_{id}_{}é", &secret[..41]),
            format!("ftk_{id}x{secret}"),
            stray_bits,
        ] {
            assert_eq!(ApiKey::key_id(&bad), None, "{bad}");
        }
        assert!(ApiKey::looks_like("ftk_x") && !ApiKey::looks_like("eyJhbGciOi"));
    }

    #[test]
    fn every_key_create_makes_has_the_checked_form() {
        let mut id = [0u8; KEY_ID_LEN / 2];
        let mut secret = [0u8; SECRET_BYTES];
        for _ in 0..200 {
            getrandom::fill(&mut id).unwrap();
            getrandom::fill(&mut secret).unwrap();
            let key = format!(
                "{PREFIX}{}_{}",
                hex::encode(id),
                URL_SAFE_NO_PAD.encode(secret)
            );
            assert!(ApiKey::key_id(&key).is_some(), "{key}");
        }
    }

    #[test]
    fn a_key_is_never_printed() {
        let key = ApiKey("ftk_0123456789abcdef_topsecret".into());
        assert!(!format!("{key:?}").contains("topsecret"));
    }
}
