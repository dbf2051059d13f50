//! `ladder`: the quality ladders behind the AVIF and WebP defaults and the choice of AV1
//! encoder (docs/pipeline.md, "AVIF and WebP").
//!
//! For each image and each width (200 and 800 px, the thumbnail and the preview), the source
//! is decoded by the `image` crate, turned upright and resized with Lanczos3 in 32-bit float:
//! that is the reference every output is scored against (SSIMULACRA2), and its 8-bit copy is
//! what every encoder is given. It then encodes:
//! * JPEG as today's outputs are made (thumbnail: mozjpeg quality 83 with trellis; preview:
//!   libjpeg-turbo's tables at 79.5, progressive; both 4:2:0, optimized Huffman tables);
//! * WebP (the pipeline's libwebp encoder) at each libwebp method and quality of the ladder;
//! * AVIF with the pipeline's encoder (libaom, all-intra) at each `cpu-used` speed and
//!   quality, and with libaom through sharp and libheif (`scripts/bench/ladder-sharp.mjs`) at
//!   each effort and quality.
//!
//! CPU is this process's (or node's) user + system time around the one encode, on one thread.
//! AVIF files are decoded for scoring by sharp (libheif), which also shows that their colour
//! signalling is read as meant. Needs sharp in .bench/node_modules (`scripts/bench/compare`
//! installs it). Usage:
//!   cargo run --release -p ferrotype-bench --bin ladder -- .bench/subset
//!   cargo run --release -p ferrotype-bench --bin ladder -- --from rows.jsonl

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use clap::Parser;
use ferrotype_bench::{cpu_ms, decode_upright, flatten, lanczos, to_ssim};
use ferrotype_imaging::encoders;
use image::DynamicImage;
use serde_json::{json, Value};

#[derive(Parser)]
#[command(
    name = "ladder",
    about = "AVIF and WebP quality ladders against today's JPEGs"
)]
struct Cli {
    /// Output widths: 200 is the thumbnail's, 800 the preview's.
    #[arg(long, value_delimiter = ',', default_value = "200,800")]
    widths: Vec<u32>,
    /// The pipeline's libaom speeds (`cpu-used`, 0 to 9) to try.
    #[arg(long, value_delimiter = ',', default_value = "6,7,8,9")]
    aom_speeds: Vec<u8>,
    /// sharp (libaom through libheif) AVIF efforts to try (sharp's default is 4).
    #[arg(long, value_delimiter = ',', default_value = "4,2")]
    sharp_efforts: Vec<u8>,
    /// Leave sharp out (a finer ladder of our own encoders only).
    #[arg(long)]
    no_sharp: bool,
    /// libwebp methods to try (sharp's default effort is 4).
    #[arg(long, value_delimiter = ',', default_value = "2,4,6")]
    webp_methods: Vec<i32>,
    /// AVIF qualities (0-100, both encoders).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "30,35,40,45,50,55,60,65,70,75,80"
    )]
    avif_qualities: Vec<f32>,
    /// WebP qualities (0-100).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "50,55,60,65,70,75,80,85,90,95"
    )]
    webp_qualities: Vec<f32>,
    /// Also write every measurement as a JSON line into this file.
    #[arg(long)]
    rows: Option<PathBuf>,
    /// Print the tables from a file written with --rows instead of measuring.
    #[arg(long, conflicts_with = "paths")]
    from: Option<PathBuf>,
    /// Images, or folders of them.
    paths: Vec<PathBuf>,
}

/// One encode of one image at one width.
#[derive(Debug, Clone)]
struct Row {
    image: String,
    width: u32,
    /// `jpeg`, `webp-m4`, `avif-aom-s7`, `avif-sharp-e4`, …
    codec: String,
    quality: f32,
    bytes: usize,
    cpu_ms: f64,
    megapixels: f64,
    score: f64,
}

impl Row {
    fn to_json(&self) -> Value {
        json!({
            "image": self.image, "width": self.width, "codec": self.codec,
            "quality": self.quality, "bytes": self.bytes, "cpu_ms": self.cpu_ms,
            "megapixels": self.megapixels, "score": self.score,
        })
    }

    fn from_json(value: &Value) -> Result<Self> {
        let f = |key: &str| value[key].as_f64().with_context(|| format!("no {key}"));
        Ok(Self {
            image: value["image"].as_str().context("no image")?.to_owned(),
            width: f("width")? as u32,
            codec: value["codec"].as_str().context("no codec")?.to_owned(),
            quality: f("quality")? as f32,
            bytes: f("bytes")? as usize,
            cpu_ms: f("cpu_ms")?,
            megapixels: f("megapixels")?,
            score: f("score")?,
        })
    }
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let rows = match &cli.from {
        Some(file) => std::fs::read_to_string(file)?
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| Row::from_json(&serde_json::from_str(line)?))
            .collect::<Result<Vec<_>>>()?,
        None => measure(&cli)?,
    };
    print_tables(&rows, &cli.widths);
    Ok(())
}

fn measure(cli: &Cli) -> Result<Vec<Row>> {
    let sharp = Sharp::new()?;
    let mut out = match &cli.rows {
        Some(file) => Some(std::fs::File::create(file)?),
        None => None,
    };
    let scratch = std::env::temp_dir().join(format!("ferrotype-ladder-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let mut rows = Vec::new();
    for file in images_in(&cli.paths)? {
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        eprintln!("==> {name}");
        let source = load(&std::fs::read(&file)?).with_context(|| format!("decoding {name}"))?;
        let mut new_rows = Vec::new();
        for &width in &cli.widths {
            new_rows.extend(measure_one(cli, &sharp, &scratch, &name, &source, width)?);
        }
        for row in &new_rows {
            if let Some(out) = &mut out {
                writeln!(out, "{}", row.to_json())?;
            }
        }
        rows.extend(new_rows);
    }
    std::fs::remove_dir_all(&scratch).ok();
    Ok(rows)
}

/// Every encode of one image at one width.
fn measure_one(
    cli: &Cli,
    sharp: &Sharp,
    scratch: &Path,
    name: &str,
    source: &DynamicImage,
    width: u32,
) -> Result<Vec<Row>> {
    let height = ((f64::from(source.height()) * f64::from(width) / f64::from(source.width()))
        .round() as u32)
        .max(1);
    let reference = lanczos(source, width, height)?;
    let flat_reference = to_ssim(&flatten(reference.clone()))?;
    let alpha = reference.color().has_alpha();
    let (pixels, channels) = if alpha {
        (reference.to_rgba8().into_raw(), 4u8)
    } else {
        (reference.to_rgb8().into_raw(), 3u8)
    };
    let megapixels = f64::from(width) * f64::from(height) / 1e6;
    let score = |decoded: DynamicImage| -> Result<f64> {
        ssimulacra2::compute_frame_ssimulacra2(flat_reference.clone(), to_ssim(&flatten(decoded))?)
            .map_err(|e| anyhow::anyhow!("ssimulacra2: {e:?}"))
    };
    let row = |codec: String, quality: f32, bytes: usize, cpu_ms: f64, score: f64| Row {
        image: name.to_owned(),
        width,
        codec,
        quality,
        bytes,
        cpu_ms,
        megapixels,
        score,
    };
    let mut rows = Vec::new();

    // Today's JPEG output of this size (a source with alpha is scored as a JPEG of it
    // composed over the same grey as the reference, the way every output is scored).
    let (jpeg_quality, max_effort) = if width <= 200 {
        (83.0, true)
    } else {
        (79.5, false)
    };
    let opaque = flatten(reference.clone()).to_rgb8().into_raw();
    let (bytes, cpu_ms) = timed(|| jpeg(&opaque, width, height, jpeg_quality, max_effort))?;
    let decoded = image::load_from_memory(&bytes)?;
    rows.push(row(
        "jpeg".into(),
        jpeg_quality,
        bytes.len(),
        cpu_ms,
        score(decoded)?,
    ));

    for &method in &cli.webp_methods {
        for &quality in &cli.webp_qualities {
            let (bytes, cpu_ms) = timed(|| {
                encoders::webp(&pixels, width, height, channels, quality, method)
                    .map_err(anyhow::Error::from)
            })?;
            let decoded = image::load_from_memory(&bytes)?;
            let codec = format!("webp-m{method}");
            rows.push(row(codec, quality, bytes.len(), cpu_ms, score(decoded)?));
        }
    }

    // AVIF: encoded here and by sharp (both libaom), all decoded by sharp.
    let mut avifs = Vec::new();
    for &speed in &cli.aom_speeds {
        for &quality in &cli.avif_qualities {
            let (bytes, cpu_ms) = timed(|| {
                encoders::avif(&pixels, width, height, channels, quality, speed)
                    .map_err(anyhow::Error::from)
            })?;
            let path = scratch.join(format!("aom-{width}-{speed}-{quality}.avif"));
            std::fs::write(&path, &bytes)?;
            avifs.push((
                format!("avif-aom-s{speed}"),
                quality,
                bytes.len(),
                cpu_ms,
                path,
            ));
        }
    }
    let raw = scratch.join(format!("input-{width}.raw"));
    std::fs::write(&raw, &pixels)?;
    let mut encodes = Vec::new();
    let efforts: &[u8] = if cli.no_sharp {
        &[]
    } else {
        &cli.sharp_efforts
    };
    for &effort in efforts {
        for &quality in &cli.avif_qualities {
            let path = scratch.join(format!("sharp-{width}-{effort}-{quality}.avif"));
            encodes.push(json!({
                "op": "encode", "raw": raw, "width": width, "height": height,
                "channels": channels, "quality": quality.round() as u32, "effort": effort,
                "out": path,
            }));
            avifs.push((format!("avif-sharp-e{effort}"), quality, 0, 0.0, path));
        }
    }
    let encoded = sharp.run(&encodes)?;
    let decodes: Vec<Value> = avifs
        .iter()
        .map(|(.., path)| json!({"op": "decode", "in": path, "out": path.with_extension("rgb")}))
        .collect();
    let decoded = sharp.run(&decodes)?;
    let mut aom = encoded.iter();
    for ((codec, quality, mut bytes, mut cpu_ms, path), info) in avifs.into_iter().zip(&decoded) {
        if codec.starts_with("avif-sharp") {
            let result = aom.next().context("sharp returned too few results")?;
            bytes = result["bytes"].as_u64().context("no bytes")? as usize;
            cpu_ms = result["cpu_ms"].as_f64().context("no cpu_ms")?;
        }
        let (w, h) = (info["width"].as_u64(), info["height"].as_u64());
        if (w, h) != (Some(u64::from(width)), Some(u64::from(height))) {
            bail!("{codec} q{quality} decoded to {w:?}x{h:?}, not {width}x{height}");
        }
        let samples = std::fs::read(path.with_extension("rgb"))?;
        let decoded = match info["channels"].as_u64() {
            Some(4) => image::RgbaImage::from_raw(width, height, samples).map(DynamicImage::from),
            Some(3) => image::RgbImage::from_raw(width, height, samples).map(DynamicImage::from),
            other => bail!("sharp decoded {other:?} channels"),
        }
        .context("short decode")?;
        rows.push(row(codec, quality, bytes, cpu_ms, score(decoded)?));
    }
    Ok(rows)
}

/// sharp through node, run from .bench/ where npm installed it.
struct Sharp {
    script: PathBuf,
}

impl Sharp {
    fn new() -> Result<Self> {
        let bench = Path::new(".bench");
        if !bench.join("node_modules/sharp/package.json").exists() {
            bail!(
                "no sharp in .bench/node_modules: run scripts/bench/compare once (it installs it)"
            );
        }
        let script = bench.join("ladder-sharp.mjs");
        std::fs::copy("scripts/bench/ladder-sharp.mjs", &script)
            .context("run from the repository's root")?;
        Ok(Self { script })
    }

    fn run(&self, jobs: &[Value]) -> Result<Vec<Value>> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        let mut child = Command::new("node")
            .arg(&self.script)
            .env("UV_THREADPOOL_SIZE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("running node")?;
        child
            .stdin
            .take()
            .context("no stdin")?
            .write_all(serde_json::to_string(jobs)?.as_bytes())?;
        let output = child.wait_with_output()?;
        if !output.status.success() {
            bail!("sharp failed: {}", output.status);
        }
        let results: Vec<Value> = serde_json::from_slice(&output.stdout)?;
        if results.len() != jobs.len() {
            bail!(
                "sharp returned {} results for {} jobs",
                results.len(),
                jobs.len()
            );
        }
        Ok(results)
    }
}

/// Today's JPEG encodes (crates/imaging/src/jpeg/libjpeg.rs): `max_effort` is mozjpeg's
/// defaults (trellis, progressive), otherwise libjpeg-turbo's Annex K tables scaled to
/// `quality` and progressive.
fn jpeg(pixels: &[u8], width: u32, height: u32, quality: f32, max_effort: bool) -> Result<Vec<u8>> {
    let mut compress = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    if !max_effort {
        compress.set_fastest_defaults();
        compress.set_progressive_mode();
    }
    compress.set_size(width as usize, height as usize);
    if max_effort {
        compress.set_quality(quality);
    } else {
        compress.set_luma_qtable(&mozjpeg::qtable::AnnexK_Luma.scaled(quality, quality));
        compress.set_chroma_qtable(&mozjpeg::qtable::AnnexK_Chroma.scaled(quality, quality));
    }
    compress.set_optimize_coding(true);
    compress.set_chroma_sampling_pixel_sizes((2, 2), (2, 2));
    let mut started = compress.start_compress(Vec::new())?;
    started.write_scanlines(pixels)?;
    Ok(started.finish()?)
}

/// The result of `encode` and the CPU time it took (user + system, this process).
fn timed(encode: impl FnOnce() -> Result<Vec<u8>>) -> Result<(Vec<u8>, f64)> {
    let before = cpu_ms();
    let bytes = encode()?;
    Ok((bytes, cpu_ms() - before))
}

fn images_in(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let files = ferrotype_bench::images_in(paths)?;
    if files.is_empty() {
        bail!("no images given");
    }
    Ok(files)
}

/// The upright source in 32-bit float, RGB or RGBA.
fn load(bytes: &[u8]) -> Result<DynamicImage> {
    let image = decode_upright(bytes)?;
    Ok(if image.color().has_alpha() {
        DynamicImage::ImageRgba32F(image.into_rgba32f())
    } else {
        DynamicImage::ImageRgb32F(image.into_rgb32f())
    })
}

/// The mean, the 10th percentile and the mean bytes of a set of rows, and CPU per megapixel.
struct Summary {
    mean: f64,
    p10: f64,
    bytes: f64,
    cpu_ms_per_mp: f64,
}

fn summarise(rows: &[&Row]) -> Summary {
    let n = rows.len() as f64;
    let mut scores: Vec<f64> = rows.iter().map(|r| r.score).collect();
    scores.sort_by(f64::total_cmp);
    // Linear interpolation between order statistics.
    let at = 0.1 * (scores.len() - 1) as f64;
    let (low, frac) = (at.floor() as usize, at.fract());
    let p10 = scores[low] + (scores[(low + 1).min(scores.len() - 1)] - scores[low]) * frac;
    Summary {
        mean: scores.iter().sum::<f64>() / n,
        p10,
        bytes: rows.iter().map(|r| r.bytes as f64).sum::<f64>() / n,
        cpu_ms_per_mp: rows.iter().map(|r| r.cpu_ms).sum::<f64>()
            / rows.iter().map(|r| r.megapixels).sum::<f64>(),
    }
}

fn print_tables(rows: &[Row], widths: &[u32]) {
    for &width in widths {
        let at_width: Vec<&Row> = rows.iter().filter(|r| r.width == width).collect();
        let images = at_width
            .iter()
            .map(|r| &r.image)
            .collect::<std::collections::BTreeSet<_>>();
        // codec -> quality (in tenths, for ordering) -> rows
        let mut ladders: BTreeMap<&str, BTreeMap<i64, Vec<&Row>>> = BTreeMap::new();
        for row in &at_width {
            ladders
                .entry(&row.codec)
                .or_default()
                .entry((row.quality * 10.0).round() as i64)
                .or_default()
                .push(row);
        }
        let Some(jpeg) = ladders.get("jpeg").and_then(|l| l.values().next()) else {
            continue;
        };
        let jpeg = summarise(jpeg);
        println!("\n### {width} px wide ({} images)\n", images.len());
        println!("| encoder | quality | mean SSIMULACRA2 | 10th pct | mean bytes | CPU ms/MP |");
        println!("|---|---:|---:|---:|---:|---:|");
        for (codec, ladder) in &ladders {
            for (quality, rows) in ladder {
                let s = summarise(rows);
                let mark = if *codec != "jpeg" && s.mean >= jpeg.mean && s.p10 >= jpeg.p10 {
                    " ≥"
                } else {
                    ""
                };
                println!(
                    "| {codec} | {} | {:.2}{mark} | {:.2} | {:.0} | {:.0} |",
                    *quality as f64 / 10.0,
                    s.mean,
                    s.p10,
                    s.bytes,
                    s.cpu_ms_per_mp
                );
            }
        }
        println!(
            "\nAt the JPEG's mean score ({:.2}; 10th pct {:.2}; {:.0} bytes), interpolated on each \
             ladder, and the lowest quality matching both the JPEG's mean and 10th percentile:\n",
            jpeg.mean, jpeg.p10, jpeg.bytes
        );
        println!("| encoder | quality | mean bytes | bytes vs JPEG | CPU ms/MP | lowest quality ≥ JPEG |");
        println!("|---|---:|---:|---:|---:|---:|");
        for (codec, ladder) in ladders.iter().filter(|(codec, _)| **codec != "jpeg") {
            let points: Vec<(f64, Summary)> = ladder
                .iter()
                .map(|(q, rows)| (*q as f64 / 10.0, summarise(rows)))
                .collect();
            let lowest = points
                .iter()
                .find(|(_, s)| s.mean >= jpeg.mean && s.p10 >= jpeg.p10)
                .map_or("-".to_owned(), |(q, _)| format!("{q}"));
            let crossing = points.windows(2).find_map(|pair| {
                let ((q0, a), (q1, b)) = (&pair[0], &pair[1]);
                (a.mean <= jpeg.mean && b.mean >= jpeg.mean && b.mean > a.mean).then(|| {
                    let t = (jpeg.mean - a.mean) / (b.mean - a.mean);
                    let lerp = |x: f64, y: f64| x + (y - x) * t;
                    (
                        lerp(*q0, *q1),
                        lerp(a.bytes, b.bytes),
                        lerp(a.cpu_ms_per_mp, b.cpu_ms_per_mp),
                    )
                })
            });
            match crossing {
                Some((quality, bytes, cpu)) => println!(
                    "| {codec} | {quality:.1} | {bytes:.0} | {:+.0}% | {cpu:.0} | {lowest} |",
                    (bytes / jpeg.bytes - 1.0) * 100.0
                ),
                None => println!("| {codec} | outside the ladder | | | | {lowest} |"),
            }
        }
    }
}
