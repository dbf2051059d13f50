//! Where a `cover` crop goes: the window of the source, of the crop's size, with the most
//! detail. A cover crop is narrower than the source on one axis only (it keeps the box's
//! aspect ratio), so the choice is one offset along that axis. Detail is edge energy (the
//! sum of each pixel's horizontal and vertical luma differences) on a copy of the source at
//! most [`SIDE`] pixels long, which costs one pass over the decode. Windows within 1/32 of
//! the best count as equal, and of those the one nearest the centre wins, so a flat or
//! evenly detailed source is cropped around its centre as before.

use ferrotype_variants::Rect;
use image::DynamicImage;

/// The longer side of the copy the detail is measured on.
const SIDE: u32 = 64;

/// `crop` (a window of the `upright` source) moved along its cropped axis to where `base`
/// (the upright source at any size) has the most detail. A crop that is the whole source
/// on both axes, or on neither, is returned as it is.
pub(crate) fn most_detailed(base: &DynamicImage, upright: (u32, u32), crop: Rect) -> Rect {
    let (width, height) = upright;
    let horizontal = crop.width < width && crop.height == height;
    let vertical = crop.height < height && crop.width == width;
    if !horizontal && !vertical {
        return crop;
    }
    let small = small_luma(base);
    let profile = if horizontal {
        column_energy(&small)
    } else {
        row_energy(&small)
    };
    let (length, window, centred) = if horizontal {
        (width, crop.width, crop.x)
    } else {
        (height, crop.height, crop.y)
    };
    // The window in the small copy's pixels, and back.
    let cells = profile.len() as u32;
    let to_cells = |value: u32| (u64::from(value) * u64::from(cells) / u64::from(length)) as u32;
    let window_cells = to_cells(window).clamp(1, cells);
    let centre_cell = to_cells(centred);
    let best = best_window(&profile, window_cells as usize, centre_cell as usize) as u32;
    let offset = if best == centre_cell {
        centred
    } else {
        ((u64::from(best) * u64::from(length) + u64::from(cells) / 2) / u64::from(cells)) as u32
    }
    .min(length - window);
    if horizontal {
        Rect { x: offset, ..crop }
    } else {
        Rect { y: offset, ..crop }
    }
}

/// The luma of `image` box-averaged down to at most [`SIDE`] pixels on its longer side:
/// `(width, height, values)`.
fn small_luma(image: &DynamicImage) -> (usize, usize, Vec<f32>) {
    let (width, height) = (image.width().max(1), image.height().max(1));
    let step = width.max(height).div_ceil(SIDE).max(1);
    let (small_w, small_h) = (
        width.div_ceil(step) as usize,
        height.div_ceil(step) as usize,
    );
    let mut sums = vec![0f32; small_w * small_h];
    let mut counts = vec![0u32; small_w * small_h];
    let luma = image.to_luma8();
    for (x, y, pixel) in luma.enumerate_pixels() {
        let cell = (y / step) as usize * small_w + (x / step) as usize;
        sums[cell] += f32::from(pixel.0[0]);
        counts[cell] += 1;
    }
    let values = sums
        .iter()
        .zip(&counts)
        .map(|(&sum, &count)| sum / count.max(1) as f32)
        .collect();
    (small_w, small_h, values)
}

/// Each pixel's edge energy: |right − here| + |below − here|.
fn energy((width, height, values): &(usize, usize, Vec<f32>), x: usize, y: usize) -> f32 {
    let here = values[y * width + x];
    let right = if x + 1 < *width {
        values[y * width + x + 1]
    } else {
        here
    };
    let below = if y + 1 < *height {
        values[(y + 1) * width + x]
    } else {
        here
    };
    (right - here).abs() + (below - here).abs()
}

fn column_energy(small: &(usize, usize, Vec<f32>)) -> Vec<f32> {
    let (width, height, _) = *small;
    (0..width)
        .map(|x| (0..height).map(|y| energy(small, x, y)).sum())
        .collect()
}

fn row_energy(small: &(usize, usize, Vec<f32>)) -> Vec<f32> {
    let (width, height, _) = *small;
    (0..height)
        .map(|y| (0..width).map(|x| energy(small, x, y)).sum())
        .collect()
}

/// The start of the `window`-long run of `profile` with the most energy; runs within 1/32
/// of the best are equal, and the one starting nearest `centre` is taken.
fn best_window(profile: &[f32], window: usize, centre: usize) -> usize {
    let window = window.clamp(1, profile.len().max(1));
    let starts = profile.len() + 1 - window;
    let sums: Vec<f32> = (0..starts)
        .map(|start| profile[start..start + window].iter().sum())
        .collect();
    let best = sums.iter().copied().fold(0f32, f32::max);
    let enough = best - best / 32.0;
    (0..starts)
        .filter(|&start| sums[start] >= enough)
        .min_by_key(|&start| start.abs_diff(centre.min(starts - 1)))
        .unwrap_or(centre.min(starts - 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};

    /// A flat grey image with a checkerboard patch over `[from, to)` of its width.
    fn detail_at(width: u32, height: u32, from: u32, to: u32) -> DynamicImage {
        DynamicImage::ImageLuma8(GrayImage::from_fn(width, height, |x, y| {
            if (from..to).contains(&x) && (x / 4 + y / 4) % 2 == 0 {
                Luma([230])
            } else {
                Luma([120])
            }
        }))
    }

    fn centred(upright: (u32, u32), width: u32) -> Rect {
        Rect {
            x: (upright.0 - width) / 2,
            y: 0,
            width,
            height: upright.1,
        }
    }

    #[test]
    fn a_crop_moves_to_the_detail() {
        let image = detail_at(400, 100, 300, 380);
        let crop = most_detailed(&image, (400, 100), centred((400, 100), 100));
        assert!(
            crop.x >= 280 && crop.x + crop.width <= 400,
            "the window holds the detail: {crop:?}"
        );
        assert_eq!((crop.width, crop.height, crop.y), (100, 100, 0));

        let left = detail_at(400, 100, 10, 60);
        let crop = most_detailed(&left, (400, 100), centred((400, 100), 100));
        assert!(crop.x <= 10, "{crop:?}");
    }

    #[test]
    fn a_vertical_crop_moves_too_and_the_base_may_be_smaller_than_the_source() {
        // Detail in the top fifth of a tall image, given at half the source's size.
        let image = DynamicImage::ImageLuma8(GrayImage::from_fn(50, 200, |x, y| {
            if y < 40 && (x / 3 + y / 3) % 2 == 0 {
                Luma([20])
            } else {
                Luma([200])
            }
        }));
        let crop = Rect {
            x: 0,
            y: 150,
            width: 100,
            height: 100,
        };
        let moved = most_detailed(&image, (100, 400), crop);
        assert_eq!(moved.y, 0, "{moved:?}");
        assert_eq!((moved.x, moved.width, moved.height), (0, 100, 100));
    }

    #[test]
    fn a_flat_or_evenly_detailed_source_stays_centred() {
        let flat = DynamicImage::ImageLuma8(GrayImage::from_pixel(300, 100, Luma([90])));
        let crop = centred((300, 100), 100);
        assert_eq!(most_detailed(&flat, (300, 100), crop), crop);
        let even = detail_at(300, 100, 0, 300);
        assert_eq!(most_detailed(&even, (300, 100), crop), crop);
    }

    #[test]
    fn whole_and_doubly_cropped_windows_are_left_alone() {
        let image = detail_at(200, 100, 150, 200);
        let whole = Rect {
            x: 0,
            y: 0,
            width: 200,
            height: 100,
        };
        assert_eq!(most_detailed(&image, (200, 100), whole), whole);
        let both = Rect {
            x: 10,
            y: 10,
            width: 50,
            height: 50,
        };
        assert_eq!(most_detailed(&image, (200, 100), both), both);
    }

    #[test]
    fn one_pixel_and_thin_sources_do_not_panic() {
        for (w, h, crop_w) in [(1, 1, 1), (2, 1, 1), (1000, 1, 1), (3, 2, 2)] {
            let image = DynamicImage::ImageLuma8(GrayImage::from_pixel(w, h, Luma([5])));
            let crop = centred((w, h), crop_w);
            let moved = most_detailed(&image, (w, h), crop);
            assert!(moved.x + moved.width <= w, "{w}x{h}: {moved:?}");
        }
    }
}
