//! The mask of non-zero coefficients with SSE2, which every x86-64 has.

use std::arch::x86_64::*;

use crate::jpeg::coefficients::Block;

/// Bit `k` set when coefficient `k` is not zero: sixteen coefficients compared with zero
/// at a time, packed to bytes, and the bytes' top bits gathered.
#[inline]
pub(super) fn nonzero(block: &Block) -> u64 {
    // SAFETY: SSE2 is part of x86-64; the eight loads read the block's 128 bytes.
    unsafe {
        let p = block.as_ptr().cast::<__m128i>();
        let zero = _mm_setzero_si128();
        let mut mask = 0u64;
        for i in 0..4 {
            let a = _mm_cmpeq_epi16(_mm_loadu_si128(p.add(2 * i)), zero);
            let b = _mm_cmpeq_epi16(_mm_loadu_si128(p.add(2 * i + 1)), zero);
            let zeros = _mm_movemask_epi8(_mm_packs_epi16(a, b)) as u32;
            mask |= u64::from(!zeros & 0xFFFF) << (16 * i);
        }
        mask
    }
}
