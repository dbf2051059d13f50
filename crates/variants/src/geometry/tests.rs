use super::*;
use crate::format::{Format, FormatSpec};

fn variant(fit: Fit, width: Option<u32>, height: Option<u32>) -> Variant {
    Variant {
        name: "v".parse().unwrap(),
        width,
        height,
        fit,
        formats: vec![FormatSpec::new(Format::Webp)],
        background: None,
    }
}

fn rect(x: u32, y: u32, width: u32, height: u32) -> Rect {
    Rect {
        x,
        y,
        width,
        height,
    }
}

#[test]
fn scale_down_by_width_alone_matches_todays_outputs() {
    let thumbnail = variant(Fit::ScaleDown, Some(200), None);
    // 4000×3000 → 200×150; 3000×4000 → 200×267 (266.67 rounded); 1001×1000 → 200×200
    // (199.8); an odd height rounds half up: 400×301 → 200×151 (150.5).
    for (source, size) in [
        ((4000, 3000), (200, 150)),
        ((3000, 4000), (200, 267)),
        ((1001, 1000), (200, 200)),
        ((400, 301), (200, 151)),
        ((200, 50), (200, 50)),
        ((150, 90), (150, 90)),
    ] {
        let geometry = thumbnail.geometry(source);
        assert_eq!(geometry.size, size, "{source:?}");
        assert_eq!(geometry.canvas, size);
        assert_eq!(geometry.crop, rect(0, 0, source.0, source.1));
        assert_eq!(geometry.offset, (0, 0));
    }
}

#[test]
fn scale_down_by_height_or_by_both_sides_keeps_within_the_box() {
    let by_height = variant(Fit::ScaleDown, None, Some(100));
    assert_eq!(by_height.geometry((4000, 3000)).size, (133, 100));
    assert_eq!(by_height.geometry((3000, 4000)).size, (75, 100));
    let both = variant(Fit::ScaleDown, Some(300), Some(200));
    assert_eq!(both.geometry((4000, 3000)).size, (267, 200));
    assert_eq!(both.geometry((3000, 1000)).size, (300, 100));
    assert_eq!(both.geometry((3000, 2000)).size, (300, 200));
    assert_eq!(both.geometry((250, 150)).size, (250, 150));
}

#[test]
fn full_resolution_is_the_identity() {
    let full = variant(Fit::ScaleDown, None, None);
    for source in [(1, 1), (4000, 3000), (1, 5000), (5000, 1)] {
        let geometry = full.geometry(source);
        assert!(geometry.is_identity(source), "{source:?}: {geometry:?}");
        assert!(!geometry.is_padded());
    }
    // A box no smaller than the source is the identity too.
    assert!(variant(Fit::ScaleDown, Some(800), None)
        .geometry((640, 480))
        .is_identity((640, 480)));
    assert!(!variant(Fit::ScaleDown, Some(800), None)
        .geometry((1600, 480))
        .is_identity((1600, 480)));
}

#[test]
fn scale_down_on_lines_one_pixel_thick_keeps_at_least_one_pixel() {
    let thumbnail = variant(Fit::ScaleDown, Some(200), None);
    assert_eq!(thumbnail.geometry((5000, 1)).size, (200, 1));
    assert_eq!(thumbnail.geometry((1, 5000)).size, (1, 5000));
    let both = variant(Fit::ScaleDown, Some(200), Some(200));
    assert_eq!(both.geometry((1, 5000)).size, (1, 200));
    assert_eq!(both.geometry((5000, 1)).size, (200, 1));
    assert_eq!(both.geometry((1, 1)).size, (1, 1));
    assert_eq!(both.geometry((3, 7)).size, (3, 7));
}

#[test]
fn cover_crops_the_centre_to_the_boxs_shape_then_resizes_to_the_box() {
    let square = variant(Fit::Cover, Some(200), Some(200));
    let landscape = square.geometry((4000, 3000));
    assert_eq!(landscape.crop, rect(500, 0, 3000, 3000));
    assert_eq!((landscape.size, landscape.canvas), ((200, 200), (200, 200)));
    let portrait = square.geometry((3000, 4000));
    assert_eq!(portrait.crop, rect(0, 500, 3000, 3000));

    let wide = variant(Fit::Cover, Some(300), Some(100));
    let geometry = wide.geometry((1000, 1000));
    assert_eq!(geometry.crop, rect(0, 333, 1000, 333));
    assert_eq!(geometry.size, (300, 100));

    // An exact fit is the identity.
    assert!(wide.geometry((300, 100)).is_identity((300, 100)));
    // Same shape, larger: no crop, only a resize.
    let same_shape = wide.geometry((900, 300));
    assert_eq!(same_shape.crop, rect(0, 0, 900, 300));
    assert_eq!(same_shape.size, (300, 100));
}

#[test]
fn cover_never_enlarges_a_source_smaller_than_the_box() {
    let square = variant(Fit::Cover, Some(200), Some(200));
    let tiny = square.geometry((3, 7));
    assert_eq!(tiny.crop, rect(0, 2, 3, 3));
    assert_eq!((tiny.size, tiny.canvas), ((3, 3), (3, 3)));
    let one = square.geometry((1, 1));
    assert_eq!((one.crop, one.size), (rect(0, 0, 1, 1), (1, 1)));
    assert!(one.is_identity((1, 1)));
    // Wider than the box but not as tall: the crop is the box's shape at the source's height.
    let strip = square.geometry((1000, 50));
    assert_eq!((strip.crop, strip.size), (rect(475, 0, 50, 50), (50, 50)));
}

#[test]
fn cover_on_lines_one_pixel_thick() {
    let square = variant(Fit::Cover, Some(200), Some(200));
    let tall = square.geometry((1, 5000));
    assert_eq!((tall.crop, tall.size), (rect(0, 2499, 1, 1), (1, 1)));
    let long = square.geometry((5000, 1));
    assert_eq!((long.crop, long.size), (rect(2499, 0, 1, 1), (1, 1)));
    // A box of the source's own shape keeps all of it, shrunk.
    let banner = variant(Fit::Cover, Some(1000), Some(1));
    let geometry = banner.geometry((5000, 5));
    assert_eq!(
        (geometry.crop, geometry.size),
        (rect(0, 0, 5000, 5), (1000, 1))
    );
    // A line longer than the box's shape: its centre, at the box's size.
    let geometry = banner.geometry((5000, 1));
    assert_eq!(
        (geometry.crop, geometry.size),
        (rect(2000, 0, 1000, 1), (1000, 1))
    );
    // A box far thinner than the source: the crop is at least one pixel thick.
    let geometry = banner.geometry((300, 300));
    assert_eq!(geometry.crop, rect(0, 149, 300, 1));
    assert_eq!(geometry.size, (300, 1));
}

#[test]
fn contain_shrinks_into_the_box_and_centres_on_a_box_sized_canvas() {
    let hero = variant(Fit::Contain, Some(300), Some(200));
    let landscape = hero.geometry((4000, 1000));
    assert_eq!(landscape.crop, rect(0, 0, 4000, 1000));
    assert_eq!(landscape.size, (300, 75));
    assert_eq!(landscape.canvas, (300, 200));
    assert_eq!(landscape.offset, (0, 62));
    assert!(landscape.is_padded());

    let portrait = hero.geometry((1000, 4000));
    assert_eq!((portrait.size, portrait.offset), ((50, 200), (125, 0)));

    let exact = hero.geometry((600, 400));
    assert_eq!((exact.size, exact.offset), ((300, 200), (0, 0)));
    assert!(!exact.is_padded());
    assert!(hero.geometry((300, 200)).is_identity((300, 200)));
}

#[test]
fn contain_centres_a_source_smaller_than_the_box_without_enlarging_it() {
    let hero = variant(Fit::Contain, Some(300), Some(200));
    let tiny = hero.geometry((3, 7));
    assert_eq!(
        (tiny.size, tiny.canvas, tiny.offset),
        ((3, 7), (300, 200), (148, 96))
    );
    let one = hero.geometry((1, 1));
    assert_eq!((one.size, one.offset), ((1, 1), (149, 99)));
    assert!(!one.is_identity((1, 1)));
    let tall = hero.geometry((1, 5000));
    assert_eq!((tall.size, tall.offset), ((1, 200), (149, 0)));
    let long = hero.geometry((5000, 1));
    assert_eq!((long.size, long.offset), ((300, 1), (0, 99)));
}

#[test]
fn a_source_of_zero_pixels_is_taken_as_one() {
    let geometry = variant(Fit::Cover, Some(10), Some(10)).geometry((0, 0));
    assert_eq!((geometry.crop, geometry.size), (rect(0, 0, 1, 1), (1, 1)));
}

/// |w/h − w'/h'| within one pixel's rounding of either side:
/// |w·h' − h·w'| ≤ max(w', h') where (w', h') is the reference shape.
fn same_shape((width, height): (u32, u32), (ref_w, ref_h): (u32, u32)) -> bool {
    let lhs = u64::from(width) * u64::from(ref_h);
    let rhs = u64::from(height) * u64::from(ref_w);
    lhs.abs_diff(rhs) <= u64::from(ref_w.max(ref_h))
}

#[test]
fn every_fit_on_many_sizes_keeps_sizes_positive_within_the_crop_and_the_shape() {
    let sides = [
        1, 2, 3, 7, 10, 99, 100, 101, 199, 200, 201, 333, 799, 800, 801, 1000, 1421, 4000, 5000,
    ];
    let boxes = [
        (Some(200), None),
        (None, Some(200)),
        (Some(200), Some(200)),
        (Some(300), Some(100)),
        (Some(100), Some(300)),
        (Some(1), Some(1)),
        (Some(1), Some(1000)),
        (Some(800), Some(1422)),
        (Some(4096), Some(4096)),
        (None, None),
    ];
    let mut checked = 0;
    for &(box_w, box_h) in &boxes {
        for fit in [Fit::ScaleDown, Fit::Cover, Fit::Contain] {
            let variant = variant(fit, box_w, box_h);
            let boxed = box_w.is_some() && box_h.is_some();
            for &width in &sides {
                for &height in &sides {
                    let source = (width, height);
                    let g = variant.geometry(source);
                    let context = format!("{fit} {box_w:?}×{box_h:?} of {width}×{height}: {g:?}");
                    // Sizes are positive.
                    assert!(g.size.0 >= 1 && g.size.1 >= 1, "{context}");
                    assert!(g.crop.width >= 1 && g.crop.height >= 1, "{context}");
                    // The crop is inside the source.
                    assert!(g.crop.x + g.crop.width <= width, "{context}");
                    assert!(g.crop.y + g.crop.height <= height, "{context}");
                    // Never enlarged.
                    assert!(g.size.0 <= g.crop.width, "{context}");
                    assert!(g.size.1 <= g.crop.height, "{context}");
                    // Within the box's given sides.
                    if let Some(box_w) = box_w {
                        assert!(g.size.0 <= box_w && g.canvas.0 <= box_w.max(1), "{context}");
                    }
                    if let Some(box_h) = box_h {
                        assert!(g.size.1 <= box_h && g.canvas.1 <= box_h.max(1), "{context}");
                    }
                    // The size sits on the canvas.
                    assert!(g.offset.0 + g.size.0 <= g.canvas.0, "{context}");
                    assert!(g.offset.1 + g.size.1 <= g.canvas.1, "{context}");
                    match (fit, boxed) {
                        (Fit::Cover, true) => {
                            // The crop is centred and has the box's shape.
                            let (box_w, box_h) = (box_w.unwrap(), box_h.unwrap());
                            assert!(
                                same_shape((g.crop.width, g.crop.height), (box_w, box_h))
                                    || g.crop.width == 1
                                    || g.crop.height == 1,
                                "{context}"
                            );
                            assert!(g.crop.x.abs_diff(width - g.crop.x - g.crop.width) <= 1);
                            assert!(g.crop.y.abs_diff(height - g.crop.y - g.crop.height) <= 1);
                            assert!(
                                same_shape(g.size, (g.crop.width, g.crop.height)),
                                "{context}"
                            );
                            assert_eq!(g.canvas, g.size, "{context}");
                        }
                        (Fit::Contain, true) => {
                            assert_eq!(g.canvas, (box_w.unwrap(), box_h.unwrap()), "{context}");
                            assert_eq!(g.crop, rect(0, 0, width, height), "{context}");
                            assert!(same_shape(g.size, source), "{context}");
                            // Centred.
                            let right = g.canvas.0 - g.offset.0 - g.size.0;
                            let bottom = g.canvas.1 - g.offset.1 - g.size.1;
                            assert!(g.offset.0.abs_diff(right) <= 1, "{context}");
                            assert!(g.offset.1.abs_diff(bottom) <= 1, "{context}");
                        }
                        _ => {
                            assert_eq!(g.crop, rect(0, 0, width, height), "{context}");
                            assert_eq!(g.canvas, g.size, "{context}");
                            assert!(same_shape(g.size, source), "{context}");
                            // One side is the box's, or the source is kept whole.
                            let limited = box_w == Some(g.size.0) || box_h == Some(g.size.1);
                            assert!(limited || g.size == source, "{context}");
                        }
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, boxes.len() * 3 * sides.len() * sides.len());
}
