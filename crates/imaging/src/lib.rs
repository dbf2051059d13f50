//! ferrotype's image codec: one upload in, every declared variant out (each in AVIF, WebP,
//! JPEG or PNG), with a placeholder. Pure code: no AWS, no job records, no feature flags.
//! The declarations themselves (names, boxes, fits, formats) are `ferrotype-variants`.
//!
//! The public surface is [`process`], [`sniff`] and [`ImageKind`], [`PipelineSettings`],
//! [`PipelineError`] and the outputs ([`Processed`], [`VariantImage`], [`Rendition`],
//! [`SourceInfo`], [`Placeholder`]); the rest is private.
//!
//! # Layout
//!
//! Modules by role, each importing only from those below it (no import circles):
//!
//! * `pipeline`: the order of the work. [`process`] reads the header once and picks a
//!   path: the JPEG transcoder, a banded decode on two threads, or one whole decode; then
//!   `plan` places each variant on the source (geometry, encodings, qualities), `render`
//!   crops, resizes and pads each from the one decode, and `encode` writes every file on
//!   the job's threads (`avif`: libaom; `webp`: libwebp; JPEG and PNG). `placeholder`
//!   makes the ThumbHash and dominant colour from the smallest output.
//! * Decoding: `decode` (checks before decoding and the one bounded decode), `webp`
//!   (libwebp, whole and banded), `png` (bulky side data taken out before decoding) and
//!   `color` (ICC to sRGB).
//! * `jpeg`, by codec stage: `jpeg::libjpeg` (mozjpeg/libjpeg-turbo: header, scaled and
//!   banded decodes, encoders), `jpeg::transcoder` (one coefficient read for the scaled
//!   decode and the optimized output: lossless turns, requantization; `jpeg::transupp`,
//!   its FFI), `jpeg::chroma`
//!   (chroma halving in the DCT domain), `jpeg::huffman` (the entropy coder, on every
//!   thread), `jpeg::coefficients` (blocks, planes, the frame, zigzag order, rescaling) and
//!   `jpeg::markers` (reading the segments before the first scan, where EXIF and ICC are
//!   read, and writing the transcoder's headers).
//! * The ground floor, importing nothing above it: `settings` ([`PipelineSettings`]),
//!   `error` ([`PipelineError`]), `outputs` ([`VariantImage`], [`Rendition`],
//!   [`Processed`], [`SourceInfo`]), `parallel` (`beside`/`run_both`: two pieces of work side by side)
//!   and `memory` (`reserved`: a buffer reserved without aborting; the caps on side data).
//!
//! Tests sit beside their modules, in `<module>/tests.rs`.

mod avif;
mod color;
mod decode;
mod encode;
mod error;
mod focus;
mod heif;
mod jpeg;
mod memory;
mod outputs;
mod parallel;
mod pipeline;
mod placeholder;
mod plan;
mod png;
mod render;
mod settings;
mod webp;

pub use error::PipelineError;
pub use ferrotype_format::{sniff, ImageKind};
pub use outputs::{Processed, Rendition, SourceInfo, VariantImage};
pub use pipeline::process;
pub use placeholder::Placeholder;
pub use settings::PipelineSettings;

/// The AVIF and WebP encoders as the pipeline calls them, at a chosen speed or method: for
/// the measurement that chose their settings (`bench/src/bin/ladder.rs`). Everything else
/// goes through [`process`].
pub mod encoders {
    pub use crate::avif::{encode_at_speed as avif, AvifError, SPEED as AVIF_SPEED};
    pub use crate::webp::encode::{
        encode_with_method as webp, WebpEncodeError, METHOD as WEBP_METHOD,
    };
}

#[cfg(test)]
mod tests {
    use image::{DynamicImage, ImageFormat, RgbImage};

    /// `ferrotype-format` keeps its own copy of four magic numbers so that the upload needs
    /// no codec; it must answer as the image crate does, for which the decoders are chosen.
    #[test]
    fn sniffing_agrees_with_the_image_crates_guess_for_every_format_and_for_others() {
        let image = DynamicImage::ImageRgb8(RgbImage::new(4, 4));
        let mut inputs: Vec<Vec<u8>> = [
            ImageFormat::Jpeg,
            ImageFormat::Png,
            ImageFormat::WebP,
            ImageFormat::Gif,
        ]
        .into_iter()
        .map(|format| ferrotype_samples::encode(&image, format))
        .collect();
        inputs.extend(
            [
                &b"GIF87a...."[..],
                b"BM\0\0\0\0\0\0\0\0",
                b"II*\0\x08\0\0\0",
                b"RIFF\0\0\0\0WAVEfmt ",
                b"RIFF\0\0\0\0WEB",
                b"\xFF\xD8",
                b"%PDF-1.7",
                b"",
            ]
            .map(<[u8]>::to_vec),
        );
        for bytes in &inputs {
            let ours = super::sniff(bytes).map(|kind| kind.content_type());
            let theirs = image::guess_format(bytes)
                .ok()
                .map(|format| format.to_mime_type())
                .filter(|mime| {
                    ["image/jpeg", "image/png", "image/webp", "image/gif"].contains(mime)
                });
            assert_eq!(ours, theirs, "{:?}", &bytes[..bytes.len().min(12)]);
        }
    }
}
