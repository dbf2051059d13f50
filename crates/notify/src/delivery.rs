//! Sending one webhook: resolve the receiver's host, refuse it unless every address is
//! allowed, then `POST` to exactly those addresses (so a second lookup cannot point
//! elsewhere), following no redirect and reading no response body, within a time bound.

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
    /// connection.
    Retry { status: Option<u16>, reason: String },
    /// Never worth another attempt: the receiver is not one we may call.
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
                    reason: format!("could not make an HTTP client: {err}"),
                }
            }
        };
        match client.post(parsed).headers(headers).body(body).send().await {
            // The body is never read: dropping the response closes the connection.
            Ok(response) => classify(response.status().as_u16()),
            Err(err) if err.is_timeout() => Outcome::Retry {
                status: None,
                reason: format!("no answer within {} s", self.timeout.as_secs()),
            },
            Err(err) => Outcome::Retry {
                status: None,
                reason: format!("the request failed: {}", DisplayErrorContext(&err)),
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
