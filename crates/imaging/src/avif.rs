//! AVIF through libaom (the AV1 reference encoder, built from source by `libaom-sys`) and
//! avif-serialize (the HEIF container around it): 8-bit 4:2:0 (grey too: as neutral
//! chroma, since avif-serialize would declare a monochrome image's `pixi` with three
//! channels), alpha as an auxiliary monochrome image, colour signalled by an `nclx` box
//! and in the AV1 sequence header alike (BT.709 primaries, sRGB transfer, the BT.709 matrix
//! the pixels are converted with, full range); no ICC, Exif or XMP. One thread: the
//! pipeline runs its outputs side by side. Why libaom and this speed: docs/pipeline.md,
//! "AVIF and WebP".

use avif_serialize::constants::{ColorPrimaries, MatrixCoefficients, TransferCharacteristics};

/// The quality (0 to 100, mapped linearly onto libaom's quantizer 63..0 as libavif and
/// libheif do, so that it reads like theirs and sharp's) when a variant names none. From
/// the quality ladder in docs/pipeline.md ("AVIF and WebP", `ladder` on .bench/subset): the
/// lowest whose mean and 10th-percentile SSIMULACRA2 match today's JPEG output of the same
/// size, at 200 px (18% fewer bytes than its JPEG) and at 800 px (15% fewer) alike.
pub(crate) const DEFAULT_QUALITY: f32 = 63.0;

/// libaom's `cpu-used` in its all-intra usage (0 slowest to 9), measured with the ladder
/// (docs/pipeline.md, "The AV1 encoder"): at equal SSIMULACRA2, speed 5 saves 4–5 more
/// points of the JPEG's bytes for 4.6 times the CPU; speed 7 gives up 6–7 points for 40%
/// less. Some 0.5–0.7 s per megapixel on one core.
pub const SPEED: u8 = 6;

/// The largest side an AV1 frame header can carry.
const MAX_SIDE: u32 = u16::MAX as u32;

/// Why an AVIF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AvifError {
    #[error("an AVIF is 1 to 65535 pixels a side here: {width}x{height}")]
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
    #[error("libaom could not encode the {plane}: {call} returned error {code}")]
    Encode {
        plane: &'static str,
        call: &'static str,
        code: u32,
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

/// [`encode`] at another libaom speed (`cpu-used`, 0 to 9; the measurement tries several).
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

/// Quality 0..100 onto libaom's quantizer 63..0 (its `cq-level`), linearly: libavif's and
/// libheif's mapping.
fn quantizer(quality: f32) -> u32 {
    let quality = if quality.is_nan() {
        0.0
    } else {
        quality.clamp(0.0, 100.0)
    };
    ((100.0 - quality) * 63.0 / 100.0).round() as u32
}

/// The planes given to libaom: luma, and for colour, chroma at half width and height.
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

/// One still AV1 frame (a key frame with a reduced still-picture header: the whole
/// bitstream an AVIF item holds), from libaom in its all-intra usage, constant quantizer,
/// tuned for SSIM and without the post-processing filters a still image does not need (as
/// libavif configures it for a single image).
fn encode_planes(
    planes: &Planes,
    quantizer: u32,
    speed: u8,
    alpha: bool,
    what: &'static str,
) -> Result<Vec<u8>, AvifError> {
    use libaom_sys as aom;
    use std::ffi::{c_int, c_uint};

    let failed = |call: &'static str, code: aom::aom_codec_err_t| AvifError::Encode {
        plane: what,
        call,
        code,
    };
    // SAFETY (the whole function): every pointer handed to libaom points into a value that
    // lives until libaom returns; the encoder is destroyed by `Encoder`'s drop, once.
    let iface = unsafe { aom::aom_codec_av1_cx() };
    let mut cfg = std::mem::MaybeUninit::<aom::aom_codec_enc_cfg>::uninit();
    let code = unsafe {
        aom::aom_codec_enc_config_default(iface, cfg.as_mut_ptr(), aom::AOM_USAGE_ALL_INTRA)
    };
    if code != aom::AOM_CODEC_OK {
        return Err(failed("aom_codec_enc_config_default", code));
    }
    let mut cfg = unsafe { cfg.assume_init() };
    cfg.g_profile = 0; // 8-bit 4:2:0 and monochrome
    cfg.g_bit_depth = aom::AOM_BITS_8;
    cfg.g_input_bit_depth = 8;
    cfg.g_w = planes.width as c_uint;
    cfg.g_h = planes.height as c_uint;
    // One thread: the pipeline runs its encodes side by side.
    cfg.g_threads = 1;
    // One frame: still_picture and a reduced sequence header; no lookahead buffers.
    cfg.g_limit = 1;
    cfg.g_lag_in_frames = 0;
    cfg.kf_mode = aom::AOM_KF_DISABLED;
    cfg.kf_max_dist = 0;
    cfg.rc_end_usage = aom::AOM_Q;
    cfg.rc_min_quantizer = 0;
    cfg.rc_max_quantizer = 63;
    cfg.monochrome = c_uint::from(planes.chroma.is_none());

    // The context libaom initialises, boxed so that it never moves afterwards.
    struct Encoder(Box<aom::aom_codec_ctx_t>);
    impl Drop for Encoder {
        fn drop(&mut self) {
            unsafe { aom::aom_codec_destroy(&mut *self.0) };
        }
    }
    let mut ctx = Box::new(std::mem::MaybeUninit::<aom::aom_codec_ctx_t>::zeroed());
    let code = unsafe {
        aom::aom_codec_enc_init_ver(
            ctx.as_mut_ptr(),
            iface,
            &cfg,
            0,
            aom::AOM_ENCODER_ABI_VERSION as c_int,
        )
    };
    if code != aom::AOM_CODEC_OK {
        return Err(failed("aom_codec_enc_init", code));
    }
    let mut encoder = Encoder(unsafe { ctx.assume_init() });
    let mut control = |id: aom::aome_enc_control_id, value: c_int| {
        let code = unsafe { aom::aom_codec_control(&mut *encoder.0, id as c_int, value) };
        if code == aom::AOM_CODEC_OK {
            Ok(())
        } else {
            Err(failed("aom_codec_control", code))
        }
    };
    control(aom::AOME_SET_CPUUSED, c_int::from(speed.min(9)))?;
    control(aom::AOME_SET_CQ_LEVEL, quantizer as c_int)?;
    control(aom::AOME_SET_TUNING, aom::AOM_TUNE_SSIM as c_int)?;
    control(aom::AV1E_SET_SKIP_POSTPROC_FILTERING, 1)?;
    control(aom::AV1E_SET_COLOR_RANGE, aom::AOM_CR_FULL_RANGE as c_int)?;
    // The alpha item's colour is not signalled (its values are coverage).
    if !alpha {
        control(
            aom::AV1E_SET_COLOR_PRIMARIES,
            aom::AOM_CICP_CP_BT_709 as c_int,
        )?;
        control(
            aom::AV1E_SET_TRANSFER_CHARACTERISTICS,
            aom::AOM_CICP_TC_SRGB as c_int,
        )?;
        control(
            aom::AV1E_SET_MATRIX_COEFFICIENTS,
            aom::AOM_CICP_MC_BT_709 as c_int,
        )?;
    }

    // libaom reads 4:2:0 with even plane sizes: the luma is padded by repeating its last
    // column and row (the padding is outside the display size and not coded as picture).
    let (even_w, even_h) = (
        planes.width.next_multiple_of(2),
        planes.height.next_multiple_of(2),
    );
    let (cw, ch) = (even_w / 2, even_h / 2);
    let mut buffer = Vec::with_capacity(even_w * even_h + 2 * cw * ch);
    for y in 0..even_h {
        let row = &planes.y[y.min(planes.height - 1) * planes.width..][..planes.width];
        buffer.extend_from_slice(row);
        if even_w > planes.width {
            buffer.push(row[planes.width - 1]);
        }
    }
    match &planes.chroma {
        Some([cb, cr]) => {
            buffer.extend_from_slice(cb);
            buffer.extend_from_slice(cr);
        }
        // Monochrome: libaom ignores the chroma, but the wrapped image has its planes.
        None => buffer.resize(even_w * even_h + 2 * cw * ch, 128),
    }
    let mut image = std::mem::MaybeUninit::<aom::aom_image_t>::zeroed();
    let wrapped = unsafe {
        aom::aom_img_wrap(
            image.as_mut_ptr(),
            aom::AOM_IMG_FMT_I420,
            planes.width as c_uint,
            planes.height as c_uint,
            1,
            buffer.as_mut_ptr(),
        )
    };
    if wrapped.is_null() {
        return Err(failed("aom_img_wrap", aom::AOM_CODEC_INVALID_PARAM));
    }
    let mut image = unsafe { image.assume_init() };
    image.range = aom::AOM_CR_FULL_RANGE;
    image.monochrome = c_int::from(planes.chroma.is_none());
    if !alpha {
        image.cp = aom::AOM_CICP_CP_BT_709;
        image.tc = aom::AOM_CICP_TC_SRGB;
        image.mc = aom::AOM_CICP_MC_BT_709;
    }

    let mut bitstream = Vec::new();
    let mut drain = |encoder: &mut Encoder| {
        let mut iter: aom::aom_codec_iter_t = std::ptr::null();
        loop {
            let packet = unsafe { aom::aom_codec_get_cx_data(&mut *encoder.0, &mut iter) };
            let Some(packet) = (unsafe { packet.as_ref() }) else {
                break;
            };
            if packet.kind == aom::AOM_CODEC_CX_FRAME_PKT {
                let frame = unsafe { packet.data.frame };
                bitstream.extend_from_slice(unsafe {
                    std::slice::from_raw_parts(frame.buf.cast::<u8>(), frame.sz)
                });
            }
        }
    };
    let code = unsafe { aom::aom_codec_encode(&mut *encoder.0, &image, 0, 1, 0) };
    if code != aom::AOM_CODEC_OK {
        return Err(failed("aom_codec_encode", code));
    }
    drain(&mut encoder);
    // Flush: with no lookahead the frame is usually out already.
    let code = unsafe { aom::aom_codec_encode(&mut *encoder.0, std::ptr::null(), 0, 0, 0) };
    if code != aom::AOM_CODEC_OK {
        return Err(failed("aom_codec_encode (flush)", code));
    }
    drain(&mut encoder);
    drop(encoder);
    // An AVIF item is the frame's OBUs without the temporal delimiter libaom starts each
    // temporal unit with (AV1-ISOBMFF: it should not be in a sample).
    if bitstream.starts_with(&[0x12, 0x00]) {
        bitstream.drain(..2);
    }
    if bitstream.is_empty() {
        return Err(failed("aom_codec_get_cx_data", aom::AOM_CODEC_ERROR));
    }
    Ok(bitstream)
}

// The path is spelt out so that the file reads the same when the ladder includes it.
#[cfg(test)]
#[path = "avif/tests.rs"]
mod tests;
