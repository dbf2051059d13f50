//! The notifier's settings: everything it reads from the environment, parsed once at init.

use ferrotype_notify::notice;
use ferrotype_notify::schedule::RetrySchedule;
use ferrotype_service::config::{ConfigError, Env};

/// Everything the notifier reads from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub webhook_queue_url: String,
    /// The jobs table, where a notice that failed is kept (`TABLE_NAME`).
    pub table: String,
    /// Where e-mails and events wait to be tried again (`NOTICE_QUEUE_URL`).
    pub notice_queue_url: String,
    /// When they are (`NOTICE_RETRY_SCHEDULE_SECONDS`, "0,10,60,300,900"; 900 s at most each).
    pub notice_schedule: RetrySchedule,
    pub event_bus: Option<String>,
    /// The sender and the API's base URL (for the status link), when e-mail is on.
    pub email: Option<(String, String)>,
    /// The connections table and the `@connections` endpoint, when the live channel is on.
    pub live: Option<(String, String)>,
    /// The API keys, so a revoked key's subscriptions are sent nothing more
    /// (`API_KEY_TABLE_NAME`; unset: keys are not checked at a push).
    pub api_key_table: Option<String>,
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
        let notice_schedule = match env.optional("NOTICE_RETRY_SCHEDULE_SECONDS") {
            None => notice::standard_schedule(),
            Some(text) => {
                let invalid = |reason: &str| ConfigError::Invalid {
                    name: "NOTICE_RETRY_SCHEDULE_SECONDS",
                    value: text.clone(),
                    reason: reason.into(),
                };
                let schedule = RetrySchedule::parse(&text)
                    .map_err(|_| invalid("comma-separated whole seconds, at least one"))?;
                if !notice::fits_the_queue(&schedule) {
                    return Err(invalid("each delay must be at most 900 s (an SQS delay)"));
                }
                schedule
            }
        };
        Ok(Self {
            live,
            webhook_queue_url: env.required("WEBHOOK_QUEUE_URL")?,
            table: env.required("TABLE_NAME")?,
            notice_queue_url: env.required("NOTICE_QUEUE_URL")?,
            notice_schedule,
            api_key_table: env.optional("API_KEY_TABLE_NAME"),
            event_bus: env.optional("EVENT_BUS_NAME"),
            email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUEUE: (&str, &str) = ("WEBHOOK_QUEUE_URL", "http://q");
    const TABLE: (&str, &str) = ("TABLE_NAME", "jobs");
    const NOTICES: (&str, &str) = ("NOTICE_QUEUE_URL", "http://n");

    #[test]
    fn the_bus_e_mail_and_live_channel_are_off_unless_named() {
        let settings = Settings::from_env(&Env::from_pairs(&[
            QUEUE,
            TABLE,
            NOTICES,
            ("EVENT_BUS_NAME", ""),
        ]))
        .unwrap();
        assert_eq!(settings.webhook_queue_url, "http://q");
        assert_eq!(
            (settings.event_bus, settings.email, settings.live),
            (None, None, None)
        );

        let settings = Settings::from_env(&Env::from_pairs(&[
            QUEUE,
            TABLE,
            NOTICES,
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
            (vec![QUEUE, NOTICES], "TABLE_NAME"),
            (vec![QUEUE, TABLE], "NOTICE_QUEUE_URL"),
            (
                vec![
                    QUEUE,
                    TABLE,
                    NOTICES,
                    ("NOTIFY_EMAIL_FROM", "jobs@example.com"),
                ],
                "API_URL",
            ),
            (
                vec![QUEUE, TABLE, NOTICES, ("CONNECTIONS_TABLE", "c")],
                "LIVE_ENDPOINT_URL",
            ),
        ] {
            let err = Settings::from_env(&Env::from_pairs(&pairs)).unwrap_err();
            assert!(
                matches!(err, ConfigError::Missing(name) if name == missing),
                "{err}"
            );
        }
    }

    #[test]
    fn the_notice_schedule_is_read_and_must_fit_an_sqs_delay() {
        let base = [QUEUE, TABLE, NOTICES];
        let settings = Settings::from_env(&Env::from_pairs(&base)).unwrap();
        assert_eq!(settings.notice_schedule.attempts(), 5);
        let mut pairs = base.to_vec();
        pairs.push(("NOTICE_RETRY_SCHEDULE_SECONDS", "0,1"));
        let settings = Settings::from_env(&Env::from_pairs(&pairs)).unwrap();
        assert_eq!(settings.notice_schedule.attempts(), 2);
        for bad in ["0,901", "soon", "0,,5"] {
            let mut pairs = base.to_vec();
            pairs.push(("NOTICE_RETRY_SCHEDULE_SECONDS", bad));
            let err = Settings::from_env(&Env::from_pairs(&pairs)).unwrap_err();
            assert!(
                err.to_string().contains("NOTICE_RETRY_SCHEDULE_SECONDS"),
                "{err}"
            );
        }
    }
}
