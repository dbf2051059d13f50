//! The image pipeline: decode once (bounded), convert to sRGB, and make every declared
//! variant in each of its formats from that one decode, on two threads when there are two.
//! Outputs are encoded from pixels alone, so no metadata (EXIF, GPS, XMP, ICC) is carried
//! over.
//!
//! The EXIF orientation is applied to the decode before anything is cut from it; on the
//! JPEG paths that decode is DCT-scaled, so the turn is at a fraction of the full size, and
//! the full-size JPEG is turned by moving DCT blocks.

use std::borrow::Cow;

use image::metadata::Orientation;
use image::DynamicImage;

use super::color;
use super::decode::{
    classify_webp, decode, into_image, read_header, Decoded, SourceHeader, WebpHeader,
};
use super::encode::encode_all;
use super::error::PipelineError;
use super::jpeg::{self, Effort, EncodeError, Encoding, JpegColour, Transcoder};
use super::outputs::{Processed, Rendition, SourceInfo};
use super::parallel::{beside, run_both};
use super::placeholder::{placeholder, Placeholder};
use super::plan::Plan;
use super::render::render;
use super::settings::PipelineSettings;
use super::webp;
use ferrotype_format::{sniff, ImageKind};
use ferrotype_variants::Encoding as FileEncoding;

/// Makes every variant of `settings` from one source image.
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
            let upright = (header.width, header.height);
            if header.colour != JpegColour::Other
                && header.orientation == Orientation::NoTransforms
                && settings.threads > 1
                && Plan::new(settings, upright, false)
                    .full_size_jpeg()
                    .is_some()
            {
                return process_jpeg_in_bands(bytes, header, settings);
            }
        }
        SourceHeader::Webp(header) => {
            let features = &header.features;
            let upright = (features.width, features.height);
            if settings.threads > 1
                && !features.animated
                && !features.alpha
                && header.orientation == Orientation::NoTransforms
                && Plan::new(settings, upright, false)
                    .full_size_jpeg()
                    .is_some()
            {
                return process_webp_in_bands(bytes, header, settings);
            }
        }
        SourceHeader::Heif | SourceHeader::Other => {}
    }
    let Decoded {
        mut image,
        orientation,
        icc,
    } = decode(bytes, kind, header, settings)?;
    if let Some(icc) = icc {
        color::to_srgb(&icc, &mut image);
    }
    let image = upright(image, orientation);
    let source = source_info(kind, &image);
    let plan = Plan::new(settings, (source.width, source.height), source.alpha);
    let (images, placeholder) = prepare(&plan, &image, None)?;
    let variants = encode_all(&plan, &images, Vec::new(), settings.threads)?;
    Ok(Processed {
        source,
        placeholder,
        variants,
    })
}

/// An upright decode's size and whether it has alpha.
fn source_info(kind: ImageKind, image: &DynamicImage) -> SourceInfo {
    SourceInfo {
        kind,
        width: image.width(),
        height: image.height(),
        alpha: image.color().has_alpha(),
    }
}

/// Each target's pixels (by target; `None` for one made elsewhere) and the placeholder.
type Prepared<'b> = (Vec<Option<Cow<'b, DynamicImage>>>, Placeholder);

/// Every target's pixels but `skip`'s, and the placeholder, from `base` (the upright
/// source at any size): the placeholder from the smallest whole-image output, or from
/// `base` when there is none.
fn prepare<'b>(
    plan: &Plan,
    base: &'b DynamicImage,
    skip: Option<usize>,
) -> Result<Prepared<'b>, PipelineError> {
    let images = render(plan, base, skip)?;
    let smallest = plan
        .targets
        .iter()
        .zip(&images)
        .filter(|(target, _)| {
            let crop = &target.geometry.crop;
            crop.x == 0
                && crop.y == 0
                && (crop.width, crop.height) == plan.upright
                && target.geometry.canvas == target.geometry.size
        })
        .filter_map(|(_, image)| image.as_deref())
        .min_by_key(|image| u64::from(image.width()) * u64::from(image.height()));
    let placeholder = placeholder(smallest.unwrap_or(base));
    Ok((images, placeholder))
}

/// [`prepare`] with every image owned, for work handed back from another thread.
fn prepare_owned(
    plan: &Plan,
    base: &DynamicImage,
    skip: Option<usize>,
) -> Result<Prepared<'static>, PipelineError> {
    let (images, placeholder) = prepare(plan, base, skip)?;
    let owned = images
        .into_iter()
        .map(|image| image.map(|image| Cow::Owned(image.into_owned())))
        .collect();
    Ok((owned, placeholder))
}

/// The full-size JPEG made outside [`encode_all`], at `index` among the targets.
fn premade(plan: &Plan, index: usize, rendition: Rendition) -> Vec<Option<Rendition>> {
    let mut made = vec![None; plan.targets.len()];
    made[index] = Some(rendition);
    made
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
/// the full-size JPEG is encoded run by run on the second thread while the first decodes,
/// instead of after the whole decode; then the first prepares the other variants, and both
/// encode them.
fn process_in_bands(
    kind: ImageKind,
    (width, height, channels): (u32, u32, u8),
    icc: Option<&[u8]>,
    settings: &PipelineSettings,
    decode: impl FnOnce(&mut dyn FnMut(&mut [u8])) -> Result<DynamicImage, PipelineError>,
) -> Result<Processed, PipelineError> {
    let plan = Plan::new(settings, (width, height), false);
    let (full, quality) = plan
        .full_size_jpeg()
        .expect("bands are taken only for a full-size JPEG");
    let (bands, received) = std::sync::mpsc::sync_channel::<Vec<u8>>(BANDS_IN_FLIGHT);
    let (full_size, prepared) = beside(
        move || jpeg::encode_bands(received, width, height, channels, quality, Effort::Fast),
        || -> Result<_, PipelineError> {
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
            let source = source_info(kind, &image);
            Ok((source, prepare_owned(&plan, &image, Some(full))?))
        },
    );
    let (source, (images, placeholder)) = prepared?;
    let full_size = full_size.map_err(|e| full_size_failed(&plan, full, e))?;
    let made = premade(&plan, full, full_size_jpeg((width, height), full_size));
    let variants = encode_all(&plan, &images, made, settings.threads)?;
    Ok(Processed {
        source,
        placeholder,
        variants,
    })
}

/// An sRGB YCbCr (4:2:0, 4:2:2, 4:4:0, 4:4:4) or grey JPEG. The other variants come from
/// a decode DCT-scaled to the smallest size that still covers them, turned upright at that
/// size; a full-size JPEG variant is the source's coefficients turned upright by moving DCT
/// blocks and requantized (chroma halved to 4:2:0 where it is finer). The file is
/// entropy-decoded once for all of them; with two threads, one makes the scaled variants'
/// pixels while both code the full-size one.
fn process_jpeg_without_full_decode(
    bytes: &[u8],
    header: &jpeg::Header,
    settings: &PipelineSettings,
) -> Result<Processed, PipelineError> {
    let orientation = header.orientation;
    let upright = upright_size((header.width, header.height), swaps_axes(orientation));
    let source = SourceInfo {
        kind: ImageKind::Jpeg,
        width: upright.0,
        height: upright.1,
        alpha: false,
    };
    let plan = Plan::new(settings, upright, false);
    let Some((full, quality)) = plan.full_size_jpeg() else {
        // No full-size JPEG: a scaled decode is all it takes.
        let eighths = scale_in_eighths(plan.needed_scale(None), &[1, 2, 4]);
        let samples =
            jpeg::decode(bytes, header.colour, eighths).map_err(PipelineError::corrupt)?;
        let base = self::upright(into_image(samples)?, orientation);
        let (images, placeholder) = prepare(&plan, &base, None)?;
        let variants = encode_all(&plan, &images, Vec::new(), settings.threads)?;
        return Ok(Processed {
            source,
            placeholder,
            variants,
        });
    };
    // Never 1/8: at that scale libjpeg keeps no AC coefficients, which the full-size JPEG
    // needs when one read serves both. A 48 MP photo at 1/4 (2000 px) is still cheap.
    let eighths = scale_in_eighths(plan.needed_scale(Some(full)), &[2, 4]);
    let mut transcoder = Transcoder::open(bytes, orientation).map_err(PipelineError::corrupt)?;
    let ((images, placeholder), full_size) = if transcoder.lossless {
        transcode_jpeg(
            &mut transcoder,
            header,
            eighths,
            &plan,
            (full, quality),
            settings,
        )?
    } else {
        turn_jpeg_as_pixels(bytes, header, eighths, &plan, (full, quality), settings)?
    };
    let made = premade(&plan, full, full_size);
    let variants = encode_all(&plan, &images, made, settings.threads)?;
    Ok(Processed {
        source,
        placeholder,
        variants,
    })
}

/// The smallest DCT scale, in eighths, among `smaller` (or 8) that gives at least `needed`
/// of the source's resolution.
fn scale_in_eighths(needed: f64, smaller: &[u8]) -> u8 {
    smaller
        .iter()
        .copied()
        .find(|&eighths| f64::from(eighths) / 8.0 >= needed - 1e-9)
        .unwrap_or(8)
}

/// A JPEG whose turn moves an edge that is not a whole number of blocks: the full-size JPEG
/// is decoded and turned as pixels, the other variants come from a plain scaled decode.
fn turn_jpeg_as_pixels(
    bytes: &[u8],
    header: &jpeg::Header,
    eighths: u8,
    plan: &Plan,
    (full, quality): (usize, f32),
    settings: &PipelineSettings,
) -> Result<(Prepared<'static>, Rendition), PipelineError> {
    let orientation = header.orientation;
    let scaled = || -> Result<Prepared<'static>, PipelineError> {
        let samples =
            jpeg::decode(bytes, header.colour, eighths).map_err(PipelineError::corrupt)?;
        prepare_owned(
            plan,
            &upright(into_image(samples)?, orientation),
            Some(full),
        )
    };
    let full_size = || -> Result<Rendition, PipelineError> {
        let samples = jpeg::decode(bytes, header.colour, 8).map_err(PipelineError::corrupt)?;
        let image = upright(into_image(samples)?, orientation);
        let (width, height) = (image.width(), image.height());
        let channels = image.color().channel_count();
        let bytes = jpeg::encode(
            image.as_bytes(),
            width,
            height,
            channels,
            quality,
            Effort::Fast,
        )
        .map_err(|e| full_size_failed(plan, full, e))?;
        Ok(full_size_jpeg((width, height), bytes))
    };
    let (prepared, full_size) = run_both(settings.threads, scaled, full_size);
    Ok((prepared?, full_size?))
}

/// A JPEG the transcoder can turn by moving blocks: one entropy decode for every variant;
/// then the scaled output pass and the full-size JPEG's coding share the threads.
fn transcode_jpeg(
    transcoder: &mut Transcoder,
    header: &jpeg::Header,
    eighths: u8,
    plan: &Plan,
    (full, quality): (usize, f32),
    settings: &PipelineSettings,
) -> Result<(Prepared<'static>, Rendition), PipelineError> {
    let encode_failed = |e: EncodeError| full_size_failed(plan, full, e);
    transcoder
        .read(header.colour, eighths)
        .map_err(PipelineError::corrupt)?;
    // The coefficient path requantizes to whole qualities' tables.
    let whole_quality = quality.round().clamp(1.0, 100.0) as u8;
    let frame = transcoder
        .frame(whole_quality, settings.threads)
        .map_err(PipelineError::corrupt)?;
    let encoding = Encoding::new(&frame).map_err(encode_failed)?;
    let scaled = |transcoder: &mut Transcoder| -> Result<Prepared<'static>, PipelineError> {
        let samples = transcoder.decode_scaled().map_err(PipelineError::corrupt)?;
        prepare_owned(
            plan,
            &upright(into_image(samples)?, header.orientation),
            Some(full),
        )
    };
    let prepared = if settings.threads > 1 {
        // The second thread prepares the scaled variants, then joins in the coding.
        let (prepared, ()) = beside(
            || {
                let prepared = scaled(transcoder);
                encoding.work();
                prepared
            },
            || encoding.work(),
        );
        prepared
    } else {
        scaled(transcoder)
    };
    let full_size = encoding.finish().map_err(encode_failed)?;
    drop(frame);
    Ok((prepared?, full_size_jpeg(plan.upright, full_size)))
}

/// The full-size JPEG, encoded outside [`encode_all`].
fn full_size_jpeg(size: (u32, u32), bytes: Vec<u8>) -> Rendition {
    Rendition::new(FileEncoding::Jpeg, size, bytes)
}

/// The error of the full-size JPEG (target `index`).
fn full_size_failed(
    plan: &Plan,
    index: usize,
    error: impl std::error::Error + Send + Sync + 'static,
) -> PipelineError {
    PipelineError::Encode {
        variant: plan.targets[index].variant.name.clone(),
        encoding: FileEncoding::Jpeg,
        source: Box::new(error),
    }
}

/// A stored `(width, height)` as displayed: swapped when the orientation turns a quarter.
fn upright_size((width, height): (u32, u32), turns: bool) -> (u32, u32) {
    if turns {
        (height, width)
    } else {
        (width, height)
    }
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

/// `image` as it looks with `orientation` applied.
fn upright(image: DynamicImage, orientation: Orientation) -> DynamicImage {
    match orientation {
        Orientation::NoTransforms => image,
        Orientation::Rotate90 => image.rotate90(),
        Orientation::Rotate180 => image.rotate180(),
        Orientation::Rotate270 => image.rotate270(),
        Orientation::FlipHorizontal => image.fliph(),
        Orientation::FlipVertical => image.flipv(),
        // Transpose and transverse (rare): a quarter turn, then a mirror.
        Orientation::Rotate90FlipH => image.rotate90().fliph(),
        Orientation::Rotate270FlipH => image.rotate270().fliph(),
    }
}

#[cfg(test)]
mod tests;
