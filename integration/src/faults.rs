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
