//! The default set's variants in every format, each file downloaded through its presigned
//! link and decoded by Pillow (`integration/browser/decode.py`), a decoder independent of
//! the pipeline's encoders: its format, size, alpha and orientation are the status
//! document's, and AVIF and WebP carry no metadata; and the document's placeholder.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context};
use e2e::api::{Accepted, Color, Format, Job};
use e2e::{Api, Env};
use reqwest::StatusCode;
use serde::Deserialize;
use tokio::process::Command;

/// What Pillow saw in one file (`decode.py`'s JSON).
#[derive(Debug, Deserialize)]
struct Decoded {
    /// Pillow's name for what the bytes are: `AVIF`, `WEBP`, `JPEG`, `PNG`.
    format: String,
    width: u32,
    height: u32,
    mode: String,
    /// The alpha band's `[min, max]`, when there is one.
    alpha: Option<[u8; 2]>,
    /// The EXIF Orientation tag, when the file carries one.
    orientation: Option<u16>,
    /// The metadata blocks it carries: `exif`, `xmp`, `icc_profile`.
    metadata: Vec<String>,
    probes: Probes,
}

/// Mean colours near the middle of each edge.
#[derive(Debug, Deserialize)]
struct Probes {
    top: [u8; 3],
    bottom: [u8; 3],
    left: [u8; 3],
}

/// One file of a variant, as the document gave it and Pillow read it.
struct File<'a> {
    variant: &'a str,
    format: Format,
    decoded: Decoded,
}

const RED: [u8; 3] = [200, 30, 30];
const BLUE: [u8; 3] = [30, 60, 200];

#[tokio::test]
async fn every_variant_of_a_photo_decodes_in_pillow_as_the_format_and_size_the_document_gives(
) -> anyhow::Result<()> {
    let (env, api) = crate::stack()?;
    let job = upload(&api, &env, "image/jpeg", env.photo()?).await?;
    expect_set(
        &job,
        &[
            ("optimized", 1200, 800, &[Format::Jpeg]),
            (
                "preview",
                800,
                533,
                &[Format::Avif, Format::Webp, Format::Jpeg],
            ),
            (
                "thumbnail",
                200,
                133,
                &[Format::Avif, Format::Webp, Format::Jpeg],
            ),
        ],
    )?;
    let outputs = job.completed_outputs()?;
    for (name, output) in outputs.named().into_iter().skip(1) {
        let jpeg = &job.variants[name].formats[&Format::Jpeg];
        assert_eq!(
            (output.width, output.height, output.bytes),
            (
                job.variants[name].width,
                job.variants[name].height,
                jpeg.bytes
            ),
            "outputs.{name} is the variant's JPEG"
        );
    }
    for file in decode_every_file(&api, &env, &job).await? {
        assert!(
            file.decoded.alpha.is_none_or(|[min, _]| min == 255),
            "{} {:?} of an opaque photo has transparency: {:?}",
            file.variant,
            file.format,
            file.decoded
        );
    }
    let hash = thumbhash(&job)?;
    assert!(
        hash.landscape && !hash.alpha,
        "the ThumbHash of a 1200×800 opaque photo: {hash:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_png_with_alpha_keeps_its_transparency_and_colour_in_every_format_pillow_decodes(
) -> anyhow::Result<()> {
    let (env, api) = crate::stack()?;
    let png = sample(&env, "rgba-png", "png").await?;
    let job = upload(&api, &env, "image/png", png).await?;
    // 300×200: the preview's 800 px box does not upscale it; `auto` is PNG for alpha.
    expect_set(
        &job,
        &[
            ("optimized", 300, 200, &[Format::Png]),
            (
                "preview",
                300,
                200,
                &[Format::Avif, Format::Webp, Format::Png],
            ),
            (
                "thumbnail",
                200,
                133,
                &[Format::Avif, Format::Webp, Format::Png],
            ),
        ],
    )?;
    for file in decode_every_file(&api, &env, &job).await? {
        let what = format!("{} {:?}: {:?}", file.variant, file.format, file.decoded);
        let [min, max] = file
            .decoded
            .alpha
            .with_context(|| format!("no alpha: {what}"))?;
        assert!(
            min < 16 && max > 240,
            "the transparent quarter and the opaque rest: {what}"
        );
        assert!(
            near(file.decoded.probes.left, RED),
            "the opaque part's colour: {what}"
        );
    }
    let hash = thumbhash(&job)?;
    assert!(hash.alpha && hash.landscape, "{hash:?}");
    let Color(color) = job.placeholder.as_ref().context("no placeholder")?.color;
    assert!(
        near(color, RED),
        "the dominant colour weighs by alpha: {color:?}, not {RED:?}"
    );
    Ok(())
}

#[tokio::test]
async fn an_exif_rotated_jpeg_comes_out_upright_in_every_variant_and_format() -> anyhow::Result<()>
{
    let (env, api) = crate::stack()?;
    // Stored 600×400 with Orientation 6: upright it is 400×600, red above blue.
    let jpeg = sample(&env, "exif-rotated-jpeg", "jpg").await?;
    let job = upload(&api, &env, "image/jpeg", jpeg).await?;
    expect_set(
        &job,
        &[
            ("optimized", 400, 600, &[Format::Jpeg]),
            (
                "preview",
                400,
                600,
                &[Format::Avif, Format::Webp, Format::Jpeg],
            ),
            (
                "thumbnail",
                200,
                300,
                &[Format::Avif, Format::Webp, Format::Jpeg],
            ),
        ],
    )?;
    for file in decode_every_file(&api, &env, &job).await? {
        let what = format!("{} {:?}: {:?}", file.variant, file.format, file.decoded);
        assert!(
            file.decoded.orientation.is_none_or(|tag| tag == 1),
            "upright pixels must not carry a tag that turns them again: {what}"
        );
        let probes = &file.decoded.probes;
        assert!(
            near(probes.top, RED) && near(probes.bottom, BLUE),
            "not upright: {what}"
        );
        if matches!(file.format, Format::Avif | Format::Webp) {
            assert!(
                file.decoded.metadata.is_empty(),
                "the source's EXIF is not carried into the new formats: {what}"
            );
        }
    }
    let hash = thumbhash(&job)?;
    assert!(
        !hash.landscape,
        "the ThumbHash of the upright portrait: {hash:?}"
    );
    Ok(())
}

/// `POST /images` of `body`; the completed job's document.
async fn upload(api: &Api, env: &Env, content_type: &str, body: Vec<u8>) -> anyhow::Result<Job> {
    let answer = api.upload(content_type, body).await?;
    ensure!(answer.status == StatusCode::ACCEPTED, "{answer}");
    let accepted: Accepted = answer.json()?;
    api.completed(&accepted.links.status, env.poll_timeout)
        .await
}

/// The document's variants are exactly `expected`: (name, width, height, formats best first).
fn expect_set(job: &Job, expected: &[(&str, u32, u32, &[Format])]) -> anyhow::Result<()> {
    let seen: Vec<(&str, u32, u32, Vec<Format>)> = job
        .variants
        .iter()
        .map(|(name, variant)| {
            let formats = variant.formats.keys().copied().collect();
            (name.as_str(), variant.width, variant.height, formats)
        })
        .collect();
    let expected: Vec<(&str, u32, u32, Vec<Format>)> = expected
        .iter()
        .map(|(name, width, height, formats)| (*name, *width, *height, formats.to_vec()))
        .collect();
    ensure!(
        seen == expected,
        "job {}'s variants: {seen:?}, expected {expected:?}",
        job.id
    );
    Ok(())
}

/// Downloads every variant's every format (each must answer 200 with the document's bytes
/// and type) and has Pillow decode them all, each as the format and size the document says.
async fn decode_every_file<'a>(
    api: &Api,
    env: &Env,
    job: &'a Job,
) -> anyhow::Result<Vec<File<'a>>> {
    let folder = env.work.join(format!("variants-{}", job.id));
    std::fs::create_dir_all(&folder)?;
    let mut files: Vec<(&str, Format, PathBuf)> = Vec::new();
    for (name, variant) in &job.variants {
        for (format, link) in &variant.formats {
            let what = format!("{name} {format:?}");
            let download = api.download(&link.url).await?;
            ensure!(download.status == StatusCode::OK, "{what}: {download}");
            ensure!(
                download.body.len() as u64 == link.bytes,
                "{what}: {} bytes, the document says {}",
                download.body.len(),
                link.bytes
            );
            ensure!(
                link.content_type == format.content_type()
                    && download.header("content-type") == Some(format.content_type()),
                "{what}: the document says {}, the download {:?}",
                link.content_type,
                download.header("content-type")
            );
            let path = folder.join(format!("{name}.{}", format.extension()));
            std::fs::write(&path, &download.body)?;
            files.push((name, *format, path));
        }
    }
    let paths: Vec<&Path> = files.iter().map(|(.., path)| path.as_path()).collect();
    let decoded: Vec<Decoded> = pillow(env, "decode.py", &paths).await?;
    ensure!(
        decoded.len() == files.len(),
        "decode.py answered {decoded:?}"
    );
    let mut read = Vec::new();
    for ((variant, format, path), decoded) in files.into_iter().zip(decoded) {
        let size = (job.variants[variant].width, job.variants[variant].height);
        ensure!(
            decoded.format == pillow_name(format) && (decoded.width, decoded.height) == size,
            "{}: Pillow reads {} {}×{} ({}), the document says {format:?} {}×{}",
            path.display(),
            decoded.format,
            decoded.width,
            decoded.height,
            decoded.mode,
            size.0,
            size.1
        );
        read.push(File {
            variant,
            format,
            decoded,
        });
    }
    Ok(read)
}

fn pillow_name(format: Format) -> &'static str {
    match format {
        Format::Avif => "AVIF",
        Format::Webp => "WEBP",
        Format::Jpeg => "JPEG",
        Format::Png => "PNG",
    }
}

/// A sample upload made by `integration/browser/samples.py`.
async fn sample(env: &Env, kind: &str, extension: &str) -> anyhow::Result<Vec<u8>> {
    let path = env
        .work
        .join(format!("sample-{}.{extension}", uuid::Uuid::new_v4()));
    run_python(env, "samples.py", &[OsStr::new(kind), path.as_os_str()]).await?;
    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
}

/// Runs a tool of `integration/browser` on `paths` and reads its JSON answer.
async fn pillow<T: serde::de::DeserializeOwned>(
    env: &Env,
    tool: &str,
    paths: &[&Path],
) -> anyhow::Result<T> {
    let args: Vec<&OsStr> = paths.iter().map(|path| path.as_os_str()).collect();
    let stdout = run_python(env, tool, &args).await?;
    serde_json::from_slice(&stdout).with_context(|| {
        format!(
            "reading {tool}'s answer: {}",
            String::from_utf8_lossy(&stdout)
        )
    })
}

async fn run_python(env: &Env, tool: &str, args: &[&OsStr]) -> anyhow::Result<Vec<u8>> {
    let script = env.root.join("integration/browser").join(tool);
    let output = Command::new(env.python())
        .arg(&script)
        .args(args)
        .output()
        .await
        .with_context(|| {
            format!(
                "running {} (make browser installs Pillow)",
                script.display()
            )
        })?;
    if !output.status.success() {
        bail!(
            "{tool} {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(output.stdout)
}

/// Within a small tolerance per channel: lossy formats, chroma subsampling and resampling.
fn near(seen: [u8; 3], wanted: [u8; 3]) -> bool {
    seen.iter()
        .zip(wanted)
        .all(|(&seen, wanted)| seen.abs_diff(wanted) <= 30)
}

/// What a ThumbHash's header says (https://evanw.github.io/thumbhash/, its reference
/// decoder's first lines).
#[derive(Debug)]
struct ThumbHashHeader {
    alpha: bool,
    landscape: bool,
}

/// The job's ThumbHash, read from standard base64: 5 to 25 bytes (a header, the alpha's
/// byte, up to 19 bytes of coefficients).
fn thumbhash(job: &Job) -> anyhow::Result<ThumbHashHeader> {
    let placeholder = job.placeholder.as_ref().context("no placeholder")?;
    let hash = standard_base64(&placeholder.thumbhash)
        .with_context(|| format!("thumbhash {:?}", placeholder.thumbhash))?;
    ensure!(
        (5..=25).contains(&hash.len()),
        "a ThumbHash of {} bytes: {:?}",
        hash.len(),
        placeholder.thumbhash
    );
    Ok(ThumbHashHeader {
        alpha: hash[2] & 0x80 != 0,
        landscape: hash[4] & 0x80 != 0,
    })
}

/// RFC 4648 base64 with padding, strictly: the shape the document promises.
fn standard_base64(text: &str) -> anyhow::Result<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    ensure!(
        text.len().is_multiple_of(4),
        "not padded to a multiple of 4"
    );
    let body = text.trim_end_matches('=');
    ensure!(text.len() - body.len() <= 2, "too much padding");
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in body.bytes() {
        let value = ALPHABET
            .iter()
            .position(|&letter| letter == byte)
            .with_context(|| format!("{:?} is not in the standard alphabet", byte as char))?;
        bits = (bits << 6) | value as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Ok(out)
}

#[test]
fn standard_base64_reads_padded_text_and_refuses_the_url_alphabet() {
    assert_eq!(standard_base64("aGk=").unwrap(), b"hi");
    assert_eq!(standard_base64("aGkh").unwrap(), b"hi!");
    assert!(standard_base64("aGk").is_err());
    assert!(standard_base64("a-k_").is_err());
}
