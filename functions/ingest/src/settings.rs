//! The ingest function's settings: everything it reads from the environment, parsed once
//! at init.

use ferrotype_service::config::{max_direct_upload_bytes, ConfigError, Env, Resources};

/// Everything the ingest function reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub resources: Resources,
    /// The job queue (`QUEUE_URL`), where an arrived upload's job is sent.
    pub queue_url: String,
    /// The largest direct upload (`MAX_DIRECT_UPLOAD_BYTES`), checked on the stored object.
    pub max_direct_upload_bytes: u64,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            resources: Resources::from_env(env)?,
            queue_url: env.required("QUEUE_URL")?,
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
    fn direct_uploads_are_up_to_50_mib_unless_set() {
        let settings = with(&[]).unwrap();
        assert_eq!(settings.queue_url, "http://q");
        assert_eq!(settings.max_direct_upload_bytes, 50 * 1024 * 1024);
        let settings = with(&[("MAX_DIRECT_UPLOAD_BYTES", "1048576")]).unwrap();
        assert_eq!(settings.max_direct_upload_bytes, 1024 * 1024);
    }

    #[test]
    fn each_bad_value_is_refused_by_its_name() {
        for value in ["0", "-1", "big", "5368709121"] {
            let err = with(&[("MAX_DIRECT_UPLOAD_BYTES", value)]).unwrap_err();
            assert!(
                err.to_string().contains("MAX_DIRECT_UPLOAD_BYTES"),
                "{value}: {err}"
            );
        }
    }

    #[test]
    fn a_missing_queue_is_named() {
        let err = Settings::from_env(&Env::from_pairs(&BASE[..2])).unwrap_err();
        assert!(matches!(err, ConfigError::Missing("QUEUE_URL")), "{err}");
    }
}
