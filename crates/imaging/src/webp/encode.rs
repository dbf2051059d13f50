//! Lossy WebP through libwebp's advanced API (`WebPConfig`/`WebPPicture`), the format's
//! reference encoder, vendored by `libwebp-sys` for decoding already. One thread, no
//! metadata chunks (libwebp writes only VP8/VP8L/ALPH unless asked), alpha kept.

// Not all of it is called by the pipeline: `encode_with_method` is for the ladder
// (bench/src/bin/ladder.rs, which compiles this file too), the per-size qualities for the
// default declaration.
#![allow(dead_code)]

use libwebp_sys as sys;

/// The quality (0 to 100, libwebp's own scale) when a variant names none. From the quality
/// ladder in docs/pipeline.md ("AVIF and WebP", `ladder` on .bench/subset): the lowest
/// quality whose mean and 10th-percentile SSIMULACRA2 match today's JPEG output of the same
/// size is 85 at 200 px (the thumbnail, 5% more bytes than mozjpeg's trellis JPEG) and 82 at
/// 800 px (the preview, 4% fewer); the default set declares those, and this one fits both.
pub(crate) const DEFAULT_QUALITY: f32 = 85.0;

/// libwebp's effort, 0 (fastest) to 6 (sharp's default is 4). Measured with the ladder:
/// at equal SSIMULACRA2, method 6 is 4–5% smaller than 4 for about three times its CPU
/// (some 0.4 s per megapixel, 0.2 s for an 800 px preview): bytes are paid per view.
pub const METHOD: i32 = 6;

/// The method for an image with transparency. libwebp compresses the alpha plane losslessly
/// at the colour's method, and at method 6 with lossless alpha it runs its slowest lossless
/// search ("cruncher") on it: the ladder's 800 px WebP of storm-alpha.png took 594 ms at
/// method 6 and 42 ms at 5, for 2.4% more bytes (docs/results-log.md, 7 December).
pub const ALPHA_METHOD: i32 = 5;

/// Why a WebP could not be made.
#[derive(Debug, thiserror::Error)]
pub enum WebpEncodeError {
    #[error("a WebP is at most 16383 pixels a side and at least 1: {width}x{height}")]
    Dimensions { width: u32, height: u32 },
    #[error("{channels} channels: only 1 (grey), 3 (RGB) or 4 (RGBA) are encoded")]
    Channels { channels: u8 },
    #[error("{len} bytes of pixels for {width}x{height} with {channels} channels")]
    Length {
        len: usize,
        width: u32,
        height: u32,
        channels: u8,
    },
    #[error("libwebp refused the configuration or picture")]
    Setup,
    #[error("libwebp could not encode the image: {0:?}")]
    Encode(sys::WebPEncodingError),
}

/// Encodes tightly packed 8-bit sRGB rows (`channels` 1, 3 or 4 with straight alpha) as a
/// lossy WebP at `quality` (0 to 100; clamped), at [`METHOD`], or [`ALPHA_METHOD`] when
/// some pixel is not opaque.
pub(crate) fn encode(
    pixels: &[u8],
    width: u32,
    height: u32,
    channels: u8,
    quality: f32,
) -> Result<Vec<u8>, WebpEncodeError> {
    let transparent = channels == 4 && pixels.chunks_exact(4).any(|pixel| pixel[3] != 255);
    let method = if transparent { ALPHA_METHOD } else { METHOD };
    encode_with_method(pixels, width, height, channels, quality, method)
}

/// [`encode`] at another libwebp method (the measurement tries several).
pub fn encode_with_method(
    pixels: &[u8],
    width: u32,
    height: u32,
    channels: u8,
    quality: f32,
    method: i32,
) -> Result<Vec<u8>, WebpEncodeError> {
    let max = sys::WEBP_MAX_DIMENSION;
    if width == 0 || height == 0 || width > max || height > max {
        return Err(WebpEncodeError::Dimensions { width, height });
    }
    if !matches!(channels, 1 | 3 | 4) {
        return Err(WebpEncodeError::Channels { channels });
    }
    let expected = width as usize * height as usize * usize::from(channels);
    if pixels.len() != expected {
        return Err(WebpEncodeError::Length {
            len: pixels.len(),
            width,
            height,
            channels,
        });
    }
    // libwebp takes no grey input: grey rows as RGB give neutral chroma (U = V = 128).
    let expanded;
    let (rgb, channels) = if channels == 1 {
        expanded = pixels.iter().flat_map(|&v| [v, v, v]).collect::<Vec<u8>>();
        (expanded.as_slice(), 3)
    } else {
        (pixels, channels)
    };

    let mut config = std::mem::MaybeUninit::<sys::WebPConfig>::uninit();
    // SAFETY: fills the struct with the preset's values, or fails without reading it.
    let mut config = unsafe {
        if sys::WebPConfigInitInternal(
            config.as_mut_ptr(),
            sys::WebPPreset::WEBP_PRESET_DEFAULT,
            quality.clamp(0.0, 100.0),
            sys::WEBP_ENCODER_ABI_VERSION as i32,
        ) == 0
        {
            return Err(WebpEncodeError::Setup);
        }
        config.assume_init()
    };
    config.method = method;
    // Alpha losslessly compressed (sharp's default too): a lossy edge shows on any backdrop.
    config.alpha_quality = 100;
    config.thread_level = 0;
    // SAFETY: only reads the struct.
    if unsafe { sys::WebPValidateConfig(&config) } == 0 {
        return Err(WebpEncodeError::Setup);
    }

    let mut picture = Picture::new()?;
    picture.0.width = width as i32;
    picture.0.height = height as i32;
    let stride = (width * u32::from(channels)) as i32;
    // SAFETY: `rgb` holds `height` rows of `stride` bytes (checked above); libwebp copies
    // them into the picture's own buffers, which `Picture` frees.
    let imported = unsafe {
        if channels == 4 {
            sys::WebPPictureImportRGBA(&mut picture.0, rgb.as_ptr(), stride)
        } else {
            sys::WebPPictureImportRGB(&mut picture.0, rgb.as_ptr(), stride)
        }
    };
    if imported == 0 {
        return Err(WebpEncodeError::Encode(picture.0.error_code));
    }

    let mut writer = Writer::new();
    picture.0.writer = Some(sys::WebPMemoryWrite);
    picture.0.custom_ptr = std::ptr::addr_of_mut!(writer.0).cast();
    // SAFETY: the writer outlives the call and is only appended to by WebPMemoryWrite.
    if unsafe { sys::WebPEncode(&config, &mut picture.0) } == 0 {
        return Err(WebpEncodeError::Encode(picture.0.error_code));
    }
    // SAFETY: libwebp wrote `size` bytes at `mem` (null only when size is 0).
    let bytes = unsafe {
        if writer.0.mem.is_null() {
            Vec::new()
        } else {
            std::slice::from_raw_parts(writer.0.mem, writer.0.size).to_vec()
        }
    };
    Ok(bytes)
}

/// A picture whose buffers are freed when dropped.
struct Picture(sys::WebPPicture);

impl Picture {
    fn new() -> Result<Self, WebpEncodeError> {
        let mut picture = std::mem::MaybeUninit::<sys::WebPPicture>::uninit();
        // SAFETY: initialises the struct (no buffers yet) or fails without reading it.
        unsafe {
            if sys::WebPPictureInitInternal(
                picture.as_mut_ptr(),
                sys::WEBP_ENCODER_ABI_VERSION as i32,
            ) == 0
            {
                return Err(WebpEncodeError::Setup);
            }
            Ok(Self(picture.assume_init()))
        }
    }
}

impl Drop for Picture {
    fn drop(&mut self) {
        // SAFETY: frees what the import allocated; safe on a picture with no buffers.
        unsafe { sys::WebPPictureFree(&mut self.0) };
    }
}

/// libwebp's growing output buffer, freed when dropped.
struct Writer(sys::WebPMemoryWriter);

impl Writer {
    fn new() -> Self {
        let mut writer = std::mem::MaybeUninit::<sys::WebPMemoryWriter>::uninit();
        // SAFETY: WebPMemoryWriterInit sets every field.
        unsafe {
            sys::WebPMemoryWriterInit(writer.as_mut_ptr());
            Self(writer.assume_init())
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // SAFETY: frees the buffer WebPMemoryWrite allocated, if any.
        unsafe { sys::WebPMemoryWriterClear(&mut self.0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, ImageDecoder};

    /// Decodes with the image-webp crate, independent of libwebp.
    fn decoded(bytes: &[u8]) -> (u32, u32, bool, Vec<u8>) {
        let mut decoder = image_webp::WebPDecoder::new(std::io::Cursor::new(bytes)).unwrap();
        let (width, height) = decoder.dimensions();
        let alpha = decoder.has_alpha();
        let mut out = vec![0; decoder.output_buffer_size().unwrap()];
        decoder.read_image(&mut out).unwrap();
        (width, height, alpha, out)
    }

    fn gradient(width: u32, height: u32, channels: u8) -> Vec<u8> {
        let mut pixels = Vec::new();
        for y in 0..height {
            for x in 0..width {
                let (r, g) = (
                    (x * 255 / width.max(2)) as u8,
                    (y * 255 / height.max(2)) as u8,
                );
                let pixel = [r, g, 90, if x < width / 2 { 255 } else { 40 }];
                match channels {
                    1 => pixels.push(r / 2 + g / 2),
                    3 => pixels.extend_from_slice(&pixel[..3]),
                    _ => pixels.extend_from_slice(&pixel),
                }
            }
        }
        pixels
    }

    fn mean_error(a: &[u8], b: &[u8]) -> f64 {
        assert_eq!(a.len(), b.len());
        a.iter()
            .zip(b)
            .map(|(&a, &b)| (f64::from(a) - f64::from(b)).abs())
            .sum::<f64>()
            / a.len() as f64
    }

    #[test]
    fn rgb_rgba_and_grey_decode_close_to_their_source_with_an_independent_decoder() {
        let (width, height) = (67, 45);
        let rgb = gradient(width, height, 3);
        let (w, h, alpha, out) = decoded(&encode(&rgb, width, height, 3, 90.0).unwrap());
        assert_eq!((w, h, alpha), (width, height, false));
        assert!(mean_error(&out, &rgb) < 4.0);

        let rgba = gradient(width, height, 4);
        let (w, h, alpha, out) = decoded(&encode(&rgba, width, height, 4, 90.0).unwrap());
        assert_eq!((w, h, alpha), (width, height, true));
        // Alpha is kept losslessly; colour close.
        let alpha_of = |p: &[u8]| p.chunks(4).map(|p| p[3]).collect::<Vec<_>>();
        assert_eq!(alpha_of(&out), alpha_of(&rgba));
        assert!(mean_error(&out, &rgba) < 4.0);

        let grey = gradient(width, height, 1);
        let (w, h, alpha, out) = decoded(&encode(&grey, width, height, 1, 90.0).unwrap());
        assert_eq!((w, h, alpha), (width, height, false));
        let spread = out
            .chunks(3)
            .map(|p| p.iter().max().unwrap() - p.iter().min().unwrap())
            .max()
            .unwrap();
        assert!(spread <= 3, "grey decoded with colour: {spread}");
        let luma: Vec<u8> = out.chunks(3).map(|p| p[1]).collect();
        assert!(mean_error(&luma, &grey) < 4.0);
    }

    #[test]
    fn transparency_takes_the_alpha_method_and_opaque_rgba_the_usual_one() {
        let (width, height) = (96, 64);
        let rgba = gradient(width, height, 4);
        let at = |pixels: &[u8], method| {
            encode_with_method(pixels, width, height, 4, 80.0, method).unwrap()
        };
        let chosen = encode(&rgba, width, height, 4, 80.0).unwrap();
        assert_eq!(chosen, at(&rgba, ALPHA_METHOD));
        assert_ne!(
            chosen,
            at(&rgba, METHOD),
            "the methods should differ on this image"
        );
        let mut opaque = rgba.clone();
        opaque.chunks_exact_mut(4).for_each(|pixel| pixel[3] = 255);
        assert_eq!(
            encode(&opaque, width, height, 4, 80.0).unwrap(),
            at(&opaque, METHOD)
        );
    }

    #[test]
    fn thin_and_tiny_images_keep_their_size() {
        for (width, height) in [(1, 1), (1, 37), (37, 1), (3, 5), (17, 2)] {
            for channels in [1, 3, 4] {
                let pixels = gradient(width, height, channels);
                let bytes = encode(&pixels, width, height, channels, 75.0).unwrap();
                let (w, h, _, _) = decoded(&bytes);
                assert_eq!((w, h), (width, height), "{channels} channels");
                // The image crate agrees (its WebP decoder is image-webp too, but through
                // the container reader a client library would use).
                let decoder =
                    image::codecs::webp::WebPDecoder::new(std::io::Cursor::new(&bytes)).unwrap();
                assert_eq!(decoder.dimensions(), (width, height));
                DynamicImage::from_decoder(decoder).unwrap();
            }
        }
    }

    #[test]
    fn higher_quality_spends_more_bytes() {
        let pixels = gradient(160, 120, 3);
        let sizes: Vec<usize> = [10.0, 40.0, 70.0, 95.0]
            .iter()
            .map(|&quality| encode(&pixels, 160, 120, 3, quality).unwrap().len())
            .collect();
        assert!(sizes.windows(2).all(|pair| pair[0] < pair[1]), "{sizes:?}");
    }

    #[test]
    fn no_metadata_chunks_are_written() {
        let bytes = encode(&gradient(40, 30, 4), 40, 30, 4, 80.0).unwrap();
        for chunk in [&b"EXIF"[..], b"XMP ", b"ICCP"] {
            assert!(!bytes.windows(4).any(|w| w == chunk), "{chunk:?}");
        }
    }

    #[test]
    fn bad_inputs_are_refused() {
        let pixels = gradient(10, 10, 3);
        assert!(matches!(
            encode(&pixels[..299], 10, 10, 3, 80.0),
            Err(WebpEncodeError::Length { len: 299, .. })
        ));
        assert!(matches!(
            encode(&[], 0, 10, 3, 80.0),
            Err(WebpEncodeError::Dimensions { .. })
        ));
        assert!(matches!(
            encode(&[], 10, 0, 3, 80.0),
            Err(WebpEncodeError::Dimensions { .. })
        ));
        assert!(matches!(
            encode(&[0; 2], 1, 1, 2, 80.0),
            Err(WebpEncodeError::Channels { channels: 2 })
        ));
        assert!(matches!(
            encode(&[0; 3 * 16384], 16384, 1, 3, 80.0),
            Err(WebpEncodeError::Dimensions { .. })
        ));
    }
}
