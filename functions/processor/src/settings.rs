//! The processor's settings: everything it reads from the environment, parsed once at init.

use std::time::Duration;

use ferrotype_imaging::PipelineSettings;
use ferrotype_service::config::{ConfigError, Env, Resources};

/// Everything the processor reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub resources: Resources,
    /// What the handler reads at run time.
    pub handler: ProcessorSettings,
}

/// How the processor works through a batch.
#[derive(Debug, Clone)]
pub struct ProcessorSettings {
    pub pipeline: PipelineSettings,
    /// How long a processor owns a job it has taken. A job whose processor died is taken up
    /// again by a later delivery once this has passed, so it must exceed the function timeout.
    pub lease: Duration,
    /// How many messages of a batch are processed at once (`BATCH_CONCURRENCY`). Each holds
    /// a decoded image in memory, so this bounds the function's peak memory too.
    pub concurrency: usize,
    /// No message is started later than this before the invocation's deadline
    /// (`START_MARGIN_SECONDS`): about the longest a job takes, so a started job finishes.
    pub start_margin: Duration,
    /// A job not done this long before the invocation's deadline (`FINISH_MARGIN_SECONDS`)
    /// is given up and released for a later delivery: enough to record that and answer the
    /// batch before the function would time out. At most the start margin (cut to it).
    pub finish_margin: Duration,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let resources = Resources::from_env(env)?;
        let defaults = PipelineSettings::default();
        Ok(Self {
            resources,
            handler: ProcessorSettings {
                pipeline: PipelineSettings {
                    thumbnail_width: env.positive("THUMBNAIL_WIDTH", defaults.thumbnail_width)?,
                    preview_width: env.positive("PREVIEW_WIDTH", defaults.preview_width)?,
                    max_pixels: env.positive("MAX_PIXELS", defaults.max_pixels)?,
                    max_dimension: env.positive("MAX_DIMENSION", defaults.max_dimension)?,
                    ..defaults
                },
                lease: Duration::from_secs(env.positive("LEASE_SECONDS", 120u64)?),
                concurrency: env.positive("BATCH_CONCURRENCY", 2usize)?,
                start_margin: Duration::from_secs(env.parsed_or("START_MARGIN_SECONDS", 20u64)?),
                finish_margin: Duration::from_secs(env.parsed_or("FINISH_MARGIN_SECONDS", 5u64)?),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: [(&str, &str); 2] = [("BUCKET_NAME", "b"), ("TABLE_NAME", "t")];

    fn with(extra: &[(&'static str, &'static str)]) -> Result<Settings, ConfigError> {
        let mut pairs = BASE.to_vec();
        pairs.extend_from_slice(extra);
        Settings::from_env(&Env::from_pairs(&pairs))
    }

    #[test]
    fn processor_widths_come_from_the_environment() {
        let settings = with(&[("THUMBNAIL_WIDTH", "150"), ("PREVIEW_WIDTH", "1024")]).unwrap();
        assert_eq!(settings.resources.bucket, "b");
        assert_eq!(settings.handler.pipeline.thumbnail_width, 150);
        assert_eq!(settings.handler.pipeline.preview_width, 1024);
        assert_eq!(settings.handler.lease, Duration::from_secs(120));
        assert_eq!(settings.handler.concurrency, 2);
        assert_eq!(settings.handler.start_margin, Duration::from_secs(20));
        assert_eq!(settings.handler.finish_margin, Duration::from_secs(5));
    }

    #[test]
    fn a_start_margin_of_zero_is_allowed() {
        let settings = with(&[("START_MARGIN_SECONDS", "0")]).unwrap();
        assert_eq!(settings.handler.start_margin, Duration::ZERO);
    }

    #[test]
    fn each_bad_value_is_refused_by_its_name() {
        for (name, value) in [
            ("THUMBNAIL_WIDTH", "0"),
            ("PREVIEW_WIDTH", "wide"),
            ("MAX_PIXELS", "-1"),
            ("MAX_DIMENSION", "0"),
            ("LEASE_SECONDS", "0"),
            ("BATCH_CONCURRENCY", "0"),
            ("START_MARGIN_SECONDS", "-1"),
            ("FINISH_MARGIN_SECONDS", "soon"),
        ] {
            let err = with(&[(name, value)]).unwrap_err();
            assert!(err.to_string().contains(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn a_missing_bucket_is_named() {
        let err = Settings::from_env(&Env::from_pairs(&[("TABLE_NAME", "t")])).unwrap_err();
        assert!(matches!(err, ConfigError::Missing("BUCKET_NAME")), "{err}");
    }
}
