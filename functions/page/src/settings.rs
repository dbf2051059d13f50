//! The page's settings: everything it reads from the environment, parsed once at init.

use ferrotype_service::config::{ConfigError, Env};

/// Everything the page reads from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The live channel (`ws://` or `wss://`); `None`: the page polls.
    pub live_url: Option<String>,
    /// Where presigned links point (the bucket's origin), for the page's
    /// Content-Security-Policy: uploads go there and the images come from there.
    pub storage_origin: String,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let live_url = env.optional("LIVE_URL").filter(|url| !url.is_empty());
        if let Some(url) = &live_url {
            if !(url.starts_with("wss://") || url.starts_with("ws://")) || !is_plain(url) {
                return Err(ConfigError::Invalid {
                    name: "LIVE_URL",
                    value: url.clone(),
                    reason: "must be a ws:// or wss:// URL".into(),
                });
            }
        }
        let storage_origin = env.required("PAGE_STORAGE_ORIGIN")?;
        if !(storage_origin.starts_with("https://") || storage_origin.starts_with("http://"))
            || !is_plain(&storage_origin)
        {
            return Err(ConfigError::Invalid {
                name: "PAGE_STORAGE_ORIGIN",
                value: storage_origin,
                reason: "must be an http(s) origin, e.g. https://bucket.s3.us-east-1.amazonaws.com"
                    .into(),
            });
        }
        Ok(Self {
            live_url,
            storage_origin,
        })
    }
}

/// A URL that can go into an HTML attribute and a CSP header as it is.
fn is_plain(url: &str) -> bool {
    url.bytes().all(|b| {
        b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'<' | b'>' | b'&' | b';' | b',')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_that_could_break_out_of_the_attribute_or_header_are_refused() {
        for live in ["http://x", "ws://x\" onload=\"y", "ws://x; script-src *"] {
            let env = Env::from_pairs(&[("LIVE_URL", live), ("PAGE_STORAGE_ORIGIN", "https://b")]);
            let err = Settings::from_env(&env).unwrap_err();
            assert!(err.to_string().contains("LIVE_URL"), "{live}: {err}");
        }
        for origin in ["s3://b", "https://b\"><script>", "https://b, *"] {
            let env = Env::from_pairs(&[("PAGE_STORAGE_ORIGIN", origin)]);
            let err = Settings::from_env(&env).unwrap_err();
            assert!(
                err.to_string().contains("PAGE_STORAGE_ORIGIN"),
                "{origin}: {err}"
            );
        }
        let env = Env::from_pairs(&[("PAGE_STORAGE_ORIGIN", "https://b.s3.amazonaws.com")]);
        assert_eq!(Settings::from_env(&env).unwrap().live_url, None);
    }

    #[test]
    fn the_storage_origin_is_required() {
        let env = Env::from_pairs(&[("LIVE_URL", "wss://live.example/live")]);
        assert!(matches!(
            Settings::from_env(&env),
            Err(ConfigError::Missing("PAGE_STORAGE_ORIGIN"))
        ));
    }
}
