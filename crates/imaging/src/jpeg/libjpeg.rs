//! JPEG through libjpeg-turbo/mozjpeg (the `mozjpeg` crate): SIMD decoding, optionally
//! DCT-scaled, and encoding with optimized Huffman tables.
//!
//! libjpeg reports a fatal error by unwinding out of the C code (the crate installs an error
//! manager that calls `resume_unwind`, which bypasses the panic hook), so every call into it
//! runs under [`guarded`], which turns that unwind into an error.

use std::panic::{catch_unwind, AssertUnwindSafe};

use image::metadata::Orientation;
use mozjpeg::{qtable, ColorSpace, Compress, Decompress};

use super::markers;
use crate::memory;

/// The EXIF (APP1) and ICC (APP2) segments' markers.
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;

/// What the header says, read before any pixel is decoded.
pub(crate) struct Header {
    pub width: u32,
    pub height: u32,
    pub orientation: Orientation,
    pub icc: Option<Vec<u8>>,
    pub colour: JpegColour,
    /// Greyscale, or YCbCr with both chroma components at one block per MCU and luma at
    /// one or two blocks each way (4:2:0, 4:2:2, 4:4:0, 4:4:4): the optimized output can be
    /// made from the coefficients, 4:2:0 as they are, the others with chroma halved in the
    /// DCT domain (`jpeg/chroma.rs`).
    pub transcodable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JpegColour {
    Gray,
    /// YCbCr or RGB: decoded to RGB.
    Rgb,
    /// CMYK or YCCK, which this path does not convert.
    Other,
}

/// Decoded samples: `channels` is 1 (grey) or 3 (RGB).
pub(crate) struct Samples {
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub data: Vec<u8>,
}

/// An error from libjpeg, as the message it gave.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct LibjpegError(String);

/// Runs `f`, turning libjpeg's unwinding fatal errors (and any panic) into an error.
pub(super) fn guarded<T>(f: impl FnOnce() -> std::io::Result<T>) -> Result<T, LibjpegError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(io)) => Err(LibjpegError(io.to_string())),
        Err(payload) => Err(LibjpegError(
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "libjpeg failed".into()),
        )),
    }
}

/// Reads the header, and the EXIF orientation and ICC profile from the segments before the
/// first scan (`markers`: libjpeg is asked to keep none). A profile over
/// [`memory::MAX_ICC_BYTES`] or in more than 255 chunks (its count is one byte) is left out,
/// as if the file had none.
pub(crate) fn read_header(bytes: &[u8]) -> Result<Header, LibjpegError> {
    let mut orientation = Orientation::NoTransforms;
    let mut icc_chunks: Vec<(u8, &[u8])> = Vec::new();
    let (mut icc_len, mut icc_too_large) = (0usize, false);
    for segment in markers::segments(bytes) {
        match segment.marker {
            APP1 => {
                if let Some(tiff) = segment.data.strip_prefix(b"Exif\0\0") {
                    if let Some(o) = Orientation::from_exif_chunk(tiff) {
                        orientation = o;
                    }
                }
            }
            APP2 => {
                // "ICC_PROFILE\0", sequence number, count, then this chunk's data.
                if let Some(rest) = segment.data.strip_prefix(b"ICC_PROFILE\0") {
                    if rest.len() > 2 {
                        icc_len += rest.len() - 2;
                        icc_too_large |= icc_len > memory::MAX_ICC_BYTES || icc_chunks.len() == 255;
                        if !icc_too_large {
                            icc_chunks.push((rest[0], &rest[2..]));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    icc_chunks.sort_by_key(|(sequence, _)| *sequence);
    let icc = (!icc_chunks.is_empty() && !icc_too_large).then(|| {
        icc_chunks
            .iter()
            .flat_map(|(_, data)| data.iter().copied())
            .collect()
    });
    guarded(|| {
        let decompress = Decompress::builder().from_mem(bytes)?;
        let (width, height) = decompress.size();
        let colour = match decompress.color_space() {
            ColorSpace::JCS_GRAYSCALE => JpegColour::Gray,
            ColorSpace::JCS_YCbCr | ColorSpace::JCS_RGB => JpegColour::Rgb,
            _ => JpegColour::Other,
        };
        let sampling: Vec<(i32, i32)> = decompress
            .components()
            .iter()
            .map(|c| (c.h_samp_factor, c.v_samp_factor))
            .collect();
        let transcodable = match decompress.color_space() {
            ColorSpace::JCS_GRAYSCALE => sampling.len() == 1,
            ColorSpace::JCS_YCbCr => {
                sampling.len() == 3
                    && matches!(sampling[0], (1 | 2, 1 | 2))
                    && sampling[1..] == [(1, 1), (1, 1)]
            }
            _ => false,
        };
        Ok(Header {
            width: width as u32,
            height: height as u32,
            orientation,
            icc,
            colour,
            transcodable,
        })
    })
}

/// Decodes to grey or RGB, scaled by `scale_eighths / 8` in the DCT (8 = full size).
/// The caller has checked the header's dimensions against its limits.
pub(crate) fn decode(
    bytes: &[u8],
    colour: JpegColour,
    scale_eighths: u8,
) -> Result<Samples, LibjpegError> {
    decode_in_bands(bytes, colour, scale_eighths, usize::MAX, |_| {})
}

/// [`decode`], handing each band of `band_rows` rows to `band` as soon as it is decoded
/// (which may change it in place): an encoder can start on the top of the image while the
/// rest decodes.
pub(crate) fn decode_in_bands(
    bytes: &[u8],
    colour: JpegColour,
    scale_eighths: u8,
    band_rows: usize,
    mut band: impl FnMut(&mut [u8]),
) -> Result<Samples, LibjpegError> {
    guarded(|| {
        let mut decompress = Decompress::builder().from_mem(bytes)?;
        decompress.scale(scale_eighths);
        let (mut started, channels) = match colour {
            JpegColour::Gray => (decompress.grayscale()?, 1),
            _ => (decompress.rgb()?, 3),
        };
        let (width, height) = (started.width(), started.height());
        let row_len = width * channels;
        let mut data = memory::reserved(row_len * height)?;
        data.resize(row_len * height, 0);
        for rows in data.chunks_mut(row_len.saturating_mul(band_rows.max(1))) {
            started.read_scanlines_into::<u8>(rows)?;
            band(rows);
        }
        started.finish()?;
        Ok(Samples {
            width: width as u32,
            height: height as u32,
            channels: channels as u8,
            data,
        })
    })
}

/// How hard the encoder works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effort {
    /// Baseline with optimized Huffman tables: libjpeg-turbo's speed. For the full-size output.
    Fast,
    /// libjpeg-turbo's tables and quantizer, progressive (its standard scan script): some
    /// 5% smaller than `Fast` for little more CPU. For the preview.
    Progressive,
    /// mozjpeg's full effort (trellis quantisation, progressive, optimized scans): several
    /// times slower, some 10% smaller at the same quality. For the thumbnail, whose size
    /// makes that cheap.
    Max,
}

/// Encodes interleaved grey (1 channel) or RGB (3) samples, 4:2:0 for colour. Writes no
/// metadata segment other than the JFIF header. `quality` is libjpeg's 1–100 scale; see
/// [`set_quality`] for fractions.
pub(crate) fn encode(
    pixels: &[u8],
    width: u32,
    height: u32,
    channels: u8,
    quality: f32,
    effort: Effort,
) -> Result<Vec<u8>, LibjpegError> {
    encode_bands(
        std::iter::once(pixels),
        width,
        height,
        channels,
        quality,
        effort,
    )
}

/// The quantization tables for `quality`. `Fast` and `Progressive` use libjpeg-turbo's
/// tables (ITU T.81 Annex K), scaled as libjpeg scales them for a quality, which also gives
/// the steps between two whole qualities (79.5: 41% of the tables, between 79's 42% and
/// 80's 40%). `Max` uses mozjpeg's own tables, at whole qualities (a fraction is dropped).
fn set_quality(compress: &mut Compress, quality: f32, effort: Effort) {
    let quality = quality.clamp(1.0, 100.0);
    match effort {
        Effort::Max => compress.set_quality(quality),
        Effort::Fast | Effort::Progressive => {
            compress.set_luma_qtable(&qtable::AnnexK_Luma.scaled(quality, quality));
            compress.set_chroma_qtable(&qtable::AnnexK_Chroma.scaled(quality, quality));
        }
    }
}

/// [`encode`] from the image's rows in bands, top to bottom, as they arrive: each band is a
/// whole number of rows. Fails if the bands end before `height` rows.
pub(crate) fn encode_bands<B: AsRef<[u8]>>(
    bands: impl IntoIterator<Item = B>,
    width: u32,
    height: u32,
    channels: u8,
    quality: f32,
    effort: Effort,
) -> Result<Vec<u8>, LibjpegError> {
    guarded(|| {
        let colour = if channels == 1 {
            ColorSpace::JCS_GRAYSCALE
        } else {
            ColorSpace::JCS_RGB
        };
        let mut compress = Compress::new(colour);
        if effort != Effort::Max {
            compress.set_fastest_defaults();
        }
        if effort == Effort::Progressive {
            compress.set_progressive_mode();
        }
        compress.set_size(width as usize, height as usize);
        set_quality(&mut compress, quality, effort);
        compress.set_optimize_coding(true);
        if channels == 3 {
            compress.set_chroma_sampling_pixel_sizes((2, 2), (2, 2));
        }
        // Output is about 1/8 of a byte per pixel at these qualities.
        let capacity = (width as usize * height as usize / 6).max(4096);
        let mut started = compress.start_compress(Vec::with_capacity(capacity))?;
        let row_len = width as usize * usize::from(channels);
        let mut rows = 0;
        for band in bands {
            let band = band.as_ref();
            if band.len() % row_len != 0 || rows + band.len() / row_len > height as usize {
                return Err(std::io::Error::other(
                    "a band of rows does not fit the image",
                ));
            }
            started.write_scanlines(band)?;
            rows += band.len() / row_len;
        }
        if rows != height as usize {
            return Err(std::io::Error::other(format!(
                "the image ended after {rows} of its {height} rows"
            )));
        }
        started.finish()
    })
}

#[cfg(test)]
mod tests;
