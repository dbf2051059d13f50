//! `Idempotency-Key` (IETF httpapi draft, version 07): the key a client sends, and the
//! fingerprint of the request it sends it with.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{CallerId, JobId};
use sha2::{Digest, Sha256};

/// A client's idempotency key, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdempotencyKeyError {
    #[error("the Idempotency-Key header is empty")]
    Empty,
    #[error("the Idempotency-Key header is longer than {max} characters")]
    TooLong { max: usize },
    #[error("the Idempotency-Key header is not a structured-field string of visible ASCII")]
    Malformed,
}

impl IdempotencyKey {
    pub const MAX_LEN: usize = 255;

    /// Parses the header's value: an RFC 9651 string (`"…"`), as the draft specifies, or,
    /// leniently, a bare run of visible ASCII, as many clients send a UUID.
    pub fn parse(header: &str) -> Result<Self, IdempotencyKeyError> {
        let header = header.trim();
        let key = if header.starts_with('"') {
            let item: sfv::Item = sfv::Parser::new(header)
                .parse_item()
                .map_err(|_| IdempotencyKeyError::Malformed)?;
            item.bare_item
                .as_string()
                .ok_or(IdempotencyKeyError::Malformed)?
                .as_str()
                .to_string()
        } else if header.bytes().all(|b| b.is_ascii_graphic()) {
            header.to_string()
        } else {
            return Err(IdempotencyKeyError::Malformed);
        };
        if key.is_empty() {
            return Err(IdempotencyKeyError::Empty);
        }
        if key.len() > Self::MAX_LEN {
            return Err(IdempotencyKeyError::TooLong { max: Self::MAX_LEN });
        }
        Ok(Self(key))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a caller's key is kept: SHA-256 over the caller and the key, each prefixed with its
/// length, so no pair can stand for another. (The form before it, `{caller}#{key}`, was
/// ambiguous: a token subject or issuer holding `#` could name another caller's key. Keys
/// stored in that form are never read again and expire within [`crate::store::KEY_LIFETIME`].)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScopedKey(String);

impl ScopedKey {
    /// Sets the stored form apart from the old `{caller}#{key}` one, whose callers begin
    /// `oidc:`, `key:` or `anonymous`.
    const PREFIX: &'static str = "sha256:";

    pub fn of(caller: &CallerId, key: &IdempotencyKey) -> Self {
        let mut hash = Sha256::new();
        for part in [caller.as_str(), key.as_str()] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
        let digest = hash.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        Self(format!("{}{hex}", Self::PREFIX))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What makes two requests "the same request" for a key: SHA-256 over the media type and
/// the body, hex-encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    pub fn of(content_type: Option<&str>, body: &[u8]) -> Self {
        let mut hash = Sha256::new();
        // The length first, so that no type/body split can collide with another.
        let media = content_type.unwrap_or("").trim().to_ascii_lowercase();
        hash.update((media.len() as u64).to_be_bytes());
        hash.update(media.as_bytes());
        hash.update(body);
        let digest = hash.finalize();
        Self(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// As [`Fingerprint::of`], for a request that also carries `options` (its query, say):
    /// without any, the same fingerprint as `of`.
    pub fn of_request(content_type: Option<&str>, body: &[u8], options: &[u8]) -> Self {
        if options.is_empty() {
            return Self::of(content_type, body);
        }
        let inner = Self::of(content_type, body);
        let mut hash = Sha256::new();
        hash.update(b"options");
        hash.update((options.len() as u64).to_be_bytes());
        hash.update(options);
        hash.update(inner.0.as_bytes());
        let digest = hash.finalize();
        Self(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A response kept under a key, replayed to every retry with the same request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub status: u16,
    /// The headers worth replaying (name in lower case, value).
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The job the answer made (a `202` or `201`), so a retry can tell whether it is gone
    /// since. Answers kept before this field existed have none and are replayed as they
    /// are until their key expires ([`crate::store::KEY_LIFETIME`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_as_structured_strings_or_bare_visible_ascii() {
        let quoted = IdempotencyKey::parse("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"").unwrap();
        assert_eq!(quoted.as_str(), "8e03978e-40d5-43e8-bc93-6894a57f9324");
        let bare = IdempotencyKey::parse("8e03978e-40d5-43e8-bc93-6894a57f9324").unwrap();
        assert_eq!(bare, quoted);
        assert_eq!(
            IdempotencyKey::parse("\"a \\\"b\\\"\"").unwrap().as_str(),
            "a \"b\""
        );
    }

    #[test]
    fn empty_long_and_malformed_keys_are_refused() {
        assert_eq!(IdempotencyKey::parse(""), Err(IdempotencyKeyError::Empty));
        assert_eq!(
            IdempotencyKey::parse("\"\""),
            Err(IdempotencyKeyError::Empty)
        );
        assert_eq!(
            IdempotencyKey::parse(&"k".repeat(256)),
            Err(IdempotencyKeyError::TooLong { max: 255 })
        );
        for bad in ["\"unterminated", "two words", "caf\u{e9}", "\"x\" junk"] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_key_is_kept_apart_from_another_callers_even_where_the_old_form_collided() {
        // A subject holding '#': under `{caller}#{key}` both read
        // `oidc:https://id.example#alice#b#c`, so one caller's key was another's.
        let alice = CallerId::of_token("https://id.example", "alice");
        let mallory = CallerId::of_token("https://id.example", "alice#b");
        let theirs = IdempotencyKey::parse("b#c").unwrap();
        let mine = IdempotencyKey::parse("c").unwrap();
        assert_eq!(
            format!("{alice}#{theirs}"),
            format!("{mallory}#{mine}"),
            "the old form collided"
        );
        assert_ne!(
            ScopedKey::of(&alice, &theirs),
            ScopedKey::of(&mallory, &mine)
        );
        // The same caller and key always make the same stored key, and nothing of either
        // is readable in it.
        let kept = ScopedKey::of(&alice, &theirs);
        assert_eq!(kept, ScopedKey::of(&alice, &theirs));
        assert!(kept.as_str().starts_with("sha256:") && kept.as_str().len() == 7 + 64);
        assert!(!kept.as_str().contains("alice"));
        let key_caller = CallerId::of_key("alice").unwrap();
        assert_ne!(kept, ScopedKey::of(&key_caller, &theirs));
    }

    #[test]
    fn the_fingerprint_tells_bodies_and_types_apart() {
        let a = Fingerprint::of(Some("image/jpeg"), b"abc");
        assert_eq!(a, Fingerprint::of(Some("IMAGE/JPEG "), b"abc"));
        assert_ne!(a, Fingerprint::of(Some("image/jpeg"), b"abd"));
        assert_ne!(a, Fingerprint::of(Some("image/png"), b"abc"));
        assert_ne!(
            Fingerprint::of(Some("a"), b"bc"),
            Fingerprint::of(Some("ab"), b"c")
        );
        assert_eq!(a.0.len(), 64);
    }
}
