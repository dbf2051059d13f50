//! `make bench-list`: how long after a write a job shows in `GET /images`, on `make dev`'s
//! stack (the jobs stream, its bridge to the projector, the list table on moto).
//!
//! Each of `jobs` photos is uploaded, then the list is read every [`POLL`] until the job
//! is in it (the delay from the `202`), and again until it shows `completed` (the delay
//! from the `updated_at` the processor wrote, the same clock). A reading is as fine as
//! the poll: each figure is up to one [`POLL`] and one request late.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use ::e2e::api::Accepted;

use crate::e2e;
use crate::http;
use crate::interrupt;
use crate::workspace::Workspace;

/// How long one job may take to be listed, then listed as completed.
const JOB_TIMEOUT: Duration = Duration::from_secs(60);
/// Between two reads of the list.
pub const POLL: Duration = Duration::from_millis(20);

/// The two delays of one job, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// From the upload's `202` to the job's first appearance in the list.
    pub listed_ms: f64,
    /// From the job's completion to the list showing it completed.
    pub completed_ms: f64,
}

pub fn run(workspace: &Workspace, jobs: usize) -> anyhow::Result<Vec<Sample>> {
    let (supervisor, stack, work) =
        e2e::start_for_measurement(workspace, "ferrotype-list-latency")?;
    let client = http::client_of(Duration::from_secs(300), &stack.token)?;
    let photo = std::fs::read(workspace.root.join("scripts/fixtures/photo.jpg"))?;
    let since = (OffsetDateTime::now_utc() - time::Duration::seconds(1)).format(&Rfc3339)?;

    // The list's newest entry: its id, status and updated_at.
    let newest = || -> anyhow::Result<Option<(String, String, OffsetDateTime)>> {
        let answer = http::Answer::of(
            client
                .get(format!("{}/images", stack.api))
                .query(&[("created_after", since.as_str()), ("limit", "1")]),
        );
        if answer.status != 200 {
            bail!(
                "GET /images answered {}: {}",
                answer.status,
                answer.excerpt()
            );
        }
        let body: serde_json::Value = serde_json::from_slice(&answer.body)?;
        let Some(item) = body["items"].get(0) else {
            return Ok(None);
        };
        let text = |name: &str| item[name].as_str().unwrap_or_default().to_string();
        let updated =
            OffsetDateTime::parse(&text("updated_at"), &Rfc3339).context("reading updated_at")?;
        Ok(Some((text("id"), text("status"), updated)))
    };

    let mut samples = Vec::new();
    for round in 0..jobs {
        interrupt::check()?;
        let answer = http::Answer::of(
            client
                .post(format!("{}/images", stack.api))
                .header("content-type", "image/jpeg")
                .body(photo.clone()),
        );
        let accepted_at = Instant::now();
        if answer.status != 202 {
            bail!(
                "upload {round} answered {}: {}",
                answer.status,
                answer.excerpt()
            );
        }
        let id = serde_json::from_slice::<Accepted>(&answer.body)
            .with_context(|| format!("upload {round} answered {}", answer.excerpt()))?
            .id
            .to_string();
        let deadline = accepted_at + JOB_TIMEOUT;
        let mut listed = None;
        let completed = loop {
            if Instant::now() > deadline {
                bail!(
                    "job {id} was not listed completed within {}s (logs in {})",
                    JOB_TIMEOUT.as_secs(),
                    work.display()
                );
            }
            if let Some((newest, status, updated)) = newest()? {
                if newest == id {
                    let seen = OffsetDateTime::now_utc();
                    listed.get_or_insert(accepted_at.elapsed());
                    if status == "completed" {
                        break seen - updated;
                    }
                }
            }
            std::thread::sleep(POLL);
        };
        let sample = Sample {
            listed_ms: listed.expect("listed before completed").as_secs_f64() * 1000.0,
            completed_ms: completed.as_seconds_f64() * 1000.0,
        };
        eprintln!(
            "    job {:>3}: listed {:>7.1} ms after its 202, completed listed {:>7.1} ms after it completed",
            round + 1,
            sample.listed_ms,
            sample.completed_ms
        );
        samples.push(sample);
    }
    drop(supervisor);
    Ok(samples)
}
