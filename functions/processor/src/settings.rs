//! The processor's settings, read from the environment like every function's.

use std::time::Duration;

use ferrotype_imaging::PipelineSettings;
use ferrotype_service::config::{ConfigError, Env};

/// The processor's settings.
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
}

impl ProcessorSettings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let defaults = PipelineSettings::default();
        Ok(Self {
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
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processor_widths_come_from_the_environment() {
        let settings = ProcessorSettings::from_env(&Env::from_pairs(&[
            ("THUMBNAIL_WIDTH", "150"),
            ("PREVIEW_WIDTH", "1024"),
        ]))
        .unwrap();
        assert_eq!(settings.pipeline.thumbnail_width, 150);
        assert_eq!(settings.pipeline.preview_width, 1024);
        assert_eq!(settings.concurrency, 2);
        assert_eq!(settings.start_margin, Duration::from_secs(20));
        assert!(
            ProcessorSettings::from_env(&Env::from_pairs(&[("BATCH_CONCURRENCY", "0")])).is_err()
        );
    }
}
