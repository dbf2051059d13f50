//! The first pass's view of a block: its coefficients in zigzag order, requantized, and a
//! mask of those that are not zero. The mask is made with SSE2 on x86-64 (`sse2.rs`) and
//! without SIMD elsewhere (`scalar.rs`), which is what arm64 (Lambda's Graviton) runs; the
//! tests hold the two to the same answer.

#[cfg(any(test, not(target_arch = "x86_64")))]
mod scalar;
#[cfg(target_arch = "x86_64")]
mod sse2;

use crate::jpeg::coefficients::{Block, Rescale, NATURAL};
#[cfg(not(target_arch = "x86_64"))]
use scalar::nonzero;
#[cfg(target_arch = "x86_64")]
use sse2::nonzero;

/// A block in zigzag order, requantized, and its AC coefficients that are not zero.
/// Requantizing (a division) is done only for coefficients that are not already zero.
#[inline]
pub(super) fn zigzag(source: &Block, rescale: Option<&Rescale>) -> (Block, u64) {
    let mut block = [0i16; 64];
    for (out, &k) in block.iter_mut().zip(&NATURAL) {
        *out = source[k];
    }
    let mut mask = nonzero(&block);
    if let Some(steps) = rescale {
        block[0] = steps.rescale(block[0], 0);
        let mut rest = mask & !1;
        while rest != 0 {
            let k = rest.trailing_zeros() as usize;
            let value = steps.rescale(block[k], k);
            block[k] = value;
            if value == 0 {
                mask &= !(1u64 << k);
            }
            rest &= rest - 1;
        }
    }
    (block, mask & !1)
}

#[cfg(test)]
mod tests;
