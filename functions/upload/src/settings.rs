//! The upload function's settings: everything it reads from the environment, parsed once
//! at init.

use std::str::FromStr;
use std::time::Duration;

use ferrotype_access::AccessSettings;
use ferrotype_format::ImageKind;
use ferrotype_service::config::{
    self, max_direct_upload_bytes, receiver_policy, retention, unavailable_retry_after,
    upload_url_ttl, ConfigError, Env, Resources, DEFAULT_UPLOAD_URL_TTL,
};
use ferrotype_service::domain::ReceiverPolicy;
use ferrotype_variants::Declaration;

/// Everything the upload function reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub resources: Resources,
    /// Who may call (`crates/access`).
    pub access: AccessSettings,
    /// What the handler reads at request time.
    pub handler: UploadSettings,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            resources: Resources::from_env(env)?,
            access: AccessSettings::from_env(env)?,
            handler: UploadSettings::from_env(env)?,
        })
    }
}

/// How the upload handler answers: its limits, queue and idempotency table.
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
    /// The declared outputs (`VARIANTS`), the names an upload may ask for.
    pub variants: Declaration,
    /// Whether HEIC and HEIF photos are accepted (`HEIC_INPUT`).
    pub heic_input: HeicInput,
}

/// Whether a deployment accepts HEIC and HEIF photos (`HEIC_INPUT`, the template's
/// `HeicInput` parameter): `enabled` (the default) or `disabled`. Disabled, both upload
/// routes refuse them with `415` by their bytes or their declared type; AVIF is still
/// accepted. Leaving the HEVC decoder out of the build is a separate, build-time switch
/// (README, "Leaving HEIC out").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeicInput {
    Enabled,
    Disabled,
}

impl HeicInput {
    /// Whether an image of `kind` is refused: HEIC, and HEIF without a codec brand (which
    /// may hold HEVC), when disabled.
    pub fn refuses(self, kind: ImageKind) -> bool {
        self == Self::Disabled && matches!(kind, ImageKind::Heic | ImageKind::Heif)
    }
}

impl FromStr for HeicInput {
    type Err = &'static str;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.to_ascii_lowercase().as_str() {
            "enabled" => Ok(Self::Enabled),
            "disabled" => Ok(Self::Disabled),
            _ => Err("must be enabled or disabled"),
        }
    }
}

impl UploadSettings {
    pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 4 * 1024 * 1024;
    pub const DEFAULT_UPLOAD_URL_TTL: Duration = DEFAULT_UPLOAD_URL_TTL;

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
            variants: config::variants(env)?.0,
            heic_input: env.parsed_or("HEIC_INPUT", HeicInput::Enabled)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrotype_service::config::Lookup;

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
    fn heic_input_is_enabled_unless_disabled_and_nothing_else_is_read() {
        let base = [("QUEUE_URL", "q"), ("IDEMPOTENCY_TABLE_NAME", "i")];
        let read = |value: Option<&str>| {
            let mut pairs = base.to_vec();
            pairs.extend(value.map(|v| ("HEIC_INPUT", v)));
            UploadSettings::from_env(&env(&pairs)).map(|s| s.heic_input)
        };
        assert_eq!(read(None).unwrap(), HeicInput::Enabled);
        assert_eq!(read(Some("Disabled")).unwrap(), HeicInput::Disabled);
        assert_eq!(read(Some("enabled")).unwrap(), HeicInput::Enabled);
        let err = read(Some("off")).unwrap_err();
        assert!(err.to_string().contains("HEIC_INPUT"), "{err}");

        for kind in ImageKind::ALL {
            assert!(!HeicInput::Enabled.refuses(kind));
        }
        assert!(HeicInput::Disabled.refuses(ImageKind::Heic));
        assert!(HeicInput::Disabled.refuses(ImageKind::Heif));
        assert!(!HeicInput::Disabled.refuses(ImageKind::Avif));
        assert!(!HeicInput::Disabled.refuses(ImageKind::Jpeg));
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
