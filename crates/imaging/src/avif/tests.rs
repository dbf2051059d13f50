//! The container is checked box by box (no AV1 decoder in the workspace: the image crate's
//! needs dav1d); the pixels are checked by Pillow in the Python test tools.

use super::*;

/// The boxes of an ISO-BMFF file, containers opened: (type, payload) in file order.
fn boxes(bytes: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut found = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 8 {
        let size = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        assert!(size >= 8 && size <= rest.len(), "box size {size}");
        let kind: [u8; 4] = rest[4..8].try_into().unwrap();
        let payload = &rest[8..size];
        found.push((kind, payload.to_vec()));
        match &kind {
            // Full boxes: version and flags first; iinf's entry count after them.
            b"meta" => found.extend(boxes(&payload[4..])),
            b"iprp" | b"ipco" => found.extend(boxes(payload)),
            b"iinf" => found.extend(boxes(&payload[6..])),
            _ => {}
        }
        rest = &rest[size..];
    }
    assert!(rest.is_empty(), "{} bytes left over", rest.len());
    found
}

fn all<'a>(boxes: &'a [([u8; 4], Vec<u8>)], kind: &[u8; 4]) -> Vec<&'a [u8]> {
    boxes
        .iter()
        .filter(|(k, _)| k == kind)
        .map(|(_, p)| p.as_slice())
        .collect()
}

fn gradient(width: u32, height: u32, channels: u8) -> Vec<u8> {
    let mut pixels = Vec::new();
    for y in 0..height {
        for x in 0..width {
            let (r, g) = (
                (x * 255 / width.max(2)) as u8,
                (y * 255 / height.max(2)) as u8,
            );
            let pixel = [r, g, 90, if x < width / 2 { 255 } else { 40 }];
            match channels {
                1 => pixels.push(r / 2 + g / 2),
                3 => pixels.extend_from_slice(&pixel[..3]),
                _ => pixels.extend_from_slice(&pixel),
            }
        }
    }
    pixels
}

/// ispe's width and height.
fn ispe(payload: &[u8]) -> (u32, u32) {
    let word = |at: usize| u32::from_be_bytes(payload[at..at + 4].try_into().unwrap());
    (word(4), word(8))
}

#[test]
fn colour_is_420_signalled_as_srgb_with_nclx_and_nothing_else() {
    let bytes = encode(&gradient(67, 45, 3), 67, 45, 3, 60.0).unwrap();
    let boxes = boxes(&bytes);
    let ftyp = all(&boxes, b"ftyp")[0];
    assert_eq!(&ftyp[..4], b"avif");
    assert_eq!(
        all(&boxes, b"ispe")
            .iter()
            .map(|p| ispe(p))
            .collect::<Vec<_>>(),
        [(67, 45)]
    );
    // pixi: version/flags, 3 channels of 8 bits.
    assert_eq!(all(&boxes, b"pixi"), [&[0, 0, 0, 0, 3, 8, 8, 8][..]]);
    // colr nclx: primaries 1 (BT.709), transfer 13 (sRGB), matrix 1 (BT.709), full range.
    assert_eq!(all(&boxes, b"colr"), [&b"nclx\0\x01\0\x0d\0\x01\x80"[..]]);
    // av1C: 8-bit, not monochrome, chroma halved both ways.
    let av1c = all(&boxes, b"av1C")[0];
    assert_eq!(av1c[2] & 0b0111_1100, 0b0000_1100, "{:08b}", av1c[2]);
    // One item, no alpha, no Exif/XMP.
    assert!(all(&boxes, b"auxC").is_empty());
    let items: Vec<&[u8]> = all(&boxes, b"infe");
    assert_eq!(items.len(), 1);
    assert!(!bytes.windows(4).any(|w| w == b"Exif" || w == b"mime"));
}

#[test]
fn grey_is_420_with_neutral_chroma_and_costs_no_more_than_as_rgb() {
    let grey = gradient(64, 48, 1);
    let bytes = encode(&grey, 64, 48, 1, 60.0).unwrap();
    let boxes = boxes(&bytes);
    assert_eq!(all(&boxes, b"pixi"), [&[0, 0, 0, 0, 3, 8, 8, 8][..]]);
    let av1c = all(&boxes, b"av1C")[0];
    assert_eq!(av1c[2] & 0b0001_1100, 0b0000_1100, "{:08b}", av1c[2]);
    // The same grey as RGB converts to the same luma and (nearly) neutral chroma.
    let rgb: Vec<u8> = grey.iter().flat_map(|&v| [v, v, v]).collect();
    let as_rgb = encode(&rgb, 64, 48, 3, 60.0).unwrap();
    assert!(
        bytes.len() <= as_rgb.len() + 16,
        "{} vs {}",
        bytes.len(),
        as_rgb.len()
    );
}

#[test]
fn alpha_is_an_auxiliary_image_and_opaque_rgba_carries_none() {
    let bytes = encode(&gradient(40, 30, 4), 40, 30, 4, 60.0).unwrap();
    let boxes = boxes(&bytes);
    let auxc = all(&boxes, b"auxC");
    assert_eq!(auxc.len(), 1);
    assert!(auxc[0][4..].starts_with(b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha"));
    assert_eq!(all(&boxes, b"infe").len(), 2);
    // One ispe, shared by both items.
    assert_eq!(
        all(&boxes, b"ispe")
            .iter()
            .map(|p| ispe(p))
            .collect::<Vec<_>>(),
        [(40, 30)]
    );
    // The alpha item's own av1C: monochrome.
    let av1c = all(&boxes, b"av1C");
    assert_eq!(av1c.len(), 2);
    assert_eq!(av1c[1][2] & 0b0001_1100, 0b0001_1100, "{:08b}", av1c[1][2]);

    let mut opaque = gradient(40, 30, 4);
    opaque.chunks_exact_mut(4).for_each(|p| p[3] = 255);
    let opaque = encode(&opaque, 40, 30, 4, 60.0).unwrap();
    assert!(all(&boxes_of(&opaque), b"auxC").is_empty());
    assert_eq!(
        opaque,
        encode(&gradient(40, 30, 3), 40, 30, 3, 60.0).unwrap()
    );
}

fn boxes_of(bytes: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    boxes(bytes)
}

#[test]
fn thin_and_tiny_images_keep_their_size() {
    for (width, height) in [(1, 1), (1, 37), (37, 1), (3, 5), (17, 2)] {
        for channels in [1, 3, 4] {
            let bytes = encode(
                &gradient(width, height, channels),
                width,
                height,
                channels,
                60.0,
            )
            .unwrap_or_else(|e| panic!("{width}x{height}x{channels}: {e}"));
            let sizes: Vec<_> = all(&boxes(&bytes), b"ispe")
                .iter()
                .map(|p| ispe(p))
                .collect();
            assert!(sizes.iter().all(|&s| s == (width, height)), "{sizes:?}");
        }
    }
}

#[test]
fn higher_quality_spends_more_bytes() {
    let pixels = gradient(96, 64, 3);
    let sizes: Vec<usize> = [10.0, 40.0, 70.0, 95.0]
        .iter()
        .map(|&quality| encode(&pixels, 96, 64, 3, quality).unwrap().len())
        .collect();
    assert!(sizes.windows(2).all(|pair| pair[0] < pair[1]), "{sizes:?}");
}

#[test]
fn quality_maps_linearly_onto_the_quantizer_and_is_clamped() {
    assert_eq!(quantizer(100.0), 0);
    assert_eq!(quantizer(0.0), 63);
    assert_eq!(quantizer(50.0), 32);
    assert_eq!(quantizer(150.0), 0);
    assert_eq!(quantizer(-3.0), 63);
    assert_eq!(quantizer(f32::NAN), 63);
    // libavif's and libheif's integer mapping, so that a quality reads as it does there.
    for quality in 0..=100u32 {
        assert_eq!(
            quantizer(quality as f32),
            ((100 - quality) * 63 + 50) / 100,
            "{quality}"
        );
    }
}

#[test]
fn bad_inputs_are_refused() {
    let pixels = gradient(10, 10, 3);
    assert!(matches!(
        encode(&pixels[..299], 10, 10, 3, 60.0),
        Err(AvifError::Length { len: 299, .. })
    ));
    assert!(matches!(
        encode(&[], 0, 10, 3, 60.0),
        Err(AvifError::Dimensions { .. })
    ));
    assert!(matches!(
        encode(&[], 10, 0, 1, 60.0),
        Err(AvifError::Dimensions { .. })
    ));
    assert!(matches!(
        encode(&[0; 2], 1, 1, 2, 60.0),
        Err(AvifError::Channels { channels: 2 })
    ));
    assert!(matches!(
        encode(&[0; 65536], 65536, 1, 1, 60.0),
        Err(AvifError::Dimensions { .. })
    ));
}
