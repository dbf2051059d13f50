//! What one source becomes: each variant's geometry in the upright source, the encodings it
//! is written in (with their qualities and JPEG effort), and what the decode must give for
//! all of them. Imports only the ground floor (`settings`) and the encoders' default
//! qualities.

use ferrotype_variants::{Encoding, Geometry, Variant};

use super::jpeg::Effort;
use super::settings::PipelineSettings;
use super::{avif, webp};

/// JPEG's quality when a variant declares none (sharp's default).
pub(crate) const DEFAULT_JPEG_QUALITY: f32 = 80.0;

/// Variants whose box is at most this many pixels on its longer side get mozjpeg's full
/// effort (trellis): at a thumbnail's size it costs a few milliseconds and saves some 10%.
/// Larger boxes are progressive; full resolution is baseline.
const TRELLIS_MAX_SIDE: u32 = 400;

/// One encoding of one variant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Encode {
    pub encoding: Encoding,
    pub quality: f32,
}

/// One variant, placed on this source.
#[derive(Debug, Clone)]
pub(crate) struct Target<'a> {
    pub variant: &'a Variant,
    pub geometry: Geometry,
    pub encodes: Vec<Encode>,
    /// The whole source at its own size: the JPEG coefficient path can write its JPEG.
    pub full_size: bool,
}

impl Target<'_> {
    /// The output's size.
    pub fn output_size(&self) -> (u32, u32) {
        self.geometry.canvas
    }

    /// Declared at full resolution: no width, no height.
    pub fn unboxed(&self) -> bool {
        self.variant.width.is_none() && self.variant.height.is_none()
    }

    /// How hard the JPEG encoder works for this variant, by its declared box (so a small
    /// source gets the same encoder as a large one): the full-resolution copy fast (on the
    /// coefficient path its bytes are requantized, not encoded), small boxes with trellis,
    /// the rest progressive.
    pub fn jpeg_effort(&self) -> Effort {
        let side = self.variant.width.max(self.variant.height);
        match side {
            None => Effort::Fast,
            Some(side) if side <= TRELLIS_MAX_SIDE => Effort::Max,
            Some(_) => Effort::Progressive,
        }
    }

    /// Only a JPEG: what the coefficient transcoder (or the band encoder) can make alone.
    pub fn jpeg_only(&self) -> Option<f32> {
        match self.encodes.as_slice() {
            [Encode {
                encoding: Encoding::Jpeg,
                quality,
            }] => Some(*quality),
            _ => None,
        }
    }

    /// The fraction of the source's resolution this output needs (1 = every pixel).
    fn needed_scale(&self) -> f64 {
        let Geometry { crop, size, .. } = &self.geometry;
        (f64::from(size.0) / f64::from(crop.width)).max(f64::from(size.1) / f64::from(crop.height))
    }
}

/// Every target of one source.
#[derive(Debug, Clone)]
pub(crate) struct Plan<'a> {
    pub targets: Vec<Target<'a>>,
    /// The source's size as displayed.
    pub upright: (u32, u32),
}

impl<'a> Plan<'a> {
    /// Places each variant on an upright `upright`-sized source; `alpha` decides `auto`.
    /// An AVIF over the pixel budget is left out (the variant keeps its other formats).
    pub fn new(settings: &'a PipelineSettings, upright: (u32, u32), alpha: bool) -> Self {
        let targets = settings
            .variants
            .iter()
            .map(|variant| {
                let geometry = variant.geometry(upright);
                let (width, height) = geometry.canvas;
                let pixels = u64::from(width) * u64::from(height);
                let mut encodes: Vec<Encode> = Vec::new();
                for spec in &variant.formats {
                    let encoding = spec.format.resolve(alpha);
                    if encoding == Encoding::Avif && pixels > settings.avif_max_pixels {
                        continue;
                    }
                    if encodes.iter().any(|e| e.encoding == encoding) {
                        continue;
                    }
                    let quality = spec
                        .quality
                        .map_or_else(|| default_quality(encoding), |q| q.get());
                    encodes.push(Encode { encoding, quality });
                }
                let full_size = geometry.is_identity(upright);
                Target {
                    variant,
                    geometry,
                    encodes,
                    full_size,
                }
            })
            .collect();
        Self { targets, upright }
    }

    /// The full-size target made only as a JPEG, with its quality, that the JPEG
    /// coefficient path (or the band encoder) writes without a pixel encode: the first
    /// declared at full resolution, else the first whose box the source fits in.
    pub fn full_size_jpeg(&self) -> Option<(usize, f32)> {
        let eligible = || {
            self.targets
                .iter()
                .enumerate()
                .filter(|(_, t)| t.full_size)
                .filter_map(|(i, t)| Some((i, t.jpeg_only()?, t.unboxed())))
        };
        eligible()
            .find(|(_, _, unboxed)| *unboxed)
            .or_else(|| eligible().next())
            .map(|(i, quality, _)| (i, quality))
    }

    /// The largest fraction of the source's resolution any target but `except` needs from
    /// a decode (0 when there is none).
    pub fn needed_scale(&self, except: Option<usize>) -> f64 {
        self.targets
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != except)
            .map(|(_, t)| t.needed_scale())
            .fold(0.0, f64::max)
    }
}

/// A format's quality when its variant declares none: each chosen so that its SSIMULACRA2
/// matches or beats the JPEG's of the same variant (docs/pipeline.md, the ladder).
pub(crate) fn default_quality(encoding: Encoding) -> f32 {
    match encoding {
        Encoding::Jpeg => DEFAULT_JPEG_QUALITY,
        Encoding::Webp => webp::DEFAULT_QUALITY,
        Encoding::Avif => avif::DEFAULT_QUALITY,
        // Lossless: no quality.
        Encoding::Png => 100.0,
    }
}
