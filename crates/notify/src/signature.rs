//! Standard Webhooks 1.0 signatures: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
//! one per secret, space-separated in `webhook-signature`. Each caller has its own secrets
//! ([`crate::secrets`]); while one rotates the caller has two, and a receiver that knows
//! either one can verify.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const PREFIX: &str = "whsec_";

/// One secret: `whsec_` and the base64 of its key bytes (the prefix may be left out, as
/// the reference libraries allow).
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("a webhook secret is whsec_ and base64: {0}")]
    Base64(String),
    #[error("a webhook secret needs 24 to 64 bytes of key, not {0}")]
    Length(usize),
    #[error("no webhook secret is set")]
    None,
}

impl WebhookSecret {
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let text = text.trim();
        let encoded = text.strip_prefix(PREFIX).unwrap_or(text);
        let key = STANDARD
            .decode(encoded)
            .map_err(|err| SecretError::Base64(err.to_string()))?;
        // The spec asks for 24 to 64 bytes.
        if !(24..=64).contains(&key.len()) {
            return Err(SecretError::Length(key.len()));
        }
        Ok(Self(key))
    }

    /// A new random secret in its text form.
    pub fn generate_text(random: [u8; 32]) -> String {
        format!("{PREFIX}{}", STANDARD.encode(random))
    }

    /// A new secret of 32 bytes from the operating system's random numbers.
    pub fn random() -> Result<Self, getrandom::Error> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)?;
        Ok(Self(key.to_vec()))
    }

    /// The secret as callers and receivers use it: `whsec_` and base64. It is the secret
    /// itself: it goes only to its caller, and encrypted to the store.
    pub fn expose(&self) -> String {
        format!("{PREFIX}{}", STANDARD.encode(&self.0))
    }

    fn sign(&self, content: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(content);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// The secrets webhooks are signed with, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeys(Vec<WebhookSecret>);

impl SigningKeys {
    /// The given secrets, newest first; `None` when there is none.
    pub fn new(secrets: Vec<WebhookSecret>) -> Result<Self, SecretError> {
        if secrets.is_empty() {
            return Err(SecretError::None);
        }
        Ok(Self(secrets))
    }

    /// How many signatures each message carries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true: there is always at least one secret.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One or more secrets separated by whitespace.
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let secrets = text
            .split_whitespace()
            .map(WebhookSecret::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if secrets.is_empty() {
            return Err(SecretError::None);
        }
        Ok(Self(secrets))
    }

    /// The `webhook-signature` header's value for message `id`, sent at `timestamp` (epoch
    /// seconds), with `body` exactly as sent.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let content = format!("{id}.{timestamp}.{body}");
        self.0
            .iter()
            .map(|secret| secret.sign(content.as_bytes()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of the Standard Webhooks specification (its reference libraries' tests).
    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TIMESTAMP: i64 = 1614265330;
    const SPEC_BODY: &str = r#"{"test": 2432232314}"#;
    const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn the_specification_example_signs_the_same() {
        let keys = SigningKeys::parse(SPEC_SECRET).unwrap();
        assert_eq!(
            keys.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY),
            SPEC_SIGNATURE
        );
    }

    #[test]
    fn two_secrets_give_two_signatures_newest_first() {
        let other = WebhookSecret::generate_text([7; 32]);
        let keys = SigningKeys::parse(&format!("{other} {SPEC_SECRET}")).unwrap();
        let header = keys.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_ne!(parts[0], SPEC_SIGNATURE);
        assert_eq!(parts[1], SPEC_SIGNATURE);
    }

    #[test]
    fn a_changed_body_id_or_time_changes_the_signature() {
        let keys = SigningKeys::parse(SPEC_SECRET).unwrap();
        assert_ne!(keys.sign(SPEC_ID, SPEC_TIMESTAMP, "{}"), SPEC_SIGNATURE);
        assert_ne!(
            keys.sign("msg_x", SPEC_TIMESTAMP, SPEC_BODY),
            SPEC_SIGNATURE
        );
        assert_ne!(
            keys.sign(SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY),
            SPEC_SIGNATURE
        );
    }

    #[test]
    fn a_random_secret_reads_back_from_its_text_and_differs_each_time() {
        let one = WebhookSecret::random().unwrap();
        let text = one.expose();
        assert!(text.starts_with("whsec_"), "{text}");
        assert_eq!(WebhookSecret::parse(&text).unwrap(), one);
        assert_ne!(WebhookSecret::random().unwrap(), one);
        assert_eq!(
            format!("{one:?}"),
            "WebhookSecret(…)",
            "Debug never shows a secret"
        );
    }

    #[test]
    fn malformed_secrets_are_refused() {
        assert_eq!(SigningKeys::parse(" "), Err(SecretError::None));
        assert_eq!(
            WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            WebhookSecret::parse(SPEC_SECRET),
            "the prefix may be left out"
        );
        assert!(matches!(
            WebhookSecret::parse("whsec_!!!"),
            Err(SecretError::Base64(_))
        ));
        assert_eq!(
            WebhookSecret::parse("whsec_AAAA"),
            Err(SecretError::Length(3))
        );
    }
}
