//! HEIF sources through the whole pipeline: the samples of crates/heif/tests/samples (made
//! by scripts/heif-samples) against libheif's decode of each, converted to sRGB by LittleCMS
//! (`NAME.png`, pillow-heif), and hostile files.

use image::{DynamicImage, GenericImageView};

use super::*;
use crate::pipeline::process;
use ferrotype_variants::{Declaration, Limits as VariantLimits};

fn sample(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../heif/tests/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

/// A thumbnail as usual, and the preview in PNG: lossless, so what it is scored on is the
/// decode (orientation, colour, alpha) and not an encoder's loss.
fn settings() -> PipelineSettings {
    let json = r#"[{"name": "thumbnail", "width": 48, "formats": [{"format": "auto", "quality": 83}]},
                   {"name": "preview", "width": 800, "formats": [{"format": "png"}]}]"#;
    PipelineSettings {
        variants: Declaration::parse(json, &VariantLimits::default())
            .unwrap()
            .variants()
            .to_vec(),
        ..PipelineSettings::default()
    }
}

/// Composited on mid grey, as SSIMULACRA2 takes it.
fn to_ssim(image: &DynamicImage) -> ssimulacra2::Rgb {
    let rgba = image.to_rgba32f();
    let pixels = rgba
        .pixels()
        .map(|p| {
            let a = p.0[3];
            [0, 1, 2].map(|c| p.0[c] * a + 0.5 * (1.0 - a))
        })
        .collect();
    ssimulacra2::Rgb::new(
        pixels,
        rgba.width() as usize,
        rgba.height() as usize,
        ssimulacra2::TransferCharacteristic::SRGB,
        ssimulacra2::ColorPrimaries::BT709,
    )
    .unwrap()
}

const HEVC_SAMPLES: [&str; 8] = [
    "plain.heic",
    "orientation-6.heic",
    "display-p3.heic",
    "p3-nclx.heic",
    "alpha.heic",
    "ten-bit.heic",
    "grid.heic",
    "plain.avif",
];

#[test]
fn each_samples_preview_matches_libheifs_decode_oriented_and_in_srgb() {
    let names: Vec<&str> = if ferrotype_heif::HEVC {
        HEVC_SAMPLES.iter().copied().chain(["alpha.avif"]).collect()
    } else {
        vec!["plain.avif", "alpha.avif"]
    };
    for name in names {
        let processed =
            process(&sample(name), &settings()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let preview = &processed.variant("preview").unwrap().files[0];
        let ours = image::load_from_memory(&preview.bytes).unwrap();
        let reference = image::load_from_memory(&sample(&format!("{name}.png"))).unwrap();
        assert_eq!(ours.dimensions(), reference.dimensions(), "{name}");
        let score =
            ssimulacra2::compute_frame_ssimulacra2(to_ssim(&reference), to_ssim(&ours)).unwrap();
        println!(
            "{name}: preview {}×{}, SSIMULACRA2 {score:.1}",
            ours.width(),
            ours.height()
        );
        assert!(score >= 85.0, "{name}: SSIMULACRA2 {score:.1}");
    }
}

#[test]
fn display_p3_given_as_icc_or_as_nclx_is_converted_to_srgb() {
    if !ferrotype_heif::HEVC {
        return;
    }
    // The red half's P3 values are redder than sRGB can show: converted, the red channel
    // stays high and green drops below what the untagged decode has.
    let red = |name: &str| {
        let processed = process(&sample(name), &settings()).unwrap();
        let preview = &processed.variant("preview").unwrap().files[0];
        image::load_from_memory(&preview.bytes)
            .unwrap()
            .to_rgb8()
            .get_pixel(40, 40)
            .0
    };
    let plain = red("plain.heic");
    for tagged in ["display-p3.heic", "p3-nclx.heic"] {
        let converted = red(tagged);
        let reference = image::load_from_memory(&sample(&format!("{tagged}.png")))
            .unwrap()
            .to_rgb8()
            .get_pixel(40, 40)
            .0;
        println!("{tagged}: {converted:?}, LittleCMS {reference:?}, untagged {plain:?}");
        assert!(
            converted
                .iter()
                .zip(reference)
                .all(|(a, b)| a.abs_diff(b) <= 10),
            "{tagged}: {converted:?} vs LittleCMS's {reference:?}"
        );
    }
}

#[test]
fn a_phone_photo_turned_by_irot_and_tagged_with_exif_orientation_6_is_turned_once() {
    if !ferrotype_heif::HEVC {
        return;
    }
    let processed = process(&sample("orientation-6.heic"), &settings()).unwrap();
    let preview = &processed.variant("preview").unwrap().files[0];
    assert_eq!((preview.width, preview.height), (240, 320));
    assert_eq!(
        (processed.source.width, processed.source.height),
        (240, 320)
    );
    assert_eq!(processed.source.kind, ferrotype_format::ImageKind::Heic);
}

#[test]
fn hostile_heif_files_fail_with_their_own_error() {
    let name = if ferrotype_heif::HEVC {
        "grid.heic"
    } else {
        "plain.avif"
    };
    let good = sample(name);

    let err = process(&good[..good.len() / 2], &settings()).unwrap_err();
    assert!(
        matches!(err, PipelineError::Corrupt(_)),
        "cut in half: {err:?}"
    );

    // A declared size over the pipeline's pixel cap, refused before decoding.
    let mut huge = good.clone();
    let ispe = huge.windows(4).position(|w| w == b"ispe").unwrap() + 8;
    huge[ispe..ispe + 8].copy_from_slice(&[0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20]);
    let err = process(&huge, &settings()).unwrap_err();
    assert!(
        matches!(
            err,
            PipelineError::TooLarge { .. }
                | PipelineError::LimitExceeded(_)
                | PipelineError::Corrupt(_)
        ),
        "20000×20000 declared: {err:?}"
    );

    // A file with only its ftyp box.
    let ftyp = u32::from_be_bytes(good[..4].try_into().unwrap()) as usize;
    let err = process(&good[..ftyp], &settings()).unwrap_err();
    assert!(
        matches!(err, PipelineError::Corrupt(_)),
        "ftyp alone: {err:?}"
    );

    if ferrotype_heif::HEVC {
        // A grid declaring 256×256 tiles.
        let mut tiles = good.clone();
        let grid = tiles.windows(4).position(|w| w == b"idat").unwrap() + 4;
        tiles[grid + 2..grid + 4].copy_from_slice(&[0xFF, 0xFF]);
        let err = process(&tiles, &settings()).unwrap_err();
        assert!(
            matches!(
                err,
                PipelineError::Corrupt(_) | PipelineError::LimitExceeded(_)
            ),
            "65536 tiles: {err:?}"
        );
    }
}

#[test]
fn nclx_code_points_become_a_profile_only_when_they_are_not_srgb() {
    assert_eq!(nclx_profile(1, 13, 6, true), None);
    assert_eq!(nclx_profile(2, 2, 6, true), None);
    assert!(nclx_profile(12, 13, 6, true).is_some(), "Display P3");
    assert!(nclx_profile(9, 1, 9, false).is_some(), "BT.2020 SDR");
    // PQ (HDR): no curve to convert with; left as decoded.
    assert_eq!(nclx_profile(9, 16, 9, false), None);
    assert_eq!(nclx_profile(300, 13, 6, true), None);
}
