use image::DynamicImage;

use super::*;
use crate::jpeg::{libjpeg, Encoding};
use ferrotype_samples as samples;

/// The optimized output the transcoder makes of `bytes` at quality 80 (`None` when the
/// turn is not lossless), read at `eighths` for a scaled pass that is not run.
fn transcode(bytes: &[u8], orientation: image::metadata::Orientation) -> Option<Vec<u8>> {
    let mut transcoder = Transcoder::open(bytes, orientation).unwrap();
    if !transcoder.lossless {
        return None;
    }
    let colour = libjpeg::read_header(bytes).unwrap().colour;
    transcoder.read(colour, 4).unwrap();
    let frame = transcoder.frame(80, 1).unwrap();
    Some(Encoding::new(&frame).unwrap().finish().unwrap())
}

#[test]
fn a_turned_jpeg_of_whole_blocks_is_turned_losslessly_and_others_are_left_to_the_pixels() {
    use image::metadata::Orientation;
    let jpeg = |w, h| samples::jpeg_with(&samples::quadrants(w, h), (2, 2), false, None);
    // 4:2:0 blocks are 16×16: a quarter turn moves the bottom edge to the left one.
    let turned = transcode(&jpeg(64, 48), Orientation::Rotate90).expect("64×48 is whole blocks");
    let turned = image::load_from_memory(&turned).unwrap();
    assert_eq!((turned.width(), turned.height()), (48, 64));
    for (orientation, w, h) in [
        (Orientation::Rotate90, 64, 50),
        (Orientation::FlipHorizontal, 70, 48),
        (Orientation::Rotate180, 64, 50),
    ] {
        assert!(
            transcode(&jpeg(w, h), orientation).is_none(),
            "{orientation:?} of {w}×{h}"
        );
    }
}

#[test]
fn the_scaled_decode_from_the_buffered_coefficients_is_an_ordinary_scaled_decode() {
    use image::metadata::Orientation;
    // Whole blocks (coefficients buffered for the transcoder) and not (a plain decode),
    // baseline and progressive, colour and grey, at every scale the pipeline uses.
    let mut cases = Vec::new();
    for (width, height) in [(640, 480), (650, 490)] {
        let colour = samples::two_halves(width, height);
        let grey = DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(colour.clone()).to_luma8());
        cases.push((
            samples::jpeg_with(&colour, (2, 2), false, None),
            JpegColour::Rgb,
        ));
        cases.push((
            samples::jpeg_with(&colour, (2, 2), true, None),
            JpegColour::Rgb,
        ));
        cases.push((samples::jpeg(&grey), JpegColour::Gray));
    }
    for (bytes, colour) in &cases {
        for orientation in [Orientation::NoTransforms, Orientation::Rotate90] {
            for eighths in [2, 4, 8] {
                let mut transcoder = Transcoder::open(bytes, orientation).unwrap();
                if !transcoder.lossless {
                    assert!(transcoder.read(*colour, eighths).is_err());
                    continue;
                }
                transcoder.read(*colour, eighths).unwrap();
                // The frame is made before the scaled pass, as on two threads.
                let frame = transcoder.frame(80, 1).unwrap();
                let buffered = transcoder.decode_scaled().unwrap();
                let plain = libjpeg::decode(bytes, *colour, eighths).unwrap();
                assert_eq!(
                    (buffered.width, buffered.height, buffered.channels),
                    (plain.width, plain.height, plain.channels),
                    "{colour:?} at {eighths}/8"
                );
                assert!(buffered.data == plain.data, "{colour:?} at {eighths}/8");
                // And the coefficients the frame codes are those of a transcoder alone.
                let after_decode = Encoding::new(&frame).unwrap().finish().unwrap();
                assert!(
                    Some(after_decode) == transcode(bytes, orientation),
                    "{colour:?} at {eighths}/8"
                );
            }
            let mut transcoder = Transcoder::open(bytes, orientation).unwrap();
            assert!(transcoder.read(*colour, 1).is_err(), "{colour:?} at 1/8");
        }
    }
}

#[test]
fn a_corrupt_jpeg_fails_the_buffered_read_without_a_panic() {
    let mut bytes = samples::jpeg_with(&samples::two_halves(640, 480), (2, 2), false, None);
    // Garbage in the middle of the entropy-coded data, end-of-image marker kept.
    let middle = bytes.len() / 2;
    bytes[middle..middle + 64].fill(0xff);
    let result = std::panic::catch_unwind(|| -> Result<(), Box<dyn std::error::Error>> {
        let mut transcoder = Transcoder::open(&bytes, image::metadata::Orientation::NoTransforms)?;
        transcoder.read(JpegColour::Rgb, 2)?;
        let frame = transcoder.frame(80, 1)?;
        transcoder.decode_scaled()?;
        Encoding::new(&frame)?.finish()?;
        Ok(())
    });
    assert!(result.is_ok(), "the transcoder panicked");
}
