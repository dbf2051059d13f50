//! A webhook receiver on loopback for the checks and the latency bench, and the
//! independent verification of what it received (the Standard Webhooks reference library,
//! through `integration/webhooks/verify.py`).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::Value;
use time::OffsetDateTime;

/// One POST as it arrived.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub at: OffsetDateTime,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Delivery {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// The body as JSON (`Null` when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// Answers every request `204` and keeps it; stops when dropped.
pub struct Receiver {
    server: Arc<tiny_http::Server>,
    url: String,
    deliveries: mpsc::Receiver<Delivery>,
}

impl Receiver {
    pub fn start() -> anyhow::Result<Self> {
        let server =
            Arc::new(tiny_http::Server::http("127.0.0.1:0").map_err(|e| anyhow::anyhow!(e))?);
        let url = format!("http://{}/hook", server.server_addr());
        let (sender, deliveries) = mpsc::channel();
        let serving = Arc::clone(&server);
        std::thread::spawn(move || {
            for mut request in serving.incoming_requests() {
                let at = OffsetDateTime::now_utc();
                let headers = request
                    .headers()
                    .iter()
                    .map(|h| {
                        (
                            h.field.as_str().as_str().to_ascii_lowercase(),
                            h.value.as_str().to_owned(),
                        )
                    })
                    .collect();
                let mut body = String::new();
                let _ = request.as_reader().read_to_string(&mut body);
                let _ = request.respond(tiny_http::Response::empty(204));
                if sender.send(Delivery { at, headers, body }).is_err() {
                    return;
                }
            }
        });
        Ok(Self {
            server,
            url,
            deliveries,
        })
    }

    /// The `callback_url` to give a job.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whatever has arrived since the last call, without waiting.
    pub fn arrived(&self) -> Vec<Delivery> {
        self.deliveries.try_iter().collect()
    }

    /// Waits until `done` holds for everything received so far (which is returned), or
    /// `timeout` passes (`Err` with what did arrive).
    pub fn wait_for(
        &self,
        timeout: Duration,
        done: impl Fn(&[Delivery]) -> bool,
    ) -> Result<Vec<Delivery>, Vec<Delivery>> {
        let deadline = Instant::now() + timeout;
        let mut received = Vec::new();
        loop {
            if done(&received) {
                return Ok(received);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || crate::interrupt::check().is_err() {
                return Err(received);
            }
            if let Ok(delivery) = self
                .deliveries
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                received.push(delivery);
            }
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

/// Verifies `delivery` with the Standard Webhooks reference library in `.venv` (`python`),
/// independently of ferrotype's own signing: the verified payload, or the library's error.
pub fn verify_with_reference(
    python: &Path,
    root: &Path,
    secret: &str,
    delivery: &Delivery,
) -> anyhow::Result<Result<Value, String>> {
    let mut child = Command::new(python)
        .arg(root.join("integration/webhooks/verify.py"))
        .arg(secret)
        .arg(delivery.header("webhook-id"))
        .arg(delivery.header("webhook-timestamp"))
        .arg(delivery.header("webhook-signature"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running {} (make venv)", python.display()))?;
    child
        .stdin
        .take()
        .context("the verifier's stdin")?
        .write_all(delivery.body.as_bytes())?;
    let output = child.wait_with_output()?;
    Ok(if output.status.success() {
        Ok(serde_json::from_slice(&output.stdout).context("the verifier prints JSON")?)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    })
}
