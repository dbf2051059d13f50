//! One read of a JPEG's DCT coefficients serving two outputs: a DCT-scaled decode for the
//! small outputs, and the optimized copy made without decoding to pixels. The coefficients
//! are entropy-decoded once into libjpeg's whole-image buffer (buffered-image mode); the
//! scaled image is an output pass over that buffer, and the optimized copy is the same
//! coefficients turned upright by moving blocks (libjpeg-turbo's lossless transforms),
//! requantized to the output quality's tables (4:4:4 and 4:2:2 chroma halved to 4:2:0 in
//! the DCT domain, `chroma.rs`) and entropy-coded again with optimized Huffman tables
//! (`huffman.rs`, on every thread the job has). That skips a second entropy
//! decode, the inverse DCT, upsampling, colour conversion and the way back (most of a
//! decode plus encode) for an output that differs from a pixel-domain re-encode only by
//! rounding. No marker of the source is copied.
//!
//! Raw libjpeg through `mozjpeg-sys`: the `mozjpeg` crate has neither buffered-image mode
//! nor a transcoding API; the transforms' declarations are in `transupp.rs`.

use std::marker::PhantomData;
use std::mem;
use std::os::raw::{c_int, c_ulong};
use std::ptr;

use image::metadata::Orientation;
use mozjpeg_sys as ffi;

use super::chroma::{self, Ratio};
use super::coefficients::{zigzag_order, Block, Frame, Plane, Rescale};
use super::libjpeg::{guarded, JpegColour, LibjpegError, Samples};
use super::transupp::{
    jtransform_adjust_parameters, jtransform_execute_transform, jtransform_request_workspace,
    TransformInfo,
};
use crate::memory;
use crate::parallel::beside;

/// A JPEG read once ([`Transcoder::read`]): its scaled samples
/// ([`Transcoder::decode_scaled`]) and its upright coefficients with the optimized output's
/// steps ([`Transcoder::frame`]), in either order or side by side.
///
/// Owns a decompressor and a compressor sharing one error manager, and destroys them
/// however the work ends (libjpeg's errors unwind through here). The decompressor reads
/// from the borrowed bytes. The compressor is never finished: libjpeg's transforms take
/// their output geometry from it.
pub(crate) struct Transcoder<'a> {
    err: Box<ffi::jpeg_error_mgr>,
    src: Box<ffi::jpeg_decompress_struct>,
    dst: Box<ffi::jpeg_compress_struct>,
    out: *mut u8,
    out_len: c_ulong,
    turn: TransformInfo,
    /// The turn can be done by moving whole blocks.
    pub(crate) lossless: bool,
    /// `read` has run.
    read: bool,
    /// The decompressor reads from these bytes.
    bytes: PhantomData<&'a [u8]>,
}

// SAFETY: the libjpeg structs are used by one thread at a time (`&mut self`) and hold no
// thread-local state; the error manager unwinds on whichever thread called in.
unsafe impl Send for Transcoder<'_> {}

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
    pub(crate) fn open(bytes: &'a [u8], orientation: Orientation) -> Result<Self, LibjpegError> {
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
                    read: false,
                    bytes: PhantomData,
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
                // A mirror into a workspace too, not in place: the buffered coefficients
                // must stay as they are for the scaled pass.
                t.turn.slow_hflip = 1;
                t.lossless = jtransform_request_workspace(&mut *t.src, &mut t.turn) != 0;
                Ok(t)
            }
        })
    }

    /// Entropy-decodes the whole file into libjpeg's coefficient buffer, for an output
    /// pass to grey or RGB scaled by `scale_eighths / 8` in the DCT. Once, and only when
    /// the turn is lossless (otherwise there is nothing to transcode: use `libjpeg::decode`);
    /// not at 1/8, where libjpeg's Huffman decoder does not keep the AC coefficients.
    pub(crate) fn read(
        &mut self,
        colour: JpegColour,
        scale_eighths: u8,
    ) -> Result<(), LibjpegError> {
        if self.read || !self.lossless || scale_eighths < 2 {
            return guarded(|| {
                Err(std::io::Error::other(
                    "read runs once, for a lossless turn, at 1/4 or more",
                ))
            });
        }
        self.read = true;
        let src = &mut *self.src;
        guarded(move || {
            // SAFETY: `src` is a decompressor that has read its header (`open`).
            unsafe {
                src.buffered_image = 1;
                src.scale_num = u32::from(scale_eighths);
                src.scale_denom = 8;
                src.out_color_space = match colour {
                    JpegColour::Gray => ffi::J_COLOR_SPACE::JCS_GRAYSCALE,
                    _ => ffi::J_COLOR_SPACE::JCS_RGB,
                };
                ffi::jpeg_start_decompress(src);
                loop {
                    match ffi::jpeg_consume_input(src) {
                        JPEG_REACHED_EOI => break,
                        JPEG_SUSPENDED => {
                            return Err(std::io::Error::other("the input ended early"))
                        }
                        _ => {}
                    }
                }
                Ok(())
            }
        })
    }

    /// The scaled image: one output pass over the coefficients `read` buffered. It only
    /// reads them, so it may run while a [`Frame`] from [`Transcoder::frame`] is coded.
    pub(crate) fn decode_scaled(&mut self) -> Result<Samples, LibjpegError> {
        if !self.read {
            return guarded(|| Err(std::io::Error::other("the JPEG was not read")));
        }
        let src = &mut *self.src;
        guarded(move || {
            // SAFETY: `src` has consumed its whole input in buffered-image mode (`read`);
            // every row pointer handed to jpeg_read_scanlines points into `data` at a row
            // below `output_height`.
            unsafe {
                ffi::jpeg_start_output(src, src.input_scan_number);
                let (width, height) = (src.output_width as usize, src.output_height as usize);
                let channels = src.output_components as usize;
                let row_len = width * channels;
                let mut data = memory::reserved(row_len * height)?;
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

    /// The optimized output's coefficients: the ones `read` buffered, stood upright by
    /// moving DCT blocks (into a workspace of libjpeg's, so the buffer itself stays as it
    /// was for `decode_scaled`), with steps to requantize them to `quality`'s tables,
    /// never finer than the source's own.
    ///
    /// The frame points into the transcoder's buffers: it must be dropped before the
    /// transcoder, and nothing but `decode_scaled` may run while it is in use.
    pub(crate) fn frame(&mut self, quality: u8, threads: usize) -> Result<Frame, LibjpegError> {
        if !self.read {
            return guarded(|| Err(std::io::Error::other("the JPEG was not read")));
        }
        guarded(|| {
            // SAFETY: as in `open`; the decompressor has consumed all its input in
            // buffered-image mode, a state in which libjpeg hands out the coefficient
            // arrays; the steps run in the order libjpeg needs (the compressor set up from
            // the source before the turn reads its geometry).
            unsafe {
                let coefficients = ffi::jpeg_read_coefficients(&mut self.src);
                if coefficients.is_null() {
                    return Err(std::io::Error::other("no coefficients"));
                }
                let steps = self.output_steps(quality)?;
                let turned = self.turn_blocks(coefficients);
                let layout = self.layout()?;
                self.assemble(turned, &steps, &layout, threads)
            }
        })
    }

    /// The output's steps by slot (0 luma, 1 chroma): `quality`'s standard tables, each
    /// step the coarser of that and every source table using the slot; and each
    /// component's source steps. Sets the compressor up with the source's critical
    /// parameters on the way, as the turn needs.
    ///
    /// # Safety
    /// The decompressor has read its header.
    unsafe fn output_steps(&mut self, quality: u8) -> std::io::Result<Steps> {
        let t = self;
        // libjpeg-turbo's defaults, not mozjpeg's progressive search: the compressor
        // is only set up, never run (see `turn_blocks`).
        ffi::jpeg_c_set_int_param(
            &mut t.dst,
            ffi::J_INT_PARAM::JINT_COMPRESS_PROFILE,
            ffi::JINT_COMPRESS_PROFILE_VALUE::JCP_FASTEST as c_int,
        );
        ffi::jpeg_copy_critical_parameters(&t.src, &mut t.dst);
        // Standard tables at `quality` in slots 0 (luma) and 1 (chroma).
        ffi::jpeg_set_quality(&mut t.dst, c_int::from(quality), 1);
        let components = t.src.num_components as usize;
        let mut tables = [[0u16; 64]; 2];
        for (slot, table) in tables.iter_mut().enumerate() {
            *table = (*t.dst.quant_tbl_ptrs[slot]).quantval;
        }
        // Each slot's new table: the coarser of the target and every source table
        // using it.
        let mut old_tables = Vec::with_capacity(components);
        for ci in 0..components {
            let comp = &*t.src.comp_info.add(ci);
            if comp.quant_table.is_null() {
                return Err(std::io::Error::other("a component has no table"));
            }
            let old = (*comp.quant_table).quantval;
            for (new, &old) in tables[slot_of(ci)].iter_mut().zip(&old) {
                *new = (*new).max(old);
            }
            old_tables.push(old);
        }
        Ok(Steps {
            output: tables,
            source: old_tables,
        })
    }

    /// The coefficient arrays stood upright: `coefficients` themselves when there is no
    /// turn, else libjpeg's workspace with the blocks moved into it.
    ///
    /// # Safety
    /// `coefficients` are the decompressor's, and the compressor has the source's critical
    /// parameters ([`Transcoder::output_steps`]).
    unsafe fn turn_blocks(
        &mut self,
        coefficients: *mut *mut ffi::jvirt_barray_control,
    ) -> *mut *mut ffi::jvirt_barray_control {
        let t = self;
        if t.turn.transform == ffi::JXFORM_CODE_JXFORM_NONE {
            return coefficients;
        }
        // The transforms size the image from the output dimensions, which the
        // scaled pass set; full size is what the workspace was requested for.
        let scaled = (t.src.output_width, t.src.output_height);
        t.src.output_width = t.src.image_width;
        t.src.output_height = t.src.image_height;
        // Swaps the size and sampling for quarter turns. The compressor is set
        // up (its header goes to a scratch buffer) only because the transform
        // reads the block geometry from it.
        let turned =
            jtransform_adjust_parameters(&mut *t.src, &mut *t.dst, coefficients, &mut t.turn);
        ffi::jpeg_mem_dest(&mut t.dst, &mut t.out, &mut t.out_len);
        ffi::jpeg_write_coefficients(&mut t.dst, turned);
        jtransform_execute_transform(&mut *t.src, &mut *t.dst, coefficients, &mut t.turn);
        (t.src.output_width, t.src.output_height) = scaled;
        turned
    }

    /// The upright frame's geometry, from the source's header and the turn; an error for a
    /// sampling the transcoder does not take.
    ///
    /// # Safety
    /// The decompressor has read its header.
    unsafe fn layout(&self) -> std::io::Result<Layout> {
        let t = self;
        let components = t.src.num_components as usize;
        let transposed = matches!(
            t.turn.transform,
            ffi::JXFORM_CODE_JXFORM_TRANSPOSE
                | ffi::JXFORM_CODE_JXFORM_TRANSVERSE
                | ffi::JXFORM_CODE_JXFORM_ROT_90
                | ffi::JXFORM_CODE_JXFORM_ROT_270
        );
        let (width, height) = if transposed {
            (t.src.image_height, t.src.image_width)
        } else {
            (t.src.image_width, t.src.image_height)
        };
        let sampling: Vec<(u8, u8)> = (0..components)
            .map(|ci| {
                let comp = &*t.src.comp_info.add(ci);
                let (h, v) = (comp.h_samp_factor as u8, comp.v_samp_factor as u8);
                if transposed {
                    (v, h)
                } else {
                    (h, v)
                }
            })
            .collect();
        let v_max = sampling
            .iter()
            .map(|&(_, v)| u32::from(v))
            .max()
            .unwrap_or(1);
        // A layout other than 4:2:0 gets 4:2:0's MCUs: luma two blocks each way
        // (padded where the source has fewer), chroma halved along each axis on
        // which the source has two chroma blocks per output block.
        let (h_max, v_max) = (u32::from(sampling[0].0), v_max);
        let halving = (components == 3 && sampling[0] != (2, 2)).then(|| Ratio {
            horizontal: 2 / h_max,
            vertical: 2 / v_max,
        });
        if halving.is_some() && (sampling[1..] != [(1, 1), (1, 1)] || h_max > 2 || v_max > 2) {
            return Err(std::io::Error::other(
                "a sampling the transcoder does not take",
            ));
        }
        Ok(Layout {
            transposed,
            width,
            height,
            sampling,
            h_max,
            v_max,
            halving,
            grid: (width.div_ceil(16), height.div_ceil(16)),
        })
    }

    /// The frame: a plane per component pointing at its upright block rows (`turned`), with
    /// the steps to requantize it; luma padded and chroma halved to 4:2:0 where the source's
    /// layout is finer.
    ///
    /// # Safety
    /// `turned` are the decompressor's coefficient arrays stood upright
    /// ([`Transcoder::turn_blocks`]), and `layout` is theirs.
    unsafe fn assemble(
        &mut self,
        turned: *mut *mut ffi::jvirt_barray_control,
        steps: &Steps,
        layout: &Layout,
        threads: usize,
    ) -> std::io::Result<Frame> {
        let t = self;
        let components = t.src.num_components as usize;
        let Layout {
            width,
            height,
            h_max,
            v_max,
            ..
        } = *layout;
        let quant: Vec<[u16; 64]> = steps.output[..components.min(2)]
            .iter()
            .map(|&q| layout.orient(q))
            .collect();
        let grid_columns = layout.grid.0;
        let mut storage: Vec<Vec<Block>> = Vec::new();
        let mut planes = Vec::with_capacity(components);
        let mut chroma_planes = Vec::new();
        for ci in 0..components {
            let comp = &*t.src.comp_info.add(ci);
            let (h_samp, v_samp) = layout.sampling[ci];
            // Block rows the source's MCUs cover (a single component: its own).
            let rows = if components == 1 {
                height.div_ceil(8)
            } else {
                height.div_ceil(8 * v_max) * u32::from(v_samp)
            };
            // And the blocks each of those rows holds.
            let columns = width.div_ceil(8 * h_max) * u32::from(h_samp);
            let pointers = t.block_rows(*turned.add(ci), rows);
            let old = layout.orient(steps.source[ci]);
            let new = quant[slot_of(ci)];
            let rescale =
                (old != new).then(|| Rescale::new(&zigzag_order(&old), &zigzag_order(&new)));
            let plane = |h_samp, v_samp, rows, rescale| Plane {
                id: comp.component_id as u8,
                h_samp,
                v_samp,
                table: slot_of(ci),
                rows,
                rescale,
            };
            match layout.halving {
                None => planes.push(plane(h_samp, v_samp, pointers, rescale)),
                Some(_) if ci == 0 => {
                    let rows = pad_luma(pointers, columns, layout.grid, &mut storage)?;
                    planes.push(plane(2, 2, rows, rescale));
                }
                Some(_) => chroma_planes.push(ChromaPlane {
                    id: comp.component_id as u8,
                    rows: pointers,
                    columns,
                    old,
                    new,
                }),
            }
        }
        if let Some(ratio) = layout.halving {
            for (plane, halved) in
                chroma_planes
                    .iter()
                    .zip(halve_chroma(&chroma_planes, ratio, layout.grid, threads))
            {
                let rows = halved
                    .chunks_exact(grid_columns as usize)
                    .map(<[Block]>::as_ptr)
                    .collect();
                storage.push(halved);
                planes.push(Plane {
                    id: plane.id,
                    h_samp: 1,
                    v_samp: 1,
                    table: 1,
                    rows,
                    rescale: None,
                });
            }
        }
        Ok(Frame {
            width,
            height,
            planes,
            quant,
            storage,
        })
    }

    /// Pointers to the first `rows` block rows of one component's coefficient `array`.
    ///
    /// # Safety
    /// `array` is one of the decompressor's (turned) coefficient arrays, with at least
    /// `rows` block rows.
    unsafe fn block_rows(
        &mut self,
        array: *mut ffi::jvirt_barray_control,
        rows: u32,
    ) -> Vec<*const Block> {
        let access = (*self.src.common.mem)
            .access_virt_barray
            .expect("libjpeg's memory manager has access_virt_barray");
        let mut pointers = Vec::with_capacity(rows as usize);
        for row in 0..rows {
            // Writable: rows no scan reached are zeroed (or the file refused as
            // corrupt) now, once, not later by the scaled pass while the frame
            // is read on another thread.
            let buffer = access(&mut self.src.common, array, row, 1, 1);
            pointers.push((*buffer).cast_const().cast::<Block>());
        }
        pointers
    }
}

/// Quantization and Huffman table slot of component `ci`: 0 luma, 1 chroma.
fn slot_of(ci: usize) -> usize {
    usize::from(ci > 0)
}

/// The output's steps by table slot, and each component's source steps (natural order,
/// as stored).
struct Steps {
    output: [[u16; 64]; 2],
    source: Vec<[u16; 64]>,
}

/// The geometry of the upright frame.
struct Layout {
    /// A quarter turn (or transpose): every block and table is transposed.
    transposed: bool,
    width: u32,
    height: u32,
    /// Each component's sampling factors, upright.
    sampling: Vec<(u8, u8)>,
    /// Luma's horizontal factor and the largest vertical one.
    h_max: u32,
    v_max: u32,
    /// How chroma is halved to 4:2:0, when the source's layout is finer.
    halving: Option<Ratio>,
    /// 4:2:0 MCU columns and rows.
    grid: (u32, u32),
}

impl Layout {
    /// A table in natural order as it applies to the upright blocks: tables follow the
    /// blocks, and a quarter turn transposes every block.
    fn orient(&self, table: [u16; 64]) -> [u16; 64] {
        if self.transposed {
            transpose(&table)
        } else {
            table
        }
    }
}

/// A chroma component of a layout finer than 4:2:0, to halve: its block rows in the
/// source, the blocks each row holds, and its source and output steps.
struct ChromaPlane {
    id: u8,
    rows: Vec<*const Block>,
    columns: u32,
    old: [u16; 64],
    new: [u16; 64],
}

/// Luma block rows extended to `grid` (4:2:0 MCUs: two block columns and rows each) by
/// repeating the last row and column, which lie outside the image. Copies the blocks into
/// `storage` only when columns are missing.
///
/// # Safety
/// Each row pointer points at `columns` readable blocks.
unsafe fn pad_luma(
    mut rows: Vec<*const Block>,
    columns: u32,
    (grid_columns, grid_rows): (u32, u32),
    storage: &mut Vec<Vec<Block>>,
) -> std::io::Result<Vec<*const Block>> {
    let (need_rows, need_columns) = (2 * grid_rows, 2 * grid_columns);
    let last = *rows.last().expect("an image has a block row");
    rows.resize(need_rows as usize, last);
    if columns >= need_columns {
        return Ok(rows);
    }
    let mut padded = memory::reserved((need_rows * need_columns) as usize)
        .map_err(|_| std::io::Error::other("no memory for luma"))?;
    for &row in &rows {
        for column in 0..need_columns {
            // SAFETY: the column is below `columns`, which the row holds.
            padded.push(unsafe { *row.add(column.min(columns - 1) as usize) });
        }
    }
    let rows = padded
        .chunks_exact(need_columns as usize)
        .map(<[Block]>::as_ptr)
        .collect();
    storage.push(padded);
    Ok(rows)
}

/// Cb and Cr halved to 4:2:0 at their output steps, side by side when there are two
/// threads; in `planes`' order.
fn halve_chroma(
    planes: &[ChromaPlane],
    ratio: Ratio,
    (grid_columns, grid_rows): (u32, u32),
    threads: usize,
) -> Vec<Vec<Block>> {
    let sources: Vec<chroma::Source> = planes
        .iter()
        .map(|plane| chroma::Source {
            rows: &plane.rows,
            columns: plane.columns,
            table: &plane.old,
        })
        .collect();
    // The output steps apart from the row pointers, which are not `Sync` on their own.
    let steps: Vec<&[u16; 64]> = planes.iter().map(|plane| &plane.new).collect();
    let halve = |i: usize| chroma::halve(&sources[i], ratio, grid_columns, grid_rows, steps[i]);
    if threads > 1 && sources.len() == 2 {
        let (second, first) = beside(|| halve(1), || halve(0));
        vec![first, second]
    } else {
        (0..sources.len()).map(halve).collect()
    }
}

/// A table in natural order, transposed (row and column swapped).
fn transpose(table: &[u16; 64]) -> [u16; 64] {
    std::array::from_fn(|k| table[(k % 8) * 8 + k / 8])
}

#[cfg(test)]
mod tests;
