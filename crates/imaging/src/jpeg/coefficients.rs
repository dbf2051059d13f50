//! The coefficient data model shared by the transcoder, the chroma halving and the
//! Huffman coder: 8×8 blocks of quantized DCT coefficients, planes of block rows, the
//! frame they make, zigzag order, and the rescaling of a coefficient from one
//! quantization step to another.

/// One 8×8 block of coefficients in natural (row-major) order, as libjpeg stores them.
pub(crate) type Block = [i16; 64];

/// The natural index of each zigzag position.
pub(super) const NATURAL: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// A table in natural order, in zigzag order.
pub(super) fn zigzag_order(table: &[u16; 64]) -> [u16; 64] {
    NATURAL.map(|k| table[k])
}

/// One colour component: where its blocks are and how they are quantized.
pub(crate) struct Plane {
    /// The component identifier written in the frame and scan headers.
    pub id: u8,
    pub h_samp: u8,
    pub v_samp: u8,
    /// Quantization and Huffman table slot: 0 luma, 1 chroma.
    pub table: usize,
    /// Pointers to the rows of blocks, each row holding at least the blocks the MCUs
    /// of this frame cover (libjpeg pads its arrays to whole MCUs).
    pub rows: Vec<*const Block>,
    /// From the steps the coefficients have to the steps of `Frame::quant[table]`, indexed
    /// in zigzag order (see [`zigzag_order`]); `None` when they are the same.
    pub rescale: Option<Rescale>,
}

/// An image's coefficients, ready to be written as a baseline JPEG.
pub(crate) struct Frame {
    pub width: u32,
    pub height: u32,
    /// One (grey) or three (YCbCr) components.
    pub planes: Vec<Plane>,
    /// The quantization tables written, natural order, by slot.
    pub quant: Vec<[u16; 64]>,
    /// Blocks the frame owns (chroma made for it, padded luma), which rows may point into.
    #[expect(
        dead_code,
        reason = "never read by name: it keeps the blocks `rows` point at"
    )]
    pub storage: Vec<Vec<Block>>,
}

// SAFETY: a `Frame` only reads the blocks its row pointers point at; whoever builds one
// keeps those blocks alive and unchanged for as long as the frame exists (see
// `Transcoder::frame`), so it may be shared with and read from any thread.
unsafe impl Send for Frame {}
unsafe impl Sync for Frame {}

/// The MCU grid of a frame.
#[derive(Debug, Clone, Copy)]
pub(super) struct Grid {
    pub columns: u32,
    pub rows: u32,
}

impl Frame {
    pub(super) fn grid(&self) -> Grid {
        if self.planes.len() == 1 {
            // A single component is not interleaved: an MCU is one block.
            return Grid {
                columns: self.width.div_ceil(8),
                rows: self.height.div_ceil(8),
            };
        }
        let most = |factor: fn(&Plane) -> u8| {
            self.planes
                .iter()
                .map(|p| u32::from(factor(p)))
                .max()
                .unwrap_or(1)
        };
        let (h, v) = (most(|p| p.h_samp), most(|p| p.v_samp));
        Grid {
            columns: self.width.div_ceil(8 * h),
            rows: self.height.div_ceil(8 * v),
        }
    }

    /// (h, v) blocks per MCU of each plane.
    pub(super) fn blocks_per_mcu(&self) -> Vec<(u32, u32)> {
        if self.planes.len() == 1 {
            return vec![(1, 1)];
        }
        self.planes
            .iter()
            .map(|p| (u32::from(p.h_samp), u32::from(p.v_samp)))
            .collect()
    }
}

/// Moves a coefficient from one quantization step to another: `coefficient × old / new`,
/// rounded as [`dead_zone`] chooses, by a reciprocal multiplication instead of an integer
/// division, which was most of the requantizer's time.
pub(crate) struct Rescale {
    old: [f64; 64],
    /// Added to `|coefficient × old|` before the quotient is truncated: half a step, or
    /// [`DEAD_ZONE_OFFSET`] sixteenths of one for AC coefficients under a dead zone.
    offset: [f64; 64],
    reciprocal: [f64; 64],
}

/// Exactness of [`Rescale::rescale`]: the numerator is an integer below 2^31 + 2^15, so
/// its product with the rounded reciprocal is off by less than 2^-20; a true quotient is
/// an integer or at least 1/new ≥ 2^-16 below the next one, so adding 2^-18 and truncating
/// gives the integer quotient.
const NUDGE: f64 = 1.0 / 262_144.0;

/// Under a dead zone, an AC value is rounded away from zero from 9/16 of a step: 7/16 of
/// a step is added before truncating, not 8/16.
const DEAD_ZONE_OFFSET: u32 = 7;

/// How much finer than the new steps the source's must be, at the median AC coefficient,
/// for [`dead_zone`].
const DEAD_ZONE_RATIO: f64 = 2.25;

/// Whether the AC coefficients are rounded with a dead zone rather than to nearest
/// (halves away from zero): when the source's steps are at least [`DEAD_ZONE_RATIO`] times
/// finer than the new ones at the median AC coefficient.
///
/// A value just over half a step costs a ±1 symbol, and breaks a run of zeros, for little
/// fidelity. From a first-generation photo at quality 92, whose steps are ~2.5 times finer
/// than quality 80's, such values are mostly noise: rounding them to zero takes ~7% off the
/// optimized output's bytes for ~0.1 SSIMULACRA2 point (docs/pipeline.md). From a source
/// whose steps are about half the new ones, values land exactly on halves (libjpeg's
/// quality-90 tables are its quality-80 tables halved, so every odd coefficient does), and
/// those carry the texture that survived the first encode: rounding them down cost a
/// quality-90 re-save 5.6 points. Such sources keep rounding to nearest.
pub(super) fn dead_zone(old: &[u16; 64], new: &[u16; 64]) -> bool {
    let mut ratios: [f64; 63] =
        std::array::from_fn(|k| f64::from(new[k + 1]) / f64::from(old[k + 1].max(1)));
    ratios.sort_by(f64::total_cmp);
    ratios[31] >= DEAD_ZONE_RATIO
}

impl Rescale {
    /// From the `old` steps to the `new` ones, both in zigzag order.
    pub(super) fn new(old: &[u16; 64], new: &[u16; 64]) -> Self {
        let dead_zone = dead_zone(old, new);
        Self {
            old: old.map(f64::from),
            offset: std::array::from_fn(|k| {
                let step = u32::from(new[k]);
                f64::from(if dead_zone && k > 0 {
                    step * DEAD_ZONE_OFFSET / 16
                } else {
                    step / 2
                })
            }),
            reciprocal: new.map(|step| 1.0 / f64::from(step.max(1))),
        }
    }

    /// `(|c × old| + offset) / new` in integers, with the sign of `c`, for coefficient `k`
    /// (zigzag order: 0 is DC). The caller's `new` steps are never finer than `old`, so
    /// the result fits a coefficient.
    #[inline]
    pub(super) fn rescale(&self, coefficient: i16, k: usize) -> i16 {
        let value = f64::from(coefficient) * self.old[k];
        let quotient = (value.abs() + self.offset[k]) * self.reciprocal[k] + NUDGE;
        // SAFETY: finite, not negative, and below 2^31: |c| ≤ 2^15 and old ≤ 65535 keep
        // the numerator below 2^31 - 2^15, and new ≥ 1. (`as` would add a saturation and
        // NaN check per coefficient, a third of this loop's time.)
        let quotient: i32 = unsafe { quotient.to_int_unchecked() };
        (if value < 0.0 { -quotient } else { quotient }) as i16
    }
}

#[cfg(test)]
mod tests;
