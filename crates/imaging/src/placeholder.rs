//! What a client shows before the thumbnail arrives: a ThumbHash and a dominant colour,
//! both from copies of the image at most 100 px on a side, so their cost hardly grows with
//! the image.

use base64::Engine;
use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use ferrotype_variants::Rgb;
use image::imageops::thumbnail;
use image::{DynamicImage, RgbaImage};

/// The copy the dominant colour is counted on: ThumbHash's own limit on its input.
const COLOR_SIDE: u32 = 100;

/// The copy the ThumbHash is made from. The hash keeps at most 7 cosines a side, so 48 px
/// give the bytes 100 px give, or a neighbour a quantisation step away (decoded, a mean
/// difference under 2 levels in 255), at a fifth of the cost (some 0.3 ms against 1.7 ms).
const HASH_SIDE: u32 = 48;

/// A job's placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The ThumbHash (<https://evanw.github.io/thumbhash/>) in standard base64 with padding:
    /// a blurred image with its aspect ratio and alpha, in some 25 bytes.
    pub thumbhash: String,
    /// The most common colour, weighing each pixel by its alpha.
    pub color: Rgb,
}

/// The placeholder of an upright image of any size and pixel layout. Under a millisecond
/// for a 200×150 thumbnail, some 10 ms for a 12 MP image (release, x86-64, one core).
pub(crate) fn placeholder(image: &DynamicImage) -> Placeholder {
    let small = shrink(image, COLOR_SIDE);
    let tiny = shrink(&DynamicImage::ImageRgba8(small.clone()), HASH_SIDE);
    let hash =
        thumbhash::rgba_to_thumb_hash(tiny.width() as usize, tiny.height() as usize, tiny.as_raw());
    Placeholder {
        thumbhash: base64::engine::general_purpose::STANDARD.encode(hash),
        color: dominant_color(&small),
    }
}

/// The image as RGBA, shrunk by area averaging (a box filter over each output pixel's
/// footprint, alpha premultiplied) to at most `max_side` on a side, keeping its aspect ratio
/// (each side at least one pixel). Shrinks before converting, so a large image is never
/// copied whole.
fn shrink(image: &DynamicImage, max_side: u32) -> RgbaImage {
    let (width, height) = (image.width(), image.height());
    let longest = width.max(height);
    if longest <= max_side || width == 0 || height == 0 {
        return image.to_rgba8();
    }
    let side = |value: u32| {
        ((u64::from(value) * u64::from(max_side) + u64::from(longest) / 2) / u64::from(longest))
            .max(1) as u32
    };
    let (w, h) = (side(width), side(height));
    let mut small = DynamicImage::new(w, h, image.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Box));
    match Resizer::new().resize(image, &mut small, &options) {
        Ok(()) => small.to_rgba8(),
        // A layout the resizer does not take: the image crate's slower area average.
        Err(_) => thumbnail(&image.to_rgba8(), w, h),
    }
}

/// The mean colour of the heaviest of 4096 buckets (4 bits a channel), each pixel weighing
/// its alpha; ties go to the lowest bucket. A fully transparent image gives its plain mean.
fn dominant_color(image: &RgbaImage) -> Rgb {
    #[derive(Clone, Copy, Default)]
    struct Bucket {
        weight: u64,
        sums: [u64; 3],
    }
    let mut buckets = vec![Bucket::default(); 4096];
    let mut plain = Bucket::default();
    for pixel in image.pixels() {
        let [r, g, b, a] = pixel.0;
        let index = usize::from(r >> 4) << 8 | usize::from(g >> 4) << 4 | usize::from(b >> 4);
        let bucket = &mut buckets[index];
        let alpha = u64::from(a);
        bucket.weight += alpha;
        plain.weight += 1;
        for (channel, value) in [r, g, b].into_iter().enumerate() {
            bucket.sums[channel] += alpha * u64::from(value);
            plain.sums[channel] += u64::from(value);
        }
    }
    let heaviest = buckets
        .iter()
        .copied()
        .reduce(|best, bucket| {
            if bucket.weight > best.weight {
                bucket
            } else {
                best
            }
        })
        .filter(|bucket| bucket.weight > 0)
        .unwrap_or(plain);
    let mean = |sum: u64| {
        let weight = heaviest.weight.max(1);
        ((sum + weight / 2) / weight).min(255) as u8
    };
    Rgb(heaviest.sums.map(mean))
}

#[cfg(test)]
mod tests;
