use super::*;

/// The JPEG forward DCT of 8×8 samples (level-shifted), in f64, straight from T.81 A.3.3.
fn fdct(samples: &[f64; 64]) -> [f64; 64] {
    let c = |u: usize| {
        if u == 0 {
            std::f64::consts::FRAC_1_SQRT_2
        } else {
            1.0
        }
    };
    std::array::from_fn(|k| {
        let (v, u) = (k / 8, k % 8);
        let mut sum = 0.0;
        for y in 0..8 {
            for x in 0..8 {
                sum += samples[y * 8 + x]
                    * (((2 * x + 1) * u) as f64 * std::f64::consts::PI / 16.0).cos()
                    * (((2 * y + 1) * v) as f64 * std::f64::consts::PI / 16.0).cos();
            }
        }
        0.25 * c(u) * c(v) * sum
    })
}

/// A deterministic sample pattern with detail at every frequency.
fn samples(width: usize, height: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    (0..width * height)
        .map(|i| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let noise = (state >> 59) as f64;
            let (x, y) = ((i % width) as f64, (i / width) as f64);
            (x * 3.0 + y * 5.0 + 40.0 * (x * 0.7).sin() + noise) % 256.0 - 128.0
        })
        .collect()
}

/// The blocks of a plane of samples, quantized with `step` everywhere.
fn blocks(samples: &[f64], width: usize, height: usize, step: u16) -> Vec<Vec<Block>> {
    (0..height / 8)
        .map(|by| {
            (0..width / 8)
                .map(|bx| {
                    let block: [f64; 64] =
                        std::array::from_fn(|k| samples[(by * 8 + k / 8) * width + bx * 8 + k % 8]);
                    fdct(&block).map(|c| (c / f64::from(step)).round() as i16)
                })
                .collect()
        })
        .collect()
}

fn halved(plane: &[Vec<Block>], ratio: Ratio, columns: u32, rows: u32, step: u16) -> Vec<Block> {
    let pointers: Vec<*const Block> = plane.iter().map(|row| row.as_ptr()).collect();
    let source = Source {
        rows: &pointers,
        columns: plane[0].len() as u32,
        table: &[step; 64],
    };
    halve(&source, ratio, columns, rows, &[step; 64])
}

#[test]
fn halving_both_axes_is_the_dct_of_the_2x2_averaged_samples() {
    let (width, height) = (32, 16);
    let plane = samples(width, height, 7);
    let out = halved(
        &blocks(&plane, width, height, 1),
        Ratio {
            horizontal: 2,
            vertical: 2,
        },
        2,
        1,
        1,
    );
    assert_eq!(out.len(), 2);
    for (bx, block) in out.iter().enumerate() {
        let averaged: [f64; 64] = std::array::from_fn(|k| {
            let (y, x) = (2 * (k / 8), 16 * bx + 2 * (k % 8));
            (plane[y * width + x]
                + plane[y * width + x + 1]
                + plane[(y + 1) * width + x]
                + plane[(y + 1) * width + x + 1])
                / 4.0
        });
        let expected = fdct(&averaged);
        for k in 0..64 {
            // The source blocks were rounded to integers: one unit of error each at most.
            let error = (f64::from(block[k]) - expected[k]).abs();
            assert!(
                error <= 1.5,
                "block {bx} coefficient {k}: {} vs {:.2}",
                block[k],
                expected[k]
            );
        }
    }
}

#[test]
fn halving_one_axis_averages_vertical_pairs_only() {
    // 4:2:2 (chroma already at half width): only the rows are halved.
    let (width, height) = (8, 16);
    let plane = samples(width, height, 11);
    let out = halved(
        &blocks(&plane, width, height, 1),
        Ratio {
            horizontal: 1,
            vertical: 2,
        },
        1,
        1,
        1,
    );
    let averaged: [f64; 64] = std::array::from_fn(|k| {
        let (y, x) = (2 * (k / 8), k % 8);
        (plane[y * width + x] + plane[(y + 1) * width + x]) / 2.0
    });
    let expected = fdct(&averaged);
    for k in 0..64 {
        assert!(
            (f64::from(out[0][k]) - expected[k]).abs() <= 1.5,
            "coefficient {k}"
        );
    }
}

#[test]
fn flat_blocks_give_the_mean_and_steps_are_applied_both_ways() {
    // DC-only blocks: 8 × the mean sample. Source step 4, output step 6.
    let dc = |value: i16| {
        let mut block = [0i16; 64];
        block[0] = value;
        block
    };
    let plane = vec![vec![dc(10), dc(20)], vec![dc(30), dc(-20)]];
    let out = halved(
        &plane,
        Ratio {
            horizontal: 2,
            vertical: 2,
        },
        1,
        1,
        4,
    );
    let pointers: Vec<*const Block> = plane.iter().map(|row| row.as_ptr()).collect();
    let coarser = halve(
        &Source {
            rows: &pointers,
            columns: 2,
            table: &[4; 64],
        },
        Ratio {
            horizontal: 2,
            vertical: 2,
        },
        1,
        1,
        &[6; 64],
    );
    // (10 + 20 + 30 - 20) / 4 = 10 steps of 4 = 40; in steps of 6, 6.67 → 7.
    assert_eq!(out[0][0], 10);
    assert_eq!(coarser[0][0], 7);
    // Four equal flat blocks stay one flat block.
    let flat = vec![vec![dc(12), dc(12)], vec![dc(12), dc(12)]];
    let out = halved(
        &flat,
        Ratio {
            horizontal: 2,
            vertical: 2,
        },
        1,
        1,
        1,
    );
    assert_eq!(out[0][0], 12);
    assert!(out[0][1..].iter().all(|&c| c == 0), "{:?}", out[0]);
}

#[test]
fn an_odd_edge_repeats_the_last_source_block() {
    // Three source blocks across, two output blocks: the second pairs block 2 with itself.
    let dc = |value: i16| {
        let mut block = [0i16; 64];
        block[0] = value;
        block
    };
    let plane = vec![vec![dc(8), dc(16), dc(40)]];
    let out = halved(
        &plane,
        Ratio {
            horizontal: 2,
            vertical: 2,
        },
        2,
        1,
        1,
    );
    assert_eq!(out.len(), 2);
    assert_eq!(out[0][0], 12);
    assert_eq!(out[1][0], 40);
}
