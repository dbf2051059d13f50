//! The status function's settings: everything it reads from the environment, parsed once
//! at init.

use std::time::Duration;

use ferrotype_access::AccessSettings;

use crate::cursor::CursorKeys;
use ferrotype_service::config::{unavailable_retry_after, ConfigError, Env, Resources};

/// Everything the status function reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub resources: Resources,
    /// The list table `GET /images` reads (`LIST_TABLE_NAME`).
    pub list_table: String,
    /// Who may call (`crates/access`).
    pub access: AccessSettings,
    /// What the handler reads at request time.
    pub handler: StatusSettings,
}

/// How the status handler answers.
#[derive(Debug, Clone)]
pub struct StatusSettings {
    /// How long a presigned download link stays valid.
    pub presign_ttl: Duration,
    pub retry_after: Duration,
    /// `Retry-After` on a `503` (DynamoDB or S3 failed).
    pub unavailable_retry_after: Duration,
    /// What `GET /images`' cursors are sealed with (`LIST_CURSOR_KEYS`: comma-separated,
    /// 32 bytes or more each, the sealing one first).
    pub cursor_keys: CursorKeys,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let resources = Resources::from_env(env)?;
        let presign_ttl = env.positive("PRESIGN_TTL_SECONDS", 900u64)?;
        // SigV4 presigned URLs cannot outlive seven days.
        if presign_ttl > 7 * 24 * 3600 {
            return Err(ConfigError::Invalid {
                name: "PRESIGN_TTL_SECONDS",
                value: presign_ttl.to_string(),
                reason: "must be at most 604800 (seven days)".into(),
            });
        }
        let handler = StatusSettings {
            presign_ttl: Duration::from_secs(presign_ttl),
            retry_after: Duration::from_secs(env.positive("RETRY_AFTER_SECONDS", 2u64)?),
            unavailable_retry_after: unavailable_retry_after(env)?,
            cursor_keys: CursorKeys::parse(&env.required("LIST_CURSOR_KEYS")?).map_err(|e| {
                ConfigError::Invalid {
                    name: "LIST_CURSOR_KEYS",
                    value: "(not shown: it is a secret)".into(),
                    reason: e.to_string(),
                }
            })?,
        };
        Ok(Self {
            resources,
            list_table: env.required("LIST_TABLE_NAME")?,
            access: AccessSettings::from_env(env)?,
            handler,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: [(&str, &str); 6] = [
        ("BUCKET_NAME", "b"),
        ("TABLE_NAME", "t"),
        ("API_KEY_TABLE_NAME", "keys"),
        ("USAGE_TABLE_NAME", "usage"),
        ("LIST_TABLE_NAME", "list"),
        ("LIST_CURSOR_KEYS", "a cursor key that is 32 bytes long"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> Result<Settings, ConfigError> {
        let mut pairs = BASE.to_vec();
        pairs.extend_from_slice(extra);
        Settings::from_env(&Env::from_pairs(&pairs))
    }

    #[test]
    fn unset_knobs_take_their_defaults() {
        let settings = with(&[]).unwrap();
        assert_eq!(settings.resources.bucket, "b");
        assert_eq!(settings.access.api_key_table.as_deref(), Some("keys"));
        assert_eq!(settings.handler.presign_ttl, Duration::from_secs(900));
        assert_eq!(settings.handler.retry_after, Duration::from_secs(2));
        assert_eq!(
            settings.handler.unavailable_retry_after,
            Duration::from_secs(5)
        );
    }

    #[test]
    fn the_retry_after_of_a_503_comes_from_the_environment() {
        let settings = with(&[("UNAVAILABLE_RETRY_AFTER_SECONDS", "30")]).unwrap();
        assert_eq!(
            settings.handler.unavailable_retry_after,
            Duration::from_secs(30)
        );
    }

    #[test]
    fn presign_ttl_is_capped_at_seven_days() {
        let ok = with(&[("PRESIGN_TTL_SECONDS", "60")]).unwrap();
        assert_eq!(ok.handler.presign_ttl, Duration::from_secs(60));
        assert!(with(&[("PRESIGN_TTL_SECONDS", "604800")]).is_ok());
    }

    #[test]
    fn each_bad_value_is_refused_by_its_name() {
        for (name, value) in [
            ("PRESIGN_TTL_SECONDS", "604801"),
            ("PRESIGN_TTL_SECONDS", "0"),
            ("RETRY_AFTER_SECONDS", "soon"),
            ("RETRY_AFTER_SECONDS", "0"),
            ("UNAVAILABLE_RETRY_AFTER_SECONDS", "0"),
            ("UNAVAILABLE_RETRY_AFTER_SECONDS", "-5"),
            ("AUTH_MODE", "off"),
            ("LIST_CURSOR_KEYS", "short"),
            ("LIST_CURSOR_KEYS", ","),
        ] {
            let err = with(&[(name, value)]).unwrap_err();
            assert!(err.to_string().contains(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn a_missing_table_or_gate_table_is_named() {
        let err = Settings::from_env(&Env::from_pairs(&[("BUCKET_NAME", "b")])).unwrap_err();
        assert!(matches!(err, ConfigError::Missing("TABLE_NAME")), "{err}");
        let without_usage: Vec<_> = BASE
            .into_iter()
            .filter(|(name, _)| *name != "USAGE_TABLE_NAME")
            .collect();
        let err = Settings::from_env(&Env::from_pairs(&without_usage)).unwrap_err();
        assert!(
            matches!(err, ConfigError::Missing("USAGE_TABLE_NAME")),
            "{err}"
        );
    }
}
