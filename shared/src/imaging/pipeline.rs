//! The image pipeline: decode once (bounded), apply the EXIF orientation, and make every
//! output from that one decode. Outputs are encoded from pixels alone, so no metadata
//! (EXIF, GPS, XMP, ICC) is carried over.

use std::io::Cursor;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

use super::sniff::{sniff, ImageKind};
use crate::domain::OutputName;

/// Output widths and decoding bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineSettings {
    pub thumbnail_width: u32,
    pub preview_width: u32,
    /// The most pixels (width × height) a source may declare. imgproxy's default is
    /// 50 megapixels; that also admits 48 MP phone photos.
    pub max_pixels: u64,
    /// The longest side a source may declare.
    pub max_dimension: u32,
    pub jpeg_quality: u8,
}

impl Default for PipelineSettings {
    fn default() -> Self {
        Self {
            thumbnail_width: 200,
            preview_width: 800,
            max_pixels: 50_000_000,
            max_dimension: 20_000,
            jpeg_quality: 82,
        }
    }
}

/// Why an image could not be processed. All of these are permanent: retrying the same
/// bytes gives the same answer.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("the file is not a JPEG, PNG, WebP or GIF image")]
    UnsupportedFormat,
    #[error("the image declares {width}×{height} pixels, more than the allowed {limit}")]
    TooLarge {
        width: u32,
        height: u32,
        limit: String,
    },
    #[error("the image could not be decoded")]
    Corrupt(#[source] ImageError),
    #[error("the image uses a feature the decoder does not support")]
    UnsupportedFeature(#[source] ImageError),
    #[error("encoding the {output} output failed")]
    Encode {
        output: OutputName,
        #[source]
        source: ImageError,
    },
    #[error("resizing to {width}×{height} failed: {reason}")]
    Resize {
        width: u32,
        height: u32,
        reason: String,
    },
}

impl PipelineError {
    /// The stable code recorded on a failed job.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedFormat => "unsupported_format",
            Self::TooLarge { .. } => "image_too_large",
            Self::Corrupt(_) => "corrupt_image",
            Self::UnsupportedFeature(_) => "unsupported_image_feature",
            Self::Encode { .. } | Self::Resize { .. } => "processing_error",
        }
    }
}

/// The source as decoded and oriented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceInfo {
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

/// One encoded output.
#[derive(Debug, Clone)]
pub struct Rendition {
    pub name: OutputName,
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub extension: &'static str,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Processed {
    pub source: SourceInfo,
    /// `thumbnail`, `preview` and `optimized`, in that order.
    pub renditions: Vec<Rendition>,
}

/// Makes the thumbnail, preview and optimized outputs from one source image.
pub fn process(bytes: &[u8], settings: &PipelineSettings) -> Result<Processed, PipelineError> {
    let kind = sniff(bytes).ok_or(PipelineError::UnsupportedFormat)?;
    let image = decode_oriented(bytes, kind, settings)?;
    let source = SourceInfo {
        kind,
        width: image.width(),
        height: image.height(),
    };

    // Images with (visible) alpha keep it, as PNG; everything else becomes JPEG.
    let image = if has_visible_alpha(&image) {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    };

    let mut resizer = Resizer::new();
    let mut renditions = Vec::with_capacity(3);
    for (name, width) in [
        (OutputName::Thumbnail, settings.thumbnail_width),
        (OutputName::Preview, settings.preview_width),
    ] {
        let resized = resize_to_width(&mut resizer, &image, width)?;
        renditions.push(encode(name, &resized, settings)?);
    }
    renditions.push(encode(OutputName::Optimized, &image, settings)?);
    Ok(Processed { source, renditions })
}

/// Reads the header, checks the declared size against the limits, then decodes (the first
/// frame of an animation) and applies the EXIF orientation.
fn decode_oriented(
    bytes: &[u8],
    kind: ImageKind,
    settings: &PipelineSettings,
) -> Result<DynamicImage, PipelineError> {
    if kind == ImageKind::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PipelineError::Corrupt(ImageError::Decoding(
            image::error::DecodingError::new(
                ImageFormat::Jpeg.into(),
                "the JPEG is truncated: its image data has no end marker",
            ),
        )));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.image_format());
    let mut limits = Limits::default();
    // Room for the largest allowed image at 16-bit RGBA, plus decoder working memory.
    limits.max_alloc = Some(
        settings
            .max_pixels
            .saturating_mul(8)
            .saturating_add(64 << 20),
    );
    reader.limits(limits);

    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    let too_large = |limit: String| PipelineError::TooLarge {
        width,
        height,
        limit,
    };
    if width.max(height) > settings.max_dimension {
        return Err(too_large(format!("{} px per side", settings.max_dimension)));
    }
    if u64::from(width) * u64::from(height) > settings.max_pixels {
        return Err(too_large(format!("{} pixels", settings.max_pixels)));
    }
    if width == 0 || height == 0 {
        return Err(PipelineError::Corrupt(ImageError::Decoding(
            image::error::DecodingError::new(kind.image_format().into(), "zero-sized image"),
        )));
    }

    // An unreadable orientation tag is not worth failing the job for.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Whether a JPEG's image data is followed by its end-of-image marker (`FF D9`). The JPEG
/// decoder pads a truncated scan with grey instead of failing, so a cut-off upload would
/// otherwise "succeed". The last end marker must come after the first start-of-scan marker
/// (`FF DA`): an EXIF thumbnail's own end marker comes before it, and entropy-coded data
/// cannot contain `FF D9`. Bytes after the end marker are allowed, as cameras append some.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let find = |marker: [u8; 2]| bytes.windows(2).position(|w| w == marker);
    let last_end = bytes.windows(2).rposition(|w| w == [0xFF, 0xD9]);
    match (find([0xFF, 0xDA]), last_end) {
        (Some(scan), Some(end)) => end > scan,
        _ => false,
    }
}

fn classify(err: ImageError) -> PipelineError {
    match err {
        ImageError::Limits(_) => PipelineError::TooLarge {
            width: 0,
            height: 0,
            limit: "the decoder's memory limit".into(),
        },
        ImageError::Unsupported(_) => PipelineError::UnsupportedFeature(err),
        other => PipelineError::Corrupt(other),
    }
}

fn has_visible_alpha(image: &DynamicImage) -> bool {
    if !image.color().has_alpha() {
        return false;
    }
    match image {
        DynamicImage::ImageRgba8(buffer) => buffer.pixels().any(|p| p.0[3] != u8::MAX),
        DynamicImage::ImageLumaA8(buffer) => buffer.pixels().any(|p| p.0[1] != u8::MAX),
        DynamicImage::ImageRgba16(buffer) => buffer.pixels().any(|p| p.0[3] != u16::MAX),
        DynamicImage::ImageLumaA16(buffer) => buffer.pixels().any(|p| p.0[1] != u16::MAX),
        _ => true,
    }
}

/// Resizes to `width` keeping the aspect ratio; never upscales.
fn resize_to_width(
    resizer: &mut Resizer,
    image: &DynamicImage,
    width: u32,
) -> Result<DynamicImage, PipelineError> {
    if width >= image.width() {
        return Ok(image.clone());
    }
    let height = ((u64::from(image.height()) * u64::from(width) + u64::from(image.width()) / 2)
        / u64::from(image.width()))
    .max(1) as u32;
    let mut resized = DynamicImage::new(width, height, image.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    resizer
        .resize(image, &mut resized, &options)
        .map_err(|e| PipelineError::Resize {
            width,
            height,
            reason: e.to_string(),
        })?;
    Ok(resized)
}

fn encode(
    name: OutputName,
    image: &DynamicImage,
    settings: &PipelineSettings,
) -> Result<Rendition, PipelineError> {
    let mut bytes = Vec::new();
    let (content_type, extension) = if image.color().has_alpha() {
        let encoder =
            PngEncoder::new_with_quality(&mut bytes, CompressionType::Default, PngFilter::Adaptive);
        image
            .write_with_encoder(encoder)
            .map_err(|source| PipelineError::Encode {
                output: name,
                source,
            })?;
        ("image/png", "png")
    } else {
        let encoder = JpegEncoder::new_with_quality(&mut bytes, settings.jpeg_quality);
        image
            .write_with_encoder(encoder)
            .map_err(|source| PipelineError::Encode {
                output: name,
                source,
            })?;
        ("image/jpeg", "jpg")
    };
    Ok(Rendition {
        name,
        width: image.width(),
        height: image.height(),
        content_type,
        extension,
        bytes,
    })
}

#[cfg(test)]
mod tests;
