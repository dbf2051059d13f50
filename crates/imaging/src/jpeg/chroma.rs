//! Chroma at half the resolution, made from the coefficients of a 4:4:4 or 4:2:2 JPEG
//! without decoding it: the outputs are 4:2:0, so each output chroma block covers two
//! source blocks along each halved axis. The JPEG DCT is orthonormal, so the coefficients
//! of the 2:1 average of two adjacent blocks' samples are a fixed linear map of their
//! coefficients, `M₁·X₁ + M₂·X₂` along that axis (`Mᵢ = D·Aᵢ·Dᵀ`, with `D` the 8-point DCT
//! and `Aᵢ` the averaging of block `i`'s eight samples into four). That is the box filter
//! libjpeg's encoder downsamples with, without the rounding to 8-bit samples in between.

use std::sync::OnceLock;

use super::coefficients::Block;

/// Source blocks per output block along each axis: 1 (kept) or 2 (halved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Ratio {
    pub horizontal: u32,
    pub vertical: u32,
}

/// A source chroma plane: `rows` pointers to rows of at least `columns` blocks, quantized
/// with `table` (natural order).
pub(super) struct Source<'a> {
    pub rows: &'a [*const Block],
    pub columns: u32,
    pub table: &'a [u16; 64],
}

// SAFETY: a `Source` only reads the blocks its row pointers point at, which its builder
// keeps alive and unchanged while it exists (see `Transcoder::frame`).
unsafe impl Sync for Source<'_> {}

/// The two maps, `[u][k]`: output frequency `u` from input frequency `k`; and the same
/// transposed, `[k][u]`, for the horizontal pass (so both inner loops run over contiguous
/// rows and vectorize).
struct Maps {
    first: [[f32; 8]; 8],
    second: [[f32; 8]; 8],
    first_t: [[f32; 8]; 8],
    second_t: [[f32; 8]; 8],
}

fn maps() -> &'static Maps {
    static MAPS: OnceLock<Maps> = OnceLock::new();
    MAPS.get_or_init(|| {
        // The orthonormal 8-point DCT-II: d[u][x].
        let d: [[f64; 8]; 8] = std::array::from_fn(|u| {
            let scale = if u == 0 { (1.0f64 / 8.0).sqrt() } else { 0.5 };
            std::array::from_fn(|x| {
                scale * (((2 * x + 1) * u) as f64 * std::f64::consts::PI / 16.0).cos()
            })
        });
        // Output sample i (of 8) averages input samples 2i and 2i + 1 of the 16: the first
        // block gives outputs 0..4, the second 4..8. A block's sample x is Σₖ d[k][x]·X[k].
        let map = |block: usize| -> [[f32; 8]; 8] {
            std::array::from_fn(|u| {
                std::array::from_fn(|k| {
                    (0..4)
                        .map(|i| {
                            let out = 4 * block + i;
                            d[u][out] * 0.5 * (d[k][2 * i] + d[k][2 * i + 1])
                        })
                        .sum::<f64>() as f32
                })
            })
        };
        let transpose =
            |m: [[f32; 8]; 8]| std::array::from_fn(|k| std::array::from_fn(|u| m[u][k]));
        Maps {
            first: map(0),
            second: map(1),
            first_t: transpose(map(0)),
            second_t: transpose(map(1)),
        }
    })
}

/// The output plane, `rows` × `columns` blocks quantized with `table`, from `source`.
/// Source blocks past its edge (a halved axis with an odd number of blocks) repeat its
/// last row or column: they lie outside the image either way.
pub(super) fn halve(
    source: &Source,
    ratio: Ratio,
    columns: u32,
    rows: u32,
    table: &[u16; 64],
) -> Vec<Block> {
    let maps = maps();
    let dequant: [f32; 64] = source.table.map(f32::from);
    let reciprocal: [f32; 64] = table.map(|step| 1.0 / f32::from(step.max(1)));
    let last_row = source.rows.len().saturating_sub(1);
    let last_column = source.columns.saturating_sub(1) as usize;
    let block_at = |row: usize, column: usize| -> [f32; 64] {
        // SAFETY: the caller's rows hold at least `columns` blocks each; both indices are
        // clamped to them.
        let block = unsafe { &*source.rows[row.min(last_row)].add(column.min(last_column)) };
        std::array::from_fn(|k| f32::from(block[k]) * dequant[k])
    };
    let mut out = Vec::with_capacity(rows as usize * columns as usize);
    for row in 0..rows as usize {
        for column in 0..columns as usize {
            // Vertical first: one column of source blocks per horizontal position.
            let mut combined = [[0f32; 64]; 2];
            for (dx, target) in combined
                .iter_mut()
                .enumerate()
                .take(ratio.horizontal as usize)
            {
                let x = column * ratio.horizontal as usize + dx;
                let top = block_at(row * ratio.vertical as usize, x);
                *target = if ratio.vertical == 2 {
                    let bottom = block_at(row * 2 + 1, x);
                    let mut sum = left_multiply(&maps.first, &top);
                    let lower = left_multiply(&maps.second, &bottom);
                    sum.iter_mut().zip(lower).for_each(|(a, b)| *a += b);
                    sum
                } else {
                    top
                };
            }
            let coefficients = if ratio.horizontal == 2 {
                let mut sum = right_multiply(&combined[0], &maps.first_t);
                let right = right_multiply(&combined[1], &maps.second_t);
                sum.iter_mut().zip(right).for_each(|(a, b)| *a += b);
                sum
            } else {
                combined[0]
            };
            out.push(std::array::from_fn(|k| {
                // Half away from zero, as libjpeg's quantizer; `f32::round` is a libm call.
                let value = coefficients[k] * reciprocal[k];
                (value + 0.5f32.copysign(value)) as i16
            }));
        }
    }
    out
}

/// `M · X` for a block `X` stored row by row (rows are vertical frequencies). Rows of `X`
/// that are all zero, most of a chroma block's, are skipped.
#[inline]
fn left_multiply(m: &[[f32; 8]; 8], x: &[f32; 64]) -> [f32; 64] {
    let mut out = [0f32; 64];
    for k in 0..8 {
        let row = &x[k * 8..k * 8 + 8];
        if row.iter().all(|&c| c == 0.0) {
            continue;
        }
        for u in 0..8 {
            let a = m[u][k];
            for j in 0..8 {
                out[u * 8 + j] += a * row[j];
            }
        }
    }
    out
}

/// `X · Mᵀ` (given `Mᵀ`): the same map along the rows (horizontal frequencies).
#[inline]
fn right_multiply(x: &[f32; 64], m_t: &[[f32; 8]; 8]) -> [f32; 64] {
    let mut out = [0f32; 64];
    for i in 0..8 {
        let row = &x[i * 8..i * 8 + 8];
        if row.iter().all(|&c| c == 0.0) {
            continue;
        }
        for k in 0..8 {
            let a = row[k];
            for u in 0..8 {
                out[i * 8 + u] += a * m_t[k][u];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
