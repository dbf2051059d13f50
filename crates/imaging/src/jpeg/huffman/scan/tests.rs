use super::*;
use crate::jpeg::coefficients::{Block, Plane};

/// A grey frame whose blocks hold only DC values, as rows of blocks.
fn dc_frame(width: u32, height: u32, dc: impl Fn(u32, u32) -> i16) -> (Frame, Vec<Vec<Block>>) {
    let (columns, rows) = (width.div_ceil(8), height.div_ceil(8));
    let blocks: Vec<Vec<Block>> = (0..rows)
        .map(|y| {
            (0..columns)
                .map(|x| {
                    let mut block = [0i16; 64];
                    block[0] = dc(x, y);
                    block
                })
                .collect()
        })
        .collect();
    let frame = Frame {
        width,
        height,
        planes: vec![Plane {
            id: 1,
            h_samp: 1,
            v_samp: 1,
            table: 0,
            rows: blocks.iter().map(|row| row.as_ptr()).collect(),
            rescale: None,
        }],
        quant: vec![[1; 64]],
        storage: Vec::new(),
    };
    (frame, blocks)
}

#[test]
fn a_frame_of_flat_blocks_decodes_to_their_levels() {
    // With every step 1, a block whose only coefficient is 8·k decodes to 128 + k.
    let level = |x: u32, y: u32| ((x * 5 + y * 3) % 200) as i16 - 100;
    let (frame, _blocks) = dc_frame(83, 61, |x, y| 8 * level(x, y));
    let bytes = Encoding::new(&frame).unwrap().finish().unwrap();
    let decoded = image::load_from_memory(&bytes).unwrap().into_luma8();
    assert_eq!(decoded.dimensions(), (83, 61));
    for (x, y, pixel) in decoded.enumerate_pixels() {
        let expected = 128 + level(x / 8, y / 8);
        assert_eq!(i16::from(pixel.0[0]), expected, "at {x},{y}");
    }
}

#[test]
fn a_coefficient_baseline_cannot_code_is_an_error() {
    let (frame, _blocks) = dc_frame(16, 16, |x, _| if x == 1 { 4095 } else { -4095 });
    let result = Encoding::new(&frame).unwrap().finish();
    assert!(
        matches!(result, Err(EncodeError::CoefficientRange(12))),
        "{result:?}"
    );
}

#[test]
fn planes_with_too_few_rows_are_refused() {
    let (mut frame, _blocks) = dc_frame(16, 16, |_, _| 0);
    frame.planes[0].rows.pop();
    assert!(matches!(Encoding::new(&frame), Err(EncodeError::Geometry)));
}
