//! Every target's encodings from its pixels, on the job's threads: the costliest first
//! (AVIF, then WebP, by pixels), each thread taking the next as it comes free. No metadata
//! is written by any encoder.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use ferrotype_variants::{Encoding, Rgb};
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::DynamicImage;

use super::error::{BoxError, PipelineError};
use super::outputs::{Rendition, VariantImage};
use super::plan::{Encode, Plan, Target};
use super::{avif, jpeg, webp};

/// Encodes every target's pixels (`images`, by target; `None` for none) in each of its
/// encodings but those already `made` (the JPEG coefficient path's), and puts the files of
/// each variant in its declared order.
pub(crate) fn encode_all(
    plan: &Plan,
    images: &[Option<Cow<'_, DynamicImage>>],
    mut made: Vec<Option<Rendition>>,
    threads: usize,
) -> Result<Vec<VariantImage>, PipelineError> {
    let mut tasks: Vec<(usize, Encode)> = Vec::new();
    for (i, target) in plan.targets.iter().enumerate() {
        let premade = made.get(i).and_then(Option::as_ref).map(|r| r.encoding);
        if images[i].is_none() {
            continue;
        }
        for encode in &target.encodes {
            if Some(encode.encoding) != premade {
                tasks.push((i, *encode));
            }
        }
    }
    tasks.sort_by_key(|(i, encode)| std::cmp::Reverse(cost(&plan.targets[*i], encode.encoding)));

    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Result<Rendition, PipelineError>)>> = Mutex::new(Vec::new());
    let work = || loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let Some(&(i, encode)) = tasks.get(n) else {
            break;
        };
        let image = images[i]
            .as_deref()
            .expect("tasks are made for rendered targets");
        let result = encode_one(&plan.targets[i], image, encode);
        done.lock().expect("no encoder panicked").push((n, result));
    };
    let workers = threads.clamp(1, tasks.len().max(1));
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        work();
    });

    let mut files: Vec<Vec<Rendition>> = vec![Vec::new(); plan.targets.len()];
    for (i, premade) in made.iter_mut().enumerate() {
        files[i].extend(premade.take());
    }
    for (n, result) in done.into_inner().expect("no encoder panicked") {
        files[tasks[n].0].push(result?);
    }
    Ok(plan
        .targets
        .iter()
        .zip(files)
        .map(|(target, mut files)| {
            // In the order the variant declares its formats.
            let rank = |encoding| target.encodes.iter().position(|e| e.encoding == encoding);
            files.sort_by_key(|file| rank(file.encoding));
            let (width, height) = target.output_size();
            VariantImage {
                name: target.variant.name.clone(),
                width,
                height,
                files,
            }
        })
        .collect())
}

/// A rough relative cost, for the order of the work: AV1 is by far the slowest per pixel.
fn cost(target: &Target, encoding: Encoding) -> u64 {
    let (width, height) = target.output_size();
    let per_pixel = match encoding {
        Encoding::Avif => 20,
        Encoding::Webp => 4,
        Encoding::Png => 3,
        Encoding::Jpeg => 1,
    };
    u64::from(width) * u64::from(height) * per_pixel
}

/// One file of one target.
fn encode_one(
    target: &Target,
    image: &DynamicImage,
    Encode { encoding, quality }: Encode,
) -> Result<Rendition, PipelineError> {
    let failed = |source: BoxError| PipelineError::Encode {
        variant: target.variant.name.clone(),
        encoding,
        source,
    };
    let size = (image.width(), image.height());
    let (width, height) = size;
    let bytes = match encoding {
        Encoding::Jpeg => {
            // JPEG has no alpha: transparent pixels are shown on the variant's background.
            let opaque = flatten(image, target.variant.background());
            let channels = opaque.color().channel_count();
            let effort = target.jpeg_effort();
            jpeg::encode(opaque.as_bytes(), width, height, channels, quality, effort)
                .map_err(|e| failed(Box::new(e)))?
        }
        Encoding::Png => {
            let mut bytes = Vec::new();
            let encoder = PngEncoder::new_with_quality(
                &mut bytes,
                CompressionType::Fast,
                PngFilter::Adaptive,
            );
            image
                .write_with_encoder(encoder)
                .map_err(|e| failed(Box::new(e)))?;
            bytes
        }
        Encoding::Webp => {
            let channels = image.color().channel_count();
            webp::encode(image.as_bytes(), width, height, channels, quality)
                .map_err(|e| failed(Box::new(e)))?
        }
        Encoding::Avif => {
            let channels = image.color().channel_count();
            avif::encode(image.as_bytes(), width, height, channels, quality)
                .map_err(|e| failed(Box::new(e)))?
        }
    };
    Ok(Rendition::new(encoding, size, bytes))
}

/// `image` without alpha: RGBA composited over `background`; grey and RGB as they are.
fn flatten(image: &DynamicImage, background: Rgb) -> Cow<'_, DynamicImage> {
    let DynamicImage::ImageRgba8(rgba) = image else {
        return Cow::Borrowed(image);
    };
    let [r, g, b] = background.0.map(u32::from);
    let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let [pr, pg, pb, alpha] = pixel.0.map(u32::from);
        let mix = |fg: u32, bg: u32| ((fg * alpha + bg * (255 - alpha) + 127) / 255) as u8;
        out.0 = [mix(pr, r), mix(pg, g), mix(pb, b)];
    }
    Cow::Owned(DynamicImage::ImageRgb8(rgb))
}
