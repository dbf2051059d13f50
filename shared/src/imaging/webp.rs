//! Still WebP images through libwebp, the format's reference decoder (`libwebp-sys`, built
//! from its vendored sources with SIMD): on a 16.8 MP lossy photo it decodes about three
//! times as fast as the image crate's decoder, and with two threads it runs the loop
//! filter on the second. Animated WebP is left to the image crate, which yields the first
//! frame; so are the orientation and the ICC profile, read from the file's chunks.

use image::{DynamicImage, RgbImage, RgbaImage};
use libwebp_sys as sys;

/// What the bitstream declares, read without decoding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Features {
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
    pub animated: bool,
}

/// libwebp's refusal, with its status code.
#[derive(Debug, thiserror::Error)]
#[error("libwebp could not decode the image: {status:?}")]
pub(super) struct WebpError {
    status: sys::VP8StatusCode,
}

impl WebpError {
    /// The file uses something libwebp does not decode (rather than being malformed).
    pub fn is_unsupported(&self) -> bool {
        self.status == sys::VP8StatusCode::VP8_STATUS_UNSUPPORTED_FEATURE
    }
}

fn check(status: sys::VP8StatusCode) -> Result<(), WebpError> {
    match status {
        sys::VP8StatusCode::VP8_STATUS_OK => Ok(()),
        status => Err(WebpError { status }),
    }
}

/// The dimensions, alpha and animation flags from the header chunks.
pub(super) fn features(bytes: &[u8]) -> Result<Features, WebpError> {
    let mut features = std::mem::MaybeUninit::<sys::WebPBitstreamFeatures>::zeroed();
    // SAFETY: libwebp reads at most `bytes.len()` bytes and fills the struct it is given;
    // an all-zero struct is a valid value of it.
    let (status, features) = unsafe {
        let status = sys::WebPGetFeaturesInternal(
            bytes.as_ptr(),
            bytes.len(),
            features.as_mut_ptr(),
            sys::WEBP_DECODER_ABI_VERSION as i32,
        );
        (status, features.assume_init())
    };
    check(status)?;
    let dimension = |value: i32| u32::try_from(value).unwrap_or(0);
    Ok(Features {
        width: dimension(features.width),
        height: dimension(features.height),
        alpha: features.has_alpha != 0,
        animated: features.has_animation != 0,
    })
}

/// Decodes a still image to RGB, or RGBA when its header declares alpha, into one buffer
/// of exactly the declared size (the caller has checked the size against its limits).
pub(super) fn decode(
    bytes: &[u8],
    features: &Features,
    threads: bool,
) -> Result<DynamicImage, WebpError> {
    let channels = if features.alpha { 4 } else { 3 };
    let stride = features.width as usize * channels;
    let mut pixels = vec![0u8; stride * features.height as usize];

    let mut config = sys::WebPDecoderConfig::new().map_err(|()| WebpError {
        status: sys::VP8StatusCode::VP8_STATUS_INVALID_PARAM,
    })?;
    config.options.use_threads = i32::from(threads);
    config.output.colorspace = if features.alpha {
        sys::WEBP_CSP_MODE::MODE_RGBA
    } else {
        sys::WEBP_CSP_MODE::MODE_RGB
    };
    config.output.is_external_memory = 1;
    config.output.u.RGBA = sys::WebPRGBABuffer {
        rgba: pixels.as_mut_ptr(),
        stride: i32::try_from(stride).map_err(|_| WebpError {
            status: sys::VP8StatusCode::VP8_STATUS_INVALID_PARAM,
        })?,
        size: pixels.len(),
    };
    // SAFETY: libwebp reads at most `bytes.len()` bytes, and writes only into the external
    // buffer, after checking that `size` holds the image it finds at `stride` (it refuses
    // a bitstream larger than the buffer); nothing of the config outlives this call.
    let status = unsafe { sys::WebPDecode(bytes.as_ptr(), bytes.len(), &mut config) };
    check(status)?;
    // The header the decode read is the one `features` came from: same size.
    if (config.output.width, config.output.height)
        != (features.width as i32, features.height as i32)
    {
        return Err(WebpError {
            status: sys::VP8StatusCode::VP8_STATUS_BITSTREAM_ERROR,
        });
    }
    let image = if features.alpha {
        RgbaImage::from_raw(features.width, features.height, pixels).map(DynamicImage::from)
    } else {
        RgbImage::from_raw(features.width, features.height, pixels).map(DynamicImage::from)
    };
    image.ok_or(WebpError {
        status: sys::VP8StatusCode::VP8_STATUS_BITSTREAM_ERROR,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imaging::samples;

    #[test]
    fn features_are_read_from_the_header() {
        let image = DynamicImage::ImageRgb8(samples::two_halves(120, 80));
        let lossy = samples::lossy_webp(&image);
        assert_eq!(
            features(&lossy).unwrap(),
            Features {
                width: 120,
                height: 80,
                alpha: false,
                animated: false,
            }
        );
        let rgba = DynamicImage::ImageRgba8(samples::half_transparent(64, 48));
        assert!(features(&samples::lossy_webp(&rgba)).unwrap().alpha);
        let frame = samples::two_halves(32, 16);
        let animated = features(&samples::animated_webp(&[frame.clone(), frame])).unwrap();
        assert!(animated.animated && (animated.width, animated.height) == (32, 16));
    }

    #[test]
    fn a_lossy_image_decodes_close_to_its_source_on_one_or_two_threads() {
        let source = samples::two_halves(300, 200);
        let lossy = samples::lossy_webp(&DynamicImage::ImageRgb8(source.clone()));
        let features = features(&lossy).unwrap();
        let one = decode(&lossy, &features, false).unwrap().into_rgb8();
        let two = decode(&lossy, &features, true).unwrap().into_rgb8();
        assert_eq!(one, two);
        let error: f64 = one
            .as_raw()
            .iter()
            .zip(source.as_raw())
            .map(|(&a, &b)| (f64::from(a) - f64::from(b)).abs())
            .sum::<f64>()
            / source.as_raw().len() as f64;
        assert!(error < 6.0, "mean absolute error {error}");
    }

    #[test]
    fn broken_and_foreign_bytes_are_refused() {
        let lossy = samples::lossy_webp(&DynamicImage::ImageRgb8(samples::two_halves(300, 200)));
        assert!(features(b"RIFF\0\0\0\0WEBPVP8 ").is_err());
        assert!(features(&samples::png(&DynamicImage::ImageRgb8(
            samples::two_halves(8, 8)
        )))
        .is_err());
        let truncated = &lossy[..lossy.len() / 2];
        let declared = features(truncated).unwrap();
        assert!(decode(truncated, &declared, false).is_err());
    }
}
