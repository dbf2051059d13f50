//! The webhook function's settings: everything it reads from the environment, parsed once
//! at init.

use std::time::Duration;

use ferrotype_notify::delivery::Sender;
use ferrotype_notify::schedule::RetrySchedule;
use ferrotype_notify::secrets::SecretStoreSettings;
use ferrotype_service::config::{receiver_policy, ConfigError, Env, Resources};

/// Everything the webhook function reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the data is; this function uses only the table (each job's delivery state).
    pub resources: Resources,
    pub webhook_queue_url: String,
    /// Each caller's signing secrets (the table and the KMS key).
    pub secrets: SecretStoreSettings,
    /// How long a caller's decrypted secrets are kept: a rotation reaches signing within
    /// this (`WEBHOOK_SECRET_CACHE_SECONDS`, 60).
    pub secret_cache: Duration,
    pub sender: Sender,
    pub schedule: RetrySchedule,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let resources = Resources::from_env(env)?;
        let schedule = match env.optional("WEBHOOK_RETRY_SCHEDULE_SECONDS") {
            None => RetrySchedule::standard(),
            Some(text) => RetrySchedule::parse(&text).map_err(|err| ConfigError::Invalid {
                name: "WEBHOOK_RETRY_SCHEDULE_SECONDS",
                value: text.clone(),
                reason: err.to_string(),
            })?,
        };
        Ok(Self {
            resources,
            webhook_queue_url: env.required("WEBHOOK_QUEUE_URL")?,
            secrets: SecretStoreSettings::from_env(env)?,
            secret_cache: Duration::from_secs(env.positive("WEBHOOK_SECRET_CACHE_SECONDS", 60u64)?),
            sender: Sender {
                policy: receiver_policy(env)?,
                timeout: Duration::from_secs(env.positive("WEBHOOK_TIMEOUT_SECONDS", 15u64)?),
            },
            schedule,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: [(&str, &str); 5] = [
        ("BUCKET_NAME", "b"),
        ("TABLE_NAME", "t"),
        ("WEBHOOK_QUEUE_URL", "http://q"),
        ("WEBHOOK_SECRETS_TABLE", "secrets"),
        ("WEBHOOK_SECRETS_KEY_ID", "alias/k"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> Result<Settings, ConfigError> {
        let mut pairs = BASE.to_vec();
        pairs.extend_from_slice(extra);
        Settings::from_env(&Env::from_pairs(&pairs))
    }

    #[test]
    fn unset_knobs_take_their_defaults() {
        let settings = with(&[]).unwrap();
        assert_eq!(settings.resources.table, "t");
        assert_eq!(settings.secrets.table, "secrets");
        assert_eq!(settings.secrets.key_id, "alias/k");
        assert_eq!(settings.secret_cache, Duration::from_secs(60));
        assert_eq!(settings.sender.timeout, Duration::from_secs(15));
        assert!(!settings.sender.policy.allow_local);
        assert_eq!(settings.schedule, RetrySchedule::standard());
    }

    #[test]
    fn a_schedule_and_local_receivers_come_from_the_environment() {
        let settings = with(&[
            ("WEBHOOK_RETRY_SCHEDULE_SECONDS", "0, 1,2"),
            ("WEBHOOK_LOCAL_RECEIVERS", "true"),
        ])
        .unwrap();
        assert_eq!(settings.schedule.attempts(), 3);
        assert!(settings.sender.policy.allow_local);
    }

    #[test]
    fn each_bad_value_is_refused_by_its_name() {
        for (name, value) in [
            ("WEBHOOK_RETRY_SCHEDULE_SECONDS", "1,,2"),
            ("WEBHOOK_RETRY_SCHEDULE_SECONDS", "-1"),
            ("WEBHOOK_SECRET_CACHE_SECONDS", "0"),
            ("WEBHOOK_TIMEOUT_SECONDS", "0"),
            ("WEBHOOK_TIMEOUT_SECONDS", "soon"),
            ("WEBHOOK_LOCAL_RECEIVERS", "yes"),
        ] {
            let err = with(&[(name, value)]).unwrap_err();
            assert!(err.to_string().contains(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn a_missing_queue_or_secret_is_named() {
        for missing in [
            "TABLE_NAME",
            "WEBHOOK_QUEUE_URL",
            "WEBHOOK_SECRETS_TABLE",
            "WEBHOOK_SECRETS_KEY_ID",
        ] {
            let pairs: Vec<_> = BASE.into_iter().filter(|(k, _)| *k != missing).collect();
            let err = Settings::from_env(&Env::from_pairs(&pairs)).unwrap_err();
            assert!(
                matches!(err, ConfigError::Missing(name) if name == missing),
                "{err}"
            );
        }
    }
}
