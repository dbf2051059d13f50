//! Decodes of the samples in tests/samples (made by scripts/heif-samples), compared with
//! libheif's own decode of each as pillow-heif gave it (`NAME.png`), and hostile variants
//! of them.

use super::*;

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn reference(name: &str) -> image::RgbaImage {
    image::load_from_memory(&sample(&format!("{name}.png")))
        .expect("a reference PNG")
        .into_rgba8()
}

fn decode(bytes: &[u8]) -> Result<Decoded, HeifError> {
    let container = Container::read(bytes, &Limits::default())?;
    let primary = container.primary()?;
    primary.decode()
}

/// Mean absolute difference per sample, and the largest.
fn difference(decoded: &Decoded, expected: &image::RgbaImage) -> (f64, u8) {
    assert_eq!(
        (decoded.width, decoded.height),
        expected.dimensions(),
        "size"
    );
    let mut total = 0u64;
    let mut largest = 0u8;
    let channels = if decoded.has_alpha { 4 } else { 3 };
    let pixels = decoded.pixels.chunks_exact(channels);
    for (ours, theirs) in pixels.zip(expected.pixels()) {
        for (a, b) in ours.iter().zip(&theirs.0) {
            let d = a.abs_diff(*b);
            total += u64::from(d);
            largest = largest.max(d);
        }
    }
    (total as f64 / decoded.pixels.len() as f64, largest)
}

#[test]
fn the_declared_security_limits_struct_matches_libheifs() {
    // SAFETY: libheif's static defaults.
    let global = unsafe { &*ffi::heif_get_global_security_limits() };
    assert_eq!(global.version, 4);
    assert_eq!(global.max_image_size_pixels, 32768 * 32768);
    assert_eq!(global.max_number_of_tiles, 4096 * 4096);
    assert!(global.parent.is_null());
}

#[test]
fn every_sample_decodes_as_libheif_decodes_it() {
    let samples: &[&str] = if HEVC {
        &[
            "plain.heic",
            "orientation-6.heic",
            "alpha.heic",
            "ten-bit.heic",
            "grid.heic",
            "plain.avif",
            "alpha.avif",
            "sequence.avif",
        ]
    } else {
        &["plain.avif", "alpha.avif", "sequence.avif"]
    };
    for name in samples {
        let decoded = decode(&sample(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
        let (mean, largest) = difference(&decoded, &reference(name));
        println!(
            "{name}: {}×{}, mean difference {mean:.3}, largest {largest}",
            decoded.width, decoded.height
        );
        if name.ends_with(".heic") {
            // The same decoders (libheif, libde265): the same pixels.
            assert!(largest <= 1, "{name}: mean {mean}, largest {largest}");
        } else {
            // AVIF's reference is libavif's decode (dav1d), or for the sequence the frame
            // before encoding: close on average.
            assert!(mean < 2.0, "{name}: mean {mean}, largest {largest}");
        }
    }
}

#[test]
fn a_rotated_photo_is_turned_once_by_irot_and_its_exif_orientation_is_not_applied_again() {
    if !HEVC {
        return;
    }
    let bytes = sample("orientation-6.heic");
    let container = Container::read(&bytes, &Limits::default()).unwrap();
    let primary = container.primary().unwrap();
    // Stored 320×240; `irot` makes it 240×320, as it is shown.
    assert_eq!((primary.width(), primary.height()), (240, 320));
    let decoded = primary.decode().unwrap();
    assert_eq!((decoded.width, decoded.height), (240, 320));
    // The white disc drawn around (80, 60) in the stored image is now around (179, 80),
    // turned once clockwise; a second turn would put it at (160, 179).
    let pixel = |x: u32, y: u32| {
        let i = ((y * decoded.width + x) * 3) as usize;
        decoded.pixels[i..i + 3].to_vec()
    };
    assert!(
        pixel(179, 80).iter().all(|&v| v > 230),
        "{:?}",
        pixel(179, 80)
    );
    for (x, y) in [(60, 80), (160, 179), (80, 60)] {
        assert!(
            pixel(x, y).iter().any(|&v| v < 200),
            "({x}, {y}): {:?}",
            pixel(x, y)
        );
    }
}

#[test]
fn alpha_ten_bits_and_colour_descriptions_are_reported() {
    if HEVC {
        let bytes = sample("alpha.heic");
        let decoded = decode(&bytes).unwrap();
        assert!(decoded.has_alpha);
        // The right quarter is transparent.
        assert_eq!(decoded.pixels[(30 * 320 + 300) * 4 + 3], 0);
        assert_eq!(decoded.pixels[(30 * 320 + 30) * 4 + 3], 255);

        let bytes = sample("ten-bit.heic");
        let container = Container::read(&bytes, &Limits::default()).unwrap();
        assert_eq!(container.primary().unwrap().bit_depth(), Some(10));

        let p3 = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/fixtures/display-p3.icc"
        ))
        .unwrap();
        assert_eq!(
            decode(&sample("display-p3.heic")).unwrap().colour,
            Colour::Icc(p3)
        );
        let nclx = decode(&sample("p3-nclx.heic")).unwrap().colour;
        assert!(
            matches!(
                nclx,
                Colour::Nclx {
                    primaries: 12,
                    transfer: 13,
                    ..
                }
            ),
            "{nclx:?}"
        );
        assert!(!decode(&sample("plain.heic")).unwrap().has_alpha);
    }
    assert!(decode(&sample("alpha.avif")).unwrap().has_alpha);
}

#[test]
fn an_image_sequence_is_read_as_its_still_primary_image() {
    let bytes = sample("sequence.avif");
    assert_eq!(&bytes[8..12], b"avis");
    let container = Container::read(&bytes, &Limits::default()).unwrap();
    let primary = container.primary().unwrap();
    assert_eq!((primary.width(), primary.height()), (160, 120));
    // The first frame (the photo), not the green or blue ones.
    let decoded = primary.decode().unwrap();
    let pixel = &decoded.pixels[(60 * 160 + 20) * 3..][..3];
    assert!(pixel[0] > 150 && pixel[1] < 80, "{pixel:?}");
}

#[test]
fn hevc_is_refused_as_unsupported_when_built_without_it() {
    if HEVC {
        return;
    }
    let err = decode(&sample("plain.heic")).unwrap_err();
    assert!(matches!(err, HeifError::Unsupported(_)), "{err:?}");
}

/// The offset of the first `fourcc` box's payload (after its 8-byte header).
fn payload(bytes: &[u8], fourcc: &[u8; 4]) -> usize {
    bytes
        .windows(4)
        .position(|w| w == fourcc)
        .unwrap_or_else(|| panic!("no {}", String::from_utf8_lossy(fourcc)))
        + 4
}

#[test]
fn hostile_files_are_refused_with_an_error_and_never_crash() {
    let name = if HEVC { "grid.heic" } else { "plain.avif" };
    let good = sample(name);

    // Cut off anywhere.
    for len in (0..good.len()).step_by(37) {
        assert!(decode(&good[..len]).is_err(), "{name} cut at {len} decoded");
    }

    // A declared size of 60000×60000 (3.6 gigapixels): refused while parsing.
    let mut huge = good.clone();
    let ispe = payload(&huge, b"ispe") + 4;
    huge[ispe..ispe + 8].copy_from_slice(&[0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60]);
    let err = decode(&huge).unwrap_err();
    assert!(
        matches!(err, HeifError::LimitExceeded(_) | HeifError::Invalid(_)),
        "{err:?}"
    );

    // Every item's data placed past the end of the file (iloc's base offset).
    let mut outside = good.clone();
    let iloc = payload(&outside, b"iloc");
    outside[iloc + 4] = 0x44; // offset and length sizes 4
    outside[iloc + 5] = 0x40; // base offset size 4
    for byte in outside.iter_mut().skip(iloc + 12).take(4) {
        *byte = 0x7F;
    }
    assert!(decode(&outside).is_err());

    if HEVC {
        // The grid: 256×256 tiles of 65535×65535 declared (the file has 8).
        let mut tiles = good.clone();
        let grid = payload(&tiles, b"idat");
        tiles[grid + 2..grid + 8].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        let err = decode(&tiles).unwrap_err();
        println!("a grid of 65536 tiles: {err}");

        // The grid's first tile reference pointing back at the grid itself: a loop.
        let mut looping = good.clone();
        let dimg = payload(&looping, b"dimg");
        let from = [looping[dimg], looping[dimg + 1]];
        looping[dimg + 4..dimg + 6].copy_from_slice(&from);
        let err = decode(&looping).unwrap_err();
        println!("a grid that is its own tile: {err}");
    }

    // Tighter limits than the default are applied: at most 4 tiles.
    if HEVC {
        let limits = Limits {
            max_tiles: 4,
            ..Limits::default()
        };
        let container = Container::read(&good, &limits).unwrap();
        let err = container.primary().err().expect("8 tiles refused");
        assert!(matches!(err, HeifError::LimitExceeded(_)), "{err:?}");
        let primary = Container::read(&good, &Limits::default()).unwrap();
        assert_eq!(primary.primary().unwrap().tiles().unwrap(), 8);
    }
}

#[test]
fn bytes_flipped_anywhere_give_an_image_or_an_error() {
    let name = if HEVC { "grid.heic" } else { "plain.avif" };
    let good = sample(name);
    // A fixed sequence (xorshift), so a failure is repeatable.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut refused = 0;
    for _ in 0..300 {
        let mut bytes = good.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] ^= 1 << (next() % 8);
        }
        if decode(&bytes).is_err() {
            refused += 1;
        }
    }
    println!("{refused} of 300 damaged copies refused, the rest decoded");
}
