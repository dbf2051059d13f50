use std::time::{Duration, Instant};

use image::{DynamicImage, ImageFormat, RgbImage};

use super::*;
use crate::outputs::Rendition;
use ferrotype_samples as samples;
use ferrotype_variants::{Declaration, Limits, Variant};

mod variants;

/// Today's three outputs in JPEG (PNG with alpha) only, at their qualities: the tests of
/// the decoding paths and the JPEG encoders; the declared formats have tests of their own
/// (`variants.rs`).
fn jpeg_set(thumbnail_quality: f32, preview_quality: f32) -> Vec<Variant> {
    let json = format!(
        r#"[{{"name": "thumbnail", "width": 200, "formats": [{{"format": "auto", "quality": {thumbnail_quality}}}]}},
            {{"name": "preview", "width": 800, "formats": [{{"format": "auto", "quality": {preview_quality}}}]}},
            {{"name": "optimized", "formats": [{{"format": "auto", "quality": 80}}]}}]"#
    );
    Declaration::parse(&json, &Limits::default())
        .unwrap()
        .variants()
        .to_vec()
}

fn settings() -> PipelineSettings {
    PipelineSettings {
        variants: jpeg_set(83.0, 79.5),
        ..PipelineSettings::default()
    }
}

/// Today's three outputs by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Thumbnail,
    Preview,
    Optimized,
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

/// The JPEG (or PNG) of each of [`jpeg_set`]'s outputs.
trait ThreeOutputs {
    fn named(&self, name: &str) -> &Rendition;
    fn thumbnail(&self) -> &Rendition {
        self.named("thumbnail")
    }
    fn preview(&self) -> &Rendition {
        self.named("preview")
    }
    fn optimized(&self) -> &Rendition {
        self.named("optimized")
    }
    fn outputs(&self) -> [(Output, &Rendition); 3] {
        [
            (Output::Thumbnail, self.thumbnail()),
            (Output::Preview, self.preview()),
            (Output::Optimized, self.optimized()),
        ]
    }
}

impl ThreeOutputs for Processed {
    fn named(&self, name: &str) -> &Rendition {
        let variant = self.variant(name).expect("the variant was made");
        &variant.files[0]
    }
}

fn decode(rendition: &Rendition) -> DynamicImage {
    image::load_from_memory(&rendition.bytes).expect("every output decodes")
}

fn sizes(processed: &Processed) -> Vec<(Output, u32, u32)> {
    processed
        .outputs()
        .iter()
        .map(|(name, r)| (*name, r.width, r.height))
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
            (Output::Thumbnail, 200, 100),
            (Output::Preview, 800, 400),
            (Output::Optimized, 1000, 500),
        ]
    );
    for (_, rendition) in processed.outputs() {
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
    let optimized = processed.optimized();
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
    for (name, rendition) in processed.outputs() {
        assert!(
            !rendition.bytes.windows(6).any(|w| w == b"Exif\0\0"),
            "{} still carries EXIF",
            name
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
    for (_, rendition) in processed.outputs() {
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
        .outputs()
        .iter()
        .all(|(_, r)| r.content_type == "image/jpeg"));
}

#[test]
fn webp_and_gif_sources_are_processed() {
    let image = DynamicImage::ImageRgb8(samples::two_halves(320, 240));
    for format in [ImageFormat::WebP, ImageFormat::Gif] {
        let processed = process(&samples::encode(&image, format), &settings()).unwrap();
        assert_eq!(
            sizes(&processed),
            vec![
                (Output::Thumbnail, 200, 150),
                (Output::Preview, 320, 240),
                (Output::Optimized, 320, 240),
            ],
            "{format:?}"
        );
    }
}

#[test]
fn lossy_webp_keeps_its_colours_on_one_or_two_threads_and_its_alpha() {
    let opaque = samples::lossy_webp(&DynamicImage::ImageRgb8(samples::two_halves(640, 480)));
    for threads in [1, 2] {
        let processed = process(
            &opaque,
            &PipelineSettings {
                threads,
                ..settings()
            },
        )
        .unwrap();
        assert_eq!(
            sizes(&processed),
            vec![
                (Output::Thumbnail, 200, 150),
                (Output::Preview, 640, 480),
                (Output::Optimized, 640, 480),
            ]
        );
        let optimized = decode(processed.optimized()).into_rgb8();
        let (left, right) = (
            optimized.get_pixel(100, 240).0,
            optimized.get_pixel(540, 240).0,
        );
        assert!(
            left[0] > 150 && left[2] < 100,
            "left half {left:?} should be red"
        );
        assert!(
            right[2] > 150 && right[0] < 100,
            "right half {right:?} should be blue"
        );
    }

    let transparent = DynamicImage::ImageRgba8(samples::half_transparent(300, 200));
    for (_, rendition) in process(&samples::lossy_webp(&transparent), &settings())
        .unwrap()
        .outputs()
    {
        assert_eq!(rendition.content_type, "image/png");
        let decoded = decode(rendition).into_rgba8();
        let (w, h) = decoded.dimensions();
        assert_eq!(decoded.get_pixel(w / 8, h / 2).0[3], 255);
        assert_eq!(decoded.get_pixel(w - w / 8, h / 2).0[3], 0);
    }
}

#[test]
fn an_animated_webp_gives_its_first_frame() {
    let solid = |colour| RgbImage::from_pixel(64, 48, image::Rgb(colour));
    let animated = samples::animated_webp(&[solid(samples::RED), solid(samples::BLUE)]);
    let processed = process(&animated, &settings()).unwrap();
    assert_eq!(processed.source.kind, ImageKind::WebP);
    let optimized = decode(processed.optimized()).into_rgb8();
    let pixel = optimized.get_pixel(32, 24).0;
    assert!(
        pixel
            .iter()
            .zip(samples::RED)
            .all(|(&a, b)| a.abs_diff(b) < 12),
        "{pixel:?} should be the first frame's red"
    );
}

#[test]
fn a_truncated_webp_is_reported_as_corrupt() {
    let source = samples::lossy_webp(&DynamicImage::ImageRgb8(samples::two_halves(400, 300)));
    let err = process(&source[..source.len() / 2], &settings()).unwrap_err();
    assert!(matches!(err, PipelineError::Corrupt(_)), "{err}");
}

#[test]
fn a_truncated_jpeg_is_reported_as_corrupt() {
    let source = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(400, 300)));
    let truncated = &source[..source.len() / 3];
    let err = process(truncated, &settings()).unwrap_err();
    assert!(matches!(err, PipelineError::Corrupt(_)), "{err}");
}

#[test]
fn bytes_that_are_not_an_image_are_unsupported() {
    let err = process(b"just some text, not an image", &settings()).unwrap_err();
    assert!(matches!(err, PipelineError::UnsupportedFormat), "{err}");
}

#[test]
fn a_decompression_bomb_is_rejected_from_its_header_in_milliseconds() {
    let bomb = samples::png_declaring(60_000, 60_000);
    assert!(bomb.len() < 100, "the bomb is tiny: {} bytes", bomb.len());
    let started = Instant::now();
    let err = process(&bomb, &settings()).unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, PipelineError::TooLarge { .. }), "{err}");
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

fn single_threaded() -> PipelineSettings {
    PipelineSettings {
        threads: 1,
        ..settings()
    }
}

fn mean_colour(image: &image::RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) -> [f64; 3] {
    let mut sum = [0f64; 3];
    let mut n = 0f64;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = image.get_pixel(x, y).0;
            for c in 0..3 {
                sum[c] += f64::from(p[c]);
            }
            n += 1.0;
        }
    }
    sum.map(|s| s / n)
}

fn close(a: [f64; 3], b: [u8; 3], tolerance: f64) -> bool {
    (0..3).all(|c| (a[c] - f64::from(b[c])).abs() <= tolerance)
}

/// Encodes a sample image as a JPEG one way or another.
type ToJpeg = fn(&DynamicImage) -> Vec<u8>;

#[test]
fn all_eight_exif_orientations_put_every_quadrant_where_it_belongs_in_every_output() {
    // 4:2:0 JPEGs: 1200×800 is whole 16×16 blocks, so the optimized output is turned by
    // moving DCT blocks; 1208×805 is not, so it is decoded and turned as pixels. Other
    // layouts (the `image` crate's encoder) take the full decode for every output.
    let cases: [(u32, u32, ToJpeg); 5] = [
        (1200, 800, |image| {
            samples::jpeg_with(&image.to_rgb8(), (2, 2), false, None)
        }),
        (1208, 805, |image| {
            samples::jpeg_with(&image.to_rgb8(), (2, 2), false, None)
        }),
        // 4:4:4 and 4:2:2 with an odd number of blocks across and down: moved as blocks,
        // then chroma halved in the DCT domain and luma padded to 4:2:0's MCUs.
        (1208, 808, |image| {
            samples::jpeg_with(&image.to_rgb8(), (1, 1), false, None)
        }),
        (1200, 808, |image| {
            samples::jpeg_with(&image.to_rgb8(), (2, 1), true, None)
        }),
        (1200, 800, samples::jpeg),
    ];
    for (width, height, to_jpeg) in cases {
        every_orientation_comes_out_upright(width, height, to_jpeg);
    }
}

fn every_orientation_comes_out_upright(width: u32, height: u32, to_jpeg: ToJpeg) {
    let upright = samples::quadrants(width, height);
    for orientation in 1..=8u8 {
        let o = image::metadata::Orientation::from_exif(orientation).unwrap();
        // Store the pixels so that applying `o` makes them upright again.
        let stored = {
            let mut image = DynamicImage::ImageRgb8(upright.clone());
            let inverse = match o {
                image::metadata::Orientation::Rotate90 => image::metadata::Orientation::Rotate270,
                image::metadata::Orientation::Rotate270 => image::metadata::Orientation::Rotate90,
                other => other,
            };
            image.apply_orientation(inverse);
            image
        };
        let source = samples::with_exif_orientation(&to_jpeg(&stored), orientation.into());
        for threads in [1, 2] {
            let settings = PipelineSettings {
                threads,
                ..settings()
            };
            let processed = process(&source, &settings).unwrap();
            assert_eq!(
                (processed.source.width, processed.source.height),
                (width, height)
            );
            for (name, rendition) in processed.outputs() {
                let pixels = decode(rendition).into_rgb8();
                let (w, h) = pixels.dimensions();
                assert_eq!(
                    (w, h),
                    (rendition.width, rendition.height),
                    "{width}×{height}, orientation {orientation}, {}",
                    name
                );
                assert!(
                    (f64::from(w) / f64::from(h) - f64::from(width) / f64::from(height)).abs()
                        < 0.02,
                    "orientation {orientation}: {w}×{h}"
                );
                let quarter = |qx: u32, qy: u32| {
                    mean_colour(
                        &pixels,
                        qx * w / 2 + w / 8,
                        qy * h / 2 + h / 8,
                        qx * w / 2 + 3 * w / 8,
                        qy * h / 2 + 3 * h / 8,
                    )
                };
                for (qx, qy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let expected = upright
                        .get_pixel(qx * width / 2 + width / 4, qy * height / 2 + height / 4)
                        .0;
                    let got = quarter(qx, qy);
                    assert!(
                        close(got, expected, 12.0),
                        "{width}×{height}, orientation {orientation}, {}, quadrant ({qx},{qy}): {got:?} vs {expected:?}",
                        name
                    );
                }
            }
        }
    }
}

#[test]
fn jpegs_of_every_chroma_subsampling_baseline_and_progressive_are_processed() {
    let image = samples::two_halves(640, 480);
    for sampling in [(1, 1), (2, 1), (1, 2), (2, 2)] {
        for progressive in [false, true] {
            let source = samples::jpeg_with(&image, sampling, progressive, None);
            let processed = process(&source, &single_threaded()).unwrap();
            let preview = decode(processed.preview()).into_rgb8();
            let left = mean_colour(&preview, 20, 100, 200, 380);
            assert!(
                left[0] > 150.0 && left[2] < 100.0,
                "{sampling:?} progressive {progressive}: {left:?}"
            );
        }
    }
}

#[test]
fn a_grayscale_jpeg_stays_a_grayscale_jpeg() {
    let gray = DynamicImage::ImageRgb8(samples::two_halves(600, 400)).into_luma8();
    let source = samples::jpeg(&DynamicImage::ImageLuma8(gray));
    let processed = process(&source, &settings()).unwrap();
    for (_, rendition) in processed.outputs() {
        assert_eq!(rendition.content_type, "image/jpeg");
        assert_eq!(decode(rendition).color(), image::ColorType::L8);
    }
}

#[test]
fn a_cmyk_jpeg_is_converted_to_rgb() {
    // Pure cyan ink: no red, full green and blue.
    let source = samples::cmyk_jpeg(400, 300, [255, 0, 0, 0]);
    let processed = process(&source, &settings()).unwrap();
    let pixels = decode(processed.optimized()).into_rgb8();
    let p = pixels.get_pixel(200, 150).0;
    assert!(p[0] < 60 && p[1] > 190 && p[2] > 190, "{p:?}");
}

#[test]
fn a_display_p3_webp_comes_out_in_srgb_on_one_thread_and_two() {
    // As for the JPEG below; two threads take the banded WebP path, one the whole decode.
    let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    let colour = [200u8, 60, 40];
    let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(320, 240, image::Rgb(colour)));
    let untagged = samples::lossy_webp(&image);
    let tagged = samples::webp_with_icc(&untagged, &p3);
    for threads in [1, 2] {
        let out = |bytes: &[u8]| {
            let processed = process(
                bytes,
                &PipelineSettings {
                    threads,
                    ..settings()
                },
            )
            .unwrap();
            assert_eq!(sizes(&processed)[2], (Output::Optimized, 320, 240));
            decode(processed.optimized())
                .into_rgb8()
                .get_pixel(160, 120)
                .0
        };
        let (converted, plain) = (out(&tagged), out(&untagged));
        assert!(
            plain.iter().zip(colour).all(|(&a, b)| a.abs_diff(b) <= 8),
            "untagged pixels are left as they are: {plain:?}"
        );
        assert!(
            converted[0] > plain[0] + 10 && converted[1] + 10 < plain[1],
            "{threads} thread(s): P3 {colour:?} in sRGB should be redder: {converted:?} vs {plain:?}"
        );
    }
}

#[test]
fn a_display_p3_jpeg_comes_out_in_srgb() {
    let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    // P3's pure green is more saturated than sRGB can show: in sRGB its red goes to zero
    // and a P3 mid red (200, 60, 40) becomes a redder, less green sRGB colour.
    let colour = [200u8, 60, 40];
    let image = image::RgbImage::from_pixel(320, 240, image::Rgb(colour));
    let tagged = samples::jpeg_with(&image, (1, 1), false, Some(&p3));
    let untagged = samples::jpeg_with(&image, (1, 1), false, None);
    let out = |bytes: &[u8]| {
        let processed = process(bytes, &settings()).unwrap();
        decode(processed.optimized())
            .into_rgb8()
            .get_pixel(160, 120)
            .0
    };
    let (converted, plain) = (out(&tagged), out(&untagged));
    assert!(
        i32::from(plain[0]) - 8 <= i32::from(colour[0])
            && i32::from(colour[0]) <= i32::from(plain[0]) + 8,
        "untagged pixels are left as they are: {plain:?}"
    );
    assert!(
        converted[0] > plain[0] + 10 && converted[1] + 10 < plain[1],
        "P3 {colour:?} in sRGB should be redder: {converted:?} vs {plain:?}"
    );
    // The profile itself is not carried over.
    for (_, rendition) in process(&tagged, &settings()).unwrap().outputs() {
        assert!(!rendition.bytes.windows(11).any(|w| w == b"ICC_PROFILE"));
    }
}

#[test]
fn sixteen_bit_png_and_lossless_webp_with_alpha_are_processed() {
    let rgb16 = DynamicImage::ImageRgb8(samples::two_halves(300, 200)).into_rgb16();
    let processed = process(&samples::png(&DynamicImage::ImageRgb16(rgb16)), &settings()).unwrap();
    assert_eq!(processed.optimized().content_type, "image/jpeg");

    let rgba = DynamicImage::ImageRgba8(samples::half_transparent(300, 200));
    let processed = process(&samples::encode(&rgba, ImageFormat::WebP), &settings()).unwrap();
    for (_, rendition) in processed.outputs() {
        assert_eq!(rendition.content_type, "image/png");
        let decoded = decode(rendition).into_rgba8();
        let (w, h) = decoded.dimensions();
        assert_eq!(decoded.get_pixel(w - w / 8, h / 2).0[3], 0);
    }
}

#[test]
fn one_thread_and_two_threads_give_the_same_bytes() {
    // Pixel-path sources (4:1:1 progressive, with a last band of rows shorter than the
    // others; ICC-tagged), whose optimized output two threads encode band by band while
    // they decode;
    // lossy and lossless WebP, decoded incrementally in bands on two threads;
    // and sources whose optimized output is coded in chunks by both threads: the image
    // crate's JPEG, 4:4:4 (chroma halved from the coefficients), sRGB 4:2:0 upright and
    // turned.
    let turned = samples::jpeg_with(&samples::quadrants(2400, 1600), (2, 2), false, None);
    let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    let photo = DynamicImage::ImageRgb8(samples::two_halves(1003, 1301));
    let sources = [
        samples::lossy_webp(&photo),
        samples::encode(&photo, ImageFormat::WebP),
        samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(1000, 700))),
        // Display P3: converted to sRGB band by band on two threads, as a whole on one.
        samples::jpeg_with(&samples::quadrants(1000, 700), (2, 2), false, Some(&p3)),
        samples::jpeg_with(&samples::quadrants(1203, 901), (4, 1), true, None),
        samples::jpeg_with(&samples::quadrants(1203, 901), (1, 1), false, None),
        samples::with_exif_orientation(&turned, 1),
        samples::with_exif_orientation(&turned, 6),
    ];
    for (i, source) in sources.iter().enumerate() {
        let one = process(source, &single_threaded()).unwrap();
        let two = process(
            source,
            &PipelineSettings {
                threads: 2,
                ..settings()
            },
        )
        .unwrap();
        for ((name, a), (_, b)) in one.outputs().into_iter().zip(two.outputs()) {
            assert!(a.bytes == b.bytes, "source {i}: {name} differs");
        }
    }
}

#[test]
fn a_webp_declaring_a_huge_frame_is_rejected_from_its_header_in_milliseconds() {
    // A lossy WebP whose frame header says 16383×16383 (268 MP; the data is for 64×48).
    let mut bomb = samples::lossy_webp(&DynamicImage::ImageRgb8(samples::two_halves(64, 48)));
    assert_eq!(&bomb[12..16], b"VP8 ");
    assert_eq!(
        &bomb[23..26],
        &[0x9d, 0x01, 0x2a],
        "the key frame's start code"
    );
    bomb[26..30].copy_from_slice(&[0xff, 0x3f, 0xff, 0x3f]);
    for threads in [1, 2] {
        let started = Instant::now();
        let err = process(
            &bomb,
            &PipelineSettings {
                threads,
                ..settings()
            },
        )
        .unwrap_err();
        let elapsed = started.elapsed();
        assert!(matches!(err, PipelineError::TooLarge { .. }), "{err}");
        assert!(elapsed < Duration::from_millis(200), "took {elapsed:?}");
    }
}

#[test]
fn a_jpeg_declaring_a_huge_frame_is_rejected_from_its_header_in_milliseconds() {
    let bomb = samples::jpeg_declaring(60_000, 60_000);
    let started = Instant::now();
    let err = process(&bomb, &settings()).unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, PipelineError::TooLarge { .. }), "{err}");
    assert!(elapsed < Duration::from_millis(200), "took {elapsed:?}");
}

#[test]
fn a_jpeg_with_thousands_of_scans_is_refused_before_decoding() {
    let mut source = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(64, 64)));
    let end = source.len() - 2;
    let scans: Vec<u8> = std::iter::repeat_n([0xFF, 0xDA], 1000).flatten().collect();
    source.splice(end..end, scans);
    let err = process(&source, &settings()).unwrap_err();
    assert!(matches!(err, PipelineError::UnsupportedFeature(_)), "{err}");
}

#[test]
fn garbage_after_a_valid_jpeg_header_is_corrupt_not_a_panic() {
    let mut source = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(64, 64)));
    let scan = source.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    for byte in &mut source[scan + 20..scan + 60] {
        *byte = 0xFF;
    }
    let result = std::panic::catch_unwind(|| process(&source, &settings()));
    assert!(result.is_ok(), "the pipeline panicked");
}

#[test]
fn an_upright_jpeg_is_requantized_to_a_smaller_file_that_looks_the_same() {
    // A high-quality 4:2:0 source, as a phone writes it.
    let image = samples::two_halves(1600, 1200);
    let source = samples::jpeg_with(&image, (2, 2), false, None);
    let processed = process(&source, &single_threaded()).unwrap();
    let optimized = processed.optimized();
    assert_eq!((optimized.width, optimized.height), (1600, 1200));
    assert!(
        optimized.bytes.len() < source.len(),
        "{} bytes is not smaller than the source's {}",
        optimized.bytes.len(),
        source.len()
    );
    let decoded = decode(optimized).into_rgb8();
    let mut total = 0u64;
    for (a, b) in decoded.pixels().zip(image.pixels()) {
        for c in 0..3 {
            total += u64::from(a.0[c].abs_diff(b.0[c]));
        }
    }
    let mean = total as f64 / (1600.0 * 1200.0 * 3.0);
    assert!(mean < 4.0, "mean absolute error {mean}");
    assert!(!optimized.bytes.windows(6).any(|w| w == b"Exif\0\0"));
}

#[test]
fn a_jpeg_with_a_low_quality_source_is_not_requantized_to_finer_steps() {
    let image = DynamicImage::ImageRgb8(samples::two_halves(1000, 800));
    let mut source = Vec::new();
    image
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut source,
            40,
        ))
        .unwrap();
    let processed = process(&source, &single_threaded()).unwrap();
    let optimized = processed.optimized();
    // The same coefficients, only re-entropy-coded: no bigger than the source.
    assert!(optimized.bytes.len() <= source.len() + 1024);
}

#[test]
fn the_preview_of_a_large_jpeg_made_from_a_scaled_decode_has_the_exact_size() {
    // 3000 px wide: decoded at 1/2 (1500 px), then resized to 800 and 200.
    let source = samples::jpeg_with(&samples::two_halves(3000, 1999), (2, 2), false, None);
    let processed = process(&source, &settings()).unwrap();
    assert_eq!(
        sizes(&processed),
        vec![
            (Output::Thumbnail, 200, 133),
            (Output::Preview, 800, 533),
            (Output::Optimized, 3000, 1999),
        ]
    );
    let preview = decode(processed.preview()).into_rgb8();
    let left = mean_colour(&preview, 20, 100, 380, 430);
    let right = mean_colour(&preview, 420, 100, 780, 430);
    assert!(left[0] > 150.0 && right[2] > 150.0, "{left:?} {right:?}");
}

/// A textured 1600×1200 PNG: a JPEG's size follows its quality only where there is detail,
/// and from a PNG the optimized output is encoded from pixels too, not requantized.
fn textured_png() -> Vec<u8> {
    let textured = RgbImage::from_fn(1600, 1200, |x, y| {
        let v = (x * 7 + y * 13 + (x * y) % 97) as u8;
        image::Rgb([v, v.wrapping_mul(3), v ^ (y as u8)])
    });
    samples::png(&DynamicImage::ImageRgb8(textured))
}

/// Each output's name and size in bytes.
fn output_sizes(source: &[u8], settings: &PipelineSettings) -> Vec<(Output, usize)> {
    let processed = process(source, settings).unwrap();
    processed
        .outputs()
        .into_iter()
        .map(|(name, r)| (name, r.bytes.len()))
        .collect()
}

#[test]
fn the_small_outputs_are_encoded_at_their_own_quality() {
    let source = textured_png();
    let at = |quality: u8| {
        let settings = PipelineSettings {
            variants: jpeg_set(f32::from(quality), f32::from(quality)),
            ..single_threaded()
        };
        output_sizes(&source, &settings)
    };
    let (low, high) = (at(60), at(95));
    for ((name, low), (_, high)) in low.iter().zip(&high) {
        match name {
            Output::Optimized => assert_eq!(low, high, "{name}"),
            _ => assert!(high > low, "{name}: {high} bytes at 95, {low} at 60"),
        }
    }
}

#[test]
fn a_fractional_preview_quality_gives_a_preview_between_the_whole_ones() {
    let source = textured_png();
    let preview_bytes = |quality| {
        let settings = PipelineSettings {
            variants: jpeg_set(83.0, quality),
            ..single_threaded()
        };
        let sizes = output_sizes(&source, &settings);
        let preview = sizes.iter().find(|(name, _)| *name == Output::Preview);
        preview.unwrap().1
    };
    let (at_79, at_79_5, at_80) = (
        preview_bytes(79.0),
        preview_bytes(79.5),
        preview_bytes(80.0),
    );
    assert!(
        at_79 < at_79_5 && at_79_5 < at_80,
        "{at_79} {at_79_5} {at_80}"
    );
}

/// Whether a JPEG has a restart interval (DRI): the coefficient coder writes one, libjpeg's
/// encoder as used here does not.
fn has_restart_interval(jpeg: &[u8]) -> bool {
    jpeg.windows(2).any(|w| w == [0xFF, 0xDD])
}

/// Each component's (h, v) sampling factors from the start-of-frame marker.
fn sampling_factors(jpeg: &[u8]) -> Vec<(u8, u8)> {
    let sof = jpeg
        .windows(2)
        .position(|w| w[0] == 0xFF && (0xC0..=0xC2).contains(&w[1]))
        .expect("a start-of-frame marker");
    let components = usize::from(jpeg[sof + 9]);
    (0..components)
        .map(|c| {
            let factors = jpeg[sof + 11 + 3 * c];
            (factors >> 4, factors & 15)
        })
        .collect()
}

#[test]
fn a_444_or_422_jpeg_is_transcoded_to_420_with_its_chroma_halved_from_the_coefficients() {
    // Detail in every channel; 1208×808 is an odd number of 8-px blocks both ways.
    let (width, height) = (1208, 808);
    let image = RgbImage::from_fn(width, height, |x, y| {
        let wave = |a: f64| (127.0 + 100.0 * a.sin()) as u8;
        image::Rgb([
            wave(f64::from(x) * 0.05),
            wave(f64::from(y) * 0.07 + f64::from(x) * 0.01),
            wave(f64::from(x + y) * 0.03),
        ])
    });
    for sampling in [(1, 1), (2, 1), (1, 2)] {
        let source = samples::jpeg_with(&image, sampling, false, None);
        let reference = image::load_from_memory(&source).unwrap().into_rgb8();
        let one = process(&source, &single_threaded()).unwrap();
        let two = process(
            &source,
            &PipelineSettings {
                threads: 2,
                ..settings()
            },
        )
        .unwrap();
        let optimized = &one.optimized();
        assert!(optimized.bytes == two.optimized().bytes, "{sampling:?}");
        assert!(
            has_restart_interval(&optimized.bytes),
            "{sampling:?}: not transcoded"
        );
        assert_eq!(
            sampling_factors(&optimized.bytes),
            [(2, 2), (1, 1), (1, 1)],
            "{sampling:?}"
        );
        let out = decode(optimized).into_rgb8();
        assert_eq!(out.dimensions(), (width, height));
        let squared: f64 = out
            .as_raw()
            .iter()
            .zip(reference.as_raw())
            .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
            .sum();
        let psnr = 10.0 * (255.0f64.powi(2) / (squared / out.as_raw().len() as f64)).log10();
        assert!(psnr > 34.0, "{sampling:?}: PSNR {psnr:.1} dB");
    }
}

/// The start-of-frame marker of a JPEG: 0xC0 baseline, 0xC1 extended, 0xC2 progressive.
fn frame_marker(jpeg: &[u8]) -> u8 {
    let mut at = 2;
    while at + 4 <= jpeg.len() {
        assert_eq!(jpeg[at], 0xFF, "a marker at {at}");
        let marker = jpeg[at + 1];
        if (0xC0..=0xC2).contains(&marker) {
            return marker;
        }
        at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
    }
    panic!("no start-of-frame marker")
}

#[test]
fn the_preview_is_progressive_and_the_full_size_output_baseline() {
    // From pixels (PNG) and from coefficients (a 4:2:0 JPEG), on one thread and two.
    let image = DynamicImage::ImageRgb8(samples::two_halves(1700, 900));
    for source in [samples::png(&image), samples::jpeg(&image)] {
        for threads in [1, 2] {
            let settings = PipelineSettings {
                threads,
                ..settings()
            };
            let processed = process(&source, &settings).unwrap();
            let markers: Vec<u8> = processed
                .outputs()
                .iter()
                .map(|(_, r)| frame_marker(&r.bytes))
                .collect();
            // Thumbnail: mozjpeg's trellis and scan search, progressive as well.
            assert_eq!(markers, [0xC2, 0xC2, 0xC0], "{threads} threads");
        }
    }
}

#[test]
fn a_source_coarser_than_the_output_is_coded_again_with_the_same_coefficients() {
    // At quality 40 every step is coarser than quality 80's: nothing is requantized, so
    // the optimized output decodes to exactly the source's pixels, by any decoder.
    // Texture everywhere, so that every run length and magnitude class is coded.
    let image = DynamicImage::ImageRgb8(RgbImage::from_fn(1001, 733, |x, y| {
        let v = (x * 7 + y * 13 + (x * y) % 97) as u8;
        image::Rgb([v, v.wrapping_mul(3), v ^ (y as u8)])
    }));
    let mut compress = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    compress.set_fastest_defaults();
    compress.set_size(1001, 733);
    compress.set_quality(40.0);
    compress.set_chroma_sampling_pixel_sizes((2, 2), (2, 2));
    let mut started = compress.start_compress(Vec::new()).unwrap();
    started.write_scanlines(image.as_bytes()).unwrap();
    let source = started.finish().unwrap();
    for threads in [1, 2] {
        let settings = PipelineSettings {
            threads,
            ..settings()
        };
        let processed = process(&source, &settings).unwrap();
        let optimized = processed.optimized();
        let ours = image::load_from_memory(&optimized.bytes)
            .unwrap()
            .into_rgb8();
        let theirs = image::load_from_memory(&source).unwrap().into_rgb8();
        assert_eq!(ours.dimensions(), (1001, 733));
        assert!(ours == theirs, "{threads} threads: the pixels differ");
        // Restart markers: one interval per MCU row (46 rows of 16 px).
        let restarts = optimized
            .bytes
            .windows(2)
            .filter(|w| w[0] == 0xFF && (0xD0..=0xD7).contains(&w[1]))
            .count();
        assert_eq!(restarts, 45);
    }
}
