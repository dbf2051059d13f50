//! SDK clients, built once at init. Endpoints come from the standard `AWS_ENDPOINT_URL`
//! (and `AWS_ENDPOINT_URL_S3`, `_SQS`, `_DYNAMODB`) variables, which the SDK reads itself,
//! so the same code talks to AWS, moto or LocalStack.

use aws_config::{BehaviorVersion, SdkConfig};

/// The clients a function needs.
#[derive(Debug, Clone)]
pub struct Clients {
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    /// The provider the clients sign with: presigned URLs are bounded by its credentials'
    /// expiry ([`crate::store::ImageStore::signed_with`]).
    pub credentials: Option<aws_sdk_s3::config::SharedCredentialsProvider>,
}

impl Clients {
    /// Loads the shared SDK configuration from the environment.
    ///
    /// `S3_FORCE_PATH_STYLE=true` selects path-style S3 addressing, which an endpoint on an
    /// IP address (such as a local emulator) needs; it is an ordinary S3 client setting.
    pub async fn from_env() -> Self {
        let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
        let path_style = std::env::var("S3_FORCE_PATH_STYLE")
            .map(|v| v.eq_ignore_ascii_case("true") || v == "1")
            .unwrap_or(false);
        Self::from_config(&config, path_style)
    }

    pub fn from_config(config: &SdkConfig, s3_path_style: bool) -> Self {
        let s3_config = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(s3_path_style)
            .build();
        Self {
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            sqs: aws_sdk_sqs::Client::new(config),
            dynamodb: aws_sdk_dynamodb::Client::new(config),
            credentials: config.credentials_provider(),
        }
    }
}
