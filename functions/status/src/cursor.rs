//! `GET /images`' cursors: where the previous page ended, sealed with HMAC-SHA256 over the
//! caller and the query it was made for. The caller is in the MAC, not in the cursor, so a
//! cursor tells nobody whose it is; another caller's cursor, or one of another query,
//! or one altered in any byte, fails the check and is refused.
//!
//! `1.<sort key, base64url>.<MAC, base64url>`. Keys come from `LIST_CURSOR_KEYS`: the
//! first seals, every one opens, so a key can be rotated without breaking the cursors
//! clients hold.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ferrotype_service::domain::{CallerId, JobStatus, SortKey};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const VERSION: &str = "1";

/// The shortest key accepted: 32 bytes, SHA-256's block strength.
pub const MIN_KEY_BYTES: usize = 32;

/// The keys cursors are sealed and opened with.
#[derive(Clone)]
pub struct CursorKeys(Vec<Vec<u8>>);

impl std::fmt::Debug for CursorKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CursorKeys({} keys)", self.0.len())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CursorKeysError {
    #[error("no key given")]
    Empty,
    #[error("key {0} is shorter than {MIN_KEY_BYTES} bytes")]
    Short(usize),
}

/// What a cursor is bound to besides its position: who asked, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope<'a> {
    pub caller: &'a CallerId,
    pub status: Option<JobStatus>,
    pub created_after: Option<u64>,
    pub created_before: Option<u64>,
}

/// Why a cursor was refused. Clients see one answer for all of them.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CursorError {
    #[error("the cursor is not of the form 1.<position>.<mac>")]
    Malformed,
    #[error("the cursor's MAC does not match this caller and query")]
    Mismatch,
}

impl CursorKeys {
    /// Comma-separated keys, the sealing one first.
    pub fn parse(text: &str) -> Result<Self, CursorKeysError> {
        let keys: Vec<Vec<u8>> = text
            .split(',')
            .map(str::trim)
            .filter(|key| !key.is_empty())
            .map(|key| key.as_bytes().to_vec())
            .collect();
        if keys.is_empty() {
            return Err(CursorKeysError::Empty);
        }
        if let Some(short) = keys.iter().position(|key| key.len() < MIN_KEY_BYTES) {
            return Err(CursorKeysError::Short(short + 1));
        }
        Ok(Self(keys))
    }

    fn mac(key: &[u8], scope: &Scope<'_>, position: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
        let optional = |value: Option<u64>| value.map_or_else(String::new, |v| v.to_string());
        // Newline-separated: no field holds a newline (caller ids and positions cannot).
        let message = format!(
            "ferrotype list cursor {VERSION}\n{}\n{}\n{}\n{}\n{position}",
            scope.caller.as_str(),
            scope.status.map_or("", JobStatus::as_str),
            optional(scope.created_after),
            optional(scope.created_before),
        );
        mac.update(message.as_bytes());
        mac
    }

    /// The cursor for the page after the entry `position`, for `scope`.
    pub fn seal(&self, scope: &Scope<'_>, position: &SortKey) -> String {
        let mac = Self::mac(&self.0[0], scope, position.as_str()).finalize();
        format!(
            "{VERSION}.{}.{}",
            URL_SAFE_NO_PAD.encode(position.as_str()),
            URL_SAFE_NO_PAD.encode(mac.into_bytes())
        )
    }

    /// The position `cursor` holds, if one of the keys sealed it for `scope`.
    pub fn open(&self, scope: &Scope<'_>, cursor: &str) -> Result<SortKey, CursorError> {
        let mut parts = cursor.split('.');
        let (Some(VERSION), Some(position), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CursorError::Malformed);
        };
        let position = URL_SAFE_NO_PAD
            .decode(position)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or(CursorError::Malformed)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| CursorError::Malformed)?;
        let genuine = self
            .0
            .iter()
            .any(|key| Self::mac(key, scope, &position).verify_slice(&tag).is_ok());
        if !genuine {
            return Err(CursorError::Mismatch);
        }
        // Sealed by us, so well formed; checked anyway rather than trusted.
        SortKey::parse(&position).ok_or(CursorError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrotype_service::domain::JobId;
    use time::OffsetDateTime;

    const KEY: &str = "an example cursor key of 32 bytes or more";
    const OLD: &str = "the key this one replaced and also 32 bytes long";

    fn position() -> SortKey {
        SortKey::new(OffsetDateTime::UNIX_EPOCH, JobId::new_random())
    }

    fn scope(caller: &CallerId) -> Scope<'_> {
        Scope {
            caller,
            status: None,
            created_after: None,
            created_before: None,
        }
    }

    #[test]
    fn a_sealed_cursor_opens_for_its_caller_and_query_only() {
        let keys = CursorKeys::parse(KEY).unwrap();
        let alice = CallerId::of_key("alice").unwrap();
        let bob = CallerId::of_key("bob").unwrap();
        let at = position();
        let cursor = keys.seal(&scope(&alice), &at);
        assert_eq!(keys.open(&scope(&alice), &cursor), Ok(at));
        assert!(!cursor.contains("alice"));
        assert_eq!(keys.open(&scope(&bob), &cursor), Err(CursorError::Mismatch));
        let filtered = Scope {
            status: Some(JobStatus::Failed),
            ..scope(&alice)
        };
        assert_eq!(keys.open(&filtered, &cursor), Err(CursorError::Mismatch));
        let ranged = Scope {
            created_before: Some(5),
            ..scope(&alice)
        };
        assert_eq!(keys.open(&ranged, &cursor), Err(CursorError::Mismatch));
    }

    #[test]
    fn an_altered_or_forged_cursor_is_refused() {
        let keys = CursorKeys::parse(KEY).unwrap();
        let alice = CallerId::of_key("alice").unwrap();
        let cursor = keys.seal(&scope(&alice), &position());
        // Every single-character change.
        for i in 0..cursor.len() {
            let mut bytes = cursor.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(bytes).unwrap();
            assert!(keys.open(&scope(&alice), &altered).is_err(), "{altered}");
        }
        // Another position under the same MAC, and a cursor sealed with another key.
        let (_, rest) = cursor.split_once('.').unwrap();
        let (_, tag) = rest.split_once('.').unwrap();
        let moved = format!("1.{}.{tag}", URL_SAFE_NO_PAD.encode(position().as_str()));
        assert_eq!(
            keys.open(&scope(&alice), &moved),
            Err(CursorError::Mismatch)
        );
        let forged = CursorKeys::parse(OLD)
            .unwrap()
            .seal(&scope(&alice), &position());
        assert_eq!(
            keys.open(&scope(&alice), &forged),
            Err(CursorError::Mismatch)
        );
        for bad in ["", "1", "1..", "2.a.b", "1.a.b.c", "1.!!.??"] {
            assert!(keys.open(&scope(&alice), bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_rotated_key_still_opens_the_cursors_it_sealed() {
        let alice = CallerId::of_key("alice").unwrap();
        let at = position();
        let before = CursorKeys::parse(OLD).unwrap().seal(&scope(&alice), &at);
        let rotated = CursorKeys::parse(&format!("{KEY},{OLD}")).unwrap();
        assert_eq!(rotated.open(&scope(&alice), &before), Ok(at.clone()));
        let after = rotated.seal(&scope(&alice), &at);
        assert!(CursorKeys::parse(OLD)
            .unwrap()
            .open(&scope(&alice), &after)
            .is_err());
    }

    #[test]
    fn keys_must_be_given_and_long_enough() {
        assert_eq!(CursorKeys::parse("").unwrap_err(), CursorKeysError::Empty);
        assert_eq!(
            CursorKeys::parse(" , ").unwrap_err(),
            CursorKeysError::Empty
        );
        assert_eq!(
            CursorKeys::parse(&format!("{KEY},short")).unwrap_err(),
            CursorKeysError::Short(2)
        );
    }
}
