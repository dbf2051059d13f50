//! The notifier's settings: everything it reads from the environment, parsed once at init.

use ferrotype_service::config::{ConfigError, Env};

/// Everything the notifier reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub webhook_queue_url: String,
    pub event_bus: Option<String>,
    /// The sender and the API's base URL (for the status link), when e-mail is on.
    pub email: Option<(String, String)>,
    /// The connections table and the `@connections` endpoint, when the live channel is on.
    pub live: Option<(String, String)>,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let email = match env.optional("NOTIFY_EMAIL_FROM") {
            Some(from) => Some((from, env.required("API_URL")?)),
            None => None,
        };
        let live = match env.optional("CONNECTIONS_TABLE") {
            Some(table) => Some((table, env.required("LIVE_ENDPOINT_URL")?)),
            None => None,
        };
        Ok(Self {
            live,
            webhook_queue_url: env.required("WEBHOOK_QUEUE_URL")?,
            event_bus: env.optional("EVENT_BUS_NAME"),
            email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUEUE: (&str, &str) = ("WEBHOOK_QUEUE_URL", "http://q");

    #[test]
    fn the_bus_e_mail_and_live_channel_are_off_unless_named() {
        let settings =
            Settings::from_env(&Env::from_pairs(&[QUEUE, ("EVENT_BUS_NAME", "")])).unwrap();
        assert_eq!(settings.webhook_queue_url, "http://q");
        assert_eq!(
            (settings.event_bus, settings.email, settings.live),
            (None, None, None)
        );

        let settings = Settings::from_env(&Env::from_pairs(&[
            QUEUE,
            ("EVENT_BUS_NAME", "bus"),
            ("NOTIFY_EMAIL_FROM", "jobs@example.com"),
            ("API_URL", "https://api.example"),
            ("CONNECTIONS_TABLE", "connections"),
            ("LIVE_ENDPOINT_URL", "https://live.example/live"),
        ]))
        .unwrap();
        assert_eq!(settings.event_bus.as_deref(), Some("bus"));
        assert_eq!(
            settings.email,
            Some(("jobs@example.com".into(), "https://api.example".into()))
        );
        assert_eq!(
            settings.live,
            Some(("connections".into(), "https://live.example/live".into()))
        );
    }

    #[test]
    fn what_a_feature_needs_is_named_when_missing() {
        for (pairs, missing) in [
            (vec![], "WEBHOOK_QUEUE_URL"),
            (
                vec![QUEUE, ("NOTIFY_EMAIL_FROM", "jobs@example.com")],
                "API_URL",
            ),
            (vec![QUEUE, ("CONNECTIONS_TABLE", "c")], "LIVE_ENDPOINT_URL"),
        ] {
            let err = Settings::from_env(&Env::from_pairs(&pairs)).unwrap_err();
            assert!(
                matches!(err, ConfigError::Missing(name) if name == missing),
                "{err}"
            );
        }
    }
}
