//! ICC-tagged sources are converted to sRGB, the colour space every output is (untagged)
//! meant in. moxcms does the transform; a profile it cannot read leaves the pixels as they are.

use image::DynamicImage;
use std::sync::Arc;

use moxcms::{ColorProfile, DataColorSpace, Layout, Transform8BitExecutor, TransformOptions};

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
    let Some(conversion) = Conversion::new(icc, layout) else {
        return false;
    };
    let chunk = width as usize * channels * ROWS_PER_CHUNK;
    let mut scratch = Vec::new();
    samples
        .chunks_mut(chunk)
        .all(|rows| conversion.convert(rows, &mut scratch))
}

/// A conversion to sRGB of rows of 8-bit pixels in `layout`, from the colour space an ICC
/// profile describes, for images converted a band at a time.
pub(super) struct Conversion(Arc<Transform8BitExecutor>);

impl Conversion {
    /// `None` when converting would change nothing (an sRGB or non-RGB profile) or the
    /// profile cannot be read.
    pub(super) fn new(icc: &[u8], layout: Layout) -> Option<Self> {
        let source = convertible(icc)?;
        let srgb = ColorProfile::new_srgb();
        source
            .create_transform_8bit(layout, &srgb, layout, TransformOptions::default())
            .ok()
            .map(Self)
    }

    /// [`Conversion::new`] for interleaved RGB.
    pub(super) fn for_rgb(icc: &[u8]) -> Option<Self> {
        Self::new(icc, Layout::Rgb)
    }

    /// Converts whole rows in place, through `converted` (resized to fit, and left holding
    /// the converted rows too); false if the transform refused the rows, which are then
    /// left as they were.
    pub(super) fn convert(&self, rows: &mut [u8], converted: &mut Vec<u8>) -> bool {
        converted.resize(rows.len(), 0);
        if self.0.transform(rows, converted).is_err() {
            return false;
        }
        rows.copy_from_slice(converted);
        true
    }
}

/// Whether [`to_srgb`] would change pixels described by this profile.
pub(super) fn needs_conversion(icc: &[u8]) -> bool {
    convertible(icc).is_some()
}

/// The profile, if it is readable, RGB, and not sRGB.
fn convertible(icc: &[u8]) -> Option<ColorProfile> {
    ColorProfile::new_from_slice(icc)
        .ok()
        .filter(|p| p.color_space == DataColorSpace::Rgb && !is_srgb(p))
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
