//! The webhook-secret function's settings: everything it reads from the environment,
//! parsed once at init.

use std::time::Duration;

use ferrotype_access::AccessSettings;
use ferrotype_notify::secrets::SecretStoreSettings;
use ferrotype_service::config::{unavailable_retry_after, ConfigError, Env};

use crate::DEFAULT_OVERLAP;

/// Everything the webhook-secret function reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Who may call (`crates/access`).
    pub access: AccessSettings,
    /// Where each caller's secrets are (the table and the KMS key).
    pub store: SecretStoreSettings,
    pub handler: SecretSettings,
}

/// How the handler answers.
#[derive(Debug, Clone)]
pub struct SecretSettings {
    /// How long the secret before a rotation still signs beside the new one
    /// (`WEBHOOK_SECRET_OVERLAP_SECONDS`, a day).
    pub overlap: Duration,
    /// `Retry-After` on a `503` (DynamoDB or KMS failed).
    pub unavailable_retry_after: Duration,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            access: AccessSettings::from_env(env)?,
            store: SecretStoreSettings::from_env(env)?,
            handler: SecretSettings {
                overlap: Duration::from_secs(
                    env.positive("WEBHOOK_SECRET_OVERLAP_SECONDS", DEFAULT_OVERLAP.as_secs())?,
                ),
                unavailable_retry_after: unavailable_retry_after(env)?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: [(&str, &str); 4] = [
        ("API_KEY_TABLE_NAME", "keys"),
        ("USAGE_TABLE_NAME", "usage"),
        ("WEBHOOK_SECRETS_TABLE", "secrets"),
        ("WEBHOOK_SECRETS_KEY_ID", "alias/k"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> Result<Settings, ConfigError> {
        let mut pairs = BASE.to_vec();
        pairs.extend_from_slice(extra);
        Settings::from_env(&Env::from_pairs(&pairs))
    }

    #[test]
    fn the_overlap_is_a_day_unless_set() {
        let settings = with(&[]).unwrap();
        assert_eq!(settings.handler.overlap, Duration::from_secs(86_400));
        assert_eq!(settings.store.table, "secrets");
        assert_eq!(settings.store.key_id, "alias/k");
        let settings = with(&[("WEBHOOK_SECRET_OVERLAP_SECONDS", "3600")]).unwrap();
        assert_eq!(settings.handler.overlap, Duration::from_secs(3600));
    }

    #[test]
    fn each_bad_value_is_refused_by_its_name() {
        for (name, value) in [
            ("WEBHOOK_SECRET_OVERLAP_SECONDS", "0"),
            ("WEBHOOK_SECRET_OVERLAP_SECONDS", "a day"),
            ("UNAVAILABLE_RETRY_AFTER_SECONDS", "0"),
        ] {
            let err = with(&[(name, value)]).unwrap_err();
            assert!(err.to_string().contains(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn a_missing_table_or_key_is_named() {
        for missing in ["WEBHOOK_SECRETS_TABLE", "WEBHOOK_SECRETS_KEY_ID"] {
            let pairs: Vec<_> = BASE.into_iter().filter(|(k, _)| *k != missing).collect();
            let err = Settings::from_env(&Env::from_pairs(&pairs)).unwrap_err();
            assert!(
                matches!(err, ConfigError::Missing(name) if name == missing),
                "{err}"
            );
        }
    }
}
