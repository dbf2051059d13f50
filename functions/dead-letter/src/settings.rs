//! The dead-letter function's settings: everything it reads from the environment, parsed
//! once at init.

use ferrotype_service::config::{ConfigError, Env, Resources};

/// Everything the dead-letter function reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the data is; this function uses only the table.
    pub resources: Resources,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            resources: Resources::from_env(env)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_and_the_table_are_required() {
        let settings = Settings::from_env(&Env::from_pairs(&[
            ("BUCKET_NAME", "b"),
            ("TABLE_NAME", "t"),
        ]))
        .unwrap();
        assert_eq!(settings.resources.table, "t");
        for (set, missing) in [("BUCKET_NAME", "TABLE_NAME"), ("TABLE_NAME", "BUCKET_NAME")] {
            let err = Settings::from_env(&Env::from_pairs(&[(set, "x")])).unwrap_err();
            assert!(
                matches!(err, ConfigError::Missing(name) if name == missing),
                "{err}"
            );
        }
    }
}
