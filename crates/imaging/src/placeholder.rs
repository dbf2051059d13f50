//! What a client shows before the thumbnail arrives: a ThumbHash and a dominant colour,
//! both from a copy of the image at most 100 px on a side, so their cost does not grow with
//! the image.

use base64::Engine;
use ferrotype_variants::Rgb;
use image::imageops::thumbnail;
use image::{DynamicImage, RgbaImage};

/// ThumbHash's own limit on the image it encodes; more pixels add cost, not detail.
const MAX_SIDE: u32 = 100;

/// A job's placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The ThumbHash (<https://evanw.github.io/thumbhash/>) in standard base64 with padding:
    /// a blurred image with its aspect ratio and alpha, in some 25 bytes.
    pub thumbhash: String,
    /// The most common colour, weighing each pixel by its alpha.
    pub color: Rgb,
}

/// The placeholder of an upright image of any size and pixel layout.
pub(crate) fn placeholder(image: &DynamicImage) -> Placeholder {
    let small = shrink(image);
    let hash = thumbhash::rgba_to_thumb_hash(
        small.width() as usize,
        small.height() as usize,
        small.as_raw(),
    );
    Placeholder {
        thumbhash: base64::engine::general_purpose::STANDARD.encode(hash),
        color: dominant_color(&small),
    }
}

/// The image as RGBA, shrunk by area averaging to at most [`MAX_SIDE`] on a side, keeping
/// its aspect ratio (each side at least one pixel). Shrinks before converting, so a large
/// image is never copied whole.
fn shrink(image: &DynamicImage) -> RgbaImage {
    let (width, height) = (image.width().max(1), image.height().max(1));
    let longest = width.max(height);
    if longest <= MAX_SIDE {
        return image.to_rgba8();
    }
    let side = |value: u32| {
        ((u64::from(value) * u64::from(MAX_SIDE) + u64::from(longest) / 2) / u64::from(longest))
            .max(1) as u32
    };
    let (w, h) = (side(width), side(height));
    let small: DynamicImage = match image {
        DynamicImage::ImageLuma8(buffer) => thumbnail(buffer, w, h).into(),
        DynamicImage::ImageLumaA8(buffer) => thumbnail(buffer, w, h).into(),
        DynamicImage::ImageRgb8(buffer) => thumbnail(buffer, w, h).into(),
        DynamicImage::ImageRgba8(buffer) => return thumbnail(buffer, w, h),
        DynamicImage::ImageLuma16(buffer) => thumbnail(buffer, w, h).into(),
        DynamicImage::ImageLumaA16(buffer) => thumbnail(buffer, w, h).into(),
        DynamicImage::ImageRgb16(buffer) => thumbnail(buffer, w, h).into(),
        DynamicImage::ImageRgba16(buffer) => thumbnail(buffer, w, h).into(),
        // Float images (and any layout added later): converted whole first.
        other => return thumbnail(&other.to_rgba8(), w, h),
    };
    small.to_rgba8()
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
