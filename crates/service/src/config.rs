//! Settings from the environment. `template.yaml` sets them in AWS; the local tooling sets
//! them at home. Every function reads only what it needs, and a missing or malformed value
//! is an error at init, not at the first request.

use std::str::FromStr;
use std::time::Duration;

use crate::domain::ReceiverPolicy;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} must be set")]
    Missing(&'static str),
    #[error("environment variable {name} has an invalid value {value:?}: {reason}")]
    Invalid {
        name: &'static str,
        value: String,
        reason: String,
    },
}

/// Reads variables through a lookup function, so tests need not touch the process
/// environment.
pub struct Env<F>(F);

impl Env<fn(&str) -> Option<String>> {
    pub fn process() -> Self {
        Env(|name| std::env::var(name).ok())
    }
}

/// A lookup owned by its [`Env`].
pub type Lookup = Box<dyn Fn(&str) -> Option<String>>;

impl Env<Lookup> {
    /// An environment of just these variables (for tests).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Env(Box::new(move |name| map.get(name).cloned()))
    }
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub fn from_fn(lookup: F) -> Self {
        Env(lookup)
    }

    pub fn required(&self, name: &'static str) -> Result<String, ConfigError> {
        match (self.0)(name) {
            Some(value) if !value.trim().is_empty() => Ok(value),
            _ => Err(ConfigError::Missing(name)),
        }
    }

    pub fn parsed_or<T>(&self, name: &'static str, default: T) -> Result<T, ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        match (self.0)(name) {
            None => Ok(default),
            Some(value) if value.trim().is_empty() => Ok(default),
            Some(value) => value
                .trim()
                .parse()
                .map_err(|e: T::Err| ConfigError::Invalid {
                    name,
                    reason: e.to_string(),
                    value,
                }),
        }
    }

    /// A value that may be unset (an empty one is unset).
    pub fn optional(&self, name: &'static str) -> Option<String> {
        (self.0)(name).filter(|value| !value.trim().is_empty())
    }

    /// A number that must be greater than zero, or `default` when unset.
    pub fn positive<T>(&self, name: &'static str, default: T) -> Result<T, ConfigError>
    where
        T: FromStr + PartialOrd + Default + Copy,
        T::Err: std::fmt::Display,
    {
        let value = self.parsed_or(name, default)?;
        if value <= T::default() {
            return Err(ConfigError::Invalid {
                name,
                value: (self.0)(name).unwrap_or_default(),
                reason: "must be greater than zero".into(),
            });
        }
        Ok(value)
    }
}

/// Where the data lives: every function needs these.
#[derive(Debug, Clone)]
pub struct Resources {
    pub bucket: String,
    pub table: String,
}

impl Resources {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            bucket: env.required("BUCKET_NAME")?,
            table: env.required("TABLE_NAME")?,
        })
    }
}

/// `RETENTION_DAYS`: how long a job is kept after its upload (`None`, from `0`: forever).
/// The template sets the same number on the bucket's lifecycle rules.
pub fn retention<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<Option<Duration>, ConfigError> {
    let days: u64 = env.parsed_or("RETENTION_DAYS", 0)?;
    Ok((days > 0).then(|| Duration::from_secs(days * 86_400)))
}

/// The upload function's settings.
#[derive(Debug, Clone)]
pub struct UploadSettings {
    pub queue_url: String,
    /// The table of `Idempotency-Key`s and the answers kept under them.
    pub idempotency_table: String,
    /// The largest image accepted inline. 4 MiB is 5.6 MB once API Gateway base64-encodes
    /// it, which fits Lambda's 6 MB request payload.
    pub max_upload_bytes: usize,
    pub retry_after: Duration,
    /// `Retry-After` on a `503` (S3, DynamoDB or SQS failed).
    pub unavailable_retry_after: Duration,
    /// How long a job is kept (`RETENTION_DAYS`); `None` keeps it forever.
    pub retention: Option<Duration>,
    /// The largest direct upload (`POST /uploads`) accepted.
    pub max_direct_upload_bytes: u64,
    /// How long a direct upload's presigned `PUT` works (`UPLOAD_URL_TTL_SECONDS`).
    pub upload_url_ttl: Duration,
    /// Which webhook receivers a job may name (`WEBHOOK_LOCAL_RECEIVERS`).
    pub receivers: ReceiverPolicy,
    /// Whether `notify_email` is accepted: the stack has a sender (`NOTIFY_EMAIL_FROM`).
    pub email_enabled: bool,
}

impl UploadSettings {
    pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 4 * 1024 * 1024;
    pub const DEFAULT_UPLOAD_URL_TTL: Duration = Duration::from_secs(900);

    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            queue_url: env.required("QUEUE_URL")?,
            idempotency_table: env.required("IDEMPOTENCY_TABLE_NAME")?,
            max_upload_bytes: env.positive("MAX_UPLOAD_BYTES", Self::DEFAULT_MAX_UPLOAD_BYTES)?,
            retry_after: Duration::from_secs(env.positive("RETRY_AFTER_SECONDS", 2u64)?),
            unavailable_retry_after: unavailable_retry_after(env)?,
            retention: retention(env)?,
            max_direct_upload_bytes: max_direct_upload_bytes(env)?,
            upload_url_ttl: upload_url_ttl(env)?,
            receivers: receiver_policy(env)?,
            email_enabled: env.optional("NOTIFY_EMAIL_FROM").is_some(),
        })
    }
}

/// `WEBHOOK_LOCAL_RECEIVERS=true` lets webhooks go to `http://` and loopback receivers, for
/// `make dev` and the tests. The template never sets it: in AWS a receiver is `https` on a
/// public address.
pub fn receiver_policy<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<ReceiverPolicy, ConfigError> {
    Ok(ReceiverPolicy {
        allow_local: env.parsed_or("WEBHOOK_LOCAL_RECEIVERS", false)?,
    })
}

/// `MAX_DIRECT_UPLOAD_BYTES`: the largest direct upload, checked when the session is made
/// and again on the stored object. 50 MiB by default; S3 takes at most 5 GiB in one `PUT`.
pub fn max_direct_upload_bytes<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<u64, ConfigError> {
    const DEFAULT: u64 = 50 * 1024 * 1024;
    const SINGLE_PUT_LIMIT: u64 = 5 * 1024 * 1024 * 1024;
    let bytes = env.positive("MAX_DIRECT_UPLOAD_BYTES", DEFAULT)?;
    if bytes > SINGLE_PUT_LIMIT {
        return Err(ConfigError::Invalid {
            name: "MAX_DIRECT_UPLOAD_BYTES",
            value: bytes.to_string(),
            reason: format!("must be at most {SINGLE_PUT_LIMIT} (S3's limit for one PUT)"),
        });
    }
    Ok(bytes)
}

/// `UPLOAD_URL_TTL_SECONDS`: how long a direct upload's URL works (15 minutes by default).
/// At most an hour: the URL is signed with the function's role credentials, and a
/// presigned URL stops working when they expire, whatever it says.
fn upload_url_ttl<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Duration, ConfigError> {
    let secs = env.positive(
        "UPLOAD_URL_TTL_SECONDS",
        UploadSettings::DEFAULT_UPLOAD_URL_TTL.as_secs(),
    )?;
    if secs > 3600 {
        return Err(ConfigError::Invalid {
            name: "UPLOAD_URL_TTL_SECONDS",
            value: secs.to_string(),
            reason: "must be at most 3600 (one hour)".into(),
        });
    }
    Ok(Duration::from_secs(secs))
}

/// The status function's settings.
#[derive(Debug, Clone)]
pub struct StatusSettings {
    /// How long a presigned download link stays valid.
    pub presign_ttl: Duration,
    pub retry_after: Duration,
    /// `Retry-After` on a `503` (DynamoDB or S3 failed).
    pub unavailable_retry_after: Duration,
}

impl StatusSettings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let presign_ttl = env.positive("PRESIGN_TTL_SECONDS", 900u64)?;
        // SigV4 presigned URLs cannot outlive seven days.
        if presign_ttl > 7 * 24 * 3600 {
            return Err(ConfigError::Invalid {
                name: "PRESIGN_TTL_SECONDS",
                value: presign_ttl.to_string(),
                reason: "must be at most 604800 (seven days)".into(),
            });
        }
        Ok(Self {
            presign_ttl: Duration::from_secs(presign_ttl),
            retry_after: Duration::from_secs(env.positive("RETRY_AFTER_SECONDS", 2u64)?),
            unavailable_retry_after: unavailable_retry_after(env)?,
        })
    }
}

/// The delete function's settings.
#[derive(Debug, Clone)]
pub struct DeleteSettings {
    /// `Retry-After` on a `503` (DynamoDB or S3 failed).
    pub unavailable_retry_after: Duration,
}

impl DeleteSettings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            unavailable_retry_after: unavailable_retry_after(env)?,
        })
    }
}

/// `UNAVAILABLE_RETRY_AFTER_SECONDS`: how long a client should wait after a `503`.
fn unavailable_retry_after<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<Duration, ConfigError> {
    Ok(Duration::from_secs(
        env.positive("UNAVAILABLE_RETRY_AFTER_SECONDS", 5u64)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env<Lookup> {
        Env::from_pairs(pairs)
    }

    #[test]
    fn upload_settings_use_defaults_when_unset() {
        let settings = UploadSettings::from_env(&env(&[
            ("QUEUE_URL", "http://q"),
            ("IDEMPOTENCY_TABLE_NAME", "i"),
        ]))
        .unwrap();
        assert_eq!(settings.max_upload_bytes, 4 * 1024 * 1024);
        assert_eq!(settings.retry_after, Duration::from_secs(2));
        assert_eq!(settings.unavailable_retry_after, Duration::from_secs(5));
    }

    #[test]
    fn retention_is_off_by_default_and_counted_in_days() {
        assert_eq!(retention(&env(&[])).unwrap(), None);
        assert_eq!(retention(&env(&[("RETENTION_DAYS", "0")])).unwrap(), None);
        assert_eq!(
            retention(&env(&[("RETENTION_DAYS", "30")])).unwrap(),
            Some(Duration::from_secs(30 * 86_400))
        );
        assert!(retention(&env(&[("RETENTION_DAYS", "-1")])).is_err());
    }

    #[test]
    fn the_retry_after_of_a_503_comes_from_the_environment() {
        let settings =
            StatusSettings::from_env(&env(&[("UNAVAILABLE_RETRY_AFTER_SECONDS", "30")])).unwrap();
        assert_eq!(settings.unavailable_retry_after, Duration::from_secs(30));
        assert!(
            StatusSettings::from_env(&env(&[("UNAVAILABLE_RETRY_AFTER_SECONDS", "0")])).is_err()
        );
    }

    #[test]
    fn a_missing_required_variable_is_named_in_the_error() {
        let err = Resources::from_env(&env(&[("BUCKET_NAME", "b")])).unwrap_err();
        assert!(err.to_string().contains("TABLE_NAME"), "{err}");
    }

    #[test]
    fn malformed_and_non_positive_numbers_are_rejected() {
        for value in ["ten", "-1", "0"] {
            let err = UploadSettings::from_env(&env(&[
                ("QUEUE_URL", "http://q"),
                ("IDEMPOTENCY_TABLE_NAME", "i"),
                ("MAX_UPLOAD_BYTES", value),
            ]))
            .unwrap_err();
            assert!(err.to_string().contains("MAX_UPLOAD_BYTES"), "{err}");
        }
    }

    #[test]
    fn presign_ttl_is_capped_at_seven_days() {
        assert!(StatusSettings::from_env(&env(&[("PRESIGN_TTL_SECONDS", "604801")])).is_err());
        let ok = StatusSettings::from_env(&env(&[("PRESIGN_TTL_SECONDS", "60")])).unwrap();
        assert_eq!(ok.presign_ttl, Duration::from_secs(60));
    }

    #[test]
    fn direct_uploads_default_to_50_mib_and_15_minutes_within_bounds() {
        let base = [("QUEUE_URL", "q"), ("IDEMPOTENCY_TABLE_NAME", "i")];
        let settings = UploadSettings::from_env(&env(&base)).unwrap();
        assert_eq!(settings.max_direct_upload_bytes, 50 * 1024 * 1024);
        assert_eq!(settings.upload_url_ttl, Duration::from_secs(900));
        for bad in [
            ("UPLOAD_URL_TTL_SECONDS", "3601"),
            ("UPLOAD_URL_TTL_SECONDS", "0"),
            ("MAX_DIRECT_UPLOAD_BYTES", "5368709121"),
            ("MAX_DIRECT_UPLOAD_BYTES", "-1"),
        ] {
            let mut pairs = base.to_vec();
            pairs.push(bad);
            let err = UploadSettings::from_env(&env(&pairs)).unwrap_err();
            assert!(err.to_string().contains(bad.0), "{err}");
        }
    }
}
