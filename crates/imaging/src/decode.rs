//! Bounded decoding: the header is read and its dimensions checked before any pixel
//! buffer exists; then one decode to 8-bit grey, RGB or RGBA.

use std::borrow::Cow;
use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use image_webp::WebPDecoder;

use super::error::PipelineError;
use super::heif;
use super::jpeg::{self, JpegColour};
use super::memory;
use super::png;
use super::settings::PipelineSettings;
use super::webp;
use ferrotype_format::ImageKind;

/// Most start-of-scan markers a JPEG may have. A progressive JPEG has about ten; each scan
/// is a pass over the whole image, so thousands of tiny scans make a CPU bomb.
const MAX_JPEG_SCANS: usize = 256;

/// The first frame, in 8-bit grey, RGB or RGBA (RGBA only when some pixel is not opaque),
/// with the orientation and ICC profile still to apply.
pub(super) struct Decoded {
    pub image: DynamicImage,
    pub orientation: Orientation,
    pub icc: Option<Vec<u8>>,
}

/// What a source's header says, read (and its declared size checked) before anything is
/// decoded: JPEG and WebP here; the image crate reads the others' as it decodes.
pub(super) enum SourceHeader {
    Jpeg(jpeg::Header),
    Webp(WebpHeader),
    /// A HEIF file (HEIC, AVIF): it has no fast path, so its boxes are parsed (and its
    /// declared size checked, before any pixel) once, by `heif::decode`.
    Heif,
    Other,
}

pub(super) fn read_header(
    bytes: &[u8],
    kind: ImageKind,
    settings: &PipelineSettings,
) -> Result<SourceHeader, PipelineError> {
    Ok(match kind {
        ImageKind::Jpeg => SourceHeader::Jpeg(jpeg_header(bytes, settings)?),
        ImageKind::WebP => SourceHeader::Webp(webp_header(bytes, settings)?),
        ImageKind::Heic | ImageKind::Heif | ImageKind::Avif => SourceHeader::Heif,
        ImageKind::Png | ImageKind::Gif => SourceHeader::Other,
    })
}

/// Decodes a `kind` image whose header [`read_header`] has read. Still WebP and JPEG other
/// than CMYK and YCCK go to libwebp and libjpeg; the rest to the image crate.
pub(super) fn decode(
    bytes: &[u8],
    kind: ImageKind,
    header: SourceHeader,
    settings: &PipelineSettings,
) -> Result<Decoded, PipelineError> {
    match header {
        SourceHeader::Jpeg(header) if header.colour != JpegColour::Other => {
            let samples = jpeg::decode(bytes, header.colour, 8).map_err(PipelineError::corrupt)?;
            Ok(Decoded {
                image: into_image(samples)?,
                orientation: header.orientation,
                icc: header.icc,
            })
        }
        SourceHeader::Webp(header) if !header.features.animated => {
            let image = webp::decode(bytes, &header.features, settings.threads > 1)
                .map_err(classify_webp)?;
            Ok(Decoded {
                image: to_8bit(image),
                orientation: header.orientation,
                icc: header.icc,
            })
        }
        // Animated WebP (its first frame), CMYK and YCCK JPEG, with the side data their
        // header gave (capped); PNG and GIF with the decoder's.
        SourceHeader::Jpeg(header) => {
            let side_data = (header.orientation, header.icc);
            decode_with_image(bytes, kind, Some(side_data), settings)
        }
        SourceHeader::Webp(header) => {
            let side_data = (header.orientation, header.icc);
            decode_with_image(bytes, kind, Some(side_data), settings)
        }
        SourceHeader::Heif => heif::decode(bytes, settings),
        SourceHeader::Other => decode_with_image(bytes, kind, None, settings),
    }
}

/// Decoded JPEG samples as an image.
pub(super) fn into_image(samples: jpeg::Samples) -> Result<DynamicImage, PipelineError> {
    match samples.channels {
        1 => image::GrayImage::from_raw(samples.width, samples.height, samples.data)
            .map(DynamicImage::ImageLuma8),
        _ => image::RgbImage::from_raw(samples.width, samples.height, samples.data)
            .map(DynamicImage::ImageRgb8),
    }
    .ok_or_else(|| PipelineError::corrupt("the decoder returned too few samples"))
}

/// Checks a JPEG's structure (complete, not too many scans) and reads its header, checking
/// the dimensions it declares. Nothing is decoded.
fn jpeg_header(bytes: &[u8], settings: &PipelineSettings) -> Result<jpeg::Header, PipelineError> {
    if !jpeg_is_complete(bytes) {
        return Err(PipelineError::corrupt(
            "the JPEG is truncated: its image data has no end marker",
        ));
    }
    let scans = memchr::memmem::find_iter(bytes, &[0xFF, 0xDA]).count();
    if scans > MAX_JPEG_SCANS {
        return Err(PipelineError::unsupported(format!(
            "the JPEG has {scans} scans, more than {MAX_JPEG_SCANS}"
        )));
    }
    let header = jpeg::read_header(bytes).map_err(PipelineError::corrupt)?;
    check_bounds(header.width, header.height, settings)?;
    Ok(header)
}

pub(super) fn check_bounds(
    width: u32,
    height: u32,
    settings: &PipelineSettings,
) -> Result<(), PipelineError> {
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
        return Err(PipelineError::corrupt("zero-sized image"));
    }
    Ok(())
}

/// What a WebP's header chunks say, read before any pixel is decoded.
pub(super) struct WebpHeader {
    pub features: webp::Features,
    pub orientation: Orientation,
    pub icc: Option<Vec<u8>>,
}

/// Reads a WebP's features (checking the size it declares), its orientation and its ICC
/// profile (through image-webp's reading of its chunks). Nothing is decoded. image-webp
/// allocates a chunk at the size it declares, which the file need not have (4 GB from a
/// 100-byte file), so it may read no chunk over [`memory::MAX_ICC_BYTES`]: a larger profile
/// or EXIF chunk is ignored.
fn webp_header(bytes: &[u8], settings: &PipelineSettings) -> Result<WebpHeader, PipelineError> {
    let features = webp::features(bytes).map_err(classify_webp)?;
    check_bounds(features.width, features.height, settings)?;
    let mut chunks = WebPDecoder::new(Cursor::new(bytes)).map_err(PipelineError::corrupt)?;
    chunks.set_memory_limit(memory::MAX_ICC_BYTES);
    let exif = chunks.exif_metadata().ok().flatten();
    Ok(WebpHeader {
        features,
        orientation: exif
            .and_then(|exif| Orientation::from_exif_chunk(&exif))
            .unwrap_or(Orientation::NoTransforms),
        icc: chunks.icc_profile().ok().flatten(),
    })
}

pub(super) fn classify_webp(err: webp::WebpError) -> PipelineError {
    if err.is_unsupported() {
        PipelineError::unsupported(err)
    } else {
        PipelineError::corrupt(err)
    }
}

/// PNG, animated WebP, GIF (first frame) and CMYK JPEG, through the `image` crate with a
/// memory cap. The orientation and ICC profile are `side_data` when the header has read
/// them, and otherwise the decoder's; a PNG's bulky side data is taken out first (`png`).
fn decode_with_image(
    bytes: &[u8],
    kind: ImageKind,
    side_data: Option<(Orientation, Option<Vec<u8>>)>,
    settings: &PipelineSettings,
) -> Result<Decoded, PipelineError> {
    let bytes = match kind {
        ImageKind::Png => png::without_bulky_side_data(bytes),
        _ => Cow::Borrowed(bytes),
    };
    let mut reader = ImageReader::with_format(Cursor::new(&*bytes), image_format(kind));
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
    check_bounds(width, height, settings)?;
    // An unreadable orientation tag or profile is not worth failing the job for. A GIF's
    // profile is as large as its file at most: it is read, then ignored over the cap.
    let (orientation, icc) = side_data.unwrap_or_else(|| {
        let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
        let icc = decoder.icc_profile().ok().flatten();
        (
            orientation,
            icc.filter(|icc| icc.len() <= memory::MAX_ICC_BYTES),
        )
    });
    let image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    Ok(Decoded {
        image: to_8bit(image),
        orientation,
        icc,
    })
}

/// Grey stays grey, colour becomes RGB, and alpha is kept only if some pixel uses it.
pub(super) fn to_8bit(image: DynamicImage) -> DynamicImage {
    let colour = image.color();
    if colour.has_alpha() && has_visible_alpha(&image) {
        return match image {
            DynamicImage::ImageRgba8(_) => image,
            other => DynamicImage::ImageRgba8(other.into_rgba8()),
        };
    }
    match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => image,
        DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageLuma16(_)
        | DynamicImage::ImageLumaA16(_) => DynamicImage::ImageLuma8(image.into_luma8()),
        other => DynamicImage::ImageRgb8(other.into_rgb8()),
    }
}

fn has_visible_alpha(image: &DynamicImage) -> bool {
    match image {
        DynamicImage::ImageRgba8(buffer) => buffer.pixels().any(|p| p.0[3] != u8::MAX),
        DynamicImage::ImageLumaA8(buffer) => buffer.pixels().any(|p| p.0[1] != u8::MAX),
        DynamicImage::ImageRgba16(buffer) => buffer.pixels().any(|p| p.0[3] != u16::MAX),
        DynamicImage::ImageLumaA16(buffer) => buffer.pixels().any(|p| p.0[1] != u16::MAX),
        other => other.color().has_alpha(),
    }
}

/// Whether a JPEG's image data is followed by its end-of-image marker (`FF D9`). The JPEG
/// decoder pads a truncated scan with grey instead of failing, so a cut-off upload would
/// otherwise "succeed". The last end marker must come after the first start-of-scan marker
/// (`FF DA`): an EXIF thumbnail's own end marker comes before it, and entropy-coded data
/// cannot contain `FF D9`. Bytes after the end marker are allowed, as cameras append some.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let first_scan = memchr::memmem::find(bytes, &[0xFF, 0xDA]);
    let last_end = memchr::memmem::rfind(bytes, &[0xFF, 0xD9]);
    match (first_scan, last_end) {
        (Some(scan), Some(end)) => end > scan,
        _ => false,
    }
}

/// The image crate's name for a format.
fn image_format(kind: ImageKind) -> ImageFormat {
    match kind {
        ImageKind::Jpeg => ImageFormat::Jpeg,
        ImageKind::Png => ImageFormat::Png,
        ImageKind::WebP => ImageFormat::WebP,
        ImageKind::Gif => ImageFormat::Gif,
        // Read by libheif (the heif module), never by the image crate.
        ImageKind::Heic | ImageKind::Heif | ImageKind::Avif => ImageFormat::Avif,
    }
}

fn classify(err: ImageError) -> PipelineError {
    match err {
        ImageError::Limits(_) => PipelineError::OverMemoryLimit(Box::new(err)),
        ImageError::Unsupported(_) => PipelineError::UnsupportedFeature(Box::new(err)),
        other => PipelineError::Corrupt(Box::new(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::error::{LimitError, LimitErrorKind};

    #[test]
    fn the_decoders_memory_limit_is_its_own_error_and_says_so() {
        let err = classify(ImageError::Limits(LimitError::from_kind(
            LimitErrorKind::InsufficientMemory,
        )));
        assert!(matches!(err, PipelineError::OverMemoryLimit(_)), "{err:?}");
        assert!(err.to_string().contains("more memory"), "{err}");
        assert!(!err.to_string().contains("0×0"), "{err}");
    }
}
