use std::time::{Duration, Instant};

use image::{DynamicImage, ImageFormat, RgbImage};

use super::*;
use crate::imaging::samples;

fn settings() -> PipelineSettings {
    PipelineSettings::default()
}

fn decode(rendition: &Rendition) -> DynamicImage {
    image::load_from_memory(&rendition.bytes).expect("every output decodes")
}

fn sizes(processed: &Processed) -> Vec<(OutputName, u32, u32)> {
    processed
        .renditions
        .iter()
        .map(|r| (r.name, r.width, r.height))
        .collect()
}

#[test]
fn a_jpeg_becomes_a_thumbnail_a_preview_and_an_optimized_copy_of_the_stated_sizes() {
    let source = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(1000, 500)));
    let processed = process(&source, &settings()).unwrap();

    assert_eq!(processed.source.width, 1000);
    assert_eq!(processed.source.height, 500);
    assert_eq!(
        sizes(&processed),
        vec![
            (OutputName::Thumbnail, 200, 100),
            (OutputName::Preview, 800, 400),
            (OutputName::Optimized, 1000, 500),
        ]
    );
    for rendition in &processed.renditions {
        assert_eq!(rendition.content_type, "image/jpeg");
        assert_eq!(
            image::guess_format(&rendition.bytes).unwrap(),
            ImageFormat::Jpeg
        );
        let decoded = decode(rendition);
        assert_eq!(
            (decoded.width(), decoded.height()),
            (rendition.width, rendition.height)
        );
    }
}

#[test]
fn small_images_are_never_upscaled() {
    let source = samples::png(&DynamicImage::ImageRgb8(samples::two_halves(150, 90)));
    let processed = process(&source, &settings()).unwrap();
    for (_, width, height) in sizes(&processed) {
        assert_eq!((width, height), (150, 90));
    }
}

#[test]
fn exif_orientation_is_applied_to_the_pixels_and_the_tag_is_not_carried_over() {
    let plain = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(400, 200)));
    // 6: the stored image must be turned 90° clockwise to display upright, so its left
    // (red) half ends up on top.
    let rotated = samples::with_exif_orientation(&plain, 6);
    let processed = process(&rotated, &settings()).unwrap();

    assert_eq!(
        (processed.source.width, processed.source.height),
        (200, 400)
    );
    let optimized = processed.renditions.last().unwrap();
    assert_eq!((optimized.width, optimized.height), (200, 400));
    let pixels = decode(optimized).into_rgb8();
    let top = pixels.get_pixel(100, 20).0;
    let bottom = pixels.get_pixel(100, 380).0;
    assert!(
        top[0] > 150 && top[2] < 100,
        "top should be red, got {top:?}"
    );
    assert!(
        bottom[2] > 150 && bottom[0] < 100,
        "bottom should be blue, got {bottom:?}"
    );
    for rendition in &processed.renditions {
        assert!(
            !rendition.bytes.windows(6).any(|w| w == b"Exif\0\0"),
            "{} still carries EXIF",
            rendition.name
        );
    }
}

#[test]
fn every_exif_orientation_gives_upright_dimensions() {
    let plain = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(300, 100)));
    for orientation in 1..=8u16 {
        let processed = process(
            &samples::with_exif_orientation(&plain, orientation),
            &settings(),
        )
        .unwrap();
        let expected = if orientation >= 5 {
            (100, 300)
        } else {
            (300, 100)
        };
        assert_eq!(
            (processed.source.width, processed.source.height),
            expected,
            "orientation {orientation}"
        );
    }
}

#[test]
fn images_with_transparency_keep_it_as_png() {
    let source = samples::png(&DynamicImage::ImageRgba8(samples::half_transparent(
        600, 300,
    )));
    let processed = process(&source, &settings()).unwrap();
    for rendition in &processed.renditions {
        assert_eq!(rendition.content_type, "image/png");
        let decoded = decode(rendition).into_rgba8();
        let (w, h) = decoded.dimensions();
        assert_eq!(decoded.get_pixel(w / 8, h / 2).0[3], 255);
        assert_eq!(decoded.get_pixel(w - w / 8, h / 2).0[3], 0);
    }
}

#[test]
fn an_rgba_image_that_is_fully_opaque_becomes_jpeg() {
    let opaque = DynamicImage::ImageRgb8(samples::two_halves(300, 200)).into_rgba8();
    let source = samples::png(&DynamicImage::ImageRgba8(opaque));
    let processed = process(&source, &settings()).unwrap();
    assert!(processed
        .renditions
        .iter()
        .all(|r| r.content_type == "image/jpeg"));
}

#[test]
fn webp_and_gif_sources_are_processed() {
    let image = DynamicImage::ImageRgb8(samples::two_halves(320, 240));
    for format in [ImageFormat::WebP, ImageFormat::Gif] {
        let processed = process(&samples::encode(&image, format), &settings()).unwrap();
        assert_eq!(
            sizes(&processed),
            vec![
                (OutputName::Thumbnail, 200, 150),
                (OutputName::Preview, 320, 240),
                (OutputName::Optimized, 320, 240),
            ],
            "{format:?}"
        );
    }
}

#[test]
fn a_truncated_jpeg_is_reported_as_corrupt() {
    let source = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(400, 300)));
    let truncated = &source[..source.len() / 3];
    let err = process(truncated, &settings()).unwrap_err();
    assert_eq!(err.code(), "corrupt_image", "{err}");
}

#[test]
fn bytes_that_are_not_an_image_are_unsupported() {
    let err = process(b"just some text, not an image", &settings()).unwrap_err();
    assert_eq!(err.code(), "unsupported_format");
}

#[test]
fn a_decompression_bomb_is_rejected_from_its_header_in_milliseconds() {
    let bomb = samples::png_declaring(60_000, 60_000);
    assert!(bomb.len() < 100, "the bomb is tiny: {} bytes", bomb.len());
    let started = Instant::now();
    let err = process(&bomb, &settings()).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.code(), "image_too_large", "{err}");
    assert!(elapsed < Duration::from_millis(200), "took {elapsed:?}");
}

#[test]
fn the_pixel_cap_applies_below_the_side_cap() {
    let settings = PipelineSettings {
        max_pixels: 10_000,
        ..settings()
    };
    let source = samples::png(&DynamicImage::ImageRgb8(RgbImage::new(200, 100)));
    let err = process(&source, &settings).unwrap_err();
    assert!(
        matches!(
            err,
            PipelineError::TooLarge {
                width: 200,
                height: 100,
                ..
            }
        ),
        "{err}"
    );
}
