//! The delete function's settings: everything it reads from the environment, parsed once
//! at init.

use std::time::Duration;

use ferrotype_access::AccessSettings;
use ferrotype_service::config::{unavailable_retry_after, ConfigError, Env, Resources};

/// Everything the delete function reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub resources: Resources,
    /// Who may call (`crates/access`).
    pub access: AccessSettings,
    /// What the handler reads at request time.
    pub handler: DeleteSettings,
}

/// How the delete handler answers.
#[derive(Debug, Clone)]
pub struct DeleteSettings {
    /// `Retry-After` on a `503` (DynamoDB or S3 failed).
    pub unavailable_retry_after: Duration,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            resources: Resources::from_env(env)?,
            handler: DeleteSettings {
                unavailable_retry_after: unavailable_retry_after(env)?,
            },
            access: AccessSettings::from_env(env)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: [(&str, &str); 4] = [
        ("BUCKET_NAME", "b"),
        ("TABLE_NAME", "t"),
        ("API_KEY_TABLE_NAME", "keys"),
        ("USAGE_TABLE_NAME", "usage"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> Result<Settings, ConfigError> {
        let mut pairs = BASE.to_vec();
        pairs.extend_from_slice(extra);
        Settings::from_env(&Env::from_pairs(&pairs))
    }

    #[test]
    fn the_retry_after_of_a_503_is_five_seconds_unless_set() {
        let settings = with(&[]).unwrap();
        assert_eq!(settings.resources.table, "t");
        assert_eq!(settings.access.usage_table.as_deref(), Some("usage"));
        assert_eq!(
            settings.handler.unavailable_retry_after,
            Duration::from_secs(5)
        );
        let settings = with(&[("UNAVAILABLE_RETRY_AFTER_SECONDS", "30")]).unwrap();
        assert_eq!(
            settings.handler.unavailable_retry_after,
            Duration::from_secs(30)
        );
    }

    #[test]
    fn each_bad_value_is_refused_by_its_name() {
        for (name, value) in [
            ("UNAVAILABLE_RETRY_AFTER_SECONDS", "0"),
            ("UNAVAILABLE_RETRY_AFTER_SECONDS", "later"),
            ("RATE_LIMIT_WINDOW_SECONDS", "0"),
        ] {
            let err = with(&[(name, value)]).unwrap_err();
            assert!(err.to_string().contains(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn a_missing_table_or_gate_table_is_named() {
        let err = Settings::from_env(&Env::from_pairs(&[("TABLE_NAME", "t")])).unwrap_err();
        assert!(matches!(err, ConfigError::Missing("BUCKET_NAME")), "{err}");
        let err = Settings::from_env(&Env::from_pairs(&BASE[..2])).unwrap_err();
        assert!(
            matches!(err, ConfigError::Missing("API_KEY_TABLE_NAME")),
            "{err}"
        );
    }
}
