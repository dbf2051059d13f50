//! AVIF through rav1e (AV1, in Rust) and avif-serialize (the HEIF container around it):
//! 8-bit 4:2:0 (grey too: as neutral chroma, since avif-serialize would declare a
//! monochrome image's `pixi` with three channels), alpha as an auxiliary monochrome image,
//! colour signalled by an `nclx` box and in the AV1 sequence header alike (BT.709
//! primaries, sRGB transfer, the BT.709 matrix the pixels are converted with, full range);
//! no ICC, Exif or XMP. One thread: the pipeline runs its outputs side by side. Why rav1e and this speed: docs/pipeline.md,
//! "AVIF and WebP".

// Not all of it is called by the pipeline: `encode_at_speed` is for the ladder
// (bench/src/bin/ladder.rs, which compiles this file too), the per-size qualities for the
// default declaration.
#![allow(dead_code)]

use avif_serialize::constants::{ColorPrimaries, MatrixCoefficients, TransferCharacteristics};
use rav1e::prelude as av1;

/// The quality (0 to 100, mapped linearly onto AV1's quantizer index as libavif does, so
/// that it reads like libavif's and sharp's) when a variant names none. From the quality
/// ladder in docs/pipeline.md ("AVIF and WebP", `ladder` on .bench/subset): the lowest
/// quality whose mean and 10th-percentile SSIMULACRA2 match today's JPEG output of the same
/// size is 59 at 200 px (the thumbnail) and 57 at 800 px (the preview, 20% fewer bytes than
/// its JPEG); the default set declares those, and this one fits both.
pub(crate) const DEFAULT_QUALITY: f32 = 59.0;

/// rav1e's speed preset (0 slowest to 10), measured with the ladder: at equal SSIMULACRA2,
/// speed 6 makes the same bytes for twice the CPU; speed 10 is 6–9% larger for a third of
/// it (speed 8: some 1.6 s per megapixel on one core, 0.8 s for an 800 px preview).
pub const SPEED: u8 = 8;

/// The largest side rav1e encodes.
const MAX_SIDE: u32 = u16::MAX as u32;

/// Why an AVIF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AvifError {
    #[error("an AVIF from rav1e is 1 to 65535 pixels a side: {width}x{height}")]
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
    #[error("rav1e refused its configuration")]
    Config(#[source] av1::InvalidConfig),
    #[error("rav1e could not encode the {plane}")]
    Encode {
        plane: &'static str,
        #[source]
        source: av1::EncoderStatus,
    },
}

/// Encodes tightly packed 8-bit sRGB rows (`channels` 1, 3 or 4 with straight alpha) as an
/// AVIF at `quality` (0 to 100; clamped) and [`SPEED`].
pub(crate) fn encode(
    pixels: &[u8],
    width: u32,
    height: u32,
    channels: u8,
    quality: f32,
) -> Result<Vec<u8>, AvifError> {
    encode_at_speed(pixels, width, height, channels, quality, SPEED)
}

/// [`encode`] at another rav1e speed (the measurement tries several).
pub fn encode_at_speed(
    pixels: &[u8],
    width: u32,
    height: u32,
    channels: u8,
    quality: f32,
    speed: u8,
) -> Result<Vec<u8>, AvifError> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(AvifError::Dimensions { width, height });
    }
    if !matches!(channels, 1 | 3 | 4) {
        return Err(AvifError::Channels { channels });
    }
    let (w, h) = (width as usize, height as usize);
    if pixels.len() != w * h * usize::from(channels) {
        return Err(AvifError::Length {
            len: pixels.len(),
            width,
            height,
            channels,
        });
    }
    let quantizer = quantizer(quality);
    let planes = if channels == 1 {
        Planes::grey_as_colour(pixels, w, h)
    } else {
        Planes::colour(pixels, w, h, usize::from(channels))
    };
    let colour = encode_planes(&planes, quantizer, speed, false, "colour")?;
    let alpha = if channels == 4 {
        let alpha: Vec<u8> = pixels.chunks_exact(4).map(|pixel| pixel[3]).collect();
        // An opaque image carries no alpha item (it would only add bytes).
        if alpha.iter().all(|&a| a == 255) {
            None
        } else {
            // Alpha at a finer quantizer than colour (as ravif and libavif's defaults do):
            // its errors show as halos on every backdrop.
            let alpha_quantizer = quantizer / 2;
            let plane = Planes::grey(&alpha, w, h);
            Some(encode_planes(
                &plane,
                alpha_quantizer,
                speed,
                true,
                "alpha",
            )?)
        }
    } else {
        None
    };

    // avif-serialize writes `colr` only when it differs from its default (BT.601 matrix);
    // with the BT.709 matrix it is always written.
    let mut container = avif_serialize::Aviffy::new();
    container
        .set_color_primaries(ColorPrimaries::Bt709)
        .set_transfer_characteristics(TransferCharacteristics::Srgb)
        .set_matrix_coefficients(MatrixCoefficients::Bt709)
        .set_full_color_range(true)
        .set_bit_depth(8)
        .set_chroma_subsampling((true, true));
    Ok(container.to_vec(&colour, alpha.as_deref(), width, height, 8))
}

/// Quality 0..100 onto AV1's quantizer index 255..0, linearly (libavif's mapping).
fn quantizer(quality: f32) -> usize {
    let quality = if quality.is_nan() {
        0.0
    } else {
        quality.clamp(0.0, 100.0)
    };
    ((100.0 - quality) * 255.0 / 100.0).round() as usize
}

/// The planes given to rav1e: luma, and for colour, chroma at half width and height.
struct Planes {
    width: usize,
    height: usize,
    y: Vec<u8>,
    /// Cb and Cr, `width.div_ceil(2)` by `height.div_ceil(2)`; none for an alpha image.
    chroma: Option<[Vec<u8>; 2]>,
}

impl Planes {
    /// One plane (an alpha image).
    fn grey(pixels: &[u8], width: usize, height: usize) -> Self {
        Self {
            width,
            height,
            y: pixels.to_vec(),
            chroma: None,
        }
    }

    /// Grey as luma with neutral chroma (flat planes cost a few bytes).
    fn grey_as_colour(pixels: &[u8], width: usize, height: usize) -> Self {
        let chroma = vec![128; width.div_ceil(2) * height.div_ceil(2)];
        Self {
            chroma: Some([chroma.clone(), chroma]),
            ..Self::grey(pixels, width, height)
        }
    }

    /// RGB(A) to full-range BT.709 Y′CbCr, the chroma averaged over each 2×2 block (the
    /// pixels of it that exist, at odd edges).
    fn colour(pixels: &[u8], width: usize, height: usize, channels: usize) -> Self {
        const KR: f32 = 0.2126;
        const KB: f32 = 0.0722;
        const KG: f32 = 1.0 - KR - KB;
        let luma = |r: f32, g: f32, b: f32| KR * r + KG * g + KB * b;
        let y = pixels
            .chunks_exact(channels)
            .map(|p| luma(f32::from(p[0]), f32::from(p[1]), f32::from(p[2])).round() as u8)
            .collect();
        let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
        let (mut cb, mut cr) = (Vec::with_capacity(cw * ch), Vec::with_capacity(cw * ch));
        for cy in 0..ch {
            for cx in 0..cw {
                let (mut sum, mut count) = ([0f32; 3], 0f32);
                for y in 2 * cy..(2 * cy + 2).min(height) {
                    for x in 2 * cx..(2 * cx + 2).min(width) {
                        let p = &pixels[(y * width + x) * channels..][..3];
                        for (s, &v) in sum.iter_mut().zip(p) {
                            *s += f32::from(v);
                        }
                        count += 1.0;
                    }
                }
                let [r, g, b] = sum.map(|s| s / count);
                let l = luma(r, g, b);
                let code = |v: f32| (v + 128.0).round().clamp(0.0, 255.0) as u8;
                cb.push(code((b - l) * 0.5 / (1.0 - KB)));
                cr.push(code((r - l) * 0.5 / (1.0 - KR)));
            }
        }
        Self {
            width,
            height,
            y,
            chroma: Some([cb, cr]),
        }
    }
}

/// One still AV1 frame (a key frame, the whole bitstream an AVIF item holds).
fn encode_planes(
    planes: &Planes,
    quantizer: usize,
    speed: u8,
    alpha: bool,
    what: &'static str,
) -> Result<Vec<u8>, AvifError> {
    let mut speed_settings = av1::SpeedSettings::from_preset(speed);
    // One frame: no references, no lookahead, no scene cuts to find.
    speed_settings.multiref = false;
    speed_settings.rdo_lookahead_frames = 1;
    speed_settings.scene_detection_mode = av1::SceneDetectionSpeed::None;
    let config = av1::EncoderConfig {
        width: planes.width,
        height: planes.height,
        bit_depth: 8,
        chroma_sampling: if planes.chroma.is_some() {
            av1::ChromaSampling::Cs420
        } else {
            av1::ChromaSampling::Cs400
        },
        chroma_sample_position: av1::ChromaSamplePosition::Unknown,
        pixel_range: av1::PixelRange::Full,
        // The alpha item's colour is not signalled (its values are coverage).
        color_description: (!alpha).then_some(av1::ColorDescription {
            color_primaries: av1::ColorPrimaries::BT709,
            transfer_characteristics: av1::TransferCharacteristics::SRGB,
            matrix_coefficients: av1::MatrixCoefficients::BT709,
        }),
        still_picture: true,
        quantizer,
        min_quantizer: u8::try_from(quantizer).unwrap_or(u8::MAX),
        bitrate: 0,
        tune: av1::Tune::Psychovisual,
        speed_settings,
        ..av1::EncoderConfig::default()
    };
    let mut context: av1::Context<u8> = av1::Config::new()
        .with_encoder_config(config)
        .with_threads(1)
        .new_context()
        .map_err(AvifError::Config)?;
    let error = |source| AvifError::Encode {
        plane: what,
        source,
    };
    let mut frame = context.new_frame();
    frame.planes[0].copy_from_raw_u8(&planes.y, planes.width, 1);
    if let Some([cb, cr]) = &planes.chroma {
        let stride = planes.width.div_ceil(2);
        frame.planes[1].copy_from_raw_u8(cb, stride, 1);
        frame.planes[2].copy_from_raw_u8(cr, stride, 1);
    }
    context.send_frame(frame).map_err(error)?;
    context.flush();
    let mut bitstream = Vec::new();
    loop {
        match context.receive_packet() {
            Ok(packet) => bitstream.extend_from_slice(&packet.data),
            Err(av1::EncoderStatus::Encoded) => {}
            Err(av1::EncoderStatus::LimitReached) => break,
            Err(status) => return Err(error(status)),
        }
    }
    Ok(bitstream)
}

// The path is spelt out so that the file reads the same when the ladder includes it.
#[cfg(test)]
#[path = "avif/tests.rs"]
mod tests;
