//! Each target's pixels from one upright decode: cropped (a `cover` crop where the source has
//! the most detail), resized (Lanczos3) and padded as its geometry says. Larger outputs are made first, so a smaller one can be resized from
//! one at least twice its size instead of from the decode: a thumbnail from the preview is
//! as good as one from the full image, for a fraction of the work.

use std::borrow::Cow;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use ferrotype_variants::{Fit, Geometry, Rgb};
use image::{DynamicImage, GenericImage, GrayImage, Luma, RgbImage};

use super::error::PipelineError;
use super::focus;
use super::plan::Plan;

/// The pixels of every target of `plan` but `skip` (`None` for it), from `base`: the
/// upright source, whole, at any size (a DCT-scaled decode is smaller than the source).
pub(crate) fn render<'b>(
    plan: &Plan,
    base: &'b DynamicImage,
    skip: Option<usize>,
) -> Result<Vec<Option<Cow<'b, DynamicImage>>>, PipelineError> {
    let (upright_width, upright_height) = plan.upright;
    let mut rendered: Vec<Option<Cow<'b, DynamicImage>>> = vec![None; plan.targets.len()];
    // Whole-image resizes made so far (no crop, no pad): bases for smaller targets.
    let mut wholes: Vec<usize> = Vec::new();
    let mut order: Vec<usize> = (0..plan.targets.len())
        .filter(|&i| Some(i) != skip)
        .collect();
    order.sort_by_key(|&i| {
        let (width, height) = plan.targets[i].geometry.size;
        std::cmp::Reverse(u64::from(width) * u64::from(height))
    });
    let mut resizer = Resizer::new();
    for i in order {
        let target = &plan.targets[i];
        let geometry = &target.geometry;
        let (width, height) = geometry.size;
        // The smallest whole resize with at least twice the pixels the crop needs, each way.
        let reused = wholes
            .iter()
            .filter_map(|&j| rendered[j].as_deref())
            .filter(|image| {
                let (crop_width, crop_height) = mapped_size(geometry, image, plan.upright);
                crop_width >= 2.0 * f64::from(width) && crop_height >= 2.0 * f64::from(height)
            })
            .min_by_key(|image| u64::from(image.width()) * u64::from(image.height()));
        let from = reused.unwrap_or(base);
        let scale_x = f64::from(from.width()) / f64::from(upright_width);
        let scale_y = f64::from(from.height()) / f64::from(upright_height);
        // A cover crop goes where the source has the most detail (`focus`).
        let crop = &match target.variant.fit {
            Fit::Cover => focus::most_detailed(base, plan.upright, geometry.crop),
            Fit::ScaleDown | Fit::Contain => geometry.crop,
        };
        let whole = crop.x == 0
            && crop.y == 0
            && (crop.width, crop.height) == (upright_width, upright_height);
        let image: Cow<'b, DynamicImage> =
            if whole && (from.width(), from.height()) == (width, height) {
                match reused {
                    Some(image) => Cow::Owned(image.clone()),
                    None => Cow::Borrowed(base),
                }
            } else {
                // Kept inside the image: the scaled sizes are whole pixels, the scale is not.
                let (left, top) = (f64::from(crop.x) * scale_x, f64::from(crop.y) * scale_y);
                let area = (
                    left,
                    top,
                    (f64::from(crop.width) * scale_x).min(f64::from(from.width()) - left),
                    (f64::from(crop.height) * scale_y).min(f64::from(from.height()) - top),
                );
                Cow::Owned(resize(&mut resizer, from, area, (width, height))?)
            };
        let padded = geometry.canvas != geometry.size;
        rendered[i] = Some(if padded {
            Cow::Owned(pad(&image, geometry, target.variant.background()))
        } else {
            image
        });
        if whole && !padded {
            wholes.push(i);
        }
    }
    Ok(rendered)
}

/// The size, in `image`'s pixels, of `geometry`'s crop, for a whole-image resize of an
/// `upright`-sized source.
fn mapped_size(geometry: &Geometry, image: &DynamicImage, upright: (u32, u32)) -> (f64, f64) {
    (
        f64::from(geometry.crop.width) * f64::from(image.width()) / f64::from(upright.0),
        f64::from(geometry.crop.height) * f64::from(image.height()) / f64::from(upright.1),
    )
}

/// `area` (left, top, width, height, in `image`'s pixels) of `image` resized to exactly
/// `(width, height)`.
fn resize(
    resizer: &mut Resizer,
    image: &DynamicImage,
    (left, top, area_width, area_height): (f64, f64, f64, f64),
    (width, height): (u32, u32),
) -> Result<DynamicImage, PipelineError> {
    let mut resized = DynamicImage::new(width, height, image.color());
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .crop(left, top, area_width, area_height);
    resizer
        .resize(image, &mut resized, &options)
        .map_err(|e| PipelineError::Resize {
            width,
            height,
            source: Box::new(e),
        })?;
    Ok(resized)
}

/// `image` centred on the geometry's canvas: transparent where the image has alpha, the
/// variant's background colour where it has none.
fn pad(image: &DynamicImage, geometry: &Geometry, background: Rgb) -> DynamicImage {
    let (width, height) = geometry.canvas;
    let (x, y) = geometry.offset;
    let [r, g, b] = background.0;
    let mut canvas = match image {
        DynamicImage::ImageRgba8(_) => DynamicImage::new_rgba8(width, height),
        DynamicImage::ImageLuma8(_) if r == g && g == b => {
            DynamicImage::ImageLuma8(GrayImage::from_pixel(width, height, Luma([r])))
        }
        _ => DynamicImage::ImageRgb8(RgbImage::from_pixel(width, height, image::Rgb([r, g, b]))),
    };
    let image = match (&canvas, image) {
        (DynamicImage::ImageRgb8(_), DynamicImage::ImageLuma8(_)) => {
            Cow::Owned(DynamicImage::ImageRgb8(image.to_rgb8()))
        }
        _ => Cow::Borrowed(image),
    };
    canvas
        .copy_from(image.as_ref(), x, y)
        .expect("the geometry places the image inside its canvas");
    canvas
}
