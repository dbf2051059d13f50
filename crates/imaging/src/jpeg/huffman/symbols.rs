//! One block's Huffman symbols (ITU T.81 F.1.2): the DC difference's magnitude category,
//! then a (zero run, category) symbol per AC coefficient that is not zero, each followed by
//! the value's extra bits. The first pass counts them, the second codes them.

use super::bits::BitWriter;
use super::tables::Table;
use super::EncodeError;
use crate::jpeg::coefficients::Block;

/// Symbol counts of one table slot.
#[derive(Clone)]
pub(super) struct Counts {
    pub dc: [u64; 257],
    pub ac: [u64; 257],
}

impl Default for Counts {
    fn default() -> Self {
        Self {
            dc: [0; 257],
            ac: [0; 257],
        }
    }
}

/// The magnitude category of `value` and its extra bits.
#[inline]
fn magnitude(value: i32) -> (u32, u32) {
    let size = 32 - value.unsigned_abs().leading_zeros();
    let bits = if value < 0 { value - 1 } else { value } as u32 & ((1u32 << size) - 1);
    (size, bits)
}

/// Counts the symbols of one zigzag block and keeps its DC and non-zero AC values; fails
/// on values baseline JPEG cannot code.
#[inline]
pub(super) fn count_block(
    block: &Block,
    mut mask: u64,
    prediction: &mut i32,
    counts: &mut Counts,
    values: &mut Vec<i16>,
) -> Result<(), EncodeError> {
    let dc = i32::from(block[0]);
    let (size, _) = magnitude(dc - *prediction);
    *prediction = dc;
    if size > 11 {
        return Err(EncodeError::CoefficientRange(size));
    }
    counts.dc[size as usize] += 1;
    values.push(block[0]);
    let mut last = 0u32;
    while mask != 0 {
        let k = mask.trailing_zeros();
        let mut run = k - last - 1;
        while run > 15 {
            counts.ac[0xF0] += 1;
            run -= 16;
        }
        let value = block[k as usize];
        let (size, _) = magnitude(i32::from(value));
        if size > 10 {
            return Err(EncodeError::CoefficientRange(size));
        }
        counts.ac[((run << 4) | size) as usize] += 1;
        values.push(value);
        last = k;
        mask &= mask - 1;
    }
    if last != 63 {
        counts.ac[0] += 1;
    }
    Ok(())
}

/// Codes one block from its mask and values as `count_block` kept them (so each of its
/// symbols has a code); `None` when the values run out.
#[inline]
pub(super) fn code_block<'v>(
    writer: &mut BitWriter,
    mut mask: u64,
    values: &mut impl Iterator<Item = &'v i16>,
    prediction: &mut i32,
    dc: &Table,
    ac: &Table,
) -> Option<()> {
    let value = i32::from(*values.next()?);
    let (size, bits) = magnitude(value - *prediction);
    *prediction = value;
    writer.put(
        (dc.code[size as usize] << size) | bits,
        dc.size[size as usize] + size,
    );
    let mut last = 0u32;
    while mask != 0 {
        let k = mask.trailing_zeros();
        let mut run = k - last - 1;
        while run > 15 {
            writer.put(ac.code[0xF0], ac.size[0xF0]);
            run -= 16;
        }
        let (size, bits) = magnitude(i32::from(*values.next()?));
        let symbol = ((run << 4) | size) as usize;
        writer.put((ac.code[symbol] << size) | bits, ac.size[symbol] + size);
        last = k;
        mask &= mask - 1;
    }
    if last != 63 {
        writer.put(ac.code[0], ac.size[0]);
    }
    Some(())
}
