//! The processor's settings: everything it reads from the environment, parsed once at init.

use std::time::Duration;

use ferrotype_imaging::PipelineSettings;
use ferrotype_service::config::{self, ConfigError, Env, Resources};
use ferrotype_variants::{Declaration, VariantName};

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
    /// The bounds and threads of the pipeline; its variants are every declared one (a job
    /// that asks for fewer gets [`ProcessorSettings::pipeline_for`]'s).
    pub pipeline: PipelineSettings,
    /// The declared outputs (`VARIANTS`).
    pub variants: Declaration,
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
        let (variants, limits) = config::variants(env)?;
        Ok(Self {
            resources,
            handler: ProcessorSettings {
                pipeline: PipelineSettings {
                    variants: variants.variants().to_vec(),
                    max_pixels: env.positive("MAX_PIXELS", defaults.max_pixels)?,
                    max_dimension: env.positive("MAX_DIMENSION", defaults.max_dimension)?,
                    avif_max_pixels: limits.avif_max_pixels,
                    ..defaults
                },
                variants,
                lease: Duration::from_secs(env.positive("LEASE_SECONDS", 120u64)?),
                concurrency: env.positive("BATCH_CONCURRENCY", 2usize)?,
                start_margin: Duration::from_secs(env.parsed_or("START_MARGIN_SECONDS", 20u64)?),
                finish_margin: Duration::from_secs(env.parsed_or("FINISH_MARGIN_SECONDS", 5u64)?),
            },
        })
    }
}

impl ProcessorSettings {
    /// The pipeline's settings for a job that asked for `requested` (`None`: every declared
    /// variant). Names no longer declared (the declaration changed since the upload) are
    /// left out; a job left with none makes every declared variant rather than nothing.
    pub fn pipeline_for(&self, requested: Option<&[VariantName]>) -> PipelineSettings {
        let Some(requested) = requested else {
            return self.pipeline.clone();
        };
        let known: Vec<VariantName> = requested
            .iter()
            .filter(|name| self.variants.get(name).is_some())
            .cloned()
            .collect();
        if known.len() < requested.len() {
            tracing::warn!(
                ?requested,
                "the job asked for variants that are no longer declared; making the others"
            );
        }
        if known.is_empty() {
            return self.pipeline.clone();
        }
        let selected = self
            .variants
            .select(Some(&known))
            .expect("only declared names are selected");
        PipelineSettings {
            variants: selected.into_iter().cloned().collect(),
            ..self.pipeline.clone()
        }
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
    fn processor_variants_come_from_the_environment() {
        let json = r#"[{"name": "small", "width": 150, "formats": ["webp"]},
                       {"name": "large", "width": 1024, "formats": ["jpeg"]}]"#;
        let settings = with(&[("VARIANTS", json), ("AVIF_MAX_PIXELS", "900000")]).unwrap();
        assert_eq!(settings.resources.bucket, "b");
        let names: Vec<&str> = settings
            .handler
            .pipeline
            .variants
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert_eq!(names, ["small", "large"]);
        assert_eq!(settings.handler.pipeline.variants[0].width, Some(150));
        assert_eq!(settings.handler.pipeline.avif_max_pixels, 900_000);
        assert_eq!(settings.handler.lease, Duration::from_secs(120));
        assert_eq!(settings.handler.concurrency, 2);
        assert_eq!(settings.handler.start_margin, Duration::from_secs(20));
        assert_eq!(settings.handler.finish_margin, Duration::from_secs(5));
    }

    #[test]
    fn a_job_gets_the_declared_variants_it_asked_for_in_declaration_order() {
        let handler = with(&[]).unwrap().handler;
        let names = |requested: Option<&[&str]>| -> Vec<String> {
            let requested: Option<Vec<VariantName>> =
                requested.map(|r| r.iter().map(|n| n.parse().unwrap()).collect());
            handler
                .pipeline_for(requested.as_deref())
                .variants
                .iter()
                .map(|v| v.name.to_string())
                .collect()
        };
        assert_eq!(names(None), ["thumbnail", "preview", "optimized"]);
        assert_eq!(
            names(Some(&["optimized", "thumbnail"])),
            ["thumbnail", "optimized"]
        );
        assert_eq!(names(Some(&["gone", "preview"])), ["preview"]);
        assert_eq!(
            names(Some(&["gone"])),
            ["thumbnail", "preview", "optimized"]
        );
    }

    #[test]
    fn a_start_margin_of_zero_is_allowed() {
        let settings = with(&[("START_MARGIN_SECONDS", "0")]).unwrap();
        assert_eq!(settings.handler.start_margin, Duration::ZERO);
    }

    #[test]
    fn each_bad_value_is_refused_by_its_name() {
        for (name, value) in [
            ("THUMBNAIL_WIDTH", "150"),
            ("PREVIEW_WIDTH", "wide"),
            ("VARIANTS", "[]"),
            ("VARIANTS", "{"),
            ("AVIF_MAX_PIXELS", "0"),
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
