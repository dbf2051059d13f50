//! A webhook receiver on loopback, for the end-to-end tests and the xtask's latency bench,
//! and the independent verification of what it received (the Standard Webhooks reference
//! library, through `integration/webhooks/verify.py`).

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc};

use anyhow::Context;
use time::OffsetDateTime;

use crate::api::Webhook;
use crate::Env;

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

    /// The body as a webhook payload.
    pub fn webhook(&self) -> anyhow::Result<Webhook> {
        serde_json::from_str(&self.body)
            .with_context(|| format!("a webhook body that is no payload: {}", self.body))
    }
}

/// Answers every request `204` and keeps it; stops when dropped. It serves on a thread of
/// its own, so blocking and async callers alike read what arrived with [`Receiver::arrived`].
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
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

/// Verifies `delivery` with the Standard Webhooks reference library in `.venv`,
/// independently of ferrotype's own signing: the verified payload, or the library's error.
pub fn verify_with_reference(
    env: &Env,
    secret: &str,
    delivery: &Delivery,
) -> anyhow::Result<Result<Webhook, String>> {
    let python = env.python();
    let mut child = Command::new(&python)
        .arg(env.root.join("integration/webhooks/verify.py"))
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
        Ok(serde_json::from_slice(&output.stdout).context("the verifier prints the payload")?)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_receiver_keeps_each_post_with_its_headers_and_answers_204() {
        let receiver = Receiver::start().unwrap();
        let mut stream = std::net::TcpStream::connect(
            receiver
                .url()
                .trim_start_matches("http://")
                .trim_end_matches("/hook"),
        )
        .unwrap();
        let body = r#"{"type":"image.completed"}"#;
        write!(
            stream,
            "POST /hook HTTP/1.1\r\nHost: x\r\nWebhook-Id: msg_1\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
        // It is recorded just after its answer.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut arrived = receiver.arrived();
        while arrived.is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
            arrived = receiver.arrived();
        }
        assert_eq!(arrived.len(), 1);
        assert_eq!(arrived[0].header("webhook-id"), "msg_1");
        assert_eq!(arrived[0].body, body);
        assert!(receiver.arrived().is_empty(), "each delivery is read once");
    }
}
