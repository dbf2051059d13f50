//! How a caller asked to be told about its job: a webhook URL and an e-mail address, parsed
//! when the job is created, and the webhook's delivery state as the status document shows it.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The longest callback URL accepted.
pub const MAX_CALLBACK_URL_LEN: usize = 2048;

/// A webhook receiver's URL: absolute `https` (or `http` where local receivers are allowed),
/// with a host, no user name or password and no fragment. A host written as an IP address
/// must be a public one; a DNS name is checked after resolution, at each delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallbackUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackUrlError {
    #[error("callback_url is longer than {MAX_CALLBACK_URL_LEN} characters")]
    TooLong,
    #[error("callback_url is not an absolute URL: {0}")]
    Malformed(String),
    #[error("callback_url must use https")]
    NotHttps,
    #[error("callback_url must not carry a user name or password")]
    Credentials,
    #[error("callback_url must not have a fragment")]
    Fragment,
    #[error("callback_url names a private, loopback or link-local address")]
    PrivateAddress,
}

/// Whether `http://` and loopback receivers are allowed: `make dev` and the tests only
/// (`WEBHOOK_LOCAL_RECEIVERS`); in AWS a receiver is `https` on a public address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReceiverPolicy {
    pub allow_local: bool,
}

impl ReceiverPolicy {
    /// Whether a receiver may be reached at `ip`.
    pub fn allows(self, ip: IpAddr) -> bool {
        is_public(ip) || (self.allow_local && ip.is_loopback())
    }
}

impl CallbackUrl {
    pub fn parse(input: &str, policy: ReceiverPolicy) -> Result<Self, CallbackUrlError> {
        if input.len() > MAX_CALLBACK_URL_LEN {
            return Err(CallbackUrlError::TooLong);
        }
        let url =
            url::Url::parse(input).map_err(|err| CallbackUrlError::Malformed(err.to_string()))?;
        match url.scheme() {
            "https" => {}
            "http" if policy.allow_local => {}
            _ => return Err(CallbackUrlError::NotHttps),
        }
        let host = url
            .host()
            .ok_or_else(|| CallbackUrlError::Malformed("no host".into()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(CallbackUrlError::Credentials);
        }
        if url.fragment().is_some() {
            return Err(CallbackUrlError::Fragment);
        }
        let literal = match host {
            url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            url::Host::Domain(_) => None,
        };
        if literal.is_some_and(|ip| !policy.allows(ip)) {
            return Err(CallbackUrlError::PrivateAddress);
        }
        Ok(Self(url.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CallbackUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `ip` is an address on the public internet: not loopback, private, link-local
/// (the instance metadata service included), shared (CGNAT), unspecified, broadcast,
/// multicast, documentation, benchmarking or reserved. IPv6 addresses that embed an IPv4
/// one (mapped, compatible, NAT64, 6to4) are judged by it. `std`'s `is_global` is not
/// stable yet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let segments = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                IpAddr::V4(std::net::Ipv4Addr::new(
                    (hi >> 8) as u8,
                    hi as u8,
                    (lo >> 8) as u8,
                    lo as u8,
                ))
            };
            // IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d).
            if segments[..6] == [0; 6] || segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return !v6.is_unspecified()
                    && !v6.is_loopback()
                    && is_public(embedded(segments[6], segments[7]));
            }
            // 6to4 (2002:a.b.c.d::/48).
            if segments[0] == 0x2002 {
                return is_public(embedded(segments[1], segments[2]));
            }
            let first = segments[0];
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (first == 0x2001 && segments[1] == 0x0db8) // documentation
                || (first == 0x0100 && segments[1..4] == [0, 0, 0])) // discard-only
        }
    }
}

/// An e-mail address to tell when the job ends: one plain address of the kind SES sends
/// to. SES takes ASCII addresses only (no internationalised local part or domain; a domain
/// is written in punycode, `xn--…`), so anything else is refused here rather than failing
/// later in the notifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NotifyEmail(String);

/// Which rule an address broke; each reads as a sentence for the `400` problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyEmailError {
    #[error("notify_email is longer than {max} characters", max = NotifyEmail::MAX_LEN)]
    TooLong,
    #[error(
        "notify_email must be ASCII: SES sends to no internationalised address \
         (write the domain in punycode, xn--…)"
    )]
    NotAscii,
    #[error("notify_email must not contain spaces or control characters")]
    Whitespace,
    #[error(
        "the part of notify_email before the @ is longer than {max} characters",
        max = NotifyEmail::MAX_LOCAL_LEN
    )]
    LocalPartTooLong,
    #[error("notify_email is not an e-mail address: {0}")]
    Invalid(String),
}

impl NotifyEmail {
    /// The longest address accepted: RFC 5321's limit, and the API document's `maxLength`.
    pub const MAX_LEN: usize = 254;
    /// The longest local part (before the `@`), RFC 5321's limit and the API document's
    /// pattern.
    pub const MAX_LOCAL_LEN: usize = 64;

    pub fn parse(input: &str) -> Result<Self, NotifyEmailError> {
        if input.chars().count() > Self::MAX_LEN {
            return Err(NotifyEmailError::TooLong);
        }
        if !input.is_ascii() {
            return Err(NotifyEmailError::NotAscii);
        }
        // ASCII from here, so bytes are characters. No trimming: the API document's
        // pattern refuses spaces anywhere, and so does this.
        if input.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(NotifyEmailError::Whitespace);
        }
        // A quoted local part may hold an `@`; SES-bound mail has no need of one, and the
        // API document's pattern allows exactly one `@`.
        let Some((local, domain)) = input.split_once('@') else {
            return Err(NotifyEmailError::Invalid("it has no @".into()));
        };
        if domain.contains('@') {
            return Err(NotifyEmailError::Invalid("it has more than one @".into()));
        }
        if local.len() > Self::MAX_LOCAL_LEN {
            return Err(NotifyEmailError::LocalPartTooLong);
        }
        // Display names ("Ann <ann@example.com>") are refused: one plain address.
        let address = email_address::EmailAddress::parse_with_options(
            input,
            email_address::Options::default()
                .without_display_text()
                .without_domain_literal(),
        )
        .map_err(|err| NotifyEmailError::Invalid(err.to_string()))?;
        Ok(Self(address.email().to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where to tell about a job, as given with its upload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<CallbackUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<NotifyEmail>,
}

impl Notifications {
    pub fn is_empty(&self) -> bool {
        self.callback_url.is_none() && self.email.is_none()
    }
}

/// What a webhook tells: a job started processing or ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WebhookEvent {
    #[serde(rename = "image.processing")]
    Processing,
    #[serde(rename = "image.completed")]
    Completed,
    #[serde(rename = "image.failed")]
    Failed,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 3] = [Self::Processing, Self::Completed, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Processing => "image.processing",
            Self::Completed => "image.completed",
            Self::Failed => "image.failed",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|event| event.as_str() == input)
    }
}

impl fmt::Display for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where one webhook's delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not tried yet, or failed and to be tried again at `next_attempt_at`.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// The receiver answered `410 Gone`: no more attempts.
    Gone,
    /// Every attempt failed, or the receiver is not allowed (a private address).
    Failed,
}

/// One webhook's delivery, kept on the job record by the webhook function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub state: DeliveryState,
    pub attempts: u32,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub last_attempt_at: Option<OffsetDateTime>,
    /// The receiver's HTTP status at the last attempt, if it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<u16>,
    /// Why the last attempt failed, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub next_attempt_at: Option<OffsetDateTime>,
}

/// Every webhook of a job, by event.
pub type WebhookDeliveries = BTreeMap<WebhookEvent, WebhookDelivery>;

/// The channels besides webhooks that tell a job's end: each tells it once per job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeChannel {
    /// The e-mail to `notify_email`, through SES.
    Email,
    /// The event on the stack's EventBridge bus.
    Events,
}

impl NoticeChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Events => "events",
        }
    }
}

impl fmt::Display for NoticeChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a notice stands, when it is not simply sent on the first try (the notifier
/// writes nothing then).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeState {
    /// A try failed in a way that may pass; the next is at `next_attempt_at`.
    Retrying,
    /// Sent, after at least one failed try.
    Delivered,
    /// Refused for good (SES refused the address), or every try failed: not sent.
    Failed,
}

/// One channel's notice of a job, kept on the job record by the notifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeDelivery {
    pub event: WebhookEvent,
    pub state: NoticeState,
    pub attempts: u32,
    /// Why the last try failed, in words (never an address or a credential).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub next_attempt_at: Option<OffsetDateTime>,
}

/// A job's notices that did not simply go out on the first try, by channel.
pub type NoticeDeliveries = BTreeMap<NoticeChannel, NoticeDelivery>;

#[cfg(test)]
mod tests {
    use super::*;

    const AWS: ReceiverPolicy = ReceiverPolicy { allow_local: false };
    const LOCAL: ReceiverPolicy = ReceiverPolicy { allow_local: true };

    #[test]
    fn private_loopback_and_link_local_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:a00:1::1",
            "fd00:ec2::254",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(!is_public(ip), "{ip} is not public");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(is_public(ip), "{ip} is public");
        }
    }

    #[test]
    fn only_a_local_policy_reaches_loopback_and_never_private_networks() {
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        let private: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(!AWS.allows(loopback));
        assert!(LOCAL.allows(loopback));
        assert!(!LOCAL.allows(private));
    }

    #[test]
    fn a_callback_url_is_https_with_a_host_and_nothing_hidden() {
        assert!(CallbackUrl::parse("https://hooks.example.com/ferrotype?x=1", AWS).is_ok());
        for (bad, why) in [
            ("http://hooks.example.com/", CallbackUrlError::NotHttps),
            ("ftp://hooks.example.com/", CallbackUrlError::NotHttps),
            (
                "https://user:pw@hooks.example.com/",
                CallbackUrlError::Credentials,
            ),
            ("https://hooks.example.com/#x", CallbackUrlError::Fragment),
            (
                "https://169.254.169.254/latest",
                CallbackUrlError::PrivateAddress,
            ),
            ("https://[::1]:8443/", CallbackUrlError::PrivateAddress),
            ("https://10.0.0.7/", CallbackUrlError::PrivateAddress),
            ("https://127.0.0.1/", CallbackUrlError::PrivateAddress),
        ] {
            assert_eq!(CallbackUrl::parse(bad, AWS), Err(why), "{bad}");
        }
        assert!(matches!(
            CallbackUrl::parse("/relative", AWS),
            Err(CallbackUrlError::Malformed(_))
        ));
        let long = format!("https://example.com/{}", "a".repeat(MAX_CALLBACK_URL_LEN));
        assert_eq!(
            CallbackUrl::parse(&long, AWS),
            Err(CallbackUrlError::TooLong)
        );
    }

    #[test]
    fn a_local_policy_accepts_http_on_loopback() {
        assert!(CallbackUrl::parse("http://127.0.0.1:8080/hook", LOCAL).is_ok());
        assert_eq!(
            CallbackUrl::parse("http://10.0.0.1/", LOCAL),
            Err(CallbackUrlError::PrivateAddress)
        );
    }

    #[test]
    fn an_email_longer_than_254_characters_is_refused() {
        // A shape the e-mail parser accepts: a 64-character local part and labels of at
        // most 63 characters, 255 characters in all.
        let label = "d".repeat(63);
        let long = format!("{}@{label}.{label}.{}.com", "a".repeat(64), "e".repeat(58));
        assert_eq!(long.len(), 255);
        let err = NotifyEmail::parse(&long).unwrap_err();
        assert_eq!(err, NotifyEmailError::TooLong);
        assert!(err.to_string().contains("254"), "{err}");
        assert!(
            NotifyEmail::parse(&long[1..]).is_ok(),
            "254 characters are fine"
        );
    }

    #[test]
    fn a_local_part_longer_than_64_characters_is_refused() {
        let at_limit = format!("{}@example.com", "a".repeat(64));
        assert!(NotifyEmail::parse(&at_limit).is_ok());
        let over = format!("{}@example.com", "a".repeat(65));
        let err = NotifyEmail::parse(&over).unwrap_err();
        assert_eq!(err, NotifyEmailError::LocalPartTooLong);
        assert!(err.to_string().contains("64"), "{err}");
    }

    #[test]
    fn only_ascii_addresses_are_accepted_as_ses_sends_to_no_other() {
        for international in [
            "jörg@example.com",
            "ann@exämple.com",
            "用户@例子.广告",
            "ann@example.com\u{200b}",
        ] {
            assert_eq!(
                NotifyEmail::parse(international),
                Err(NotifyEmailError::NotAscii),
                "{international:?}"
            );
        }
        // The same domain in punycode is ASCII, and fine.
        assert!(NotifyEmail::parse("ann@xn--exmple-cua.com").is_ok());
        assert!(NotifyEmail::parse("a.b+tag_1-x!#$%&'*/=?^`{|}~@example.com").is_ok());
    }

    #[test]
    fn spaces_and_control_characters_are_refused_anywhere() {
        for bad in [
            " ann@example.com",
            "ann@example.com ",
            "ann @example.com",
            "ann@example.com\r\nBcc: all@example.com",
            "ann\t@example.com",
            "ann\u{7f}@example.com",
            "ann@example.com\0",
        ] {
            assert_eq!(
                NotifyEmail::parse(bad),
                Err(NotifyEmailError::Whitespace),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn an_email_is_one_plain_address() {
        assert_eq!(
            NotifyEmail::parse("ann@example.com").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "Ann<ann@example.com>",
            "ann@[127.0.0.1]",
            "a@b@c",
            // A quoted local part may hold an @ by RFC 5322; the API document allows one @.
            "\"a@b\"@example.com",
        ] {
            assert!(
                matches!(NotifyEmail::parse(bad), Err(NotifyEmailError::Invalid(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn events_keep_their_wire_names() {
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
            assert_eq!(
                serde_json::to_value(event).unwrap(),
                serde_json::json!(event.as_str())
            );
        }
        assert_eq!(WebhookEvent::parse("image.queued"), None);
    }
}
