use super::*;

/// Random blocks: mostly zeros, as in a quantized block, with extremes among the rest.
fn random_blocks(n: usize) -> impl Iterator<Item = Block> {
    let mut state = 0x9E37_79B9u32;
    std::iter::repeat_with(move || {
        std::array::from_fn(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            match state >> 28 {
                0 => i16::MIN,
                1 => i16::MAX,
                2 => -1,
                3 => (state >> 8) as i16,
                _ => 0,
            }
        })
    })
    .take(n)
}

#[test]
fn the_simd_and_scalar_masks_of_non_zero_coefficients_agree() {
    assert_eq!(nonzero(&[0; 64]), 0);
    assert_eq!(scalar::nonzero(&[0; 64]), 0);
    for block in random_blocks(2000) {
        assert_eq!(nonzero(&block), scalar::nonzero(&block), "{block:?}");
    }
    assert_eq!(nonzero(&[1; 64]), u64::MAX);
}

#[test]
fn a_zigzag_block_is_the_source_reordered_and_requantized_with_a_mask_of_its_non_zero_ac() {
    let old: [u16; 64] = std::array::from_fn(|k| 1 + (k % 7) as u16);
    let new: [u16; 64] = std::array::from_fn(|k| 2 * old[k] + (k % 3) as u16);
    let rescale = Rescale::new(&old, &new);
    for source in random_blocks(500) {
        for steps in [None, Some(&rescale)] {
            let (block, mask) = zigzag(&source, steps);
            for (k, &natural) in NATURAL.iter().enumerate() {
                let expected = steps.map_or(source[natural], |s| s.rescale(source[natural], k));
                assert_eq!(block[k], expected, "{k} of {source:?}");
            }
            assert_eq!(mask, scalar::nonzero(&block) & !1, "{source:?}");
        }
    }
}
