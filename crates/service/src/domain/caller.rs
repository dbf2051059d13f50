//! Who calls: the owner of the jobs a request creates, and the only one who sees them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A caller, as stored on its jobs: `oidc:<issuer>#<subject>` for a token's subject,
/// `key:<name>` for the caller an API key was made for, `anonymous` when callers are off.
/// The prefixes keep the two kinds apart: a token's subject can never pass for a key's
/// caller, nor one issuer's subject for another's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallerId(String);

/// A name for an API key's caller that is not 1–64 letters, digits, `.`, `_` or `-`.
#[derive(Debug, thiserror::Error)]
#[error("a caller name is 1 to 64 letters, digits, '.', '_' or '-', not {0:?}")]
pub struct CallerNameError(String);

impl CallerId {
    const ANONYMOUS: &'static str = "anonymous";

    /// Everyone, when callers are off (`AUTH_MODE=none`).
    pub fn anonymous() -> Self {
        Self(Self::ANONYMOUS.into())
    }

    /// The subject of a token from `issuer`.
    pub fn of_token(issuer: &str, subject: &str) -> Self {
        Self(format!("oidc:{issuer}#{subject}"))
    }

    /// The caller named `name` when its API keys were made.
    pub fn of_key(name: &str) -> Result<Self, CallerNameError> {
        let valid = (1..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if valid {
            Ok(Self(format!("key:{name}")))
        } else {
            Err(CallerNameError(name.chars().take(80).collect()))
        }
    }

    pub fn is_anonymous(&self) -> bool {
        self.0 == Self::ANONYMOUS
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CallerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_subject_and_a_key_caller_of_the_same_name_are_different_callers() {
        let key = CallerId::of_key("alice").unwrap();
        let token = CallerId::of_token("https://issuer.example", "alice");
        assert_ne!(key, token);
        assert_ne!(
            CallerId::of_token("https://a.example", "alice"),
            CallerId::of_token("https://b.example", "alice")
        );
        assert!(!key.is_anonymous() && CallerId::anonymous().is_anonymous());
    }

    #[test]
    fn key_caller_names_are_short_and_plain() {
        assert_eq!(
            CallerId::of_key("acme-backend.prod_1").unwrap().as_str(),
            "key:acme-backend.prod_1"
        );
        for bad in ["", "a b", "x#y", "ä", &"n".repeat(65)] {
            assert!(CallerId::of_key(bad).is_err(), "{bad:?}");
        }
    }
}
