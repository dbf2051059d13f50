//! `heif-decode`: the decode of HEIC and AVIF files, ferrotype's (ferrotype-heif: libheif
//! with libde265 or libaom's decoder, to interleaved RGB, transforms applied) against the
//! reference on this machine, on the same files: libheif as pillow-heif runs it for HEIC,
//! Pillow's AVIF plugin (libavif) for AVIF. One JSON line per file: the median of `--runs`
//! decodes in milliseconds per megapixel, each side's, and ours over theirs. Both sides use
//! their decoders' default threads. `make bench-heif` (scripts/bench/heif) runs it.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;
use ferrotype_heif::{Container, Limits};
use serde_json::{json, Value};

#[derive(Parser)]
#[command(
    name = "heif-decode",
    about = "HEIC and AVIF decode speed against libheif's"
)]
struct Cli {
    /// Decodes per file and side; the median is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// The Python with pillow-heif (the project's .venv).
    #[arg(long, default_value = ".venv/bin/python")]
    python: PathBuf,
    files: Vec<PathBuf>,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    if cli.runs == 0 || cli.files.is_empty() {
        bail!("give --runs of at least 1 and some files");
    }
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/bench/libheif-decode.py");
    for file in &cli.files {
        let bytes = std::fs::read(file).with_context(|| file.display().to_string())?;
        let mut times = Vec::new();
        let mut size = (0, 0);
        for _ in 0..cli.runs {
            let started = Instant::now();
            let container = Container::read(&bytes, &Limits::default())?;
            let decoded = container.primary()?.decode()?;
            times.push(started.elapsed().as_secs_f64() * 1e3);
            size = (decoded.width, decoded.height);
        }
        let megapixels = f64::from(size.0) * f64::from(size.1) / 1e6;
        let ours = median(times) / megapixels;

        let output = Command::new(&cli.python)
            .arg(&script)
            .arg(cli.runs.to_string())
            .arg(file)
            .output()
            .context("running the reference decode")?;
        if !output.status.success() {
            bail!("{}", String::from_utf8_lossy(&output.stderr));
        }
        let reference: Value = serde_json::from_slice(&output.stdout)?;
        let theirs = reference["ms"].as_f64().context("the reference's ms")? / megapixels;
        let round = |v: f64| (v * 100.0).round() / 100.0;
        println!(
            "{}",
            json!({
                "file": file.display().to_string(),
                "size": format!("{}x{}", size.0, size.1),
                "megapixels": round(megapixels),
                "ours_ms_per_mp": round(ours),
                "reference": reference["decoder"],
                "reference_ms_per_mp": round(theirs),
                "ours_over_reference": round(ours / theirs),
            })
        );
    }
    Ok(())
}
