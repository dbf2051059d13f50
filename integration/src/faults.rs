//! Faults and counters attached to the real SDK clients as interceptors: the production
//! code runs unchanged, and the harness decides from outside which requests fail.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aws_sdk_s3::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_s3::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_s3::error::BoxError;
use ferrotype_service::aws::Clients;

/// Which requests an interceptor looks at: an HTTP method plus, for the JSON protocols of
/// SQS and DynamoDB, the operation named in `X-Amz-Target`.
#[derive(Debug, Clone, Copy)]
pub struct Matcher {
    pub method: &'static str,
    /// `None` matches any target (S3 has none).
    pub target: Option<&'static str>,
}

impl Matcher {
    pub const S3_PUT: Matcher = Matcher {
        method: "PUT",
        target: None,
    };
    pub const SQS_SEND: Matcher = Matcher {
        method: "POST",
        target: Some("AmazonSQS.SendMessage"),
    };
    pub const DYNAMODB_WRITES: [Matcher; 3] = [
        Matcher {
            method: "POST",
            target: Some("DynamoDB_20120810.PutItem"),
        },
        Matcher {
            method: "POST",
            target: Some("DynamoDB_20120810.UpdateItem"),
        },
        Matcher {
            method: "POST",
            target: Some("DynamoDB_20120810.DeleteItem"),
        },
    ];

    fn matches(&self, context: &BeforeTransmitInterceptorContextRef<'_>) -> bool {
        let request = context.request();
        if request.method() != self.method {
            return false;
        }
        match self.target {
            None => true,
            Some(target) => request.headers().get("x-amz-target") == Some(target),
        }
    }
}

/// Fails a share of the matching requests before they are sent, as a dropped connection
/// would. Counts what it failed.
#[derive(Clone)]
pub struct FaultInjector {
    matchers: Vec<Matcher>,
    /// Failure probability in parts per million.
    rate_ppm: u32,
    pub injected: Arc<AtomicUsize>,
}

impl fmt::Debug for FaultInjector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultInjector")
            .field("rate_ppm", &self.rate_ppm)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("injected fault")]
pub struct InjectedFault;

impl FaultInjector {
    pub fn new(matchers: Vec<Matcher>, rate: f64) -> Self {
        Self {
            matchers,
            rate_ppm: (rate * 1_000_000.0) as u32,
            injected: Arc::default(),
        }
    }

    pub fn injected(&self) -> usize {
        self.injected.load(Ordering::Relaxed)
    }
}

impl Intercept for FaultInjector {
    fn name(&self) -> &'static str {
        "FaultInjector"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.matchers.iter().any(|m| m.matches(context))
            && fastrand::u32(0..1_000_000) < self.rate_ppm
        {
            self.injected.fetch_add(1, Ordering::Relaxed);
            return Err(Box::new(InjectedFault));
        }
        Ok(())
    }
}

/// Holds each matching request for a while before it is sent, as a slow network would: a
/// window in which the test can act while the code under test is mid-way.
#[derive(Debug, Clone)]
pub struct Delay {
    pub matcher: Matcher,
    pub delay: std::time::Duration,
}

impl Intercept for Delay {
    fn name(&self) -> &'static str {
        "Delay"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.matcher.matches(context) {
            // Interceptors are synchronous; the tests using this run a multi-threaded runtime.
            std::thread::sleep(self.delay);
        }
        Ok(())
    }
}

/// Counts the S3 PUTs per object path.
#[derive(Debug, Clone, Default)]
pub struct PutCounter {
    pub puts: Arc<Mutex<HashMap<String, usize>>>,
}

impl PutCounter {
    /// Keys under `prefix` written more than once.
    pub fn rewritten(&self, prefix: &str) -> usize {
        let puts = self.puts.lock().unwrap();
        puts.iter()
            .filter(|(path, count)| path.contains(prefix) && **count > 1)
            .count()
    }

    pub fn written(&self, prefix: &str) -> usize {
        let puts = self.puts.lock().unwrap();
        puts.keys().filter(|path| path.contains(prefix)).count()
    }
}

impl Intercept for PutCounter {
    fn name(&self) -> &'static str {
        "PutCounter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        if request.method() == "PUT" {
            let path = request
                .uri()
                .split('?')
                .next()
                .unwrap_or_default()
                .to_string();
            *self.puts.lock().unwrap().entry(path).or_default() += 1;
        }
        Ok(())
    }
}

/// The same clients with an interceptor added to each.
pub fn intercepted(clients: &Clients, interceptor: impl Intercept + Clone + 'static) -> Clients {
    Clients {
        s3: aws_sdk_s3::Client::from_conf(
            clients
                .s3
                .config()
                .to_builder()
                .interceptor(interceptor.clone())
                .build(),
        ),
        sqs: aws_sdk_sqs::Client::from_conf(
            clients
                .sqs
                .config()
                .to_builder()
                .interceptor(interceptor.clone())
                .build(),
        ),
        dynamodb: aws_sdk_dynamodb::Client::from_conf(
            clients
                .dynamodb
                .config()
                .to_builder()
                .interceptor(interceptor)
                .build(),
        ),
        credentials: clients.credentials.clone(),
    }
}

/// Answers SES's `SendEmail` to `address` as SES would refuse it, in place of the
/// emulator (which then never sees the message): by default `400 MessageRejected`, as in an
/// account that may not send to the address (a sandbox account, an unverified recipient).
/// Other messages are untouched. Counts what it refused, and keeps the recipient of each
/// message the emulator accepted (cheaper than reading moto's whole model back).
#[derive(Debug, Clone)]
pub struct SesRefusal {
    address: String,
    status: u16,
    error_type: &'static str,
    /// How many more to refuse; `None`: all.
    remaining: Option<Arc<AtomicUsize>>,
    pub refused: Arc<AtomicUsize>,
    /// Each accepted message's recipient and request body.
    sent: Arc<Mutex<Vec<(String, String)>>>,
}

/// Marks a request that [`SesRefusal`] answers.
#[derive(Debug)]
struct Refuse;

impl aws_smithy_types::config_bag::Storable for Refuse {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

/// The recipient and body of a `SendEmail` request.
#[derive(Debug)]
struct Recipient(String, String);

impl aws_smithy_types::config_bag::Storable for Recipient {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

impl SesRefusal {
    /// Every message to `address` refused for good (`400 MessageRejected`).
    pub fn rejecting(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            status: 400,
            error_type: "MessageRejected",
            remaining: None,
            refused: Arc::default(),
            sent: Arc::default(),
        }
    }

    /// The first `times` messages to `address` refused while the account's sending is
    /// paused (`400 SendingPausedException`): a refusal that may pass later, and one the
    /// SDK does not retry itself.
    pub fn pausing(address: impl Into<String>, times: usize) -> Self {
        Self {
            status: 400,
            error_type: "SendingPausedException",
            remaining: Some(Arc::new(AtomicUsize::new(times))),
            ..Self::rejecting(address)
        }
    }

    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::Relaxed)
    }

    /// How many messages to `address` SES (the emulator) accepted.
    pub fn sent_to(&self, address: &str) -> usize {
        self.messages_to(address).len()
    }

    /// The request bodies (JSON, the message's text within) of the messages to `address`
    /// SES accepted.
    pub fn messages_to(&self, address: &str) -> Vec<String> {
        let sent = self.sent.lock().unwrap();
        sent.iter()
            .filter(|(to, _)| to == address)
            .map(|(_, body)| body.clone())
            .collect()
    }

    /// `client` with this refusal added.
    pub fn client(&self, client: &aws_sdk_sesv2::Client) -> aws_sdk_sesv2::Client {
        aws_sdk_sesv2::Client::from_conf(
            client
                .config()
                .to_builder()
                .interceptor(self.clone())
                .build(),
        )
    }

    fn take(&self) -> bool {
        match &self.remaining {
            None => true,
            Some(left) => left
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok(),
        }
    }
}

impl Intercept for SesRefusal {
    fn name(&self) -> &'static str {
        "SesRefusal"
    }

    fn modify_before_transmit(
        &self,
        context: &mut aws_sdk_s3::config::interceptors::BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        if !request.uri().ends_with("/v2/email/outbound-emails") {
            return Ok(());
        }
        let text = String::from_utf8_lossy(request.body().bytes().unwrap_or_default()).into_owned();
        let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let to = body["Destination"]["ToAddresses"][0]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let to_address = to == self.address;
        cfg.interceptor_state().store_put(Recipient(to, text));
        if to_address && self.take() {
            cfg.interceptor_state().store_put(Refuse);
            // Somewhere the emulator sends nothing from; its answer is replaced below.
            let uri = request
                .uri()
                .replace("/v2/email/outbound-emails", "/v2/email/refused");
            context.request_mut().set_uri(uri)?;
        }
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut aws_sdk_s3::config::interceptors::BeforeDeserializationInterceptorContextMut<
            '_,
        >,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg.load::<Refuse>().is_none() {
            if let (Some(Recipient(to, body)), true) = (
                cfg.load::<Recipient>(),
                context.response().status().is_success(),
            ) {
                self.sent.lock().unwrap().push((to.clone(), body.clone()));
            }
            return Ok(());
        }
        self.refused.fetch_add(1, Ordering::Relaxed);
        let body = format!(
            r#"{{"message":"Email address is not verified. The following identities failed the check in region US-EAST-1: {}"}}"#,
            self.address
        );
        let mut response = aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(self.status)?,
            aws_smithy_types::body::SdkBody::from(body),
        );
        response
            .headers_mut()
            .insert("content-type", "application/json");
        response
            .headers_mut()
            .insert("x-amzn-errortype", self.error_type);
        *context.response_mut() = response;
        Ok(())
    }
}

/// Counts the DynamoDB requests sent, by operation (`X-Amz-Target` without its service
/// prefix: `GetItem`, `BatchGetItem`, ...), to hold code to its documented cost.
#[derive(Debug, Clone, Default)]
pub struct OperationCounter {
    /// The operations sent, in order.
    sent: Arc<Mutex<Vec<String>>>,
}

impl OperationCounter {
    /// The calls so far, by operation, and forgets them.
    pub fn take(&self) -> HashMap<String, usize> {
        let mut calls = HashMap::new();
        for operation in self.take_in_order() {
            *calls.entry(operation).or_default() += 1;
        }
        calls
    }

    /// The calls so far, in order, and forgets them.
    pub fn take_in_order(&self) -> Vec<String> {
        std::mem::take(&mut *self.sent.lock().unwrap())
    }
}

impl Intercept for OperationCounter {
    fn name(&self) -> &'static str {
        "OperationCounter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(target) = context.request().headers().get("x-amz-target") {
            if target.starts_with("DynamoDB_") {
                let operation = target.rsplit('.').next().unwrap_or(target).to_string();
                self.sent.lock().unwrap().push(operation);
            }
        }
        Ok(())
    }
}
