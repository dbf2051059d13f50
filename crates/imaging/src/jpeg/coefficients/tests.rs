use mozjpeg::qtable;

use super::{dead_zone, Rescale};

/// The integer rescale, with a dead zone for AC coefficient `k` when `dead`.
fn by_division(coefficient: i16, old: u16, new: u16, k: usize, dead: bool) -> i16 {
    let value = i64::from(coefficient) * i64::from(old);
    let step = i64::from(new);
    let offset = if k > 0 && dead {
        step * 7 / 16
    } else {
        step / 2
    };
    let q = (value.abs() + offset) / step;
    (if value < 0 { -q } else { q }) as i16
}

/// libjpeg's table at a whole `quality`: Annex K's, scaled as `jpeg_set_quality`
/// scales it, from the mozjpeg crate (as the encoder sets them), in natural order (the
/// order does not change the median, and DC comes first in both).
fn libjpeg_table(quality: u32, chroma: bool) -> [u16; 64] {
    let base = if chroma {
        &qtable::AnnexK_Chroma
    } else {
        &qtable::AnnexK_Luma
    };
    let table = base.scaled(quality as f32, quality as f32);
    // SAFETY: a table's pointer is to its 64 coefficients, alive as long as `table`.
    let steps = unsafe { std::slice::from_raw_parts(table.as_ptr(), 64) };
    std::array::from_fn(|k| steps[k] as u16)
}

#[test]
fn first_generation_sources_get_the_dead_zone_and_near_ones_round_to_nearest() {
    let to_80 = |quality, chroma| {
        let (old, target) = (libjpeg_table(quality, chroma), libjpeg_table(80, chroma));
        // As the transcoder does: no new step finer than the old one.
        dead_zone(&old, &std::array::from_fn(|k| target[k].max(old[k])))
    };
    for chroma in [false, true] {
        // Quality 90's tables are quality 80's halved.
        assert!(!to_80(90, chroma), "90, chroma {chroma}");
        assert!(!to_80(91, chroma), "91, chroma {chroma}");
        assert!(!to_80(85, chroma), "85, chroma {chroma}");
        assert!(!to_80(80, chroma), "80, chroma {chroma}");
        assert!(!to_80(60, chroma), "60, chroma {chroma}");
        assert!(to_80(92, chroma), "92, chroma {chroma}");
        assert!(to_80(95, chroma), "95, chroma {chroma}");
        assert!(to_80(100, chroma), "100, chroma {chroma}");
    }
}

#[test]
fn the_dead_zone_rounds_ac_away_from_zero_from_nine_sixteenths_and_dc_to_nearest() {
    // From step 1 to step 16: the value is the coefficient in sixteenths of a step.
    let steps = Rescale::new(&[1; 64], &[16; 64]);
    let (dc, ac) = (|c| steps.rescale(c, 0), |c| steps.rescale(c, 5));
    assert_eq!([dc(7), dc(8), dc(-8), dc(24)], [0, 1, -1, 2]);
    assert_eq!(
        [ac(8), ac(9), ac(-8), ac(-9), ac(24), ac(25)],
        [0, 1, 0, -1, 1, 2]
    );
    // From step 8 to step 16 (twice as coarse): an odd coefficient is an exact half,
    // rounded away from zero.
    let steps = Rescale::new(&[8; 64], &[16; 64]);
    assert_eq!(
        [1, -1, 3, -3, 2].map(|c| steps.rescale(c, 5)),
        [1, -1, 2, -2, 1]
    );
}

#[test]
fn the_reciprocal_rescale_is_the_integer_division() {
    let mut coefficients: Vec<i16> = (-3072..=3072).collect();
    coefficients.extend([
        i16::MIN,
        i16::MIN + 1,
        -20_000,
        20_000,
        i16::MAX - 1,
        i16::MAX,
    ]);
    let mut checked = 0u64;
    for old in [1u16, 2, 3, 7, 16, 50, 99, 128, 255] {
        for new in (old..=255).chain([256, 1000, 4097, 32768, 65535]) {
            let steps = Rescale::new(&[old; 64], &[new; 64]);
            let dead = dead_zone(&[old; 64], &[new; 64]);
            for &coefficient in &coefficients {
                for k in [0, 7] {
                    assert_eq!(
                        steps.rescale(coefficient, k),
                        by_division(coefficient, old, new, k, dead),
                        "{coefficient}×{old}/{new} at {k}"
                    );
                    checked += 1;
                }
            }
        }
    }
    // Large steps on both sides, where the numerator nears 2^31.
    for (old, new) in [(65535u16, 65535u16), (40000, 65535), (65534, 65535)] {
        let steps = Rescale::new(&[old; 64], &[new; 64]);
        let dead = dead_zone(&[old; 64], &[new; 64]);
        for &coefficient in &coefficients {
            for k in [0, 7] {
                assert_eq!(
                    steps.rescale(coefficient, k),
                    by_division(coefficient, old, new, k, dead)
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000_000, "{checked}");
}
