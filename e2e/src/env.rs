//! What the end-to-end tests are told by the xtask that started their stack, through the
//! environment, and where the checkout's files are.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};

/// The API's base URL, `http://127.0.0.1:<port>`.
pub const API_URL: &str = "FERROTYPE_API_URL";
/// An API key of the stack's caller, sent as `Authorization: Bearer <key>`.
pub const API_KEY: &str = "FERROTYPE_API_KEY";
/// The `whsec_…` secret the stack signs webhooks with.
pub const WEBHOOK_SECRET: &str = "FERROTYPE_WEBHOOK_SECRET";
/// The two shell lines `make dev` prints for a direct upload of `$PHOTO`, one a line.
pub const PRINTED_UPLOAD_LINES: &str = "FERROTYPE_PRINTED_UPLOAD_LINES";
/// Where those lines run: a directory laid out as a checkout under `make dev` (its
/// `.local/dev-token` holds the key).
pub const PRINTED_UPLOAD_DIR: &str = "FERROTYPE_PRINTED_UPLOAD_DIR";
/// A directory the tests may write to (the run's directory of logs).
pub const WORK_DIR: &str = "FERROTYPE_E2E_WORK";
/// Seconds a job may take to finish (120 when unset).
pub const POLL_TIMEOUT: &str = "POLL_TIMEOUT";

const DEFAULT_POLL_TIMEOUT: Duration = Duration::from_secs(120);

/// Everything a test needs to reach the stack.
#[derive(Debug, Clone)]
pub struct Env {
    pub api: String,
    pub api_key: String,
    pub webhook_secret: String,
    pub printed_upload_lines: Vec<String>,
    pub printed_upload_dir: PathBuf,
    pub work: PathBuf,
    pub poll_timeout: Duration,
    /// The checkout (fixtures, scripts and `.venv` are found from here).
    pub root: PathBuf,
}

impl Env {
    /// The stack the xtask described, or an error saying how to run these tests.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }

    fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let required = |name: &str| {
            get(name).with_context(|| {
                format!(
                    "{name} is not set: the end-to-end tests run against the stack that \
                     `make e2e` (`cargo run -p xtask -- e2e`) starts and describes in their \
                     environment; run them that way (`cargo run -p xtask -- e2e -- <filter>` \
                     for some of them)"
                )
            })
        };
        let poll_timeout = match get(POLL_TIMEOUT) {
            None => DEFAULT_POLL_TIMEOUT,
            Some(text) => match text.parse() {
                Ok(seconds) => Duration::from_secs(seconds),
                Err(_) => bail!("{POLL_TIMEOUT}={text:?} is not a number of seconds"),
            },
        };
        Ok(Self {
            api: required(API_URL)?.trim_end_matches('/').to_owned(),
            api_key: required(API_KEY)?,
            webhook_secret: required(WEBHOOK_SECRET)?,
            printed_upload_lines: required(PRINTED_UPLOAD_LINES)?
                .lines()
                .map(str::to_owned)
                .collect(),
            printed_upload_dir: required(PRINTED_UPLOAD_DIR)?.into(),
            work: required(WORK_DIR)?.into(),
            poll_timeout,
            root: Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("e2e/ sits in the workspace root")
                .to_path_buf(),
        })
    }

    /// `scripts/fixtures/photo.jpg`: the 1200×800 JPEG of the docs' curl examples.
    pub fn photo_path(&self) -> PathBuf {
        self.root.join("scripts/fixtures/photo.jpg")
    }

    pub fn photo(&self) -> anyhow::Result<Vec<u8>> {
        let path = self.photo_path();
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    }

    /// The project's Python (`make venv`; Playwright too after `make browser`).
    pub fn python(&self) -> PathBuf {
        self.root.join(".venv/bin/python")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        let pairs = pairs.to_vec();
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        }
    }

    const ALL: [(&str, &str); 6] = [
        (API_URL, "http://127.0.0.1:9000/"),
        (API_KEY, "key"),
        (WEBHOOK_SECRET, "whsec_x"),
        (PRINTED_UPLOAD_LINES, "curl one\ncurl two"),
        (PRINTED_UPLOAD_DIR, "/tmp/lines"),
        (WORK_DIR, "/tmp/work"),
    ];

    #[test]
    fn without_the_stack_the_error_says_to_run_make_e2e() {
        let error = Env::from_lookup(lookup(&[])).unwrap_err().to_string();
        assert!(error.contains(API_URL), "{error}");
        assert!(error.contains("make e2e"), "{error}");
    }

    #[test]
    fn the_stack_description_is_read_with_a_default_poll_timeout() {
        let env = Env::from_lookup(lookup(&ALL)).unwrap();
        assert_eq!(env.api, "http://127.0.0.1:9000");
        assert_eq!(env.printed_upload_lines, ["curl one", "curl two"]);
        assert_eq!(env.poll_timeout, Duration::from_secs(120));
        assert!(env.photo_path().exists());
    }

    #[test]
    fn poll_timeout_is_a_number_of_seconds() {
        let mut with_timeout = ALL.to_vec();
        with_timeout.push((POLL_TIMEOUT, "300"));
        let env = Env::from_lookup(lookup(&with_timeout)).unwrap();
        assert_eq!(env.poll_timeout, Duration::from_secs(300));

        let mut garbled = ALL.to_vec();
        garbled.push((POLL_TIMEOUT, "soon"));
        let error = Env::from_lookup(lookup(&garbled)).unwrap_err().to_string();
        assert!(error.contains(POLL_TIMEOUT), "{error}");
    }
}
