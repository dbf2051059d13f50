//! Every HTTP function's front door: CORS preflights, the caller, the request rate.

use std::future::Future;
use std::time::Duration;

use ferrotype_service::domain::CallerId;
use ferrotype_service::problem::Problem;
use ferrotype_service::store::DisplayErrorContext;
use lambda_http::http::{header, HeaderMap};
use lambda_http::{Body, Request, Response};
use time::OffsetDateTime;
use tracing::{error, info, Instrument};

use crate::cors::Cors;
use crate::keys::{ApiKey, ApiKeyTable, KeyError};
use crate::settings::{AccessSettings, AuthMode};
use crate::tokens::{TokenError, TokenVerifier};
use crate::usage::{Charge, Limited, UsageError, UsageTable};

/// The realm every challenge names.
const REALM: &str = "ferrotype";

/// Why a request was not let in. [`Refusal::problem`] is the one place these become
/// problem documents.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("the request carries no credential")]
    NoCredential,
    #[error("the Authorization header is not a bearer credential")]
    NotBearer,
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
            Self::Key(KeyError::Revoked { .. }) | Self::Key(_) => Problem::unauthorized(
                "invalid-api-key",
                invalid("the API key is not valid"),
                "the API key is unknown or revoked",
            ),
            Self::Limited(limited) => limited_problem(limited),
            Self::Usage(UsageError::Limited(limited)) => limited_problem(limited),
            Self::Usage(UsageError::Store(_)) => Problem::unavailable(unavailable_retry_after),
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
        if ApiKey::looks_like(credential) {
            let keys = self.keys.as_ref().ok_or(Refusal::Key(KeyError::Invalid))?;
            keys.verify(credential).await.map_err(Refusal::Key)
        } else {
            self.tokens.verify(credential).await.map_err(Refusal::Token)
        }
    }

    /// Counts an upload of `bytes` against the caller's day.
    pub async fn charge_upload(
        &self,
        caller: &CallerId,
        bytes: u64,
    ) -> Result<Option<Charge>, Refusal> {
        match &self.usage {
            None => Ok(None),
            Some(usage) => Ok(Some(
                usage
                    .charge_upload(caller, bytes, OffsetDateTime::now_utc())
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
