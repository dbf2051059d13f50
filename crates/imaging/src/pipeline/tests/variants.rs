//! Declared variants through the whole pipeline: every fit on odd shapes, every format
//! decoded again, alpha kept where the format has it, orientation, the AVIF budget and the
//! placeholder.

use image::{DynamicImage, GenericImageView, ImageFormat, Rgba, RgbaImage};

use super::*;
use ferrotype_variants::{Encoding, Fit};

/// One declared variant from its JSON.
fn declare(json: &str) -> Vec<Variant> {
    Declaration::parse(json, &Limits::default())
        .unwrap()
        .variants()
        .to_vec()
}

fn with(variants: Vec<Variant>, threads: usize) -> PipelineSettings {
    PipelineSettings {
        variants,
        threads,
        ..PipelineSettings::default()
    }
}

/// A WebP, JPEG or PNG file decoded by the image crate; an AVIF's container read for its
/// size (its pixels are decoded by Pillow and the browser, in the end-to-end tests).
fn size_of(file: &Rendition) -> (u32, u32) {
    match file.encoding {
        Encoding::Avif => avif_size(&file.bytes),
        _ => {
            let decoded = image::load_from_memory(&file.bytes).expect("every file decodes");
            (decoded.width(), decoded.height())
        }
    }
}

/// The `ispe` (image spatial extent) of an AVIF: its width and height.
fn avif_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[4..12], b"ftypavif", "an AVIF file");
    let at = bytes
        .windows(4)
        .position(|w| w == b"ispe")
        .expect("an AVIF has an ispe box");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(at + 8), be(at + 12))
}

fn all_formats(fit: &str, width: u32, height: u32) -> Vec<Variant> {
    let background = if fit == "contain" {
        r##", "background": "#336699""##
    } else {
        ""
    };
    declare(&format!(
        r#"[{{"name": "v", "width": {width}, "height": {height}, "fit": "{fit}",
              "formats": ["avif", "webp", "jpeg", "png"]{background}}}]"#
    ))
}

#[test]
fn every_fit_gives_its_geometrys_size_in_every_format_on_odd_shapes_and_tiny_sources() {
    let shapes = [(1, 300), (300, 1), (2, 2), (7, 3), (640, 480), (90, 1000)];
    for (fit_name, fit) in [
        ("scale-down", Fit::ScaleDown),
        ("cover", Fit::Cover),
        ("contain", Fit::Contain),
    ] {
        let variants = all_formats(fit_name, 64, 48);
        assert_eq!(variants[0].fit, fit);
        for (width, height) in shapes {
            let source = samples::png(&DynamicImage::ImageRgb8(samples::two_halves(width, height)));
            let expected = variants[0].geometry((width, height)).canvas;
            for threads in [1, 2] {
                let processed = process(&source, &with(variants.clone(), threads)).unwrap();
                let made = &processed.variants[0];
                assert_eq!(
                    (made.width, made.height),
                    expected,
                    "{fit_name} {width}×{height}"
                );
                let encodings: Vec<Encoding> = made.files.iter().map(|f| f.encoding).collect();
                assert_eq!(
                    encodings,
                    [
                        Encoding::Avif,
                        Encoding::Webp,
                        Encoding::Jpeg,
                        Encoding::Png
                    ],
                    "in the declared order"
                );
                for file in &made.files {
                    assert_eq!(
                        size_of(file),
                        expected,
                        "{fit_name} {width}×{height} {file:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn no_fit_upscales_a_source_smaller_than_the_box() {
    let source = samples::png(&DynamicImage::ImageRgb8(samples::two_halves(30, 20)));
    for (fit, expected) in [
        ("scale-down", (30, 20)),
        // Cover takes the box's shape (2:1) from the middle, at the source's own scale.
        ("cover", (30, 15)),
        ("contain", (200, 100)),
    ] {
        let processed = process(&source, &with(all_formats(fit, 200, 100), 1)).unwrap();
        let png = processed.variants[0].file(Encoding::Png).unwrap();
        let decoded = image::load_from_memory(&png.bytes).unwrap().into_rgb8();
        assert_eq!(decoded.dimensions(), expected, "{fit}");
        if fit == "contain" {
            // Centred, at its own size, on the declared background.
            assert_eq!(decoded.get_pixel(0, 0).0, [0x33, 0x66, 0x99]);
            assert_ne!(decoded.get_pixel(100, 50).0, [0x33, 0x66, 0x99]);
        }
    }
}

#[test]
fn cover_crops_around_the_centre() {
    // Left half red, right half blue (two_halves), 400×100 covered by a 100×100 box: the
    // centre column is where the halves meet.
    let source = samples::png(&DynamicImage::ImageRgb8(samples::two_halves(400, 100)));
    let processed = process(&source, &with(all_formats("cover", 100, 100), 1)).unwrap();
    let png = processed.variants[0].file(Encoding::Png).unwrap();
    let decoded = image::load_from_memory(&png.bytes).unwrap().into_rgb8();
    assert_eq!(decoded.dimensions(), (100, 100));
    let (left, right) = (decoded.get_pixel(5, 50).0, decoded.get_pixel(94, 50).0);
    assert_ne!(left, right, "both halves are in the crop");
}

#[test]
fn cover_crops_where_the_detail_is() {
    // 400×100, flat grey but for a checkerboard in the right fifth: a 100×100 cover crop
    // shows the checkerboard, not the flat centre.
    let source = DynamicImage::ImageRgb8(image::RgbImage::from_fn(400, 100, |x, y| {
        if x >= 320 && (x / 5 + y / 5) % 2 == 0 {
            image::Rgb([250, 250, 250])
        } else {
            image::Rgb([110, 110, 110])
        }
    }));
    let processed = process(
        &samples::png(&source),
        &with(all_formats("cover", 100, 100), 1),
    )
    .unwrap();
    let png = processed.variants[0].file(Encoding::Png).unwrap();
    let decoded = image::load_from_memory(&png.bytes).unwrap().into_luma8();
    assert_eq!(decoded.dimensions(), (100, 100));
    let bright = decoded.pixels().filter(|p| p.0[0] > 200).count();
    assert!(
        bright > 2_000,
        "the crop holds the checkerboard: {bright} bright pixels"
    );
}

fn translucent(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgba8(RgbaImage::from_fn(width, height, |x, _| {
        Rgba([200, 40, 40, if x < width / 2 { 0 } else { 255 }])
    }))
}

#[test]
fn alpha_is_kept_in_webp_avif_and_png_and_auto_is_png_for_it() {
    let source = samples::png(&translucent(300, 200));
    let variants = declare(r#"[{"name": "v", "width": 150, "formats": ["avif", "webp", "auto"]}]"#);
    let processed = process(&source, &with(variants, 2)).unwrap();
    assert!(processed.source.alpha);
    let made = &processed.variants[0];
    assert!(made.file(Encoding::Png).is_some(), "auto is PNG for alpha");
    let webp = image::load_from_memory_with_format(
        &made.file(Encoding::Webp).unwrap().bytes,
        ImageFormat::WebP,
    )
    .unwrap();
    assert!(webp.color().has_alpha());
    assert_eq!(
        webp.get_pixel(10, 50).0[3],
        0,
        "transparent stays transparent"
    );
    assert_eq!(webp.get_pixel(140, 50).0[3], 255);
    let avif = &made.file(Encoding::Avif).unwrap().bytes;
    let alpha_urn = b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha";
    assert!(
        avif.windows(alpha_urn.len()).any(|w| w == alpha_urn),
        "the AVIF has an alpha auxiliary image"
    );
}

#[test]
fn jpeg_of_an_alpha_source_is_flattened_on_the_background() {
    let source = samples::png(&translucent(100, 50));
    let variants = declare(
        r##"[{"name": "v", "width": 100, "height": 50, "fit": "contain", "background": "#000000", "formats": ["jpeg"]}]"##,
    );
    let processed = process(&source, &with(variants, 1)).unwrap();
    let jpeg = processed.variants[0].file(Encoding::Jpeg).unwrap();
    let decoded = image::load_from_memory(&jpeg.bytes).unwrap().into_rgb8();
    let [r, g, b] = decoded.get_pixel(10, 25).0;
    assert!(
        r < 20 && g < 20 && b < 20,
        "transparent pixels are the background: {r} {g} {b}"
    );
    assert!(
        decoded.get_pixel(90, 25).0[0] > 150,
        "opaque pixels keep their colour"
    );
}

#[test]
fn an_avif_over_the_pixel_budget_is_left_out_and_the_other_formats_kept() {
    // Width-only box: a tall source makes a tall output.
    let source = samples::png(&DynamicImage::ImageRgb8(samples::two_halves(100, 1000)));
    let variants = declare(r#"[{"name": "v", "width": 100, "formats": ["avif", "webp"]}]"#);
    let settings = PipelineSettings {
        avif_max_pixels: 50_000,
        ..with(variants, 1)
    };
    let processed = process(&source, &settings).unwrap();
    let encodings: Vec<Encoding> = processed.variants[0]
        .files
        .iter()
        .map(|f| f.encoding)
        .collect();
    assert_eq!(encodings, [Encoding::Webp]);
}

#[test]
fn orientation_is_applied_before_the_crop() {
    // Stored 400×100 turned a quarter by EXIF: upright 100×400, covered by a 100×100 box.
    let stored = DynamicImage::ImageRgb8(samples::two_halves(400, 100));
    let source = samples::with_exif_orientation(&samples::jpeg(&stored), 6);
    let variants = declare(
        r#"[{"name": "square", "width": 100, "height": 100, "fit": "cover", "formats": ["png", "webp"]},
            {"name": "whole", "width": 50, "formats": ["png"]}]"#,
    );
    for threads in [1, 2] {
        let processed = process(&source, &with(variants.clone(), threads)).unwrap();
        assert_eq!(
            (processed.source.width, processed.source.height),
            (100, 400)
        );
        let whole = processed.variant("whole").unwrap();
        assert_eq!((whole.width, whole.height), (50, 200));
        let square = processed.variant("square").unwrap();
        assert_eq!((square.width, square.height), (100, 100));
        let decoded = image::load_from_memory(&square.files[0].bytes)
            .unwrap()
            .into_rgb8();
        // Turned upright, the halves are top and bottom, and the crop is their middle.
        assert_ne!(decoded.get_pixel(50, 5).0, decoded.get_pixel(50, 94).0);
    }
}

#[test]
fn the_default_set_makes_avif_and_webp_beside_jpeg_for_the_small_ones_only() {
    let source = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(1600, 1200)));
    let processed = process(&source, &PipelineSettings::default()).unwrap();
    let formats = |name: &str| -> Vec<Encoding> {
        processed
            .variant(name)
            .unwrap()
            .files
            .iter()
            .map(|f| f.encoding)
            .collect()
    };
    assert_eq!(
        formats("thumbnail"),
        [Encoding::Avif, Encoding::Webp, Encoding::Jpeg]
    );
    assert_eq!(
        formats("preview"),
        [Encoding::Avif, Encoding::Webp, Encoding::Jpeg]
    );
    assert_eq!(formats("optimized"), [Encoding::Jpeg]);
    for (name, file) in processed.files() {
        let expected = processed
            .variant(name.as_str())
            .map(|v| (v.width, v.height));
        assert_eq!(Some(size_of(file)), expected, "{name} {:?}", file.encoding);
    }
}

#[test]
fn a_subset_of_small_variants_of_a_jpeg_needs_no_full_size_work() {
    let source = samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(1600, 1200)));
    let variants = declare(r#"[{"name": "thumbnail", "width": 200, "formats": ["jpeg", "webp"]}]"#);
    let processed = process(&source, &with(variants, 2)).unwrap();
    let made = processed.variant("thumbnail").unwrap();
    assert_eq!((made.width, made.height), (200, 150));
    assert_eq!(processed.variants.len(), 1);
}

#[test]
fn every_job_has_a_placeholder_close_to_its_colours() {
    let red = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        300,
        200,
        image::Rgb([220, 30, 30]),
    ));
    for source in [samples::jpeg(&red), samples::png(&red)] {
        let processed = process(&source, &settings()).unwrap();
        let [r, g, b] = processed.placeholder.color.0;
        assert!(
            r > 180 && g < 70 && b < 70,
            "{:?}",
            processed.placeholder.color
        );
        assert!(!processed.placeholder.thumbhash.is_empty());
    }
}
