//! `ferrotype-bench`: runs the image job over a folder and prints one JSON line per image
//! (time, CPU, peak memory, and per output its size, bytes and SSIMULACRA2 score), then a
//! summary line with geometric means. See docs/pipeline.md.
//!
//! Each image runs in a fresh child process (this same binary, `one`), so that its peak
//! resident memory is its own and not the high-water mark of the images before it.
//!
//! The `image` crate here decodes JPEG, PNG and WebP but not AVIF: AVIF outputs (ours and
//! sharp's alike) are decoded for scoring by sharp, in a `node` child with sharp installed
//! under `--sharp-dir` (scripts/bench/compare installs it into `.bench`). Scoring only: no
//! timing includes it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use ferrotype_bench::{cpu_ms, decode_upright, flatten, images_in, lanczos, to_ssim};
use ferrotype_imaging::{self as imaging, PipelineSettings};
use ferrotype_variants::{Declaration, Encoding, Format, Quality, Variant};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType as ImageFilter;
use image::DynamicImage;
use serde_json::{json, Value};

#[derive(Parser)]
#[command(name = "ferrotype-bench", about = "Benchmarks the ferrotype image job")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(clap::Args, Clone)]
struct JobArgs {
    /// Run the obvious `image`-crate pipeline (full decode, Lanczos3, encode) instead.
    #[arg(long)]
    naive: bool,
    /// Threads the job may use (ferrotype's pipeline only; the naive one uses one).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Skip the SSIMULACRA2 scores (they take far longer than the job).
    #[arg(long)]
    no_score: bool,
    /// Score outputs larger than this many megapixels on a centred crop of this size.
    #[arg(long, default_value_t = 16.0)]
    score_max_mp: f64,
    /// Write the outputs into this folder as `{stem}.{output}.{ext}`.
    #[arg(long)]
    out: Option<PathBuf>,
    /// JPEG quality of the optimized output (the default set's when absent).
    #[arg(long)]
    jpeg_quality: Option<f32>,
    /// JPEG quality of the preview (the default set's when absent).
    #[arg(long)]
    preview_jpeg_quality: Option<f32>,
    /// JPEG quality of the thumbnail (the default set's when absent).
    #[arg(long)]
    thumbnail_jpeg_quality: Option<f32>,
    /// Make only the JPEG (PNG for alpha) of each default variant, as before AVIF and WebP.
    #[arg(long)]
    jpeg_only: bool,
    /// The folder whose `node_modules` holds sharp, which decodes AVIF outputs for scoring.
    #[arg(long, default_value = ".bench")]
    sharp_dir: PathBuf,
}

#[derive(Subcommand)]
enum Cmd {
    /// Runs the job on every image in the given files or folders, one process per image.
    Run {
        #[command(flatten)]
        job: JobArgs,
        paths: Vec<PathBuf>,
    },
    /// Runs the job on one image in this process and prints its JSON line.
    One {
        #[command(flatten)]
        job: JobArgs,
        file: PathBuf,
    },
    /// Scores outputs made by another tool: `NAME=PATH` for each, against the same
    /// reference as `run` uses. Prints one JSON line.
    Score {
        #[arg(long, default_value_t = 16.0)]
        score_max_mp: f64,
        /// The folder whose `node_modules` holds sharp, which decodes AVIF outputs.
        #[arg(long, default_value = ".bench")]
        sharp_dir: PathBuf,
        original: PathBuf,
        outputs: Vec<String>,
    },
    /// Writes small images with hostile side data into a folder (the ones the imaging
    /// crate's memory test runs), to measure with `one`.
    Hostile { dir: PathBuf },
    /// Adds an EXIF orientation tag (1–8) to a JPEG, for making test corpora.
    ExifOrient {
        orientation: u16,
        input: PathBuf,
        output: PathBuf,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Cmd::Run { job, paths } => run(&job, &paths),
        Cmd::One { job, file } => {
            println!("{}", one(&job, &file)?);
            Ok(())
        }
        Cmd::Score {
            score_max_mp,
            sharp_dir,
            original,
            outputs,
        } => {
            let original_bytes = std::fs::read(&original)?;
            let mut scored = Vec::new();
            for spec in &outputs {
                let (name, path) = spec.split_once('=').context("expected NAME=PATH")?;
                let bytes = std::fs::read(path).with_context(|| path.to_string())?;
                scored.push((name.to_string(), bytes));
            }
            let reference = Reference::load(&original_bytes)?;
            let outputs: Vec<Value> = scored
                .iter()
                .map(|(name, bytes)| {
                    score_output(&reference, name, bytes, score_max_mp, &sharp_dir)
                })
                .collect::<Result<_>>()?;
            println!(
                "{}",
                json!({ "file": original.display().to_string(), "outputs": outputs })
            );
            Ok(())
        }
        Cmd::Hostile { dir } => write_hostile(&dir),
        Cmd::ExifOrient {
            orientation,
            input,
            output,
        } => {
            let jpeg = std::fs::read(&input)?;
            let tagged = ferrotype_samples::with_exif_orientation(&jpeg, orientation);
            std::fs::write(output, tagged)?;
            Ok(())
        }
    }
}

/// The hostile side data of `crates/imaging/tests/memory.rs`, at full strength, on a
/// 64×48 image.
fn write_hostile(dir: &Path) -> Result<()> {
    use ferrotype_samples as samples;
    let image = DynamicImage::ImageRgb8(samples::two_halves(64, 48));
    let (jpeg, png) = (samples::jpeg(&image), samples::png(&image));
    let files = [
        (
            "app1-segments-1m.jpg",
            samples::jpeg_with_segments(&jpeg, 0xE1, b"", 1_000_000),
        ),
        (
            "icc-16mb.jpg",
            samples::jpeg_with_icc_chunks(&jpeg, 255 * 65519),
        ),
        (
            "iccp-bomb-400mib.png",
            samples::png_with_iccp_bomb(&png, 400 << 20),
        ),
        (
            "text-chunks-1m.png",
            samples::png_with_text_chunks(&png, 1_000_000),
        ),
        (
            "icc-declares-4gb.webp",
            samples::webp_declaring_icc(&samples::lossy_webp(&image), u32::MAX - 1),
        ),
    ];
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| path.display().to_string())?;
    }
    Ok(())
}

fn run(job: &JobArgs, paths: &[PathBuf]) -> Result<()> {
    let exe = std::env::current_exe()?;
    let mut lines = Vec::new();
    for file in images_in(paths)? {
        let mut cmd = Command::new(&exe);
        cmd.arg("one").arg("--threads").arg(job.threads.to_string());
        cmd.arg("--score-max-mp").arg(job.score_max_mp.to_string());
        if job.naive {
            cmd.arg("--naive");
        }
        if job.no_score {
            cmd.arg("--no-score");
        }
        if let Some(out) = &job.out {
            cmd.arg("--out").arg(out);
        }
        if let Some(quality) = job.jpeg_quality {
            cmd.arg("--jpeg-quality").arg(quality.to_string());
        }
        if let Some(quality) = job.preview_jpeg_quality {
            cmd.arg("--preview-jpeg-quality").arg(quality.to_string());
        }
        if let Some(quality) = job.thumbnail_jpeg_quality {
            cmd.arg("--thumbnail-jpeg-quality").arg(quality.to_string());
        }
        if job.jpeg_only {
            cmd.arg("--jpeg-only");
        }
        cmd.arg("--sharp-dir").arg(&job.sharp_dir);
        let output = cmd.arg(&file).output()?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            let line = json!({
                "file": file.display().to_string(),
                "error": String::from_utf8_lossy(&output.stderr).trim(),
            });
            println!("{line}");
            continue;
        }
        let line: Value = serde_json::from_str(stdout.trim())?;
        println!("{line}");
        lines.push(line);
    }
    println!("{}", summary(&lines));
    Ok(())
}

/// Geometric means of the per-image figures (arithmetic for scores, which can be negative).
fn summary(lines: &[Value]) -> Value {
    let ok: Vec<&Value> = lines.iter().filter(|l| l.get("error").is_none()).collect();
    let geo = |f: &dyn Fn(&Value) -> Option<f64>| -> Option<f64> {
        let values: Vec<f64> = ok
            .iter()
            .filter_map(|l| f(l))
            .filter(|v| *v > 0.0)
            .collect();
        (!values.is_empty())
            .then(|| (values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
    };
    let mean = |f: &dyn Fn(&Value) -> Option<f64>| -> Option<f64> {
        let values: Vec<f64> = ok.iter().filter_map(|l| f(l)).collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    let output = |l: &Value, name: &str, field: &str| -> Option<f64> {
        l["outputs"]
            .as_array()?
            .iter()
            .find(|o| o["name"] == name)?
            .get(field)?
            .as_f64()
    };
    let mut bytes = serde_json::Map::new();
    let mut scores = serde_json::Map::new();
    // Every output name, in the order of the first line that has it.
    let mut names: Vec<&str> = Vec::new();
    for line in &ok {
        for o in line["outputs"].as_array().into_iter().flatten() {
            if let Some(name) = o["name"].as_str() {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    for name in names {
        bytes.insert(name.into(), json!(geo(&|l| output(l, name, "bytes"))));
        scores.insert(
            name.into(),
            json!(mean(&|l| output(l, name, "ssimulacra2"))),
        );
    }
    json!({
        "summary": true,
        "images": ok.len(),
        "failed": lines.len() - ok.len(),
        "geomean": {
            "megapixels": geo(&|l| l["megapixels"].as_f64()),
            "wall_ms": geo(&|l| l["wall_ms"].as_f64()),
            "cpu_ms": geo(&|l| l["cpu_ms"].as_f64()),
            "peak_rss_mb": geo(&|l| l["peak_rss_mb"].as_f64()),
            "bytes": bytes,
        },
        "mean_ssimulacra2": scores,
    })
}

struct Output {
    /// The variant's name for its JPEG or PNG (`thumbnail`), with the format for the others
    /// (`thumbnail.avif`).
    name: String,
    extension: &'static str,
    width: u32,
    height: u32,
    bytes: Vec<u8>,
}

fn one(job: &JobArgs, file: &Path) -> Result<Value> {
    let bytes = std::fs::read(file)?;
    let rss_before = peak_rss_mb();
    let cpu_before = cpu_ms();
    let started = Instant::now();
    let (outputs, width, height) = if job.naive {
        naive(&bytes)?
    } else {
        let settings = PipelineSettings {
            threads: job.threads,
            variants: variants(job)?,
            ..PipelineSettings::default()
        };
        let processed = imaging::process(&bytes, &settings)?;
        let source = (processed.source.width, processed.source.height);
        let outputs = processed
            .files()
            .map(|(variant, r)| Output {
                name: match r.encoding {
                    Encoding::Jpeg | Encoding::Png => variant.to_string(),
                    other => format!("{variant}.{other}"),
                },
                extension: r.extension,
                width: r.width,
                height: r.height,
                bytes: r.bytes.clone(),
            })
            .collect();
        (outputs, source.0, source.1)
    };
    let wall_ms = started.elapsed().as_secs_f64() * 1e3;
    let cpu_ms = cpu_ms() - cpu_before;
    let peak_rss_mb = peak_rss_mb();

    if let Some(dir) = &job.out {
        std::fs::create_dir_all(dir)?;
        let stem = file.file_stem().unwrap_or_default().to_string_lossy();
        for o in &outputs {
            std::fs::write(
                dir.join(format!("{stem}.{}.{}", o.name, o.extension)),
                &o.bytes,
            )?;
        }
    }
    let reference = if job.no_score {
        None
    } else {
        Some(Reference::load(&bytes)?)
    };
    let outputs: Vec<Value> = outputs
        .iter()
        .map(|o| match &reference {
            Some(reference) => score_output(
                reference,
                &o.name,
                &o.bytes,
                job.score_max_mp,
                &job.sharp_dir,
            ),
            None => Ok(json!({
                "name": o.name, "width": o.width, "height": o.height, "bytes": o.bytes.len(),
            })),
        })
        .collect::<Result<_>>()?;
    Ok(json!({
        "file": file.display().to_string(),
        "pipeline": if job.naive { "naive" } else { "ferrotype" },
        "threads": if job.naive { 1 } else { job.threads },
        "input_bytes": bytes.len(),
        "megapixels": round(f64::from(width) * f64::from(height) / 1e6, 2),
        "wall_ms": round(wall_ms, 1),
        "cpu_ms": round(cpu_ms, 1),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "rss_before_mb": round(rss_before, 1),
        "outputs": outputs,
    }))
}

/// The default set, its JPEG qualities as the flags say; with `--jpeg-only`, without its
/// AVIF and WebP.
fn variants(job: &JobArgs) -> Result<Vec<Variant>> {
    let mut variants = Declaration::default_set().variants().to_vec();
    for variant in &mut variants {
        let quality = match variant.name.as_str() {
            "thumbnail" => job.thumbnail_jpeg_quality,
            "preview" => job.preview_jpeg_quality,
            _ => job.jpeg_quality,
        };
        if job.jpeg_only {
            variant.formats.retain(|f| f.format == Format::Auto);
        }
        if let Some(quality) = quality {
            for spec in &mut variant.formats {
                if spec.format == Format::Auto {
                    spec.quality = Some(Quality::new(quality)?);
                }
            }
        }
    }
    Ok(variants)
}

fn round(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

/// The obvious pipeline with the `image` crate: decode, orient, `resize` (Lanczos3) from
/// the full image for each output, encode with the crate's own encoders.
fn naive(bytes: &[u8]) -> Result<(Vec<Output>, u32, u32)> {
    let image = decode_upright(bytes)?;
    let alpha = image.color().has_alpha();
    let image = if alpha {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    };
    let (w, h) = (image.width(), image.height());
    let mut outputs = Vec::new();
    for (name, width) in [
        ("thumbnail", 200),
        ("preview", 800),
        ("optimized", u32::MAX),
    ] {
        let resized = if width < w {
            let height =
                ((u64::from(h) * u64::from(width) + u64::from(w) / 2) / u64::from(w)).max(1) as u32;
            image.resize_exact(width, height, ImageFilter::Lanczos3)
        } else {
            image.clone()
        };
        let mut out = Vec::new();
        let extension = if alpha {
            resized.write_with_encoder(PngEncoder::new(&mut out))?;
            "png"
        } else {
            resized.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 80))?;
            "jpg"
        };
        outputs.push(Output {
            name: name.to_string(),
            extension,
            width: resized.width(),
            height: resized.height(),
            bytes: out,
        });
    }
    Ok((outputs, w, h))
}

/// The oriented original in full precision (32-bit float sRGB), decoded by the `image`
/// crate: a decoder independent of the pipeline's JPEG path.
struct Reference {
    image: DynamicImage,
}

impl Reference {
    fn load(bytes: &[u8]) -> Result<Self> {
        Ok(Self {
            image: flatten(decode_upright(bytes)?),
        })
    }

    /// The reference at `width`×`height`, resized with Lanczos3 in 32-bit float.
    fn at(&self, width: u32, height: u32) -> Result<DynamicImage> {
        if (width, height) == (self.image.width(), self.image.height()) {
            return Ok(self.image.clone());
        }
        lanczos(&self.image, width, height)
    }
}

fn score_output(
    reference: &Reference,
    name: &str,
    bytes: &[u8],
    max_mp: f64,
    sharp_dir: &Path,
) -> Result<Value> {
    let decoded = if is_avif(bytes) {
        let png =
            decode_with_sharp(bytes, sharp_dir).with_context(|| format!("decoding {name}"))?;
        image::load_from_memory(&png)
    } else {
        image::load_from_memory(bytes)
    }
    .with_context(|| format!("decoding {name}"))?;
    let (w, h) = (decoded.width(), decoded.height());
    let expected = reference.at(w, h)?;
    let (ref_crop, out_crop) = centred_crop(expected, flatten(decoded), max_mp);
    let score = ssimulacra2::compute_frame_ssimulacra2(to_ssim(&ref_crop)?, to_ssim(&out_crop)?)
        .map_err(|e| anyhow::anyhow!("ssimulacra2: {e:?}"))?;
    Ok(json!({
        "name": name, "width": w, "height": h, "bytes": bytes.len(),
        "ssimulacra2": round(score, 2),
    }))
}

/// An ISO BMFF file whose `ftyp` brand is `avif` or `avis`.
fn is_avif(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[4..8] == b"ftyp" && matches!(&bytes[8..12], b"avif" | b"avis")
}

/// sharp's decode of an image to an 8-bit sRGB PNG (alpha kept), read back from a `node`
/// child run in `sharp_dir` so that `require("sharp")` finds its `node_modules`.
fn decode_with_sharp(bytes: &[u8], sharp_dir: &Path) -> Result<Vec<u8>> {
    use std::io::Write;
    use std::process::Stdio;
    const SCRIPT: &str = r#"
        const chunks = [];
        process.stdin.on("data", (c) => chunks.push(c));
        process.stdin.on("end", async () => {
            const png = await require("sharp")(Buffer.concat(chunks))
                .toColourspace("srgb").png({ compressionLevel: 0 }).toBuffer();
            process.stdout.write(png);
        });"#;
    if !sharp_dir.join("node_modules/sharp/package.json").is_file() {
        bail!(
            "AVIF is decoded for scoring by sharp, which is not installed in {}: run \
             scripts/bench/compare once (it installs sharp there), pass --sharp-dir, or --no-score",
            sharp_dir.join("node_modules").display()
        );
    }
    let mut child = Command::new("node")
        .arg("-e")
        .arg(SCRIPT)
        .current_dir(sharp_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running node")?;
    let mut stdin = child.stdin.take().context("node's stdin")?;
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output()?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("writing to node panicked"))??;
    if !output.status.success() {
        bail!(
            "sharp could not decode it: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(output.stdout)
}

/// The same centred crop of both images, at most `max_mp` megapixels (the metric's memory
/// and time grow with the area; a crop keeps 48 MP outputs measurable).
fn centred_crop(a: DynamicImage, b: DynamicImage, max_mp: f64) -> (DynamicImage, DynamicImage) {
    let (w, h) = (a.width(), a.height());
    let area = f64::from(w) * f64::from(h);
    if area <= max_mp * 1e6 {
        return (a, b);
    }
    let k = (max_mp * 1e6 / area).sqrt();
    let (cw, ch) = ((f64::from(w) * k) as u32, (f64::from(h) * k) as u32);
    let (x, y) = ((w - cw) / 2, (h - ch) / 2);
    (a.crop_imm(x, y, cw, ch), b.crop_imm(x, y, cw, ch))
}

/// The peak resident set size of this process so far (`VmHWM`), in MiB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
