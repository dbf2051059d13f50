//! ICC-tagged sources are converted to sRGB, the colour space every output is (untagged)
//! meant in. moxcms does the transform; a profile it cannot read leaves the pixels as they are.

use image::DynamicImage;
use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

/// Rows transformed at a time, so no second full-size buffer is needed.
const ROWS_PER_CHUNK: usize = 64;

/// Converts an 8-bit RGB(A) image from the colour space its ICC profile describes to sRGB.
/// Grey images, sRGB profiles, and profiles that cannot be read are left alone. Returns
/// whether the pixels were converted.
pub(super) fn to_srgb(icc: &[u8], image: &mut DynamicImage) -> bool {
    let (layout, channels, width, samples) = match image {
        DynamicImage::ImageRgb8(buffer) => (Layout::Rgb, 3, buffer.width(), &mut **buffer),
        DynamicImage::ImageRgba8(buffer) => (Layout::Rgba, 4, buffer.width(), &mut **buffer),
        _ => return false,
    };
    let Ok(source) = ColorProfile::new_from_slice(icc) else {
        return false;
    };
    if source.color_space != DataColorSpace::Rgb || is_srgb(&source) {
        return false;
    }
    let srgb = ColorProfile::new_srgb();
    let Ok(transform) =
        source.create_transform_8bit(layout, &srgb, layout, TransformOptions::default())
    else {
        return false;
    };
    let chunk = width as usize * channels * ROWS_PER_CHUNK;
    let mut converted = vec![0u8; chunk.min(samples.len())];
    for rows in samples.chunks_mut(chunk) {
        let out = &mut converted[..rows.len()];
        if transform.transform(rows, out).is_err() {
            return false;
        }
        rows.copy_from_slice(out);
    }
    true
}

/// Whether [`to_srgb`] would change pixels described by this profile.
pub(super) fn needs_conversion(icc: &[u8]) -> bool {
    ColorProfile::new_from_slice(icc)
        .is_ok_and(|p| p.color_space == DataColorSpace::Rgb && !is_srgb(&p))
}

/// A matrix/TRC profile with sRGB's primaries: converting would change nothing visible.
fn is_srgb(profile: &ColorProfile) -> bool {
    let srgb = ColorProfile::new_srgb();
    let close = |a: &moxcms::Xyzd, b: &moxcms::Xyzd| {
        (a.x - b.x).abs() < 0.002 && (a.y - b.y).abs() < 0.002 && (a.z - b.z).abs() < 0.002
    };
    profile.red_trc.is_some()
        && close(&profile.red_colorant, &srgb.red_colorant)
        && close(&profile.green_colorant, &srgb.green_colorant)
        && close(&profile.blue_colorant, &srgb.blue_colorant)
}
