//! Who may call the API, how often, and from which web origins.
//!
//! - [`tokens`]: JWTs from the OIDC issuers named in configuration, checked against each
//!   issuer's published keys.
//! - [`keys`]: API keys for server-to-server callers, stored as hashes in DynamoDB and
//!   shown once when made.
//! - [`usage`]: per-caller request rate and daily upload quota, counted in DynamoDB.
//! - [`cors`]: the web origins browsers may call from.
//! - [`gate`]: all of it in front of a handler: [`Gate::serve`] answers preflights,
//!   refuses requests without a valid caller (`401`) or over a limit (`429`), and hands the
//!   handler the caller otherwise.

pub mod cors;
pub mod gate;
pub mod keys;
pub mod settings;
pub mod tokens;
pub mod usage;

pub use cors::Cors;
pub use gate::{Gate, Refusal};
pub use keys::{ApiKey, ApiKeyTable, KeyError, KeyInfo};
pub use settings::{AccessSettings, AuthMode, IssuerConfig, Limits};
pub use tokens::{TokenError, TokenVerifier};
pub use usage::{Charge, Limited, Quota, RequestQuota, UsageError, UsageReport, UsageTable};
