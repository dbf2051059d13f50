//! One read of a JPEG's DCT coefficients serving two outputs: a DCT-scaled decode for the
//! small outputs, and the optimized copy made without decoding to pixels. The coefficients
//! are entropy-decoded once into libjpeg's whole-image buffer (buffered-image mode); the
//! scaled image is read from that buffer, then the same coefficients are requantized to the
//! output quality's tables, turned upright by moving blocks, and entropy-coded again with
//! optimized Huffman tables. That skips a second entropy decode, the inverse DCT,
//! upsampling, colour conversion and the way back (most of a decode plus encode) for an
//! output that differs from a pixel-domain re-encode only by rounding. No marker of the
//! source is copied.
//!
//! Raw libjpeg through `mozjpeg-sys`: the `mozjpeg` crate has neither buffered-image mode
//! nor a transcoding API.

use std::mem;
use std::os::raw::{c_int, c_ulong};
use std::ptr;

use image::metadata::Orientation;
use mozjpeg_sys as ffi;

use super::jpeg::{self, guarded, JpegColour, LibjpegError, Samples};

/// A JPEG read once: optionally its scaled samples ([`Transcoder::decode_scaled`]), then
/// its requantized, upright copy ([`Transcoder::requantize`]).
///
/// Owns a decompressor and a compressor sharing one error manager, and destroys them
/// however the work ends (libjpeg's errors unwind through here). The decompressor reads
/// from the borrowed bytes.
pub(super) struct Transcoder<'a> {
    err: Box<ffi::jpeg_error_mgr>,
    src: Box<ffi::jpeg_decompress_struct>,
    dst: Box<ffi::jpeg_compress_struct>,
    out: *mut u8,
    out_len: c_ulong,
    turn: TransformInfo,
    /// The turn can be done by moving whole blocks.
    pub(super) lossless: bool,
    /// `decode_scaled` has run.
    decoded: bool,
    bytes: &'a [u8],
}

impl Drop for Transcoder<'_> {
    fn drop(&mut self) {
        // SAFETY: both structs were created in `new` and are destroyed once, here; the
        // output buffer was allocated by libjpeg with malloc.
        unsafe {
            ffi::jpeg_destroy_compress(&mut self.dst);
            ffi::jpeg_destroy_decompress(&mut self.src);
            if !self.out.is_null() {
                libc::free(self.out.cast());
            }
        }
    }
}

extern "C-unwind" fn error_exit(cinfo: &mut ffi::jpeg_common_struct) {
    // SAFETY: libjpeg calls this with the struct whose error manager it is.
    let code = unsafe { cinfo.err.as_ref().map_or(0, |e| e.msg_code) };
    std::panic::resume_unwind(Box::new(format!(
        "libjpeg fatal error (code {code}) while transcoding"
    )));
}

/// `jpeg_consume_input`'s results that end the loop (jpeglib.h).
const JPEG_SUSPENDED: c_int = 0;
const JPEG_REACHED_EOI: c_int = 2;

extern "C-unwind" fn silence(_cinfo: &mut ffi::jpeg_common_struct, _level: c_int) {}

/// `jpeg_transform_info` from the `transupp.h` that mozjpeg-sys compiles. Declared here
/// because mozjpeg-sys 2.2's own binding of it lacks the `drop_*` fields the C struct has,
/// so libjpeg would write past the end of it.
#[repr(C)]
struct TransformInfo {
    transform: ffi::JXFORM_CODE,
    perfect: ffi::boolean,
    trim: ffi::boolean,
    force_grayscale: ffi::boolean,
    crop: ffi::boolean,
    slow_hflip: ffi::boolean,
    crop_width: ffi::JDIMENSION,
    crop_width_set: ffi::JCROP_CODE,
    crop_height: ffi::JDIMENSION,
    crop_height_set: ffi::JCROP_CODE,
    crop_xoffset: ffi::JDIMENSION,
    crop_xoffset_set: ffi::JCROP_CODE,
    crop_yoffset: ffi::JDIMENSION,
    crop_yoffset_set: ffi::JCROP_CODE,
    drop_ptr: *mut ffi::jpeg_decompress_struct,
    drop_coef_arrays: *mut *mut ffi::jvirt_barray_control,
    num_components: c_int,
    workspace_coef_arrays: *mut *mut ffi::jvirt_barray_control,
    output_width: ffi::JDIMENSION,
    output_height: ffi::JDIMENSION,
    x_crop_offset: ffi::JDIMENSION,
    y_crop_offset: ffi::JDIMENSION,
    drop_width: ffi::JDIMENSION,
    drop_height: ffi::JDIMENSION,
    imcu_sample_width: c_int,
    imcu_sample_height: c_int,
}

#[allow(clashing_extern_declarations)]
extern "C-unwind" {
    fn jtransform_request_workspace(
        src: *mut ffi::jpeg_decompress_struct,
        info: *mut TransformInfo,
    ) -> ffi::boolean;
    fn jtransform_adjust_parameters(
        src: *mut ffi::jpeg_decompress_struct,
        dst: *mut ffi::jpeg_compress_struct,
        src_coefficients: *mut *mut ffi::jvirt_barray_control,
        info: *mut TransformInfo,
    ) -> *mut *mut ffi::jvirt_barray_control;
    fn jtransform_execute_transform(
        src: *mut ffi::jpeg_decompress_struct,
        dst: *mut ffi::jpeg_compress_struct,
        src_coefficients: *mut *mut ffi::jvirt_barray_control,
        info: *mut TransformInfo,
    );
}

/// The lossless transform that stands a JPEG stored with EXIF `orientation` upright.
fn transform_for(orientation: Orientation) -> ffi::JXFORM_CODE {
    match orientation {
        Orientation::NoTransforms => ffi::JXFORM_CODE_JXFORM_NONE,
        Orientation::Rotate90 => ffi::JXFORM_CODE_JXFORM_ROT_90,
        Orientation::Rotate180 => ffi::JXFORM_CODE_JXFORM_ROT_180,
        Orientation::Rotate270 => ffi::JXFORM_CODE_JXFORM_ROT_270,
        Orientation::FlipHorizontal => ffi::JXFORM_CODE_JXFORM_FLIP_H,
        Orientation::FlipVertical => ffi::JXFORM_CODE_JXFORM_FLIP_V,
        // A quarter turn clockwise, then a mirror: the transpose (and its opposite).
        Orientation::Rotate90FlipH => ffi::JXFORM_CODE_JXFORM_TRANSPOSE,
        Orientation::Rotate270FlipH => ffi::JXFORM_CODE_JXFORM_TRANSVERSE,
    }
}

impl<'a> Transcoder<'a> {
    /// Reads the header of `bytes` (a YCbCr or greyscale JPEG whose dimensions the caller
    /// has checked) and whether it can be stood upright for its EXIF `orientation` by
    /// moving whole DCT blocks; nothing is decoded yet.
    pub(super) fn open(bytes: &'a [u8], orientation: Orientation) -> Result<Self, LibjpegError> {
        guarded(|| {
            // SAFETY: the libjpeg structs are zeroed, then initialised by jpeg_Create*, and
            // used only through libjpeg's API; the source manager reads `bytes`, which
            // outlive the transcoder.
            unsafe {
                let mut t = Transcoder {
                    err: Box::new(mem::zeroed()),
                    src: Box::new(mem::zeroed()),
                    dst: Box::new(mem::zeroed()),
                    out: ptr::null_mut(),
                    out_len: 0,
                    turn: mem::zeroed(),
                    lossless: false,
                    decoded: false,
                    bytes,
                };
                ffi::jpeg_std_error(&mut t.err);
                t.err.error_exit = Some(error_exit);
                t.err.emit_message = Some(silence);
                t.src.common.err = &mut *t.err;
                t.dst.common.err = &mut *t.err;
                ffi::jpeg_CreateDecompress(
                    &mut *t.src,
                    ffi::JPEG_LIB_VERSION,
                    mem::size_of::<ffi::jpeg_decompress_struct>(),
                );
                ffi::jpeg_CreateCompress(
                    &mut *t.dst,
                    ffi::JPEG_LIB_VERSION,
                    mem::size_of::<ffi::jpeg_compress_struct>(),
                );
                ffi::jpeg_mem_src(&mut t.src, bytes.as_ptr(), bytes.len() as c_ulong);
                ffi::jpeg_read_header(&mut t.src, 1);
                // The turn's workspace must be requested before any decoding starts.
                t.turn.transform = transform_for(orientation);
                t.turn.perfect = 1;
                t.lossless = jtransform_request_workspace(&mut *t.src, &mut t.turn) != 0;
                Ok(t)
            }
        })
    }

    /// Decodes to grey or RGB scaled by `scale_eighths / 8` in the DCT. When the turn is
    /// lossless the whole file is first read into libjpeg's coefficient buffer, and the
    /// scaled image comes from that buffer, so [`Transcoder::requantize`] does not
    /// entropy-decode the file a second time; otherwise (nothing to requantize) it is an
    /// ordinary [`jpeg::decode`]. At most once, before `requantize`; not at
    /// 1/8 when the turn is lossless (that decode would drop the AC coefficients).
    pub(super) fn decode_scaled(
        &mut self,
        colour: JpegColour,
        scale_eighths: u8,
    ) -> Result<Samples, LibjpegError> {
        if self.decoded {
            return guarded(|| Err(std::io::Error::other("the JPEG was already decoded")));
        }
        if self.lossless && scale_eighths < 2 {
            // At 1/8 libjpeg's Huffman decoder does not keep the AC coefficients.
            return guarded(|| Err(std::io::Error::other("1/8 would drop the AC coefficients")));
        }
        self.decoded = true;
        if !self.lossless {
            return jpeg::decode(self.bytes, colour, scale_eighths);
        }
        let src = &mut *self.src;
        guarded(move || {
            // SAFETY: `src` is a decompressor that has read its header (`open`); every row
            // pointer handed to jpeg_read_scanlines points into `data` at a row below
            // `output_height`.
            unsafe {
                src.buffered_image = 1;
                src.scale_num = u32::from(scale_eighths);
                src.scale_denom = 8;
                src.out_color_space = match colour {
                    JpegColour::Gray => ffi::J_COLOR_SPACE::JCS_GRAYSCALE,
                    _ => ffi::J_COLOR_SPACE::JCS_RGB,
                };
                ffi::jpeg_start_decompress(src);
                // The whole file into the coefficient buffer, then one output pass.
                loop {
                    match ffi::jpeg_consume_input(src) {
                        JPEG_REACHED_EOI => break,
                        JPEG_SUSPENDED => {
                            return Err(std::io::Error::other("the input ended early"))
                        }
                        _ => {}
                    }
                }
                ffi::jpeg_start_output(src, src.input_scan_number);
                let (width, height) = (src.output_width as usize, src.output_height as usize);
                let channels = src.output_components as usize;
                let row_len = width * channels;
                let mut data = Vec::new();
                data.try_reserve_exact(row_len * height)
                    .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
                data.resize(row_len * height, 0u8);
                while (src.output_scanline as usize) < height {
                    let row = src.output_scanline as usize;
                    let mut rows: Vec<*mut u8> = data[row * row_len..]
                        .chunks_exact_mut(row_len)
                        .take(16)
                        .map(<[u8]>::as_mut_ptr)
                        .collect();
                    let read = ffi::jpeg_read_scanlines(src, rows.as_mut_ptr(), rows.len() as u32);
                    if read == 0 {
                        return Err(std::io::Error::other("the decoder stopped early"));
                    }
                }
                ffi::jpeg_finish_output(src);
                Ok(Samples {
                    width: width as u32,
                    height: height as u32,
                    channels: channels as u8,
                    data,
                })
            }
        })
    }

    /// The optimized copy: the coefficients (read now, or buffered by `decode_scaled`)
    /// requantized to `quality`, never to finer steps than the source already has, stood
    /// upright by moving DCT blocks (libjpeg-turbo's lossless transforms) and
    /// entropy-coded with optimized tables.
    ///
    /// `Ok(None)` when the turn cannot be done losslessly: an edge the turn moves is not a
    /// whole number of blocks, and a lossless transform would have to drop it.
    pub(super) fn requantize(mut self, quality: u8) -> Result<Option<Vec<u8>>, LibjpegError> {
        if !self.lossless {
            return Ok(None);
        }
        guarded(move || {
            // SAFETY: as in `open`; the decompressor has only read its header, or is between
            // output passes of a buffered-image decode with all input consumed: both are
            // states where libjpeg hands out the coefficient arrays. Every coefficient row
            // pointer comes from access_virt_barray for a row range inside the component's
            // height in blocks.
            unsafe {
                let t = &mut self;
                let coefficients = ffi::jpeg_read_coefficients(&mut t.src);
                if coefficients.is_null() {
                    return Err(std::io::Error::other("no coefficients"));
                }
                // The transforms size the image from the output dimensions, which a scaled
                // pass changes; full size is what the workspace was requested for.
                t.src.output_width = t.src.image_width;
                t.src.output_height = t.src.image_height;

                // libjpeg-turbo's defaults (baseline), not mozjpeg's progressive search.
                ffi::jpeg_c_set_int_param(
                    &mut t.dst,
                    ffi::J_INT_PARAM::JINT_COMPRESS_PROFILE,
                    ffi::JINT_COMPRESS_PROFILE_VALUE::JCP_FASTEST as c_int,
                );
                ffi::jpeg_copy_critical_parameters(&t.src, &mut t.dst);
                // Standard tables at `quality` in slots 0 (luma) and 1 (chroma).
                ffi::jpeg_set_quality(&mut t.dst, c_int::from(quality), 1);
                t.dst.optimize_coding = 1;
                t.dst.write_JFIF_header = 1;
                t.dst.write_Adobe_marker = 0;

                let components = t.src.num_components as usize;
                // New table per slot: the coarser of the target and every source table
                // using it.
                let mut tables = [[0u16; 64]; 2];
                for (slot, table) in tables.iter_mut().enumerate() {
                    *table = (*t.dst.quant_tbl_ptrs[slot]).quantval;
                }
                let slot_of = |ci: usize| usize::from(ci > 0);
                for ci in 0..components {
                    let comp = &*t.src.comp_info.add(ci);
                    if comp.quant_table.is_null() {
                        return Err(std::io::Error::other("a component has no table"));
                    }
                    let old = &(*comp.quant_table).quantval;
                    for (new, &old) in tables[slot_of(ci)].iter_mut().zip(old) {
                        *new = (*new).max(old);
                    }
                }
                for (slot, table) in tables.iter().enumerate() {
                    (*t.dst.quant_tbl_ptrs[slot]).quantval = *table;
                }
                for ci in 0..components {
                    let dst_comp = &mut *t.dst.comp_info.add(ci);
                    dst_comp.quant_tbl_no = slot_of(ci) as c_int;
                    let comp = &*t.src.comp_info.add(ci);
                    let old = (*comp.quant_table).quantval;
                    let new = tables[slot_of(ci)];
                    requantize_component(&mut t.src, comp, *coefficients.add(ci), &old, &new);
                }

                // Swaps the size, sampling and (transposed) tables for quarter turns; the
                // coefficients are moved after the header is written, as jpegtran does.
                let turned = jtransform_adjust_parameters(
                    &mut *t.src,
                    &mut *t.dst,
                    coefficients,
                    &mut t.turn,
                );
                ffi::jpeg_mem_dest(&mut t.dst, &mut t.out, &mut t.out_len);
                ffi::jpeg_write_coefficients(&mut t.dst, turned);
                jtransform_execute_transform(&mut *t.src, &mut *t.dst, coefficients, &mut t.turn);
                ffi::jpeg_finish_compress(&mut t.dst);
                let out = std::slice::from_raw_parts(t.out, t.out_len as usize).to_vec();
                Ok(Some(out))
            }
        })
    }
}

/// Rescales every coefficient of one component from the `old` steps to the `new` ones,
/// rounding to nearest.
///
/// # Safety
/// `array` must be the component's coefficient array from `jpeg_read_coefficients` on
/// `src`, and `comp` its component info.
unsafe fn requantize_component(
    src: &mut ffi::jpeg_decompress_struct,
    comp: &ffi::jpeg_component_info,
    array: *mut ffi::jvirt_barray_control,
    old: &[u16; 64],
    new: &[u16; 64],
) {
    if old == new {
        return;
    }
    let steps = Rescale::new(old, new);
    let access = (*src.common.mem)
        .access_virt_barray
        .expect("libjpeg's memory manager has access_virt_barray");
    let rows_per_access = comp.v_samp_factor.max(1) as u32;
    let mut row = 0;
    while row < comp.height_in_blocks {
        let rows = rows_per_access.min(comp.height_in_blocks - row);
        let buffer = access(&mut src.common, array, row, rows, 1);
        for r in 0..rows as usize {
            let blocks =
                std::slice::from_raw_parts_mut(*buffer.add(r), comp.width_in_blocks as usize);
            for block in blocks {
                for (k, coefficient) in block.iter_mut().enumerate() {
                    *coefficient = steps.rescale(*coefficient, k);
                }
            }
        }
        row += rows;
    }
}

/// Moves a coefficient from one quantization step to another, rounding to nearest (halves
/// away from zero): `round(coefficient × old / new)`, by a reciprocal multiplication
/// instead of an integer division, which was most of the requantizer's time.
struct Rescale {
    old: [f64; 64],
    half: [f64; 64],
    reciprocal: [f64; 64],
}

/// Exactness of [`Rescale::rescale`]: the numerator is an integer below 2^31 + 2^15, so
/// its product with the rounded reciprocal is off by less than 2^-20; a true quotient is
/// an integer or at least 1/new ≥ 2^-16 below the next one, so adding 2^-18 and truncating
/// gives the integer quotient.
const NUDGE: f64 = 1.0 / 262_144.0;

impl Rescale {
    fn new(old: &[u16; 64], new: &[u16; 64]) -> Self {
        Self {
            old: old.map(f64::from),
            half: new.map(|step| f64::from(step / 2)),
            reciprocal: new.map(|step| 1.0 / f64::from(step.max(1))),
        }
    }

    /// `(|c × old| + new / 2) / new` in integers, with the sign of `c`. The caller's `new`
    /// steps are never finer than `old`, so the result fits a coefficient.
    #[inline]
    fn rescale(&self, coefficient: i16, k: usize) -> i16 {
        let value = f64::from(coefficient) * self.old[k];
        let quotient = (value.abs() + self.half[k]) * self.reciprocal[k] + NUDGE;
        // SAFETY: finite, not negative, and below 2^31: |c| ≤ 2^15 and old ≤ 65535 keep
        // the numerator below 2^31 - 2^15, and new ≥ 1. (`as` would add a saturation and
        // NaN check per coefficient, a third of this loop's time.)
        let quotient: i32 = unsafe { quotient.to_int_unchecked() };
        (if value < 0.0 { -quotient } else { quotient }) as i16
    }
}

#[cfg(test)]
mod tests {
    use super::Rescale;

    fn by_division(coefficient: i16, old: u16, new: u16) -> i16 {
        let value = i64::from(coefficient) * i64::from(old);
        let step = i64::from(new);
        let q = (value.abs() + step / 2) / step;
        (if value < 0 { -q } else { q }) as i16
    }

    #[test]
    fn the_reciprocal_rescale_is_the_integer_division() {
        let mut coefficients: Vec<i16> = (-3072..=3072).collect();
        coefficients.extend([
            i16::MIN,
            i16::MIN + 1,
            -20_000,
            20_000,
            i16::MAX - 1,
            i16::MAX,
        ]);
        let mut checked = 0u64;
        for old in [1u16, 2, 3, 7, 16, 50, 99, 128, 255] {
            for new in (old..=255).chain([256, 1000, 4097, 32768, 65535]) {
                let steps = Rescale::new(&[old; 64], &[new; 64]);
                for &coefficient in &coefficients {
                    let expected = by_division(coefficient, old, new);
                    assert_eq!(
                        steps.rescale(coefficient, 7),
                        expected,
                        "{coefficient}×{old}/{new}"
                    );
                    checked += 1;
                }
            }
        }
        // Large steps on both sides, where the numerator nears 2^31.
        for (old, new) in [(65535u16, 65535u16), (40000, 65535), (65534, 65535)] {
            let steps = Rescale::new(&[old; 64], &[new; 64]);
            for &coefficient in &coefficients {
                assert_eq!(
                    steps.rescale(coefficient, 0),
                    by_division(coefficient, old, new)
                );
                checked += 1;
            }
        }
        assert!(checked > 10_000_000, "{checked}");
    }
}
