//! Settings from the environment. `template.yaml` sets them in AWS; the local tooling sets
//! them at home. Every function reads only what it needs, and a missing or malformed value
//! is an error at init, not at the first request.
//!
//! Each function parses its settings in its own `settings.rs`, with what is here: [`Env`],
//! [`ConfigError`], [`Resources`], and the parsers of variables that several functions
//! read ([`unavailable_retry_after`], [`max_direct_upload_bytes`], [`receiver_policy`]).

use std::str::FromStr;
use std::time::Duration;

use ferrotype_variants::{Declaration, Limits};

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

/// How long a direct upload's presigned `PUT` works unless `UPLOAD_URL_TTL_SECONDS` says.
pub const DEFAULT_UPLOAD_URL_TTL: Duration = Duration::from_secs(900);

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
pub fn upload_url_ttl<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<Duration, ConfigError> {
    let secs = env.positive("UPLOAD_URL_TTL_SECONDS", DEFAULT_UPLOAD_URL_TTL.as_secs())?;
    if secs > 3600 {
        return Err(ConfigError::Invalid {
            name: "UPLOAD_URL_TTL_SECONDS",
            value: secs.to_string(),
            reason: "must be at most 3600 (one hour)".into(),
        });
    }
    Ok(Duration::from_secs(secs))
}

/// The declared outputs and their limits: `VARIANTS` (a JSON list; unset or empty: the
/// default set, [`Declaration::default_set`]) checked against `MAX_VARIANTS`,
/// `MAX_VARIANT_FORMATS`, `MAX_VARIANT_DIMENSION` and `AVIF_MAX_PIXELS` ([`Limits`]'s
/// defaults). The upload function reads it to check the names an upload asks for, the
/// processor to make them; a bad declaration stops either at init, naming the entry and
/// the rule. `THUMBNAIL_WIDTH` and `PREVIEW_WIDTH`, which `VARIANTS` replaces, are refused.
pub fn variants<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<(Declaration, Limits), ConfigError> {
    for replaced in ["THUMBNAIL_WIDTH", "PREVIEW_WIDTH"] {
        if let Some(value) = env.optional(replaced) {
            return Err(ConfigError::Invalid {
                name: replaced,
                value,
                reason: "is replaced by VARIANTS (a JSON list of the outputs; see the README)"
                    .into(),
            });
        }
    }
    let defaults = Limits::default();
    let limits = Limits {
        max_variants: env.positive("MAX_VARIANTS", defaults.max_variants)?,
        max_formats: env.positive("MAX_VARIANT_FORMATS", defaults.max_formats)?,
        max_dimension: env.positive("MAX_VARIANT_DIMENSION", defaults.max_dimension)?,
        avif_max_pixels: env.positive("AVIF_MAX_PIXELS", defaults.avif_max_pixels)?,
    };
    let declaration = match env.optional("VARIANTS") {
        None => Declaration::default_set(),
        Some(json) => Declaration::parse(&json, &limits).map_err(|e| ConfigError::Invalid {
            name: "VARIANTS",
            reason: e.to_string(),
            value: json,
        })?,
    };
    Ok((declaration, limits))
}

/// `UNAVAILABLE_RETRY_AFTER_SECONDS`: how long a client should wait after a `503`.
pub fn unavailable_retry_after<F: Fn(&str) -> Option<String>>(
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
    fn variants_default_to_the_default_set_and_a_bad_one_names_its_entry_and_rule() {
        let (declaration, limits) = variants(&env(&[])).unwrap();
        assert_eq!(declaration, Declaration::default_set());
        assert_eq!(limits, Limits::default());
        let json = r#"[{"name": "hero", "width": 1200, "fit": "cover", "formats": ["webp"]}]"#;
        let err = variants(&env(&[("VARIANTS", json)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("VARIANTS") && err.contains("hero"), "{err}");
        assert!(err.contains("cover"), "names the rule: {err}");
    }

    #[test]
    fn variants_are_bounded_by_the_limits_the_environment_sets() {
        let json = r#"[{"name": "a", "width": 100, "formats": ["jpeg"]},
                       {"name": "b", "width": 200, "formats": ["jpeg"]}]"#;
        assert!(variants(&env(&[("VARIANTS", json)])).is_ok());
        let err = variants(&env(&[("VARIANTS", json), ("MAX_VARIANTS", "1")])).unwrap_err();
        assert!(err.to_string().contains("VARIANTS"), "{err}");
        let big = r#"[{"name": "a", "width": 1000, "height": 1000, "formats": ["avif"]}]"#;
        assert!(variants(&env(&[("VARIANTS", big)])).is_ok());
        let err = variants(&env(&[("VARIANTS", big), ("AVIF_MAX_PIXELS", "500000")]));
        assert!(err.is_err());
        for (name, value) in [("MAX_VARIANT_DIMENSION", "0"), ("MAX_VARIANT_FORMATS", "x")] {
            let err = variants(&env(&[(name, value)])).unwrap_err().to_string();
            assert!(err.contains(name), "{err}");
        }
    }

    #[test]
    fn the_widths_variants_replace_are_refused_by_name() {
        for name in ["THUMBNAIL_WIDTH", "PREVIEW_WIDTH"] {
            let err = variants(&env(&[(name, "150")])).unwrap_err().to_string();
            assert!(err.contains(name) && err.contains("VARIANTS"), "{err}");
        }
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
    fn a_missing_required_variable_is_named_in_the_error() {
        let err = Resources::from_env(&env(&[("BUCKET_NAME", "b")])).unwrap_err();
        assert!(err.to_string().contains("TABLE_NAME"), "{err}");
    }
}
