//! The access settings, from the environment (`template.yaml` in AWS, the local tooling
//! at home).

use std::str::FromStr;
use std::time::Duration;

use ferrotype_service::config::{ConfigError, Env};
use serde::Deserialize;

/// Whether requests need a caller. `required` is the default; `none` is for private
/// networks, where every request is the one anonymous caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    Required,
    None,
}

impl FromStr for AuthMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "required" => Ok(Self::Required),
            "none" => Ok(Self::None),
            other => Err(format!("expected \"required\" or \"none\", not {other:?}")),
        }
    }
}

/// An OIDC issuer whose tokens are accepted. `audience` must be the token's `aud` (or, for
/// Amazon Cognito access tokens, which have none, its `client_id`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerConfig {
    /// Exactly the token's `iss`, e.g. `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123`.
    pub issuer: String,
    pub audience: String,
    /// Where the signing keys are; found through the issuer's discovery document
    /// (`/.well-known/openid-configuration`) when absent.
    #[serde(default)]
    pub jwks_uri: Option<String>,
}

/// Per-caller limits; `0` turns one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Requests per `window`, on every route.
    pub requests: u64,
    pub window: Duration,
    /// Uploads (inline images and direct upload sessions) per UTC day.
    pub daily_uploads: u64,
    /// Bytes uploaded per UTC day (a session counts its declared length).
    pub daily_bytes: u64,
    /// Uploads naming `notify_email` per UTC day: each costs one SES message, from an
    /// account-wide sending quota that one caller must not spend for all.
    pub daily_emails: u64,
}

impl Limits {
    /// A person's notifications, not a mailing list: a tenth of the default upload quota,
    /// half of an SES sandbox account's 200 a day, and 500 callers' worth of a new
    /// production account's 50,000. Bulk callers use webhooks or EventBridge.
    pub const DEFAULT_DAILY_EMAILS: u64 = 100;

    pub const NONE: Self = Self {
        requests: 0,
        window: Duration::from_secs(60),
        daily_uploads: 0,
        daily_bytes: 0,
        daily_emails: 0,
    };

    pub fn is_none(&self) -> bool {
        self.requests == 0
            && self.daily_uploads == 0
            && self.daily_bytes == 0
            && self.daily_emails == 0
    }
}

#[derive(Debug, Clone)]
pub struct AccessSettings {
    pub mode: AuthMode,
    pub issuers: Vec<IssuerConfig>,
    /// The API key table; `None` when callers are off.
    pub api_key_table: Option<String>,
    /// The usage counters; `None` when every limit is off.
    pub usage_table: Option<String>,
    pub limits: Limits,
    /// Web origins allowed to call from a browser (`CORS_ALLOWED_ORIGINS`, comma-separated).
    pub cors_origins: Vec<String>,
}

impl AccessSettings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let mode: AuthMode = env.parsed_or("AUTH_MODE", AuthMode::Required)?;
        let issuers = match env.required("OIDC_ISSUERS") {
            Err(_) => Vec::new(),
            Ok(json) => serde_json::from_str(&json).map_err(|e| ConfigError::Invalid {
                name: "OIDC_ISSUERS",
                value: json.clone(),
                reason: format!(
                    "expected a JSON array of {{\"issuer\", \"audience\"}} objects: {e}"
                ),
            })?,
        };
        let limits = Limits {
            requests: env.parsed_or("RATE_LIMIT_REQUESTS", 120)?,
            window: Duration::from_secs(env.positive("RATE_LIMIT_WINDOW_SECONDS", 60)?),
            daily_uploads: env.parsed_or("DAILY_UPLOAD_LIMIT", 1000)?,
            daily_bytes: env.parsed_or("DAILY_UPLOAD_BYTES", 10 * 1024 * 1024 * 1024)?,
            daily_emails: env.parsed_or("DAILY_EMAIL_LIMIT", Limits::DEFAULT_DAILY_EMAILS)?,
        };
        let api_key_table = match mode {
            AuthMode::Required => Some(env.required("API_KEY_TABLE_NAME")?),
            AuthMode::None => None,
        };
        let usage_table = if limits.is_none() {
            None
        } else {
            Some(env.required("USAGE_TABLE_NAME")?)
        };
        let cors_origins = env
            .parsed_or::<String>("CORS_ALLOWED_ORIGINS", String::new())?
            .split(',')
            .map(|origin| origin.trim().trim_end_matches('/').to_string())
            .filter(|origin| !origin.is_empty())
            .collect();
        Ok(Self {
            mode,
            issuers,
            api_key_table,
            usage_table,
            limits,
            cors_origins,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_are_required_unless_turned_off() {
        let env = Env::from_pairs(&[
            ("API_KEY_TABLE_NAME", "keys"),
            ("USAGE_TABLE_NAME", "usage"),
        ]);
        let settings = AccessSettings::from_env(&env).unwrap();
        assert_eq!(settings.mode, AuthMode::Required);
        assert_eq!(settings.limits.requests, 120);
        assert_eq!(settings.limits.daily_emails, 100);
        assert!(settings.issuers.is_empty());

        let missing = AccessSettings::from_env(&Env::from_pairs(&[("USAGE_TABLE_NAME", "u")]));
        assert!(matches!(
            missing,
            Err(ConfigError::Missing("API_KEY_TABLE_NAME"))
        ));

        let off = Env::from_pairs(&[
            ("AUTH_MODE", "none"),
            ("RATE_LIMIT_REQUESTS", "0"),
            ("DAILY_UPLOAD_LIMIT", "0"),
            ("DAILY_UPLOAD_BYTES", "0"),
            ("DAILY_EMAIL_LIMIT", "0"),
        ]);
        let off = AccessSettings::from_env(&off).unwrap();
        assert_eq!(
            (off.mode, off.api_key_table, off.usage_table),
            (AuthMode::None, None, None)
        );
        assert!(AccessSettings::from_env(&Env::from_pairs(&[("AUTH_MODE", "off")])).is_err());
    }

    #[test]
    fn issuers_and_origins_are_read_and_checked() {
        let env = Env::from_pairs(&[
            ("API_KEY_TABLE_NAME", "keys"),
            ("USAGE_TABLE_NAME", "usage"),
            (
                "OIDC_ISSUERS",
                r#"[{"issuer": "https://id.example", "audience": "app"}]"#,
            ),
            (
                "CORS_ALLOWED_ORIGINS",
                "https://app.example/, http://localhost:5173",
            ),
        ]);
        let settings = AccessSettings::from_env(&env).unwrap();
        assert_eq!(settings.issuers[0].issuer, "https://id.example");
        assert_eq!(settings.issuers[0].jwks_uri, None);
        assert_eq!(
            settings.cors_origins,
            ["https://app.example", "http://localhost:5173"]
        );

        let typo = Env::from_pairs(&[
            ("API_KEY_TABLE_NAME", "keys"),
            ("USAGE_TABLE_NAME", "usage"),
            (
                "OIDC_ISSUERS",
                r#"[{"issuer": "https://id.example", "audiense": "app"}]"#,
            ),
        ]);
        assert!(matches!(
            AccessSettings::from_env(&typo),
            Err(ConfigError::Invalid {
                name: "OIDC_ISSUERS",
                ..
            })
        ));
    }
}
