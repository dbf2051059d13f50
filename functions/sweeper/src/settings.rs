//! The sweeper's settings: everything it reads from the environment, parsed once at init.

use std::time::Duration;

use ferrotype_service::config::{max_direct_upload_bytes, ConfigError, Env, Resources};

/// Everything the sweeper reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub resources: Resources,
    /// The job queue (`QUEUE_URL`), where lost jobs are sent again.
    pub queue_url: String,
    /// `RESEND_AFTER_SECONDS`: see [`crate::App::resend_after`]. 30 minutes by default: the
    /// job queue's 360 s visibility timeout times its 5 receives, in `template.yaml`.
    pub resend_after: Duration,
    /// `UPLOAD_GRACE_SECONDS`: see [`crate::App::upload_grace`]. 5 minutes by default.
    pub upload_grace: Duration,
    /// The largest direct upload (`MAX_DIRECT_UPLOAD_BYTES`), checked on a late object.
    pub max_direct_upload_bytes: u64,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            resources: Resources::from_env(env)?,
            queue_url: env.required("QUEUE_URL")?,
            resend_after: Duration::from_secs(env.parsed_or("RESEND_AFTER_SECONDS", 1800u64)?),
            upload_grace: Duration::from_secs(env.parsed_or("UPLOAD_GRACE_SECONDS", 300u64)?),
            max_direct_upload_bytes: max_direct_upload_bytes(env)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: [(&str, &str); 3] = [
        ("BUCKET_NAME", "b"),
        ("TABLE_NAME", "t"),
        ("QUEUE_URL", "http://q"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> Result<Settings, ConfigError> {
        let mut pairs = BASE.to_vec();
        pairs.extend_from_slice(extra);
        Settings::from_env(&Env::from_pairs(&pairs))
    }

    #[test]
    fn unset_waits_take_the_templates_values() {
        let settings = with(&[]).unwrap();
        assert_eq!(settings.resend_after, Duration::from_secs(1800));
        assert_eq!(settings.upload_grace, Duration::from_secs(300));
        assert_eq!(settings.max_direct_upload_bytes, 50 * 1024 * 1024);
    }

    #[test]
    fn waits_of_zero_are_allowed() {
        let settings =
            with(&[("RESEND_AFTER_SECONDS", "0"), ("UPLOAD_GRACE_SECONDS", "0")]).unwrap();
        assert_eq!(settings.resend_after, Duration::ZERO);
        assert_eq!(settings.upload_grace, Duration::ZERO);
    }

    #[test]
    fn each_bad_value_is_refused_by_its_name() {
        for (name, value) in [
            ("RESEND_AFTER_SECONDS", "-1"),
            ("RESEND_AFTER_SECONDS", "half an hour"),
            ("UPLOAD_GRACE_SECONDS", "-1"),
            ("MAX_DIRECT_UPLOAD_BYTES", "0"),
            ("MAX_DIRECT_UPLOAD_BYTES", "5368709121"),
        ] {
            let err = with(&[(name, value)]).unwrap_err();
            assert!(err.to_string().contains(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn a_missing_queue_is_named() {
        let err = Settings::from_env(&Env::from_pairs(&BASE[..2])).unwrap_err();
        assert!(matches!(err, ConfigError::Missing("QUEUE_URL")), "{err}");
    }
}
