//! Sending one webhook: resolve the receiver's host, refuse it unless every address is
//! allowed, then `POST` to exactly those addresses (so a second lookup cannot point
//! elsewhere), following no redirect and reading no response body, within a time bound.
//!
//! An outcome's reason is kept on the job and logged, so it never carries the callback URL,
//! which often holds a secret in its path or query: at most its scheme and host.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ferrotype_service::domain::{CallbackUrl, ReceiverPolicy};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, USER_AGENT};

use ferrotype_service::store::DisplayErrorContext;

use crate::signature::SigningKeys;

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered 2xx.
    Delivered { status: u16 },
    /// `410 Gone`: the receiver wants no more.
    Gone,
    /// Worth another attempt later: another status, a redirect, a timeout, a refused
    /// connection. The reason names the receiver by scheme and host only.
    Retry { status: Option<u16>, reason: String },
    /// Never worth another attempt: the receiver is not one we may call. The reason names
    /// it by scheme and host only.
    Refused { reason: String },
}

/// How webhooks are sent.
#[derive(Debug, Clone)]
pub struct Sender {
    pub policy: ReceiverPolicy,
    /// The bound on one attempt, connection and answer together.
    pub timeout: Duration,
}

/// The headers Standard Webhooks defines.
pub const WEBHOOK_ID: &str = "webhook-id";
pub const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
pub const WEBHOOK_SIGNATURE: &str = "webhook-signature";

impl Sender {
    /// `POST`s `body` to `url`, signed with `keys` as message `id` at `timestamp`.
    pub async fn send(
        &self,
        url: &CallbackUrl,
        keys: &SigningKeys,
        id: &str,
        timestamp: i64,
        body: String,
    ) -> Outcome {
        let parsed = url::Url::parse(url.as_str()).expect("a callback URL was parsed before");
        let addresses = match self.resolve(&parsed).await {
            Ok(addresses) => addresses,
            Err(outcome) => return outcome,
        };
        let host = parsed.host_str().unwrap_or_default().to_string();
        let origin = origin(&parsed);
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static("ferrotype-webhooks/1"));
        let values = [
            (WEBHOOK_ID, id.to_string()),
            (WEBHOOK_TIMESTAMP, timestamp.to_string()),
            (WEBHOOK_SIGNATURE, keys.sign(id, timestamp, &body)),
        ];
        for (name, value) in values {
            headers.insert(
                name,
                HeaderValue::from_str(&value).expect("ids, numbers and base64 are header-safe"),
            );
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .resolve_to_addrs(&host, &addresses)
            .build();
        let client = match client {
            Ok(client) => client,
            Err(err) => {
                return Outcome::Retry {
                    status: None,
                    reason: format!(
                        "could not make an HTTP client: {}",
                        DisplayErrorContext(&err.without_url())
                    ),
                }
            }
        };
        match client.post(parsed).headers(headers).body(body).send().await {
            // The body is never read: dropping the response closes the connection.
            Ok(response) => classify(response.status().as_u16()),
            Err(err) if err.is_timeout() => Outcome::Retry {
                status: None,
                reason: format!("{origin}: no answer within {} s", self.timeout.as_secs()),
            },
            // reqwest's error text names the whole URL; it is left out.
            Err(err) => Outcome::Retry {
                status: None,
                reason: format!(
                    "{origin}: the request failed: {}",
                    DisplayErrorContext(&err.without_url())
                ),
            },
        }
    }

    /// Every address of the URL's host, if all of them are allowed.
    async fn resolve(&self, parsed: &url::Url) -> Result<Vec<SocketAddr>, Outcome> {
        let port = parsed.port_or_known_default().unwrap_or(443);
        let addresses: Vec<SocketAddr> = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
            Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
            Some(url::Host::Domain(name)) => {
                let lookup = tokio::time::timeout(
                    self.timeout,
                    tokio::net::lookup_host((name.to_string(), port)),
                )
                .await;
                match lookup {
                    Ok(Ok(found)) => found.collect(),
                    Ok(Err(err)) => {
                        return Err(Outcome::Retry {
                            status: None,
                            reason: format!("{name} did not resolve: {err}"),
                        })
                    }
                    Err(_) => {
                        return Err(Outcome::Retry {
                            status: None,
                            reason: format!("{name} did not resolve in time"),
                        })
                    }
                }
            }
            None => Vec::new(),
        };
        if addresses.is_empty() {
            return Err(Outcome::Retry {
                status: None,
                reason: "the receiver's host has no address".into(),
            });
        }
        if let Some(bad) = addresses.iter().find(|a| !self.policy.allows(a.ip())) {
            return Err(Outcome::Refused {
                reason: format!(
                    "the receiver's host resolves to {}, a private, loopback or link-local address",
                    bad.ip()
                ),
            });
        }
        Ok(addresses)
    }
}

/// `scheme://host` of a receiver: what its errors may say about it (the path, query, port
/// and any user name or password are left out).
pub fn origin(url: &url::Url) -> String {
    format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default())
}

/// What a receiver's status means.
pub fn classify(status: u16) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered { status },
        410 => Outcome::Gone,
        300..=399 => Outcome::Retry {
            status: Some(status),
            reason: format!("HTTP {status}: redirects are not followed"),
        },
        _ => Outcome::Retry {
            status: Some(status),
            reason: format!("HTTP {status}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::WebhookSecret;

    const SECRET_PARTS: [&str; 4] = ["hunter2", "tok3n", "s3cr3t-path", "user"];

    fn keys() -> SigningKeys {
        SigningKeys::parse(&WebhookSecret::generate_text([9; 32])).unwrap()
    }

    fn sender(allow_local: bool) -> Sender {
        Sender {
            policy: ReceiverPolicy { allow_local },
            timeout: Duration::from_millis(500),
        }
    }

    fn local(url: &str) -> CallbackUrl {
        CallbackUrl::parse(url, ReceiverPolicy { allow_local: true }).unwrap()
    }

    fn reason(outcome: Outcome) -> String {
        match outcome {
            Outcome::Retry { reason, .. } | Outcome::Refused { reason } => reason,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    fn assert_no_secret(reason: &str) {
        for part in SECRET_PARTS {
            assert!(!reason.contains(part), "{part:?} in {reason:?}");
        }
    }

    #[test]
    fn the_origin_is_scheme_and_host_only() {
        let url =
            url::Url::parse("https://user:hunter2@hooks.example:8443/s3cr3t-path?token=tok3n#f")
                .unwrap();
        assert_eq!(origin(&url), "https://hooks.example");
    }

    #[tokio::test]
    async fn a_refused_connection_is_reported_without_the_path_or_query() {
        // A port nothing listens on: bind one, then close it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = local(&format!(
            "http://127.0.0.1:{port}/hooks/s3cr3t-path?token=tok3n&user=hunter2"
        ));
        let reason = reason(
            sender(true)
                .send(&url, &keys(), "msg_1", 1, "{}".into())
                .await,
        );
        assert!(reason.starts_with("http://127.0.0.1: "), "{reason}");
        assert_no_secret(&reason);
    }

    #[tokio::test]
    async fn a_receiver_that_never_answers_is_reported_without_the_path_or_query() {
        // Accepts and then says nothing, so the attempt times out.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let hold = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let url = local(&format!(
            "http://127.0.0.1:{port}/s3cr3t-path?token=tok3n&user=hunter2"
        ));
        let reason = reason(
            sender(true)
                .send(&url, &keys(), "msg_1", 1, "{}".into())
                .await,
        );
        hold.abort();
        assert!(reason.contains("no answer"), "{reason}");
        assert_no_secret(&reason);
    }

    #[tokio::test]
    async fn a_refused_receiver_is_reported_without_the_path_or_query() {
        // Allowed when stored (a name, not an address), refused when it resolves.
        let url = local("http://localhost:9/s3cr3t-path?token=tok3n&user=hunter2");
        let reason = reason(
            sender(false)
                .send(&url, &keys(), "msg_1", 1, "{}".into())
                .await,
        );
        assert!(reason.contains("loopback"), "{reason}");
        assert_no_secret(&reason);
    }

    #[test]
    fn only_2xx_delivers_410_stops_and_the_rest_retries() {
        assert_eq!(classify(204), Outcome::Delivered { status: 204 });
        assert_eq!(classify(410), Outcome::Gone);
        for status in [301, 302, 307, 400, 404, 429, 500, 503] {
            assert!(
                matches!(classify(status), Outcome::Retry { status: Some(s), .. } if s == status),
                "{status}"
            );
        }
    }
}
