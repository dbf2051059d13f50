//! JWTs from the OIDC issuers named in configuration.
//!
//! A token is accepted when its `iss` is a configured issuer, it is signed (with an
//! asymmetric algorithm) by a key the issuer publishes, it has not expired, it names a
//! subject, and its `aud` (or Cognito's `client_id`) is the issuer's configured audience.
//! The caller is the pair (issuer, subject).

use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrotype_service::domain::CallerId;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::Mutex;

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

/// How often an unknown `kid` may send us back to the issuer for its keys: often enough to
/// follow a key rotation at once, rarely enough that tokens with made-up `kid`s cannot
/// turn every request into a fetch.
const REFETCH_FLOOR: Duration = Duration::from_secs(30);

/// Keys are fetched again after this long even if every `kid` is known, so a key the
/// issuer withdrew stops being accepted.
const KEYS_MAX_AGE: Duration = Duration::from_secs(3600);

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
    /// Our side: the issuer's keys could not be had, so no token of it can be checked.
    #[error("the signing keys of issuer {issuer} could not be fetched")]
    Keys {
        issuer: String,
        #[source]
        source: reqwest::Error,
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
    issuers: Vec<Issuer>,
    http: reqwest::Client,
}

struct Issuer {
    config: IssuerConfig,
    keys: Mutex<KeyCache>,
}

#[derive(Default)]
struct KeyCache {
    set: Option<Arc<JwkSet>>,
    fetched_at: Option<Instant>,
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
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("the HTTP client's settings are valid");
        Self {
            issuers: issuers
                .into_iter()
                .map(|config| Issuer {
                    config,
                    keys: Mutex::default(),
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
    /// the keys when they are missing, old, or lack `kid` and were not fetched just now.
    async fn key(&self, kid: Option<&str>, http: &reqwest::Client) -> Result<Jwk, TokenError> {
        let mut cache = self.keys.lock().await;
        let age = cache.fetched_at.map(|at| at.elapsed());
        let known = cache.set.as_ref().and_then(|set| pick(set, kid)).cloned();
        let refetch = match (known.is_some(), age) {
            (_, None) => true,
            (true, Some(age)) => age > KEYS_MAX_AGE,
            (false, Some(age)) => age > REFETCH_FLOOR,
        };
        if !refetch {
            return known.ok_or_else(|| TokenError::UnknownKey(kid.map(str::to_string)));
        }
        match self.fetch(http).await {
            Ok(set) => {
                cache.set = Some(Arc::new(set));
                cache.fetched_at = Some(Instant::now());
            }
            // Keys we already hold still serve while the issuer is unreachable.
            Err(err) if known.is_some() => {
                tracing::warn!(issuer = %self.config.issuer, error = %err, "refreshing the issuer's keys failed");
                return Ok(known.expect("checked"));
            }
            Err(err) => return Err(err),
        }
        let set = cache.set.as_ref().expect("just fetched");
        pick(set, kid)
            .cloned()
            .ok_or_else(|| TokenError::UnknownKey(kid.map(str::to_string)))
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<JwkSet, TokenError> {
        let fail = |source| TokenError::Keys {
            issuer: self.config.issuer.clone(),
            source,
        };
        let jwks_uri = match &self.config.jwks_uri {
            Some(uri) => uri.clone(),
            None => {
                let discovery = format!(
                    "{}/.well-known/openid-configuration",
                    self.config.issuer.trim_end_matches('/')
                );
                get_json::<Discovery>(http, &discovery)
                    .await
                    .map_err(fail)?
                    .jwks_uri
            }
        };
        get_json::<JwkSet>(http, &jwks_uri).await.map_err(fail)
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
