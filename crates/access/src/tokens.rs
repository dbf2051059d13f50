//! JWTs from the OIDC issuers named in configuration.
//!
//! A token is accepted when its `iss` is a configured issuer, it is signed (with an
//! asymmetric algorithm) by a key the issuer publishes, it has not expired, it names a
//! subject, and its `aud` (or Cognito's `client_id`) is the issuer's configured audience.
//! The caller is the pair (issuer, subject).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferrotype_service::domain::CallerId;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::watch;

use crate::settings::IssuerConfig;

/// Only signatures made with a private key: an HMAC "signed" with a published key, or
/// `none`, must never pass.
const ACCEPTED_ALGORITHMS: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// When an issuer's keys are fetched, and how long they serve.
#[derive(Debug, Clone, Copy)]
struct Timing {
    /// How often an unknown `kid` may send us back to the issuer for its keys: often enough
    /// to follow a key rotation at once, rarely enough that tokens with made-up `kid`s
    /// cannot turn every request into a fetch.
    refetch_floor: Duration,
    /// Keys are fetched again after this long even if every `kid` is known, so a key the
    /// issuer withdrew stops being accepted.
    max_age: Duration,
    /// Keys we hold keep serving while the issuer cannot be reached, but not longer than
    /// this after they were fetched: an issuer down that long may have withdrawn one.
    serve_stale: Duration,
    /// After a failed fetch the issuer is not asked again before this, doubled at each
    /// further failure up to `backoff_cap`; a success resets it. Meanwhile requests are
    /// answered from the keys held, or refused as unavailable, without a fetch each.
    backoff_first: Duration,
    backoff_cap: Duration,
}

impl Timing {
    const DEFAULT: Self = Self {
        refetch_floor: Duration::from_secs(30),
        max_age: Duration::from_secs(3600),
        serve_stale: Duration::from_secs(24 * 3600),
        backoff_first: Duration::from_secs(1),
        backoff_cap: Duration::from_secs(60),
    };

    /// How long to leave the issuer alone after `failures` failed fetches in a row.
    fn backoff(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(16);
        self.backoff_first
            .saturating_mul(1 << doublings)
            .min(self.backoff_cap)
    }
}

/// Clock skew allowed on `exp` and `nbf`.
const LEEWAY_SECONDS: u64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token is not a well-formed JWT")]
    Malformed(#[source] jsonwebtoken::errors::Error),
    #[error("the token's issuer {0:?} is not accepted here")]
    UnknownIssuer(String),
    #[error("the token's algorithm {0:?} is not accepted")]
    Algorithm(Algorithm),
    #[error("the token's key (kid {0:?}) is not one its issuer publishes")]
    UnknownKey(Option<String>),
    #[error("the token has expired")]
    Expired,
    #[error("the token is not meant for this API (audience)")]
    Audience,
    #[error("the token is not valid")]
    Invalid(#[source] jsonwebtoken::errors::Error),
    /// Our side: the issuer's keys could not be had, so no token of it can be checked. The
    /// cause is the last fetch's, shared by every request refused until the next one.
    #[error("the signing keys of issuer {issuer} could not be fetched")]
    Keys {
        issuer: String,
        #[source]
        source: Arc<reqwest::Error>,
    },
}

impl TokenError {
    /// Whether the failure is ours (the issuer's keys are out of reach), not the token's.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Keys { .. })
    }
}

/// Checks tokens against the configured issuers, keeping each issuer's keys between
/// requests.
pub struct TokenVerifier {
    issuers: Vec<Arc<Issuer>>,
    http: reqwest::Client,
}

struct Issuer {
    config: IssuerConfig,
    timing: Timing,
    /// Held only to read or update the cache, never across a fetch (a plain mutex, so it
    /// cannot be held over an `.await`).
    keys: Mutex<KeyCache>,
}

#[derive(Default)]
struct KeyCache {
    set: Option<Arc<JwkSet>>,
    fetched_at: Option<Instant>,
    /// The fetch under way, if any: every request that needs fresh keys meanwhile waits
    /// for this one (single flight) instead of starting its own.
    fetching: Option<watch::Receiver<bool>>,
    /// Failed fetches since the last success, the last one's cause, and when the issuer
    /// may be asked again.
    failures: u32,
    last_error: Option<Arc<reqwest::Error>>,
    retry_at: Option<Instant>,
}

impl KeyCache {
    /// The key `kid` names in the keys held, if they may still serve.
    fn serving(&self, kid: Option<&str>, timing: &Timing) -> Option<Jwk> {
        let fresh_enough = self
            .fetched_at
            .is_some_and(|at| at.elapsed() <= timing.serve_stale);
        let set = self.set.as_ref().filter(|_| fresh_enough)?;
        pick(set, kid).cloned()
    }
}

/// What a request does about an issuer's keys, decided under the lock.
enum Next {
    Done(Box<Result<Jwk, TokenError>>),
    Wait(watch::Receiver<bool>),
}

#[derive(Deserialize)]
struct Unverified {
    iss: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    #[serde(default)]
    aud: Option<Audience>,
    #[serde(default)]
    client_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct Discovery {
    jwks_uri: String,
}

impl TokenVerifier {
    pub fn new(issuers: Vec<IssuerConfig>) -> Self {
        Self::with_timing(issuers, Timing::DEFAULT)
    }

    fn with_timing(issuers: Vec<IssuerConfig>, timing: Timing) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("the HTTP client's settings are valid");
        Self {
            issuers: issuers
                .into_iter()
                .map(|config| {
                    Arc::new(Issuer {
                        config,
                        timing,
                        keys: Mutex::default(),
                    })
                })
                .collect(),
            http,
        }
    }

    pub fn has_issuers(&self) -> bool {
        !self.issuers.is_empty()
    }

    /// The caller a token stands for.
    pub async fn verify(&self, token: &str) -> Result<CallerId, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(TokenError::Malformed)?;
        // The issuer is read unverified only to know whose keys to check the signature with;
        // the signature check then covers it.
        let claimed = jsonwebtoken::dangerous::insecure_decode_claims::<Unverified>(token)
            .map_err(TokenError::Malformed)?
            .iss
            .unwrap_or_default();
        let issuer = self
            .issuers
            .iter()
            .find(|issuer| issuer.config.issuer == claimed)
            .ok_or_else(|| TokenError::UnknownIssuer(claimed.chars().take(200).collect()))?;
        if !ACCEPTED_ALGORITHMS.contains(&header.alg) {
            return Err(TokenError::Algorithm(header.alg));
        }
        let jwk = issuer.key(header.kid.as_deref(), &self.http).await?;
        // A key published for one algorithm is used for that one only.
        if jwk
            .common
            .key_algorithm
            .is_some_and(|alg| alg != KeyAlgorithm::from(header.alg))
        {
            return Err(TokenError::Algorithm(header.alg));
        }
        let key = DecodingKey::from_jwk(&jwk).map_err(TokenError::Invalid)?;
        if key.family() != header.alg.family() {
            return Err(TokenError::Algorithm(header.alg));
        }

        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&issuer.config.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        // Checked below, so that Cognito's access tokens (`client_id`, no `aud`) pass too.
        validation.validate_aud = false;
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map_err(|err| match err.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid(err),
            })?
            .claims;
        let audience = &issuer.config.audience;
        let for_us = match &claims.aud {
            Some(Audience::One(aud)) => aud == audience,
            Some(Audience::Many(auds)) => auds.contains(audience),
            None => claims.client_id.as_ref() == Some(audience),
        };
        if !for_us {
            return Err(TokenError::Audience);
        }
        Ok(CallerId::of_token(&issuer.config.issuer, &claims.sub))
    }
}

impl Issuer {
    /// The published key named `kid` (or the only key, for a token without `kid`), fetching
    /// the keys when they are missing, old, or lack `kid` and were not fetched just now;
    /// but not while a failed fetch is backed off, and never twice at once.
    async fn key(
        self: &Arc<Self>,
        kid: Option<&str>,
        http: &reqwest::Client,
    ) -> Result<Jwk, TokenError> {
        let mut waited = false;
        loop {
            let mut done = match self.next(kid, http, waited) {
                Next::Done(result) => return *result,
                Next::Wait(done) => done,
            };
            // The fetch runs in a task of its own, so a request given up meanwhile does not
            // cancel it for the others. If that task died, the next round starts another.
            let _ = done.wait_for(|finished| *finished).await;
            waited = true;
        }
    }

    /// Under the lock: answer from the keys held, or wait for a fetch (starting one if none
    /// is under way). After one wait, `waited`, the answer is whatever the fetch left.
    fn next(self: &Arc<Self>, kid: Option<&str>, http: &reqwest::Client, waited: bool) -> Next {
        let mut cache = self
            .keys
            .lock()
            .expect("the key cache lock is never poisoned");
        let unknown = || TokenError::UnknownKey(kid.map(str::to_string));
        let known = cache.serving(kid, &self.timing);
        // Keys too old to serve count as none.
        let age = cache
            .fetched_at
            .map(|at| at.elapsed())
            .filter(|age| *age <= self.timing.serve_stale);
        let refetch = match (known.is_some(), age) {
            (_, None) => true,
            (true, Some(age)) => age > self.timing.max_age,
            (false, Some(age)) => age > self.timing.refetch_floor,
        };
        let backed_off = cache.retry_at.is_some_and(|at| Instant::now() < at);
        if !refetch || waited || backed_off {
            return Next::Done(Box::new(match (known, &cache.last_error) {
                (Some(jwk), _) => Ok(jwk),
                // Nothing to answer with, and the issuer failed last time it was asked.
                (None, Some(error)) if backed_off || waited || cache.set.is_none() => {
                    Err(TokenError::Keys {
                        issuer: self.config.issuer.clone(),
                        source: error.clone(),
                    })
                }
                (None, _) => Err(unknown()),
            }));
        }
        if let Some(fetching) = &cache.fetching {
            // Its sender gone without storing an outcome: that fetch's task died.
            if fetching.has_changed().is_ok() {
                return Next::Wait(fetching.clone());
            }
        }
        let (finished, done) = watch::channel(false);
        cache.fetching = Some(done.clone());
        let issuer = Arc::clone(self);
        let http = http.clone();
        tokio::spawn(async move {
            let result = issuer.fetch(&http).await;
            issuer.store(result);
            let _ = finished.send(true);
        });
        Next::Wait(done)
    }

    /// A fetch's outcome into the cache: the new keys, or one more failure and the wait
    /// before the next try.
    fn store(&self, result: Result<JwkSet, reqwest::Error>) {
        let mut cache = self
            .keys
            .lock()
            .expect("the key cache lock is never poisoned");
        cache.fetching = None;
        match result {
            Ok(set) => {
                cache.set = Some(Arc::new(set));
                cache.fetched_at = Some(Instant::now());
                cache.failures = 0;
                cache.last_error = None;
                cache.retry_at = None;
            }
            Err(error) => {
                cache.failures = cache.failures.saturating_add(1);
                let wait = self.timing.backoff(cache.failures);
                tracing::warn!(
                    issuer = %self.config.issuer,
                    failures = cache.failures,
                    retry_in_ms = wait.as_millis() as u64,
                    error = %error,
                    "fetching the issuer's keys failed"
                );
                cache.last_error = Some(Arc::new(error));
                cache.retry_at = Some(Instant::now() + wait);
            }
        }
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<JwkSet, reqwest::Error> {
        let jwks_uri = match &self.config.jwks_uri {
            Some(uri) => uri.clone(),
            None => {
                let discovery = format!(
                    "{}/.well-known/openid-configuration",
                    self.config.issuer.trim_end_matches('/')
                );
                get_json::<Discovery>(http, &discovery).await?.jwks_uri
            }
        };
        get_json::<JwkSet>(http, &jwks_uri).await
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
) -> Result<T, reqwest::Error> {
    http.get(url).send().await?.error_for_status()?.json().await
}

/// The signing key `kid` names; a token without `kid` may use an issuer's only key.
fn pick<'a>(set: &'a JwkSet, kid: Option<&str>) -> Option<&'a Jwk> {
    let signing = |jwk: &&Jwk| !matches!(jwk.common.public_key_use, Some(ref use_) if *use_ != PublicKeyUse::Signature);
    match kid {
        Some(kid) => set
            .keys
            .iter()
            .filter(signing)
            .find(|jwk| jwk.common.key_id.as_deref() == Some(kid)),
        None => {
            let mut keys = set.keys.iter().filter(signing);
            match (keys.next(), keys.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A public EC key (RFC 7517, appendix A.1) published as `k1`.
    const JWKS: &str = r#"{"keys":[{"kty":"EC","crv":"P-256","use":"sig","kid":"k1",
        "x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
        "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}]}"#;

    /// An issuer's key set on loopback that counts its requests, answers slowly if asked,
    /// and fails (500) while `failing` is set.
    struct KeyServer {
        url: String,
        calls: Arc<AtomicUsize>,
        failing: Arc<AtomicBool>,
        server: tokio::task::JoinHandle<()>,
    }

    impl KeyServer {
        async fn start(delay: Duration) -> Self {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let calls = Arc::new(AtomicUsize::new(0));
            let failing = Arc::new(AtomicBool::new(false));
            let (counted, fails) = (calls.clone(), failing.clone());
            let server = tokio::spawn(async move {
                loop {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    let (counted, fails) = (counted.clone(), fails.clone());
                    tokio::spawn(async move {
                        let mut request = Vec::new();
                        let mut buf = [0u8; 1024];
                        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                            match stream.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => request.extend_from_slice(&buf[..n]),
                            }
                        }
                        counted.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(delay).await;
                        let (status, body) = if fails.load(Ordering::SeqCst) {
                            ("500 Internal Server Error", "{}")
                        } else {
                            ("200 OK", JWKS)
                        };
                        let response = format!(
                            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n\
                             content-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = stream.write_all(response.as_bytes()).await;
                    });
                }
            });
            Self {
                url,
                calls,
                failing,
                server,
            }
        }

        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }

        fn fail(&self, failing: bool) {
            self.failing.store(failing, Ordering::SeqCst);
        }

        fn verifier(&self, timing: Timing) -> TokenVerifier {
            TokenVerifier::with_timing(
                vec![IssuerConfig {
                    issuer: self.url.clone(),
                    audience: "aud".into(),
                    jwks_uri: Some(format!("{}/jwks.json", self.url)),
                }],
                timing,
            )
        }
    }

    impl Drop for KeyServer {
        fn drop(&mut self) {
            self.server.abort();
        }
    }

    const FAST: Timing = Timing {
        refetch_floor: Duration::from_secs(30),
        max_age: Duration::from_millis(300),
        serve_stale: Duration::from_millis(1500),
        backoff_first: Duration::from_millis(200),
        backoff_cap: Duration::from_millis(400),
    };

    async fn key(verifier: &TokenVerifier, kid: &str) -> Result<Jwk, TokenError> {
        verifier.issuers[0].key(Some(kid), &verifier.http).await
    }

    #[test]
    fn the_backoff_doubles_up_to_its_cap() {
        let waits: Vec<u64> = (1..=8)
            .map(|n| Timing::DEFAULT.backoff(n).as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(Timing::DEFAULT.backoff(u32::MAX).as_secs(), 60);
    }

    #[tokio::test]
    async fn a_failing_issuer_is_not_asked_again_on_every_request_but_after_a_growing_wait() {
        let server = KeyServer::start(Duration::ZERO).await;
        server.fail(true);
        let verifier = server.verifier(FAST);
        for _ in 0..20 {
            let err = key(&verifier, "k1").await.unwrap_err();
            assert!(err.is_unavailable(), "{err}");
        }
        assert_eq!(server.calls(), 1, "one fetch, then backed off");
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(key(&verifier, "k1").await.is_err());
        assert!(key(&verifier, "k1").await.is_err());
        assert_eq!(
            server.calls(),
            2,
            "asked again once the first wait (200 ms) passed"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(key(&verifier, "k1").await.is_err());
        assert_eq!(server.calls(), 2, "the second wait is 400 ms");
        tokio::time::sleep(Duration::from_millis(200)).await;
        server.fail(false);
        let jwk = key(&verifier, "k1").await.unwrap();
        assert_eq!(jwk.common.key_id.as_deref(), Some("k1"));
        assert_eq!(server.calls(), 3);
        let cache = verifier.issuers[0].keys.lock().unwrap();
        assert_eq!(
            (cache.failures, cache.retry_at),
            (0, None),
            "a success resets"
        );
    }

    #[tokio::test]
    async fn held_keys_serve_while_the_issuer_fails_until_they_are_too_old() {
        let server = KeyServer::start(Duration::ZERO).await;
        let verifier = server.verifier(FAST);
        key(&verifier, "k1").await.unwrap();
        assert_eq!(server.calls(), 1);
        server.fail(true);
        tokio::time::sleep(Duration::from_millis(350)).await; // past max_age: a refresh is due
        for _ in 0..10 {
            key(&verifier, "k1").await.expect("the held key serves");
        }
        assert_eq!(server.calls(), 2, "one failed refresh, then backed off");
        // An unknown kid does not send every request to the failing issuer either.
        for _ in 0..10 {
            assert!(key(&verifier, "made-up").await.is_err());
        }
        assert_eq!(server.calls(), 2);
        // Past serve_stale (1.5 s after the fetch), the held keys no longer serve.
        tokio::time::sleep(Duration::from_millis(1300)).await;
        let err = key(&verifier, "k1").await.unwrap_err();
        assert!(err.is_unavailable(), "{err}");
        assert_eq!(
            server.calls(),
            3,
            "too old to serve: the issuer is asked again"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_requests_share_one_fetch_and_the_lock_is_free_during_it() {
        let server = KeyServer::start(Duration::from_millis(500)).await;
        let verifier = Arc::new(server.verifier(Timing::DEFAULT));
        let requests: Vec<_> = (0..20)
            .map(|_| {
                let verifier = verifier.clone();
                tokio::spawn(async move { key(&verifier, "k1").await })
            })
            .collect();
        while server.calls() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // The fetch is under way (the server holds its answer): the cache is not locked.
        {
            let cache = verifier.issuers[0]
                .keys
                .try_lock()
                .expect("the cache lock is not held across the fetch");
            assert!(cache.fetching.is_some() && cache.set.is_none());
        }
        for request in requests {
            request.await.unwrap().expect("every request gets the key");
        }
        assert_eq!(server.calls(), 1, "one fetch for twenty requests");
    }

    #[tokio::test]
    async fn a_request_given_up_mid_fetch_does_not_cancel_the_fetch_for_the_others() {
        let server = KeyServer::start(Duration::from_millis(300)).await;
        let verifier = server.verifier(Timing::DEFAULT);
        let gave_up = tokio::time::timeout(Duration::from_millis(50), key(&verifier, "k1")).await;
        assert!(gave_up.is_err(), "timed out while the fetch was under way");
        key(&verifier, "k1")
            .await
            .expect("the same fetch, finished");
        assert_eq!(server.calls(), 1);
    }
}
