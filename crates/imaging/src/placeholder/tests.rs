use base64::Engine;
use image::{DynamicImage, GrayImage, ImageBuffer, Luma, Rgb as Pixel, RgbImage, Rgba, RgbaImage};

use super::*;

/// The hash's bytes, decoded by the crate's own decoder: (width, height, RGBA).
fn decoded(placeholder: &Placeholder) -> (usize, usize, Vec<u8>) {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&placeholder.thumbhash)
        .expect("standard base64");
    thumbhash::thumb_hash_to_rgba(&bytes).expect("a ThumbHash")
}

fn mean_rgb(rgba: &[u8]) -> [f64; 3] {
    let count = (rgba.len() / 4) as f64;
    let mut sums = [0.0; 3];
    for pixel in rgba.chunks_exact(4) {
        for channel in 0..3 {
            sums[channel] += f64::from(pixel[channel]);
        }
    }
    sums.map(|sum| sum / count)
}

/// Red on the left 70%, blue on the right.
fn red_and_blue(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| {
        if x * 10 < width * 7 {
            Pixel([220, 20, 30])
        } else {
            Pixel([20, 40, 200])
        }
    })
}

#[test]
fn a_solid_colour_is_its_own_dominant_colour_and_the_hash_is_that_colour() {
    let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(640, 480, Pixel([18, 120, 201])));
    let placeholder = placeholder(&image);
    assert_eq!(placeholder.color, Rgb([18, 120, 201]));
    assert_eq!(placeholder.color.to_string(), "#1278c9");
    let (width, height, rgba) = decoded(&placeholder);
    assert!(width > height, "{width}×{height}: the aspect ratio is kept");
    let mean = mean_rgb(&rgba);
    for (got, want) in mean.iter().zip([18.0, 120.0, 201.0]) {
        assert!((got - want).abs() < 6.0, "{mean:?}");
    }
    assert!(rgba.chunks_exact(4).all(|pixel| pixel[3] == 255));
}

#[test]
fn the_colour_covering_most_of_the_image_is_dominant() {
    let image = DynamicImage::ImageRgb8(red_and_blue(1000, 400));
    assert_eq!(placeholder(&image).color, Rgb([220, 20, 30]));
    // And at a size that is not shrunk.
    let image = DynamicImage::ImageRgb8(red_and_blue(50, 20));
    assert_eq!(placeholder(&image).color, Rgb([220, 20, 30]));
}

#[test]
fn the_dominant_colour_is_the_mean_of_its_bucket_and_ties_go_to_the_lowest_bucket() {
    // Two shades in one bucket (both 0x1_ in every channel), one pixel of each.
    let image = RgbaImage::from_fn(2, 1, |x, _| Rgba([0x10 + x as u8 * 4, 0x12, 0x14, 255]));
    assert_eq!(dominant_color(&image), Rgb([0x12, 0x12, 0x14]));
    // Half black, half white: the lower bucket wins the tie.
    let image = RgbaImage::from_fn(2, 2, |x, _| {
        let value = if x == 0 { 255 } else { 0 };
        Rgba([value, value, value, 255])
    });
    assert_eq!(dominant_color(&image), Rgb([0, 0, 0]));
}

#[test]
fn transparent_pixels_weigh_nothing_and_an_all_transparent_image_gives_its_plain_mean() {
    // 80% transparent green, 20% opaque orange: orange is dominant.
    let image = RgbaImage::from_fn(100, 10, |x, _| {
        if x < 80 {
            Rgba([0, 255, 0, 0])
        } else {
            Rgba([255, 140, 0, 255])
        }
    });
    assert_eq!(dominant_color(&image), Rgb([255, 140, 0]));
    let clear = RgbaImage::from_fn(4, 1, |x, _| Rgba([x as u8 * 60, 0, 0, 0]));
    assert_eq!(dominant_color(&clear), Rgb([90, 0, 0]));
}

#[test]
fn an_image_with_alpha_gives_a_hash_that_decodes_with_transparent_pixels() {
    // An opaque disc on a transparent background.
    let image = RgbaImage::from_fn(300, 300, |x, y| {
        let (dx, dy) = (x as i32 - 150, y as i32 - 150);
        if dx * dx + dy * dy < 80 * 80 {
            Rgba([240, 200, 10, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let placeholder = placeholder(&DynamicImage::ImageRgba8(image));
    assert_eq!(placeholder.color, Rgb([240, 200, 10]));
    let (width, height, rgba) = decoded(&placeholder);
    let corner = &rgba[..4];
    let centre = &rgba[((height / 2) * width + width / 2) * 4..][..4];
    assert!(corner[3] < 64, "corner {corner:?}");
    assert!(centre[3] > 192, "centre {centre:?}");
}

#[test]
fn the_hashs_average_colour_is_close_to_the_images() {
    let image = RgbImage::from_fn(800, 600, |x, y| {
        Pixel([(x * 255 / 799) as u8, (y * 255 / 599) as u8, 128])
    });
    let want = mean_rgb(&DynamicImage::ImageRgb8(image.clone()).to_rgba8());
    let placeholder = placeholder(&DynamicImage::ImageRgb8(image));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&placeholder.thumbhash)
        .unwrap();
    let (r, g, b, a) = thumbhash::thumb_hash_to_average_rgba(&bytes).unwrap();
    let got = [r, g, b].map(|channel| f64::from(channel) * 255.0);
    for (got, want) in got.iter().zip(want) {
        assert!((got - want).abs() < 8.0, "{got} against {want}");
    }
    assert_eq!(a, 1.0);
    let (_, _, rgba) = decoded(&placeholder);
    let mean = mean_rgb(&rgba);
    for (got, want) in mean.iter().zip(want) {
        assert!((got - want).abs() < 12.0, "decoded {mean:?} against {want}");
    }
}

#[test]
fn tiny_and_thin_images_and_every_layout_work() {
    let images = [
        DynamicImage::ImageRgb8(RgbImage::from_pixel(1, 1, Pixel([9, 8, 7]))),
        DynamicImage::ImageRgb8(RgbImage::from_pixel(1, 300, Pixel([9, 8, 7]))),
        DynamicImage::ImageRgb8(RgbImage::from_pixel(5000, 1, Pixel([9, 8, 7]))),
        DynamicImage::ImageLuma8(GrayImage::from_pixel(640, 3, Luma([200]))),
        DynamicImage::ImageLumaA8(ImageBuffer::from_pixel(130, 130, image::LumaA([200, 255]))),
        DynamicImage::ImageRgba8(RgbaImage::from_pixel(101, 1, Rgba([9, 8, 7, 255]))),
        DynamicImage::ImageRgb16(ImageBuffer::from_pixel(
            300,
            200,
            Pixel([2313u16, 2056, 1799]),
        )),
        DynamicImage::ImageRgba32F(ImageBuffer::from_pixel(
            150,
            120,
            Rgba([1.0f32, 1.0, 1.0, 1.0]),
        )),
    ];
    for image in &images {
        let placeholder = placeholder(image);
        let (width, height, _) = decoded(&placeholder);
        assert!(width >= 1 && height >= 1);
        let (w, h) = (image.width(), image.height());
        // The decoded hash keeps the orientation of the aspect ratio.
        assert!(
            (w > h) == (width > height) || w == h,
            "{w}×{h} → {width}×{height}"
        );
        let expected = match image.color() {
            image::ColorType::L8 | image::ColorType::La8 => Rgb([200, 200, 200]),
            image::ColorType::Rgba32F => Rgb([255, 255, 255]),
            _ => Rgb([9, 8, 7]),
        };
        assert_eq!(placeholder.color, expected, "{:?} {w}×{h}", image.color());
    }
}

#[test]
fn shrinking_keeps_the_aspect_ratio_within_100_pixels_a_side() {
    for ((width, height), want) in [
        ((4000, 3000), (100, 75)),
        ((3000, 4000), (75, 100)),
        ((1, 300), (1, 100)),
        ((5000, 1), (100, 1)),
        ((100, 100), (100, 100)),
        ((101, 50), (100, 50)),
        ((7, 3), (7, 3)),
    ] {
        let image = DynamicImage::ImageLuma8(GrayImage::new(width, height));
        assert_eq!(
            shrink(&image, COLOR_SIDE).dimensions(),
            want,
            "{width}×{height}"
        );
    }
}

/// Something like a photo: smooth changes in two directions and hard edges.
fn busy(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let r = ((fx * 17.0).sin() * 60.0 + 120.0 + (fy * 5.0).cos() * 50.0) as u8;
        let g = ((fx * fy * 30.0).sin() * 100.0 + 128.0) as u8;
        let b = if (x * 4 / width + y * 4 / height).is_multiple_of(2) {
            200
        } else {
            40
        };
        Pixel([r, g, b])
    })
}

#[test]
fn the_hash_from_the_small_copy_decodes_as_the_hash_from_100_pixels_would() {
    for (width, height) in [(640, 480), (480, 640), (1000, 120)] {
        let image = DynamicImage::ImageRgb8(busy(width, height));
        let from = |side| {
            let copy = shrink(&image, side);
            let hash = thumbhash::rgba_to_thumb_hash(
                copy.width() as usize,
                copy.height() as usize,
                copy.as_raw(),
            );
            thumbhash::thumb_hash_to_rgba(&hash).unwrap()
        };
        let (reference, ours) = (from(COLOR_SIDE), from(HASH_SIDE));
        assert_eq!((ours.0, ours.1), (reference.0, reference.1));
        let differences: Vec<u32> = ours
            .2
            .iter()
            .zip(&reference.2)
            .map(|(a, b)| u32::from(a.abs_diff(*b)))
            .collect();
        let mean = f64::from(differences.iter().sum::<u32>()) / differences.len() as f64;
        assert!(mean <= 2.0, "{width}×{height}: mean difference {mean}");
        assert!(differences.iter().all(|&d| d <= 12), "{width}×{height}");
        // And a copy far too small would not do: the test can fail.
        let coarse = from(3);
        let coarse_mean = coarse
            .2
            .iter()
            .zip(&reference.2)
            .map(|(a, b)| f64::from(a.abs_diff(*b)))
            .sum::<f64>()
            / coarse.2.len() as f64;
        assert!(
            coarse_mean > mean,
            "{width}×{height}: {coarse_mean} against {mean}"
        );
    }
}
