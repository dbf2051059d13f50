//! Every HTTP function's front door: CORS preflights, the caller, the request rate.

use std::future::Future;
use std::time::Duration;

use ferrotype_service::domain::CallerId;
use ferrotype_service::problem::Problem;
use ferrotype_service::store::DisplayErrorContext;
use jsonwebtoken::AlgorithmFamily;
use lambda_http::http::{header, HeaderMap};
use lambda_http::{Body, Request, Response};
use time::OffsetDateTime;
use tracing::{error, info, Instrument};

use crate::cors::Cors;
use crate::keys::{ApiKey, ApiKeyTable, KeyError};
use crate::settings::{AccessSettings, AuthMode};
use crate::tokens::{TokenError, TokenVerifier};
use crate::usage::{Charge, Limited, UsageError, UsageReport, UsageTable};

/// The realm every challenge names.
const REALM: &str = "ferrotype";

/// The longest credential looked at. API keys have 64 characters; the JWTs of common
/// issuers (Cognito, Entra ID, Auth0, Google) have 1 to 4 KB; API Gateway takes 10 KB of
/// headers in all.
pub const MAX_CREDENTIAL_LEN: usize = 8192;

/// The longest `kid` a token header may name (issuers use UUIDs, thumbprints or short
/// names).
const MAX_KID_LEN: usize = 256;

/// A credential whose form alone shows it cannot be valid. Refused before anything is
/// read or counted, so a flood of junk credentials costs no DynamoDB call and no fetch of
/// an issuer's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    #[error("the credential is longer than {MAX_CREDENTIAL_LEN} characters")]
    TooLong,
    #[error("an API key reads ftk_<16 hex digits>_<43 URL-safe base64 characters>")]
    ApiKey,
    #[error("the credential is neither an API key (ftk_…) nor a JWT (three base64url parts)")]
    NotJwt,
    #[error("the token's header is not JSON naming an accepted algorithm (and a short kid)")]
    Header,
}

impl Malformed {
    /// Why `credential` cannot be valid, or `None` when it has the form of an API key or
    /// of a token this gate would check.
    pub fn of(credential: &str) -> Option<Self> {
        if credential.len() > MAX_CREDENTIAL_LEN {
            return Some(Self::TooLong);
        }
        if ApiKey::looks_like(credential) {
            return ApiKey::key_id(credential).is_none().then_some(Self::ApiKey);
        }
        let base64url = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        let parts: Vec<&str> = credential.split('.').collect();
        // An empty signature is `alg: none`'s: never accepted.
        if parts.len() != 3 || !parts.iter().all(|part| base64url(part)) {
            return Some(Self::NotJwt);
        }
        // Every asymmetric algorithm passes here; the verifier holds the exact list. An
        // HMAC token could only be "signed" with a published key.
        match jsonwebtoken::decode_header(credential) {
            Ok(header)
                if header.alg.family() != AlgorithmFamily::Hmac
                    && header
                        .kid
                        .as_ref()
                        .is_none_or(|kid| !kid.is_empty() && kid.len() <= MAX_KID_LEN) =>
            {
                None
            }
            _ => Some(Self::Header),
        }
    }
}

/// Why a request was not let in. [`Refusal::problem`] is the one place these become
/// problem documents.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("the request carries no credential")]
    NoCredential,
    #[error("the Authorization header is not a bearer credential")]
    NotBearer,
    #[error("the credential is malformed")]
    Malformed(#[source] Malformed),
    #[error("the bearer token was refused")]
    Token(#[source] TokenError),
    #[error("the API key was refused")]
    Key(#[source] KeyError),
    #[error("a per-caller limit was reached")]
    Limited(#[source] Limited),
    #[error("counting the caller's usage failed")]
    Usage(#[source] UsageError),
}

impl Refusal {
    /// Whether the refusal is our failure (`503`), not the client's.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Token(err) => err.is_unavailable(),
            Self::Key(err) => err.is_unavailable(),
            Self::Usage(_) => true,
            _ => false,
        }
    }

    pub fn problem(&self, unavailable_retry_after: Duration) -> Problem {
        if self.is_unavailable() {
            return Problem::unavailable(unavailable_retry_after);
        }
        let invalid = |description: &str| {
            format!(
                r#"Bearer realm="{REALM}", error="invalid_token", error_description="{description}""#
            )
        };
        match self {
            Self::NoCredential => Problem::unauthorized(
                "unauthorized",
                format!(r#"Bearer realm="{REALM}""#),
                "send a token from an accepted issuer or an API key: Authorization: Bearer <credential>",
            ),
            Self::NotBearer => Problem::unauthorized(
                "unauthorized",
                format!(r#"Bearer realm="{REALM}", error="invalid_request""#),
                "the Authorization header must be \"Bearer <token or API key>\"",
            ),
            Self::Token(TokenError::Expired) => Problem::unauthorized(
                "invalid-token",
                invalid("the token has expired"),
                "the token has expired; get a new one from its issuer",
            ),
            Self::Token(err) => Problem::unauthorized(
                "invalid-token",
                invalid("the token is not valid"),
                format!("{err}"),
            ),
            Self::Malformed(Malformed::ApiKey) => Problem::unauthorized(
                "invalid-api-key",
                invalid("the API key is not valid"),
                format!("{}", Malformed::ApiKey),
            ),
            Self::Malformed(malformed) => Problem::unauthorized(
                "invalid-token",
                invalid("the token is not valid"),
                format!("{malformed}"),
            ),
            Self::Key(KeyError::Revoked { .. }) | Self::Key(_) => Problem::unauthorized(
                "invalid-api-key",
                invalid("the API key is not valid"),
                "the API key is unknown or revoked",
            ),
            Self::Limited(limited) => limited_problem(limited),
            Self::Usage(UsageError::Limited(limited)) => limited_problem(limited),
            Self::Usage(UsageError::Store(_) | UsageError::Read(_)) => {
                Problem::unavailable(unavailable_retry_after)
            }
        }
    }
}

fn limited_problem(limited: &Limited) -> Problem {
    let retry_after = limited.retry_after();
    match limited {
        Limited::Rate { limit, window, .. } => Problem::too_many_requests(
            "rate-limited",
            retry_after,
            format!(
                "at most {limit} requests per {} s are accepted from one caller; retry after {} s",
                window.as_secs(),
                retry_after.as_secs()
            ),
        ),
        Limited::DailyUploads { limit, .. } => Problem::too_many_requests(
            "upload-quota-exceeded",
            retry_after,
            format!("at most {limit} uploads per day (UTC) are accepted from one caller"),
        ),
        Limited::DailyBytes { limit, .. } => Problem::too_many_requests(
            "upload-quota-exceeded",
            retry_after,
            format!("at most {limit} bytes of uploads per day (UTC) are accepted from one caller"),
        ),
        Limited::DailyEmails { limit, .. } => Problem::too_many_requests(
            "email-quota-exceeded",
            retry_after,
            format!(
                "at most {limit} uploads naming notify_email per day (UTC) are accepted from one \
                 caller; this upload was not counted: send it without notify_email (and use a \
                 webhook) or after {} s",
                retry_after.as_secs()
            ),
        ),
    }
}

impl From<UsageError> for Refusal {
    fn from(err: UsageError) -> Self {
        match err {
            UsageError::Limited(limited) => Self::Limited(limited),
            other => Self::Usage(other),
        }
    }
}

/// The credential of `Authorization: Bearer <credential>`.
fn bearer(headers: &HeaderMap) -> Result<&str, Refusal> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(Refusal::NoCredential)?
        .to_str()
        .map_err(|_| Refusal::NotBearer)?;
    let (scheme, credential) = value.split_once(' ').ok_or(Refusal::NotBearer)?;
    let credential = credential.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || credential.is_empty() {
        return Err(Refusal::NotBearer);
    }
    Ok(credential)
}

/// Callers, limits and CORS, built once at init.
pub struct Gate {
    mode: AuthMode,
    tokens: TokenVerifier,
    keys: Option<ApiKeyTable>,
    usage: Option<UsageTable>,
    cors: Cors,
    unavailable_retry_after: Duration,
}

impl Gate {
    pub fn new(
        settings: AccessSettings,
        dynamodb: &aws_sdk_dynamodb::Client,
        unavailable_retry_after: Duration,
    ) -> Self {
        Self {
            mode: settings.mode,
            tokens: TokenVerifier::new(settings.issuers),
            keys: settings
                .api_key_table
                .map(|table| ApiKeyTable::new(dynamodb.clone(), table)),
            usage: settings
                .usage_table
                .map(|table| UsageTable::new(dynamodb.clone(), table, settings.limits)),
            cors: Cors::new(settings.cors_origins),
            unavailable_retry_after,
        }
    }

    /// No callers, no limits, no CORS: every request is the anonymous caller's.
    pub fn open() -> Self {
        Self {
            mode: AuthMode::None,
            tokens: TokenVerifier::new(Vec::new()),
            keys: None,
            usage: None,
            cors: Cors::default(),
            unavailable_retry_after: Duration::from_secs(5),
        }
    }

    /// The caller of a request, once its credential is checked and its request counted.
    pub async fn admit(&self, headers: &HeaderMap) -> Result<CallerId, Refusal> {
        match self.mode {
            AuthMode::None => self.count(CallerId::anonymous()).await,
            AuthMode::Required => {
                let credential = bearer(headers)?;
                self.admit_credential(credential).await
            }
        }
    }

    /// As [`Gate::admit`], for a credential that comes without a header (the live
    /// channel's subscribe message).
    pub async fn admit_credential(&self, credential: &str) -> Result<CallerId, Refusal> {
        let caller = match self.mode {
            AuthMode::None => CallerId::anonymous(),
            AuthMode::Required => self.identify(credential.trim()).await?,
        };
        self.count(caller).await
    }

    async fn count(&self, caller: CallerId) -> Result<CallerId, Refusal> {
        if let Some(usage) = &self.usage {
            usage.admit(&caller, OffsetDateTime::now_utc()).await?;
        }
        Ok(caller)
    }

    async fn identify(&self, credential: &str) -> Result<CallerId, Refusal> {
        if credential.is_empty() {
            return Err(Refusal::NoCredential);
        }
        // Before any lookup: see [`Malformed`].
        if let Some(malformed) = Malformed::of(credential) {
            return Err(Refusal::Malformed(malformed));
        }
        if ApiKey::looks_like(credential) {
            let keys = self.keys.as_ref().ok_or(Refusal::Key(KeyError::Invalid))?;
            keys.verify(credential).await.map_err(Refusal::Key)
        } else {
            self.tokens.verify(credential).await.map_err(Refusal::Token)
        }
    }

    /// Counts an upload of `bytes`, and its e-mail when it names `notify_email`, against
    /// the caller's day: all of it, or nothing when a quota refuses.
    pub async fn charge_upload(
        &self,
        caller: &CallerId,
        bytes: u64,
        email: bool,
    ) -> Result<Option<Charge>, Refusal> {
        match &self.usage {
            None => Ok(None),
            Some(usage) => Ok(Some(
                usage
                    .charge_upload(caller, bytes, email, OffsetDateTime::now_utc())
                    .await?,
            )),
        }
    }

    /// Gives back an upload that could not be stored. A failure is logged, not returned:
    /// the caller loses one upload of its day at worst.
    pub async fn refund(&self, charge: Option<Charge>) {
        if let (Some(usage), Some(charge)) = (&self.usage, charge) {
            if let Err(err) = usage.refund(charge).await {
                error!(error = %DisplayErrorContext(&err), "giving back an upload's quota failed");
            }
        }
    }

    /// `caller`'s counters against its limits now (`GET /usage`); every limit reads as off
    /// when none is configured.
    pub async fn usage_report(&self, caller: &CallerId) -> Result<UsageReport, UsageError> {
        let now = OffsetDateTime::now_utc();
        match &self.usage {
            None => Ok(UsageReport::unlimited(now)),
            Some(usage) => usage.report(caller, now).await,
        }
    }

    /// Answers a preflight, or lets `handler` answer for the request's caller; refuses
    /// requests without a valid caller or over a limit. Every answer gets its CORS headers,
    /// and everything `handler` logs carries the caller.
    pub async fn serve<F, Fut>(&self, request: Request, handler: F) -> Response<Body>
    where
        F: FnOnce(CallerId, Request) -> Fut,
        Fut: Future<Output = Response<Body>>,
    {
        if let Some(answer) = self.cors.preflight(&request) {
            return answer;
        }
        let headers = request.headers().clone();
        let mut response = match self.admit(&headers).await {
            Ok(caller) => {
                let span = tracing::info_span!("request", caller = %caller);
                handler(caller, request).instrument(span).await
            }
            Err(refusal) => {
                if refusal.is_unavailable() {
                    error!(error = %DisplayErrorContext(&refusal), "checking the caller failed");
                } else {
                    info!(reason = %DisplayErrorContext(&refusal), "request refused");
                }
                refusal
                    .problem(self.unavailable_retry_after)
                    .into_response()
            }
        };
        self.cors.decorate(&headers, &mut response);
        response
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    use super::*;

    fn jwt(header: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJl",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(r#"{"iss":"https://id.example","sub":"a","exp":1}"#)
        )
    }

    #[test]
    fn credentials_of_a_checkable_form_pass_the_form_check() {
        let key = format!("ftk_0123456789abcdef_{}", "A".repeat(43));
        assert_eq!(Malformed::of(&key), None);
        for header in [
            r#"{"alg":"RS256","kid":"k1"}"#,
            r#"{"alg":"ES256","typ":"JWT"}"#,
            r#"{"alg":"EdDSA","kid":"0f3a"}"#,
        ] {
            assert_eq!(Malformed::of(&jwt(header)), None, "{header}");
        }
    }

    #[test]
    fn credentials_whose_form_shows_them_invalid_are_told_apart() {
        let key = |secret: &str| format!("ftk_0123456789abcdef_{secret}");
        for (credential, why) in [
            (key("short"), Malformed::ApiKey),
            (key(&"A".repeat(44)), Malformed::ApiKey),
            (key(&"*".repeat(43)), Malformed::ApiKey),
            ("ftk_".to_string(), Malformed::ApiKey),
            ("x".to_string(), Malformed::NotJwt),
            ("not.a.jwt!".to_string(), Malformed::NotJwt),
            ("a.b".to_string(), Malformed::NotJwt),
            ("a.b.c.d".to_string(), Malformed::NotJwt),
            (
                format!("{}.", &jwt(r#"{"alg":"none"}"#).rsplit_once('.').unwrap().0),
                Malformed::NotJwt,
            ),
            ("YQ.YQ.YQ".to_string(), Malformed::Header),
            (jwt(r#"{"alg":"HS256","kid":"k1"}"#), Malformed::Header),
            (jwt(r#"{"alg":"none"}"#), Malformed::Header),
            (jwt(r#"{"alg":"RS256","kid":""}"#), Malformed::Header),
            (
                jwt(&format!(r#"{{"alg":"RS256","kid":"{}"}}"#, "k".repeat(257))),
                Malformed::Header,
            ),
            ("a".repeat(MAX_CREDENTIAL_LEN + 1), Malformed::TooLong),
        ] {
            assert_eq!(Malformed::of(&credential), Some(why), "{credential}");
        }
    }

    #[test]
    fn a_malformed_api_key_reads_as_an_invalid_key_and_anything_else_as_an_invalid_token() {
        let problem = |m| Refusal::Malformed(m).problem(Duration::from_secs(5));
        assert_eq!(problem(Malformed::ApiKey).status, 401);
        assert_eq!(
            problem(Malformed::ApiKey).kind,
            "urn:ferrotype:problem:invalid-api-key"
        );
        assert_eq!(
            problem(Malformed::NotJwt).kind,
            "urn:ferrotype:problem:invalid-token"
        );
    }
}
