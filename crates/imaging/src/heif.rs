//! HEIF sources (HEIC photos, AVIF) through ferrotype-heif, which wraps libheif: the boxes
//! are parsed under limits and the primary image's declared size checked before any pixel
//! is decoded; libheif assembles grid tiles and applies the `irot`/`imir`/`clap`
//! transforms, so the decode is upright and the EXIF orientation, which HEIF readers must
//! ignore when the file has them (and phones write both), is never applied a second time.
//! Colour given as nclx code points (Display P3, BT.2020) becomes an ICC profile for the
//! same conversion to sRGB every other source gets.

use image::metadata::Orientation;
use image::{DynamicImage, RgbImage, RgbaImage};
use moxcms::{
    CicpColorPrimaries, CicpProfile, ColorProfile, MatrixCoefficients, TransferCharacteristics,
};

use super::decode::{check_bounds, to_8bit, Decoded};
use super::error::PipelineError;
use super::memory;
use super::settings::PipelineSettings;
use ferrotype_heif::{Colour, Container, HeifError, Limits};

fn limits(settings: &PipelineSettings) -> Limits {
    Limits {
        max_pixels: settings.max_pixels,
        max_color_profile_bytes: memory::MAX_ICC_BYTES as u32,
        ..Limits::default()
    }
}

/// Parses the boxes, checks the primary image's declared size, then decodes it, upright,
/// with its colour as an ICC profile.
pub(super) fn decode(bytes: &[u8], settings: &PipelineSettings) -> Result<Decoded, PipelineError> {
    let container = Container::read(bytes, &limits(settings)).map_err(classify)?;
    let primary = container.primary().map_err(classify)?;
    check_bounds(primary.width(), primary.height(), settings)?;
    let decoded = primary.decode().map_err(classify)?;
    let (width, height) = (decoded.width, decoded.height);
    // `clap` may crop, so the decoded size is checked too.
    check_bounds(width, height, settings)?;
    let image = if decoded.has_alpha {
        RgbaImage::from_raw(width, height, decoded.pixels).map(DynamicImage::ImageRgba8)
    } else {
        RgbImage::from_raw(width, height, decoded.pixels).map(DynamicImage::ImageRgb8)
    }
    .ok_or_else(|| PipelineError::corrupt("the HEIF decoder returned too few samples"))?;
    let icc = match decoded.colour {
        Colour::Icc(icc) => Some(icc),
        Colour::Nclx {
            primaries,
            transfer,
            matrix,
            full_range,
        } => nclx_profile(primaries, transfer, matrix, full_range),
        Colour::Unspecified => None,
    };
    Ok(Decoded {
        image: to_8bit(image),
        orientation: Orientation::NoTransforms,
        icc,
    })
}

/// An ICC profile for the RGB that nclx code points describe, when it is not sRGB (BT.709
/// primaries) and moxcms knows the primaries and the transfer curve. PQ and HLG (HDR) images
/// are left as decoded.
fn nclx_profile(primaries: u16, transfer: u16, matrix: u16, full_range: bool) -> Option<Vec<u8>> {
    const BT709: u16 = 1;
    const UNSPECIFIED: u16 = 2;
    const PQ: u16 = 16;
    const HLG: u16 = 18;
    // HDR needs tone mapping, not a colorimetric conversion, which would clip it.
    if matches!(primaries, BT709 | UNSPECIFIED) || matches!(transfer, PQ | HLG) {
        return None;
    }
    let cicp = CicpProfile {
        color_primaries: CicpColorPrimaries::try_from(u8::try_from(primaries).ok()?).ok()?,
        transfer_characteristics: match TransferCharacteristics::try_from(
            u8::try_from(transfer).ok()?,
        ) {
            // Unspecified transfer: the sRGB curve, as browsers assume.
            Ok(TransferCharacteristics::Unspecified) | Err(_) if transfer == UNSPECIFIED => {
                TransferCharacteristics::Srgb
            }
            Ok(transfer) => transfer,
            Err(_) => return None,
        },
        matrix_coefficients: MatrixCoefficients::try_from(u8::try_from(matrix).ok()?)
            .unwrap_or(MatrixCoefficients::Bt709),
        full_range,
    };
    let profile = ColorProfile::new_from_cicp(cicp);
    profile.red_trc.as_ref()?;
    profile.encode().ok()
}

fn classify(err: HeifError) -> PipelineError {
    match err {
        HeifError::LimitExceeded(_) => PipelineError::LimitExceeded(Box::new(err)),
        HeifError::OutOfMemory(_) => PipelineError::OverMemoryLimit(Box::new(err)),
        HeifError::Unsupported(_) => PipelineError::UnsupportedFeature(Box::new(err)),
        HeifError::Invalid(_) => PipelineError::Corrupt(Box::new(err)),
    }
}

#[cfg(test)]
mod tests;
