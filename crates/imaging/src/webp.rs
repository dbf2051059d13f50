//! Still WebP images through libwebp, the format's reference decoder (`libwebp-sys`, built
//! from its vendored sources with SIMD): on a 16.8 MP lossy photo it decodes more than
//! twice as fast as the image crate's decoder, and with two threads it runs the loop
//! filter on the second. Animated WebP is left to the image crate, which yields the first
//! frame; so are the orientation and the ICC profile, read from the file's chunks.
//! Encoding (lossy, for the WebP outputs) is in `webp/encode.rs`.

use image::{DynamicImage, RgbImage, RgbaImage};
use libwebp_sys as sys;

use super::memory;

pub(crate) mod encode;
pub(crate) use encode::{encode, DEFAULT_QUALITY};

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
    decode_in_bands(bytes, features, threads, usize::MAX, |_| {})
}

/// Decodes like [`decode`], handing the rows to `band` as they are finished, in order, in
/// runs of about `band_rows`: libwebp's incremental decoder is given the file a slice at a
/// time (one slice when `band_rows` covers the image) and reports how many rows are final.
pub(super) fn decode_in_bands(
    bytes: &[u8],
    features: &Features,
    threads: bool,
    band_rows: usize,
    mut band: impl FnMut(&mut [u8]),
) -> Result<DynamicImage, WebpError> {
    let error = |status| WebpError { status };
    let (width, height) = (features.width as usize, features.height as usize);
    let channels = if features.alpha { 4 } else { 3 };
    let stride = width * channels;
    // Reserved first, so that a failed allocation is an error, not an abort.
    let mut pixels = memory::reserved(stride * height)
        .map_err(|_| error(sys::VP8StatusCode::VP8_STATUS_OUT_OF_MEMORY))?;
    pixels.resize(stride * height, 0u8);

    let mut config = sys::WebPDecoderConfig::new()
        .map_err(|()| error(sys::VP8StatusCode::VP8_STATUS_INVALID_PARAM))?;
    config.options.use_threads = i32::from(threads);
    config.output.colorspace = if features.alpha {
        sys::WEBP_CSP_MODE::MODE_RGBA
    } else {
        sys::WEBP_CSP_MODE::MODE_RGB
    };
    config.output.is_external_memory = 1;
    config.output.u.RGBA = sys::WebPRGBABuffer {
        rgba: pixels.as_mut_ptr(),
        stride: i32::try_from(stride)
            .map_err(|_| error(sys::VP8StatusCode::VP8_STATUS_INVALID_PARAM))?,
        size: pixels.len(),
    };
    let rows = pixels.as_mut_ptr();
    // SAFETY: the decoder keeps pointers to `config`'s options and output, which stay in
    // place and outlive it (it is declared after them, so dropped first).
    let decoder = Incremental(unsafe { sys::WebPIDecode(std::ptr::null(), 0, &mut config) });
    if decoder.0.is_null() {
        return Err(error(sys::VP8StatusCode::VP8_STATUS_OUT_OF_MEMORY));
    }
    let slices = height.div_ceil(band_rows.max(1)).max(1);
    let step = bytes.len().div_ceil(slices).max(1);
    let (mut fed, mut handed) = (0, 0);
    loop {
        fed = (fed + step).min(bytes.len());
        // SAFETY: the first `fed` bytes are valid and stay so (the whole file is); libwebp
        // writes only into the external buffer, after checking that `size` holds the image
        // it finds at `stride`, and with threads it joins its worker before returning.
        let status = unsafe { sys::WebPIUpdate(decoder.0, bytes.as_ptr(), fed) };
        let (mut last_y, mut decoded_width, mut decoded_height) = (0, 0, 0);
        // SAFETY: reads the decoder's progress into the three integers.
        let output = unsafe {
            sys::WebPIDecGetRGB(
                decoder.0,
                &mut last_y,
                &mut decoded_width,
                &mut decoded_height,
                std::ptr::null_mut(),
            )
        };
        let finished = usize::try_from(last_y).unwrap_or(0).min(height);
        let size = (decoded_width as usize, decoded_height as usize);
        if !output.is_null() && finished > 0 && size != (width, height) {
            // Not the size the header declared (and the buffer was made for).
            return Err(error(sys::VP8StatusCode::VP8_STATUS_BITSTREAM_ERROR));
        }
        if finished > handed {
            // SAFETY: rows below `finished` are final: libwebp writes only later rows from
            // now on, and no other reference into the buffer lives while this one does.
            let band_bytes = unsafe {
                std::slice::from_raw_parts_mut(
                    rows.add(handed * stride),
                    (finished - handed) * stride,
                )
            };
            band(band_bytes);
            handed = finished;
        }
        match status {
            sys::VP8StatusCode::VP8_STATUS_OK => break,
            sys::VP8StatusCode::VP8_STATUS_SUSPENDED if fed < bytes.len() => {}
            sys::VP8StatusCode::VP8_STATUS_SUSPENDED => {
                return Err(error(sys::VP8StatusCode::VP8_STATUS_NOT_ENOUGH_DATA))
            }
            status => return Err(error(status)),
        }
    }
    drop(decoder);
    if handed != height {
        return Err(error(sys::VP8StatusCode::VP8_STATUS_BITSTREAM_ERROR));
    }
    let image = if features.alpha {
        RgbaImage::from_raw(features.width, features.height, pixels).map(DynamicImage::from)
    } else {
        RgbImage::from_raw(features.width, features.height, pixels).map(DynamicImage::from)
    };
    image.ok_or(error(sys::VP8StatusCode::VP8_STATUS_BITSTREAM_ERROR))
}

/// libwebp's incremental decoder, deleted when dropped.
struct Incremental(*mut sys::WebPIDecoder);

impl Drop for Incremental {
    fn drop(&mut self) {
        // SAFETY: the decoder came from `WebPIDecode` and is deleted once; null is allowed.
        unsafe { sys::WebPIDelete(self.0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrotype_samples as samples;

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
    fn bands_come_in_order_and_make_up_the_whole_image() {
        let source = DynamicImage::ImageRgb8(samples::two_halves(320, 1000));
        let lossless = samples::encode(&source, image::ImageFormat::WebP);
        for bytes in [samples::lossy_webp(&source), lossless] {
            let features = features(&bytes).unwrap();
            let whole = decode(&bytes, &features, false).unwrap();
            for threads in [false, true] {
                let mut bands = Vec::new();
                let banded = decode_in_bands(&bytes, &features, threads, 64, |rows| {
                    bands.push(rows.to_vec())
                })
                .unwrap();
                assert!(bands.len() > 4, "{} bands", bands.len());
                assert_eq!(bands.concat(), whole.as_bytes());
                assert_eq!(banded, whole);
            }
        }
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
