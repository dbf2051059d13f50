//! Every output of a fixed set of inputs, byte for byte, against `golden/outputs.txt`:
//! the SHA-256 of each output made on x86-64. Lambda runs arm64, where the coefficient coder
//! takes its scalar path and libjpeg, libwebp and the resizer their NEON code, so the same
//! file is checked there under qemu (`make test-arm64`, docs/arm64.md).
//!
//! The inputs go through every path of the pipeline: the JPEG transcoder (upright, turned by
//! moving blocks, turned as pixels, chroma halved), libjpeg's banded and whole decodes
//! (progressive, 4:1:1, Display P3, CMYK, grey), PNG, WebP (banded, alpha, animated, P3),
//! GIF, and the corpus's seeds, whose refusals (bombs, a truncated JPEG unwinding out of
//! libjpeg) are recorded as their error messages. Each input's own digest is recorded too,
//! so an input made differently (the samples are encoded in code) is told apart from an
//! output made differently.
//!
//! After a deliberate change to the outputs, regenerate the file on x86-64 with
//! `FERROTYPE_BLESS=1 cargo test -p ferrotype-imaging --test golden` and commit it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ferrotype_imaging::{process, PipelineSettings};
use ferrotype_samples as samples;
use ferrotype_variants::{Declaration, Limits};
use image::{DynamicImage, ImageFormat, RgbImage};
use sha2::{Digest, Sha256};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn golden_path() -> PathBuf {
    crate_dir().join("tests/golden/outputs.txt")
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The inputs, by name: the corpus's files, then samples made in code.
fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut inputs = Vec::new();
    let corpus = crate_dir().join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .expect("the corpus folder exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_none_or(|ext| ext != "md"))
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy();
        inputs.push((format!("corpus/{name}"), std::fs::read(&file).unwrap()));
    }

    // The HEIC and AVIF samples (crates/heif/tests/samples): libheif, libde265 and libaom's
    // decoder give the same pixels on both architectures.
    let heif = crate_dir().join("../heif/tests/samples");
    let mut files: Vec<_> = std::fs::read_dir(&heif)
        .expect("crates/heif/tests/samples")
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "heic" || ext == "avif")
        })
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy();
        inputs.push((format!("heif/{name}"), std::fs::read(&file).unwrap()));
    }

    // A real photo (1200×800 4:2:0, whole blocks), upright and in all eight orientations.
    let photo = std::fs::read(crate_dir().join("../../scripts/fixtures/photo.jpg"))
        .expect("scripts/fixtures/photo.jpg");
    for orientation in 1..=8 {
        let turned = samples::with_exif_orientation(&photo, orientation);
        inputs.push((format!("photo.jpg exif {orientation}"), turned));
    }
    inputs.push(("photo.jpg".into(), photo));

    let mut add = |name: &str, bytes| inputs.push((name.to_owned(), bytes));
    let rgb = |image: RgbImage| DynamicImage::ImageRgb8(image);
    let mut p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    // moxcms stamps the time of encoding in the header (bytes 24..36); the inputs must not
    // change from run to run.
    p3[24..36].fill(0);
    let halves = rgb(samples::two_halves(1003, 1301));
    let alpha = DynamicImage::ImageRgba8(samples::half_transparent(1000, 600));
    // Edges that are not whole blocks: the quarter turns go through pixels.
    let ragged = samples::jpeg_with(&samples::two_halves(1003, 701), (2, 2), false, None);
    let frames = [samples::two_halves(300, 200), samples::quadrants(300, 200)];
    let grey = DynamicImage::ImageRgb8(samples::two_halves(900, 600)).into_luma8();
    add(
        "jpeg image-crate",
        samples::jpeg(&rgb(samples::two_halves(1000, 700))),
    );
    add(
        "jpeg 4:2:0",
        samples::jpeg_with(&samples::two_halves(1600, 1200), (2, 2), false, None),
    );
    add(
        "jpeg 4:4:4",
        samples::jpeg_with(&samples::quadrants(1203, 901), (1, 1), false, None),
    );
    add(
        "jpeg 4:2:0 progressive",
        samples::jpeg_with(&samples::two_halves(1000, 700), (2, 2), true, None),
    );
    add(
        "jpeg 4:1:1 progressive",
        samples::jpeg_with(&samples::quadrants(1203, 901), (4, 1), true, None),
    );
    add(
        "jpeg display-p3",
        samples::jpeg_with(&samples::quadrants(1000, 700), (2, 2), false, Some(&p3)),
    );
    add("jpeg grey", samples::jpeg(&DynamicImage::ImageLuma8(grey)));
    add("jpeg cmyk", samples::cmyk_jpeg(400, 300, [255, 0, 0, 0]));
    add(
        "jpeg ragged exif 3",
        samples::with_exif_orientation(&ragged, 3),
    );
    add(
        "jpeg ragged exif 6",
        samples::with_exif_orientation(&ragged, 6),
    );
    add(
        "jpeg ragged exif 5",
        samples::with_exif_orientation(&ragged, 5),
    );
    add(
        "png rgb",
        samples::png(&rgb(samples::two_halves(1200, 800))),
    );
    add("png rgba", samples::png(&alpha));
    let rgb16 = rgb(samples::two_halves(300, 200)).into_rgb16();
    add("png rgb16", samples::png(&DynamicImage::ImageRgb16(rgb16)));
    add("webp lossy", samples::lossy_webp(&halves));
    add("webp lossless", samples::encode(&halves, ImageFormat::WebP));
    add("webp lossy alpha", samples::lossy_webp(&alpha));
    let untagged = samples::lossy_webp(&rgb(samples::quadrants(640, 480)));
    add("webp display-p3", samples::webp_with_icc(&untagged, &p3));
    add("webp animated", samples::animated_webp(&frames));
    let gif = samples::encode(&rgb(samples::two_halves(600, 400)), ImageFormat::Gif);
    add("gif", gif);
    inputs
}

/// One line per input and per output (or the error), on one thread and on two: the banded
/// decodes and the optimized output's shared coding run only with two.
fn digests() -> String {
    // Today's three outputs in JPEG or PNG: what must come out the same on both
    // architectures. AVIF and WebP come from libaom and libwebp, which do not promise the
    // same bytes from their x86-64 and NEON code; their outputs are checked by decoding.
    let jpeg_and_png = Declaration::parse(
        r#"[{"name": "thumbnail", "width": 200, "formats": [{"format": "auto", "quality": 83}]},
            {"name": "preview", "width": 800, "formats": [{"format": "auto", "quality": 79.5}]},
            {"name": "optimized", "formats": [{"format": "auto", "quality": 80}]}]"#,
        &Limits::default(),
    )
    .unwrap()
    .variants()
    .to_vec();
    let mut lines = String::new();
    for (name, bytes) in inputs() {
        writeln!(
            lines,
            "{name} | input | {} bytes | {}",
            bytes.len(),
            sha256(&bytes)
        )
        .unwrap();
        for threads in [1, 2] {
            let settings = PipelineSettings {
                variants: jpeg_and_png.clone(),
                threads,
                ..PipelineSettings::default()
            };
            match process(&bytes, &settings) {
                Ok(processed) => {
                    for (output, r) in processed.files() {
                        let (width, height, kind) = (r.width, r.height, r.content_type);
                        let digest = sha256(&r.bytes);
                        writeln!(
                            lines,
                            "{name} | {threads}t {output} | {kind} {width}x{height} | {digest}"
                        )
                        .unwrap();
                    }
                }
                Err(e) => writeln!(lines, "{name} | {threads}t error | {e}").unwrap(),
            }
        }
    }
    lines
}

#[test]
fn every_output_of_the_fixed_inputs_is_byte_for_byte_the_golden_files() {
    let actual = digests();
    let path = golden_path();
    if std::env::var_os("FERROTYPE_BLESS").is_some_and(|v| v == "1") {
        // The file is x86-64's outputs; other architectures are checked against it.
        if !cfg!(target_arch = "x86_64") {
            panic!("bless on x86-64 only: arm64 must match what x86-64 makes");
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (FERROTYPE_BLESS=1 makes it)", path.display()));
    if actual == expected {
        return;
    }
    // Keep this architecture's lines for a diff against the golden file.
    let written = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("golden-outputs.{}.txt", std::env::consts::ARCH));
    std::fs::write(&written, &actual).unwrap();
    let differing: Vec<_> = actual
        .lines()
        .filter(|line| !expected.lines().any(|e| e == *line))
        .collect();
    panic!(
        "{} line(s) differ from {} on {}:\n{}\n(all lines: diff {} {})",
        differing.len(),
        path.display(),
        std::env::consts::ARCH,
        differing.join("\n"),
        path.display(),
        written.display()
    );
}
