//! The mask of non-zero coefficients without SIMD.

use crate::jpeg::coefficients::Block;

/// Bit `k` set when coefficient `k` is not zero.
#[inline]
pub(super) fn nonzero(block: &Block) -> u64 {
    block
        .iter()
        .enumerate()
        .fold(0u64, |mask, (k, &c)| mask | (u64::from(c != 0) << k))
}
