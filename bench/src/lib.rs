//! What the benchmark's two programs share: the reference they score against (decoded by
//! the `image` crate, independently of the pipeline, turned upright, in 32-bit float), its
//! Lanczos3 resize, SSIMULACRA2's input, the image files of a folder and this process's CPU
//! time. `ferrotype-bench` (src/main.rs) runs the job against sharp; `ladder`
//! (src/bin/ladder.rs) measures the AVIF and WebP encoders' quality ladders.

use std::path::PathBuf;

use anyhow::{bail, Result};
use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageReader};

/// `bytes` decoded by the `image` crate and turned upright by its EXIF orientation.
pub fn decode_upright(bytes: &[u8]) -> Result<DynamicImage> {
    let mut decoder = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()?
        .into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// `source` resized to `width`×`height` with Lanczos3 (alpha premultiplied while resizing),
/// in its own pixel type (32-bit float for a reference).
pub fn lanczos(source: &DynamicImage, width: u32, height: u32) -> Result<DynamicImage> {
    let mut resized = DynamicImage::new(width, height, source.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new().resize(source, &mut resized, &options)?;
    Ok(resized)
}

/// RGB float; transparent pixels composed over mid grey, as they would show on a page.
pub fn flatten(image: DynamicImage) -> DynamicImage {
    let rgba = image.into_rgba32f();
    let (w, h) = rgba.dimensions();
    let rgb = image::Rgb32FImage::from_fn(w, h, |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = p[3].clamp(0.0, 1.0);
        image::Rgb([0, 1, 2].map(|c| p[c].clamp(0.0, 1.0) * a + 0.5 * (1.0 - a)))
    });
    DynamicImage::ImageRgb32F(rgb)
}

/// A [`flatten`]ed image as SSIMULACRA2 takes it: sRGB, BT.709 primaries.
pub fn to_ssim(image: &DynamicImage) -> Result<ssimulacra2::Rgb> {
    let DynamicImage::ImageRgb32F(buffer) = image else {
        bail!("expected float RGB");
    };
    ssimulacra2::Rgb::new(
        buffer.pixels().map(|p| p.0).collect(),
        buffer.width() as usize,
        buffer.height() as usize,
        ssimulacra2::TransferCharacteristic::SRGB,
        ssimulacra2::ColorPrimaries::BT709,
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// The files given, and the files directly in the folders given, each folder's sorted.
pub fn images_in(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
                .map(|entry| entry.map(|e| e.path()))
                .collect::<std::io::Result<_>>()?;
            entries.sort();
            files.extend(entries.into_iter().filter(|p| p.is_file()));
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// User plus system CPU time of this process (all threads), in milliseconds.
pub fn cpu_ms() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a `rusage` into the pointer it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1e3 + t.tv_usec as f64 / 1e3;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}
