//! The live function's settings: everything it reads from the environment, parsed once at
//! init.

use ferrotype_access::AccessSettings;
use ferrotype_notify::live::Caps;
use ferrotype_service::config::{ConfigError, Env};

/// Everything the live function reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The jobs table (`TABLE_NAME`), to check that a subscribed job is the caller's.
    pub jobs_table: String,
    /// Who may subscribe (`crates/access`): the token is checked as the HTTP routes check
    /// an `Authorization` header.
    pub access: AccessSettings,
    /// The live channel's subscriptions (`CONNECTIONS_TABLE`).
    pub connections_table: String,
    /// The `@connections` endpoint that answers go back through (`LIVE_ENDPOINT_URL`).
    pub endpoint: String,
    /// How much one connection, job and caller may hold (`LIVE_MAX_JOBS_PER_CONNECTION`,
    /// `LIVE_MAX_CONNECTIONS_PER_JOB`, `LIVE_MAX_SUBSCRIPTIONS_PER_CALLER`; defaults in
    /// [`Caps::default`]).
    pub caps: Caps,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            jobs_table: env.required("TABLE_NAME")?,
            access: AccessSettings::from_env(env)?,
            connections_table: env.required("CONNECTIONS_TABLE")?,
            endpoint: env.required("LIVE_ENDPOINT_URL")?,
            caps: caps(env)?,
        })
    }
}

fn caps<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Caps, ConfigError> {
    let default = Caps::default();
    Ok(Caps {
        per_connection: env.positive("LIVE_MAX_JOBS_PER_CONNECTION", default.per_connection)?,
        per_job: env.positive("LIVE_MAX_CONNECTIONS_PER_JOB", default.per_job)?,
        per_caller: env.positive("LIVE_MAX_SUBSCRIPTIONS_PER_CALLER", default.per_caller)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: [(&str, &str); 5] = [
        ("TABLE_NAME", "jobs"),
        ("API_KEY_TABLE_NAME", "keys"),
        ("USAGE_TABLE_NAME", "usage"),
        ("CONNECTIONS_TABLE", "connections"),
        ("LIVE_ENDPOINT_URL", "https://live.example/live"),
    ];

    #[test]
    fn the_tables_and_endpoint_are_read_without_a_bucket() {
        let settings = Settings::from_env(&Env::from_pairs(&BASE)).unwrap();
        assert_eq!(settings.jobs_table, "jobs");
        assert_eq!(settings.access.api_key_table.as_deref(), Some("keys"));
        assert_eq!(settings.connections_table, "connections");
        assert_eq!(settings.endpoint, "https://live.example/live");
    }

    #[test]
    fn each_missing_variable_is_named() {
        for missing in [
            "TABLE_NAME",
            "API_KEY_TABLE_NAME",
            "CONNECTIONS_TABLE",
            "LIVE_ENDPOINT_URL",
        ] {
            let pairs: Vec<_> = BASE.into_iter().filter(|(k, _)| *k != missing).collect();
            let err = Settings::from_env(&Env::from_pairs(&pairs)).unwrap_err();
            assert!(
                matches!(err, ConfigError::Missing(name) if name == missing),
                "{err}"
            );
        }
    }

    #[test]
    fn the_caps_have_defaults_and_refuse_zero() {
        let settings = Settings::from_env(&Env::from_pairs(&BASE)).unwrap();
        assert_eq!(settings.caps, Caps::default());
        let mut pairs = BASE.to_vec();
        pairs.push(("LIVE_MAX_CONNECTIONS_PER_JOB", "3"));
        let settings = Settings::from_env(&Env::from_pairs(&pairs)).unwrap();
        assert_eq!(settings.caps.per_job, 3);
        pairs.push(("LIVE_MAX_JOBS_PER_CONNECTION", "0"));
        let err = Settings::from_env(&Env::from_pairs(&pairs)).unwrap_err();
        assert!(
            err.to_string().contains("LIVE_MAX_JOBS_PER_CONNECTION"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_gate_value_is_refused_by_its_name() {
        let mut pairs = BASE.to_vec();
        pairs.push(("RATE_LIMIT_REQUESTS", "many"));
        let err = Settings::from_env(&Env::from_pairs(&pairs)).unwrap_err();
        assert!(err.to_string().contains("RATE_LIMIT_REQUESTS"), "{err}");
    }
}
