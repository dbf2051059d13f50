//! A test OIDC issuer on loopback: an ES256 key of its own, its discovery document and key
//! set served over HTTP, and tokens signed on demand (good ones, and the bad ones an
//! attacker would try).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aws_lc_rs::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use axum::routing::get;
use axum::{Json, Router};
use ferrotype_access::IssuerConfig;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

pub struct TestIssuer {
    /// The issuer identifier, which is also where it is served: `http://127.0.0.1:<port>`.
    pub url: String,
    pub kid: String,
    key: EncodingKey,
    jwk: Jwk,
    fetches: Arc<AtomicUsize>,
    server: tokio::task::JoinHandle<()>,
}

impl TestIssuer {
    /// Generates a key and serves `/.well-known/openid-configuration` and `/jwks.json`.
    pub async fn start() -> Self {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).expect("a new key");
        let der = pair.to_pkcs8v1().expect("the key as PKCS#8");
        let key = EncodingKey::from_ec_der(der.as_ref());
        let kid = format!("k-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let mut jwk = Jwk::from_encoding_key(&key, Algorithm::ES256).expect("a public JWK");
        jwk.common.key_id = Some(kid.clone());

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let fetches = Arc::new(AtomicUsize::new(0));
        let discovery = json!({"issuer": url, "jwks_uri": format!("{url}/jwks.json")});
        let keys = JwkSet {
            keys: vec![jwk.clone()],
        };
        let counted = fetches.clone();
        let router = Router::new()
            .route(
                "/.well-known/openid-configuration",
                get(move || async move { Json(discovery) }),
            )
            .route(
                "/jwks.json",
                get(move || async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    Json(keys)
                }),
            );
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Self {
            url,
            kid,
            key,
            jwk,
            fetches,
            server,
        }
    }

    /// This issuer, accepted for `audience`.
    pub fn config(&self, audience: &str) -> IssuerConfig {
        IssuerConfig {
            issuer: self.url.clone(),
            audience: audience.into(),
            jwks_uri: None,
        }
    }

    /// How many times its key set was fetched.
    pub fn key_fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    /// The public key, as published.
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// A token for `sub`, for `aud`, expiring `expires_in` seconds from now (negative: in
    /// the past).
    pub fn token(&self, sub: &str, aud: &str, expires_in: i64) -> String {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.sign(json!({
            "iss": self.url, "sub": sub, "aud": aud, "iat": now, "exp": now + expires_in,
        }))
    }

    /// `claims`, signed with this issuer's key under its `kid`.
    pub fn sign(&self, claims: Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.key).expect("signing a token")
    }
}

impl Drop for TestIssuer {
    fn drop(&mut self) {
        self.server.abort();
    }
}
