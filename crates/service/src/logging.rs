//! The functions' log filter, checked before it is installed.
//!
//! At `trace`, the Lambda runtime (`lambda_runtime`, `lambda_http`) logs every raw event and
//! response: the `Authorization` header with its API key or token, presigned URLs, the
//! `subscribe` messages with their tokens. So no function starts with a filter that enables
//! `trace` anywhere: not `RUST_LOG=trace`, not `RUST_LOG=info,lambda_runtime=trace`, not
//! Lambda's `AWS_LAMBDA_LOG_LEVEL=TRACE`. It refuses to start instead, with an error naming
//! the variable (a clamp would hide that the setting is not what was asked for). `debug` is
//! the most a deployment can turn on; `template.yaml`'s `LogLevel` offers no `trace`.

use lambda_http::tracing::subscriber::filter::{EnvFilter, LevelFilter};

use crate::config::{ConfigError, Env};

/// The variables the runtime's subscriber reads its filter from.
const RUST_LOG: &str = "RUST_LOG";
const AWS_LAMBDA_LOG_LEVEL: &str = "AWS_LAMBDA_LOG_LEVEL";

/// Checks the log filter of `env` ([`check`]) and installs the runtime's default subscriber
/// with it (JSON when Lambda's `AWS_LAMBDA_LOG_FORMAT` says so). Call it first in `main`.
/// `env` must be the process environment, which the subscriber reads.
pub fn init<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<(), ConfigError> {
    check(env)?;
    lambda_http::tracing::init_default_subscriber();
    Ok(())
}

/// Refuses a filter that would enable `trace` for any target, and a `RUST_LOG` that is not
/// a filter at all (the runtime would silently drop what it cannot read).
pub fn check<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<(), ConfigError> {
    if let Some(level) = env.optional(AWS_LAMBDA_LOG_LEVEL) {
        if level.trim().eq_ignore_ascii_case("trace") {
            return Err(refused(AWS_LAMBDA_LOG_LEVEL, level));
        }
    }
    if let Some(filter) = env.optional(RUST_LOG) {
        let parsed =
            EnvFilter::builder()
                .parse(filter.trim())
                .map_err(|err| ConfigError::Invalid {
                    name: RUST_LOG,
                    reason: format!("not a log filter: {err}"),
                    value: filter.clone(),
                })?;
        // The most verbose level any directive enables; without a hint, assume the worst.
        let most = parsed.max_level_hint().unwrap_or(LevelFilter::TRACE);
        if most >= LevelFilter::TRACE {
            return Err(refused(RUST_LOG, filter));
        }
    }
    Ok(())
}

fn refused(name: &'static str, value: String) -> ConfigError {
    ConfigError::Invalid {
        name,
        value,
        reason: "trace logging is refused: at trace the Lambda runtime logs raw events with \
                 their credentials (use debug at most)"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_pairs(pairs: &[(&str, &str)]) -> Result<(), ConfigError> {
        check(&Env::from_pairs(pairs))
    }

    #[test]
    fn the_usual_levels_and_targeted_filters_pass() {
        check_pairs(&[]).unwrap();
        for filter in [
            "info",
            "debug",
            "warn",
            "error",
            "off",
            "INFO",
            "info,ferrotype_service=debug",
            "warn,lambda_runtime=debug",
        ] {
            check_pairs(&[(RUST_LOG, filter)]).unwrap_or_else(|e| panic!("{filter}: {e}"));
        }
        for level in ["INFO", "DEBUG", "WARN", "ERROR", "FATAL"] {
            check_pairs(&[(AWS_LAMBDA_LOG_LEVEL, level)]).unwrap();
        }
    }

    #[test]
    fn any_filter_that_enables_trace_is_refused_by_its_variable() {
        for filter in [
            "trace",
            "TRACE",
            " trace ",
            "info,lambda_runtime=trace",
            "warn,lambda_http=trace",
            "lambda_runtime_api_client=trace",
            "info,[request]=trace",
            "info,[{headers}]=trace",
        ] {
            let err = check_pairs(&[(RUST_LOG, filter)]).unwrap_err();
            let text = err.to_string();
            assert!(
                text.contains("RUST_LOG") && text.contains("trace"),
                "{filter}: {text}"
            );
        }
        let err = check_pairs(&[(AWS_LAMBDA_LOG_LEVEL, "TRACE"), (RUST_LOG, "info")]).unwrap_err();
        assert!(err.to_string().contains("AWS_LAMBDA_LOG_LEVEL"), "{err}");
    }

    #[test]
    fn a_log_filter_that_cannot_be_read_is_refused_rather_than_dropped() {
        let err = check_pairs(&[(RUST_LOG, "info,lambda_runtime=loud")]).unwrap_err();
        assert!(err.to_string().contains("RUST_LOG"), "{err}");
    }
}
