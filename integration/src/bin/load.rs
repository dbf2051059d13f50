//! Load test through the real HTTP path of the local system: N uploads at concurrency C,
//! then polling until every job is finished. Loopback only; bounded in count and time.
//! Prints a [`LoadSummary`] as JSON, which `xtask reliability` reads.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use ferrotype_reliability_report::LoadSummary;
use ferrotype_samples as samples;
use futures_util::stream::{self, StreamExt};
use image::DynamicImage;

#[derive(Parser)]
struct Args {
    /// The API base URL (make dev serves http://127.0.0.1:9000).
    #[arg(long, default_value = "http://127.0.0.1:9000")]
    base_url: String,
    /// Uploads to send.
    #[arg(long, default_value_t = 200)]
    requests: usize,
    /// Uploads in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Give up waiting for completion after this many seconds.
    #[arg(long, default_value_t = 600)]
    timeout: u64,
    /// An API key or token, sent as `Authorization: Bearer` (make dev writes one to
    /// `.local/dev-token`).
    #[arg(long, env = "FERROTYPE_TOKEN", hide_env_values = true)]
    token: Option<String>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let url: reqwest::Url = args.base_url.parse().context("parsing --base-url")?;
    if !matches!(
        url.host_str(),
        Some("127.0.0.1" | "localhost" | "::1" | "[::1]")
    ) {
        bail!("the load test only targets loopback addresses, not {url}");
    }
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(token) = &args.token {
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}").parse().context("the token")?,
        );
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .default_headers(headers)
        .build()?;
    let photo = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(1024, 768)));
    let upload_url = format!("{}/images", args.base_url.trim_end_matches('/'));

    let started = Instant::now();
    let results: Vec<anyhow::Result<(Duration, String)>> = stream::iter(0..args.requests)
        .map(|_| {
            let client = client.clone();
            let photo = photo.clone();
            let upload_url = upload_url.clone();
            async move {
                let sent = Instant::now();
                let response = client
                    .post(&upload_url)
                    .header("content-type", "image/jpeg")
                    .body(photo)
                    .send()
                    .await?;
                let latency = sent.elapsed();
                if response.status() != 202 {
                    bail!("upload answered {}", response.status());
                }
                let location = response
                    .headers()
                    .get("location")
                    .context("202 without Location")?
                    .to_str()?
                    .to_string();
                Ok((latency, location))
            }
        })
        .buffer_unordered(args.concurrency)
        .collect()
        .await;
    let upload_secs = started.elapsed().as_secs_f64();

    let mut latencies = Vec::new();
    let mut locations = Vec::new();
    let mut errors = 0;
    for result in results {
        match result {
            Ok((latency, location)) => {
                latencies.push(latency);
                locations.push(location);
            }
            Err(err) => {
                errors += 1;
                eprintln!("upload failed: {err:#}");
            }
        }
    }
    latencies.sort();

    let deadline = started + Duration::from_secs(args.timeout);
    let base = args.base_url.trim_end_matches('/').to_string();
    let mut pending = locations.clone();
    let mut failed = 0;
    while !pending.is_empty() && Instant::now() < deadline {
        let mut still = Vec::new();
        for location in pending {
            let body: serde_json::Value = client
                .get(format!("{base}{location}"))
                .send()
                .await?
                .json()
                .await?;
            match body["status"].as_str() {
                Some("completed") => {}
                Some("failed") => failed += 1,
                _ => still.push(location),
            }
        }
        pending = still;
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    let all_done = started.elapsed().as_secs_f64();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let summary = LoadSummary {
        requests: args.requests,
        concurrency: args.concurrency,
        accepted: latencies.len(),
        upload_errors: errors,
        throughput_rps: latencies.len() as f64 / upload_secs,
        p50_ms: latencies.first().map(|_| ms(percentile(&latencies, 50.0))),
        p99_ms: latencies.first().map(|_| ms(percentile(&latencies, 99.0))),
        seconds_until_all_finished: all_done,
        failed_jobs: failed,
        unfinished_jobs: pending.len(),
    };
    println!("{}", serde_json::to_string(&summary)?);
    if errors > 0 || failed > 0 || !pending.is_empty() {
        bail!(
            "{errors} uploads failed, {failed} jobs failed, {} unfinished",
            pending.len()
        );
    }
    Ok(())
}
