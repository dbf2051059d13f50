//! The image pipeline: decode once (bounded), convert to sRGB, and make every output from
//! that one decode, encoding on two threads when there are two. Outputs are encoded from
//! pixels alone, so no metadata (EXIF, GPS, XMP, ICC) is carried over.
//!
//! The EXIF orientation is applied where it is cheapest: the thumbnail and preview are
//! resized in the stored orientation (to the swapped size when the image is turned a
//! quarter) and turned afterwards, at their small size; only the optimized output turns the
//! full image.

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::metadata::Orientation;
use image::DynamicImage;

use super::color;
use super::decode::{
    classify_webp, decode, into_image, read_header, Decoded, SourceHeader, WebpHeader,
};
use super::error::{BoxError, PipelineError};
use super::jpeg::{self, Effort, EncodeError, Encoding, JpegColour, Transcoder};
use super::outputs::{Output, Processed, Rendition, SourceInfo};
use super::parallel::{beside, run_both};
use super::settings::PipelineSettings;
use super::webp;
use ferrotype_format::{sniff, ImageKind};

/// Makes the thumbnail, preview and optimized outputs from one source image.
pub fn process(bytes: &[u8], settings: &PipelineSettings) -> Result<Processed, PipelineError> {
    let kind = sniff(bytes).ok_or(PipelineError::UnsupportedFormat)?;
    let header = read_header(bytes, kind, settings)?;
    match &header {
        SourceHeader::Jpeg(header) => {
            let srgb = header
                .icc
                .as_deref()
                .is_none_or(|icc| !color::needs_conversion(icc));
            if srgb && header.transcodable && header.colour != JpegColour::Other {
                return process_jpeg_without_full_decode(bytes, header, settings);
            }
            if header.colour != JpegColour::Other
                && header.orientation == Orientation::NoTransforms
                && settings.threads > 1
            {
                return process_jpeg_in_bands(bytes, header, settings);
            }
        }
        SourceHeader::Webp(header) => {
            let features = &header.features;
            if settings.threads > 1
                && !features.animated
                && !features.alpha
                && header.orientation == Orientation::NoTransforms
            {
                return process_webp_in_bands(bytes, header, settings);
            }
        }
        SourceHeader::Other => {}
    }
    let Decoded {
        mut image,
        orientation,
        icc,
    } = decode(bytes, kind, header, settings)?;
    if let Some(icc) = icc {
        color::to_srgb(&icc, &mut image);
    }
    let source = source_info(kind, &image, orientation);
    let small = || small_outputs(&image, orientation, settings);
    let optimized = || encode_oriented(Output::Optimized, &image, orientation, settings);

    let (optimized, small) = run_both(settings.threads, optimized, small);
    let [thumbnail, preview] = small?;
    Ok(Processed {
        source,
        thumbnail,
        preview,
        optimized: optimized?,
    })
}

/// The size of `image` (stored with `orientation`) as displayed.
fn source_info(kind: ImageKind, image: &DynamicImage, orientation: Orientation) -> SourceInfo {
    let (width, height) = upright_size((image.width(), image.height()), swaps_axes(orientation));
    SourceInfo {
        kind,
        width,
        height,
    }
}

/// The thumbnail and preview of a fully decoded image stored with `orientation`.
fn small_outputs(
    image: &DynamicImage,
    orientation: Orientation,
    settings: &PipelineSettings,
) -> Result<[Rendition; 2], PipelineError> {
    let turns = swaps_axes(orientation);
    let (width, height) = upright_size((image.width(), image.height()), turns);
    // Sizes come from the upright source; resizing happens in the stored orientation.
    let stored = |target: u32| stored_size((width, height), target, turns);
    let mut resizer = Resizer::new();
    let preview = resize_exact(&mut resizer, image, stored(settings.preview_width))?;
    // A thumbnail made from a preview at least twice its size is as good as one made
    // from the full image, at a fraction of the work.
    let base = match &preview {
        Some(p) if upright_width(p, turns) >= 2 * settings.thumbnail_width => p,
        _ => image,
    };
    let thumbnail = resize_exact(&mut resizer, base, stored(settings.thumbnail_width))?;
    let encode_small = |name, resized: Option<DynamicImage>| match resized {
        Some(mut resized) => {
            resized.apply_orientation(orientation);
            encode(name, &resized, settings)
        }
        None => encode_oriented(name, image, orientation, settings),
    };
    let thumbnail = encode_small(Output::Thumbnail, thumbnail)?;
    let preview = encode_small(Output::Preview, preview)?;
    Ok([thumbnail, preview])
}

/// Rows per band handed from the decoder to the encoder, and bands that may wait: the
/// encoder is never more than this far behind, so the copies in flight stay small.
const BAND_ROWS: usize = 64;
const BANDS_IN_FLIGHT: usize = 16;

/// An upright JPEG that must be decoded to pixels (ICC-tagged in another colour space, or a
/// layout the transcoder does not take), in bands on two threads.
fn process_jpeg_in_bands(
    bytes: &[u8],
    header: &jpeg::Header,
    settings: &PipelineSettings,
) -> Result<Processed, PipelineError> {
    let channels = if header.colour == JpegColour::Gray {
        1
    } else {
        3
    };
    let size = (header.width, header.height, channels);
    process_in_bands(
        ImageKind::Jpeg,
        size,
        header.icc.as_deref(),
        settings,
        |band| {
            let decoded = jpeg::decode_in_bands(bytes, header.colour, 8, BAND_ROWS, band);
            into_image(decoded.map_err(PipelineError::corrupt)?)
        },
    )
}

/// An upright, opaque, still WebP, in bands on two threads (libwebp's loop filter on a third).
fn process_webp_in_bands(
    bytes: &[u8],
    header: &WebpHeader,
    settings: &PipelineSettings,
) -> Result<Processed, PipelineError> {
    let features = &header.features;
    let size = (features.width, features.height, 3);
    process_in_bands(
        ImageKind::WebP,
        size,
        header.icc.as_deref(),
        settings,
        |band| webp::decode_in_bands(bytes, features, true, BAND_ROWS, band).map_err(classify_webp),
    )
}

/// An upright opaque image decoded to pixels by `decode`, which hands each run of rows to
/// its callback as it is decoded: each run is converted to sRGB (when `icc` says so) and
/// the optimized output is encoded run by run on the second thread while the first
/// decodes, instead of after the whole decode; then the first makes the small outputs.
fn process_in_bands(
    kind: ImageKind,
    (width, height, channels): (u32, u32, u8),
    icc: Option<&[u8]>,
    settings: &PipelineSettings,
    decode: impl FnOnce(&mut dyn FnMut(&mut [u8])) -> Result<DynamicImage, PipelineError>,
) -> Result<Processed, PipelineError> {
    let (bands, received) = std::sync::mpsc::sync_channel::<Vec<u8>>(BANDS_IN_FLIGHT);
    let (optimized, small) = beside(
        move || {
            jpeg::encode_bands(
                received,
                width,
                height,
                channels,
                f32::from(settings.jpeg_quality),
                Effort::Fast,
            )
        },
        move || -> Result<_, PipelineError> {
            let conversion = icc
                .filter(|_| channels == 3)
                .and_then(color::Conversion::for_rgb);
            // A failed encoder takes no more bands; its own error is reported below.
            let decoded = decode(&mut |band| {
                let mut converted = Vec::new();
                let sent = match &conversion {
                    Some(c) if c.convert(band, &mut converted) => converted,
                    _ => band.to_vec(),
                };
                let _ = bands.send(sent);
            });
            // The end of the bands: the encoder finishes (or fails, if the decode did).
            drop(bands);
            let image = decoded?;
            let small = small_outputs(&image, Orientation::NoTransforms, settings)?;
            Ok((source_info(kind, &image, Orientation::NoTransforms), small))
        },
    );
    let (source, [thumbnail, preview]) = small?;
    let optimized = optimized.map_err(|e| PipelineError::Encode {
        output: Output::Optimized,
        source: Box::new(e),
    })?;
    Ok(Processed {
        source,
        thumbnail,
        preview,
        optimized: optimized_jpeg(width, height, optimized),
    })
}

/// An sRGB YCbCr (4:2:0, 4:2:2, 4:4:0, 4:4:4) or grey JPEG: the thumbnail and preview come
/// from a decode DCT-scaled to the smallest size that still covers the preview, turned at
/// their size, and the optimized output is the source's coefficients turned upright by
/// moving DCT blocks, requantized (chroma halved to 4:2:0 where it is finer). The file is
/// entropy-decoded once for all three; with two threads, one makes the small outputs while
/// both code the optimized one.
fn process_jpeg_without_full_decode(
    bytes: &[u8],
    header: &jpeg::Header,
    settings: &PipelineSettings,
) -> Result<Processed, PipelineError> {
    let orientation = header.orientation;
    let upright = upright_size((header.width, header.height), swaps_axes(orientation));
    let (width, height) = upright;
    let source = SourceInfo {
        kind: ImageKind::Jpeg,
        width,
        height,
    };
    let scale = scale_for_small_outputs(width, settings);
    let mut transcoder = Transcoder::open(bytes, orientation).map_err(PipelineError::corrupt)?;
    let ([thumbnail, preview], optimized) = if transcoder.lossless {
        transcode_jpeg(&mut transcoder, header, scale, upright, settings)?
    } else {
        turn_jpeg_as_pixels(bytes, header, scale, upright, settings)?
    };
    Ok(Processed {
        source,
        thumbnail,
        preview,
        optimized,
    })
}

/// The DCT scale, in eighths, of the decode the thumbnail and preview of an upright
/// `width` wide JPEG come from: the smallest that still covers the preview. Never 1/8: at
/// that scale libjpeg keeps no AC coefficients, which the optimized output needs when one
/// read serves both. A 48 MP photo at 1/4 (2000 px) is still cheap to resize.
fn scale_for_small_outputs(width: u32, settings: &PipelineSettings) -> u8 {
    [2u8, 4]
        .into_iter()
        .find(|&eighths| width * u32::from(eighths) >= 8 * settings.preview_width)
        .unwrap_or(8)
}

/// The thumbnail and preview from a scaled decode (stored orientation) of a JPEG whose
/// upright size is `(width, height)`: resized, then turned at their size.
fn small_outputs_from_scaled(
    image: DynamicImage,
    orientation: Orientation,
    (width, height): (u32, u32),
    settings: &PipelineSettings,
) -> Result<[Rendition; 2], PipelineError> {
    let turns = swaps_axes(orientation);
    // The scaled decode is at least the preview's width; sizes are the upright
    // source's, resizing happens in the stored orientation.
    let stored = |target: u32| stored_size((width, height), target, turns);
    let mut resizer = Resizer::new();
    let preview = resize_exact(&mut resizer, &image, stored(settings.preview_width))?;
    let base = preview.as_ref().unwrap_or(&image);
    let thumbnail = resize_exact(&mut resizer, base, stored(settings.thumbnail_width))?
        .unwrap_or_else(|| base.clone());
    let preview = preview.unwrap_or(image);
    let upright = |mut image: DynamicImage| {
        image.apply_orientation(orientation);
        image
    };
    let thumbnail = encode(Output::Thumbnail, &upright(thumbnail), settings)?;
    let preview = encode(Output::Preview, &upright(preview), settings)?;
    Ok([thumbnail, preview])
}

/// A JPEG whose turn moves an edge that is not a whole number of blocks: the optimized
/// output is decoded and turned as pixels, the small ones come from a plain scaled decode.
fn turn_jpeg_as_pixels(
    bytes: &[u8],
    header: &jpeg::Header,
    scale: u8,
    upright: (u32, u32),
    settings: &PipelineSettings,
) -> Result<([Rendition; 2], Rendition), PipelineError> {
    let orientation = header.orientation;
    let scaled_decode = || -> Result<[Rendition; 2], PipelineError> {
        let samples = jpeg::decode(bytes, header.colour, scale).map_err(PipelineError::corrupt)?;
        small_outputs_from_scaled(into_image(samples)?, orientation, upright, settings)
    };
    let optimized = || -> Result<Rendition, PipelineError> {
        let full = jpeg::decode(bytes, header.colour, 8).map_err(PipelineError::corrupt)?;
        encode_oriented(Output::Optimized, &into_image(full)?, orientation, settings)
    };
    let (small, optimized) = run_both(settings.threads, scaled_decode, optimized);
    Ok((small?, optimized?))
}

/// A JPEG the transcoder can turn by moving blocks: one entropy decode for all three
/// outputs; then the scaled output pass and the optimized output's coding share the
/// threads.
fn transcode_jpeg(
    transcoder: &mut Transcoder,
    header: &jpeg::Header,
    scale: u8,
    upright: (u32, u32),
    settings: &PipelineSettings,
) -> Result<([Rendition; 2], Rendition), PipelineError> {
    let encode_failed = |e: EncodeError| PipelineError::Encode {
        output: Output::Optimized,
        source: Box::new(e),
    };
    transcoder
        .read(header.colour, scale)
        .map_err(PipelineError::corrupt)?;
    let frame = transcoder
        .frame(settings.jpeg_quality, settings.threads)
        .map_err(PipelineError::corrupt)?;
    let encoding = Encoding::new(&frame).map_err(encode_failed)?;
    let scaled = |transcoder: &mut Transcoder| -> Result<[Rendition; 2], PipelineError> {
        let samples = transcoder.decode_scaled().map_err(PipelineError::corrupt)?;
        small_outputs_from_scaled(into_image(samples)?, header.orientation, upright, settings)
    };
    let small = if settings.threads > 1 {
        // The second thread makes the small outputs, then joins in the coding.
        let (small, ()) = beside(
            || {
                let small = scaled(transcoder);
                encoding.work();
                small
            },
            || encoding.work(),
        );
        small
    } else {
        scaled(transcoder)
    };
    let optimized = encoding.finish().map_err(encode_failed)?;
    drop(frame);
    let small = small?;
    let (width, height) = upright;
    Ok((small, optimized_jpeg(width, height, optimized)))
}

/// The optimized output as a JPEG encoded outside [`encode`].
fn optimized_jpeg(width: u32, height: u32, bytes: Vec<u8>) -> Rendition {
    Rendition {
        width,
        height,
        content_type: "image/jpeg",
        extension: "jpg",
        bytes,
    }
}

/// The size of an output `width` wide from a `source_width`×`source_height` source,
/// keeping the aspect ratio and never upscaling.
fn target_size(source_width: u32, source_height: u32, width: u32) -> (u32, u32) {
    if width >= source_width {
        return (source_width, source_height);
    }
    let height = ((u64::from(source_height) * u64::from(width) + u64::from(source_width) / 2)
        / u64::from(source_width))
    .max(1) as u32;
    (width, height)
}

/// Resizes to exactly `(width, height)`; `None` when the image already has that size.
fn resize_exact(
    resizer: &mut Resizer,
    image: &DynamicImage,
    (width, height): (u32, u32),
) -> Result<Option<DynamicImage>, PipelineError> {
    if (width, height) == (image.width(), image.height()) {
        return Ok(None);
    }
    let mut resized = DynamicImage::new(width, height, image.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    resizer
        .resize(image, &mut resized, &options)
        .map_err(|e| PipelineError::Resize {
            width,
            height,
            source: Box::new(e),
        })?;
    Ok(Some(resized))
}

/// A stored `(width, height)` as displayed: swapped when the orientation turns a quarter.
fn upright_size((width, height): (u32, u32), turns: bool) -> (u32, u32) {
    if turns {
        (height, width)
    } else {
        (width, height)
    }
}

/// The stored size of an output `target` wide (upright) from an `upright` source: resizing
/// happens before the turn, so quarter turns resize to the swapped size.
fn stored_size(upright: (u32, u32), target: u32, turns: bool) -> (u32, u32) {
    let (width, height) = target_size(upright.0, upright.1, target);
    upright_size((width, height), turns)
}

fn swaps_axes(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn upright_width(image: &DynamicImage, turns: bool) -> u32 {
    if turns {
        image.height()
    } else {
        image.width()
    }
}

/// Encodes `image` as it would look with `orientation` applied, making one turned copy
/// only when there is something to turn.
fn encode_oriented(
    name: Output,
    image: &DynamicImage,
    orientation: Orientation,
    settings: &PipelineSettings,
) -> Result<Rendition, PipelineError> {
    let turned = match orientation {
        Orientation::NoTransforms => return encode(name, image, settings),
        Orientation::Rotate90 => image.rotate90(),
        Orientation::Rotate180 => image.rotate180(),
        Orientation::Rotate270 => image.rotate270(),
        Orientation::FlipHorizontal => image.fliph(),
        Orientation::FlipVertical => image.flipv(),
        // Transpose and transverse (rare): a quarter turn, then a mirror.
        Orientation::Rotate90FlipH => image.rotate90().fliph(),
        Orientation::Rotate270FlipH => image.rotate270().fliph(),
    };
    encode(name, &turned, settings)
}

fn encode(
    name: Output,
    image: &DynamicImage,
    settings: &PipelineSettings,
) -> Result<Rendition, PipelineError> {
    let (width, height) = (image.width(), image.height());
    let failed = |source: BoxError| PipelineError::Encode {
        output: name,
        source,
    };
    let (content_type, extension, bytes) = match image {
        DynamicImage::ImageRgba8(_) => {
            let mut bytes = Vec::new();
            let encoder = PngEncoder::new_with_quality(
                &mut bytes,
                CompressionType::Fast,
                PngFilter::Adaptive,
            );
            image
                .write_with_encoder(encoder)
                .map_err(|e| failed(Box::new(e)))?;
            ("image/png", "png", bytes)
        }
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => {
            let channels = image.color().channel_count();
            // Trellis quantisation costs ~25 ms on an 800 px preview, which sits on the
            // job's critical path, but little on a thumbnail; the full-size output is
            // encoded fast (its bytes are mostly requantized, not encoded, anyway).
            let (effort, quality) = match name {
                Output::Optimized => (Effort::Fast, f32::from(settings.jpeg_quality)),
                Output::Preview => (Effort::Progressive, settings.preview_jpeg_quality),
                Output::Thumbnail => (Effort::Max, f32::from(settings.thumbnail_jpeg_quality)),
            };
            let bytes = jpeg::encode(image.as_bytes(), width, height, channels, quality, effort)
                .map_err(|e| failed(Box::new(e)))?;
            ("image/jpeg", "jpg", bytes)
        }
        other => {
            return Err(failed(
                format!("unexpected pixel layout {:?}", other.color()).into(),
            ))
        }
    };
    Ok(Rendition {
        width,
        height,
        content_type,
        extension,
        bytes,
    })
}

#[cfg(test)]
mod tests;
