//! `make bench-notify`: how long after a job's transition its webhook arrives and the
//! browser's live channel shows it, on `make dev`'s stack (the stream bridge, the notifier,
//! the webhook queue's bridge and the live gateway, all on loopback).
//!
//! Each of `jobs` photos is uploaded with a `callback_url` on a receiver of this process,
//! and a WebSocket subscribes to it. The transition's time is the `updated_at` the
//! processor wrote with `completed` (the same clock); each side's arrival is when this
//! process reads it. The figures are medians over the jobs.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Deserialize;
use time::OffsetDateTime;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};
use uuid::Uuid;

use ::e2e::api::{Accepted, JobStatus, JobSummary};
use ::e2e::webhooks::Receiver;

use crate::e2e;
use crate::http;
use crate::interrupt;
use crate::workspace::Workspace;

/// How long one job may take to be told both ways.
const JOB_TIMEOUT: Duration = Duration::from_secs(60);

/// The two delays of one job, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub webhook_ms: f64,
    pub browser_ms: f64,
}

pub fn run(workspace: &Workspace, jobs: usize) -> anyhow::Result<Vec<Sample>> {
    let (supervisor, stack, work) = e2e::start_for_measurement(workspace, "ferrotype-latency")?;

    let receiver = Receiver::start()?;
    let hook = receiver.url().to_owned();

    let client = http::client_of(Duration::from_secs(300), &stack.token)?;
    let photo = std::fs::read(workspace.root.join("scripts/fixtures/photo.jpg"))?;
    let (mut socket, _) = tungstenite::connect(format!("{}/", stack.live))
        .context("connecting to the live channel")?;
    set_read_timeout(&socket, Duration::from_millis(200))?;

    let mut samples = Vec::new();
    for round in 0..jobs {
        interrupt::check()?;
        let answer = http::Answer::of(
            client
                .post(format!("{}/images", stack.api))
                .query(&[("callback_url", hook.as_str())])
                .header("content-type", "image/jpeg")
                .body(photo.clone()),
        );
        if answer.status != 202 {
            bail!(
                "upload {round} answered {}: {}",
                answer.status,
                answer.excerpt()
            );
        }
        let id = serde_json::from_slice::<Accepted>(&answer.body)
            .with_context(|| format!("upload {round} answered {}", answer.excerpt()))?
            .id;
        let subscribe =
            serde_json::json!({"action": "subscribe", "token": stack.token, "jobs": [id]});
        socket.send(Message::Text(subscribe.to_string().into()))?;

        let deadline = Instant::now() + JOB_TIMEOUT;
        let (mut browser, mut webhook) = (None, None);
        while browser.is_none() || webhook.is_none() {
            if Instant::now() > deadline {
                bail!(
                    "job {id} was not told within {}s (logs in {})",
                    JOB_TIMEOUT.as_secs(),
                    work.display()
                );
            }
            if browser.is_none() {
                browser = completed_on_socket(&mut socket, id)?;
            }
            for delivery in receiver.arrived() {
                let told = delivery.webhook()?.data;
                if told.status == JobStatus::Completed && told.id == id {
                    webhook = Some((delivery.at, told.updated_at));
                }
            }
        }
        let (browser_at, updated) = browser.expect("seen");
        let (webhook_at, _) = webhook.expect("seen");
        let sample = Sample {
            webhook_ms: millis(webhook_at - updated),
            browser_ms: millis(browser_at - updated),
        };
        eprintln!(
            "    job {:>2}: webhook {:>7.1} ms, browser {:>7.1} ms",
            round + 1,
            sample.webhook_ms,
            sample.browser_ms
        );
        samples.push(sample);
    }
    let _ = socket.close(None);
    drop(supervisor);
    Ok(samples)
}

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

fn set_read_timeout(socket: &Socket, timeout: Duration) -> anyhow::Result<()> {
    if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
        stream.set_read_timeout(Some(timeout))?;
    }
    Ok(())
}

/// What the live channel pushes (`crates/notify`'s `LiveMessage`), as far as timing needs.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Pushed {
    Status {
        job: JobSummary,
    },
    #[serde(other)]
    Other,
}

/// Reads one frame (or times out) and returns when it is `id`'s `completed` push.
fn completed_on_socket(
    socket: &mut Socket,
    id: Uuid,
) -> anyhow::Result<Option<(OffsetDateTime, OffsetDateTime)>> {
    match socket.read() {
        Ok(Message::Text(text)) => {
            let at = OffsetDateTime::now_utc();
            match serde_json::from_str(&text)? {
                Pushed::Status { job } if job.id == id && job.status == JobStatus::Completed => {
                    Ok(Some((at, job.updated_at)))
                }
                _ => Ok(None),
            }
        }
        Ok(_) => Ok(None),
        Err(tungstenite::Error::Io(err))
            if matches!(
                err.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Ok(None)
        }
        Err(err) => Err(err).context("reading the live channel"),
    }
}

fn millis(duration: time::Duration) -> f64 {
    duration.as_seconds_f64() * 1000.0
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_odd_and_an_even_count() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }
}
