//! Sample images made in code (EXIF orientations, alpha, ICC profiles, bombs' headers),
//! for tests and the benchmark. Only ever a dev-dependency or a test harness's dependency:
//! no function crate links it.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

pub const RED: [u8; 3] = [220, 20, 20];
pub const BLUE: [u8; 3] = [20, 20, 220];

/// A photo-like image: the left half reddish, the right half bluish, with a gradient and
/// some texture so encoders have real work.
pub fn two_halves(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let base = if x < width / 2 { RED } else { BLUE };
        let shade = ((x * 7 + y * 13) % 23) as u8;
        let fade = (y * 30 / height.max(1)) as u8;
        Rgb([
            base[0].saturating_sub(shade).saturating_sub(fade),
            base[1].saturating_add(shade),
            base[2].saturating_sub(fade),
        ])
    })
}

/// An RGBA image whose right half is fully transparent.
pub fn half_transparent(width: u32, height: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        let alpha = if x < width / 2 { 255 } else { 0 };
        Rgba([(x % 256) as u8, (y % 256) as u8, 128, alpha])
    })
}

pub fn jpeg(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
        .expect("encoding a sample JPEG");
    out
}

pub fn png(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_with_encoder(PngEncoder::new(&mut out))
        .expect("encoding a sample PNG");
    out
}

/// A lossy WebP at quality 90 through libwebp (the image crate writes only lossless WebP),
/// with its alpha kept for an RGBA image.
pub fn lossy_webp(image: &DynamicImage) -> Vec<u8> {
    let (width, height) = (image.width() as i32, image.height() as i32);
    let mut output = std::ptr::null_mut();
    // SAFETY: the pixels are `width`×`height` tightly packed rows; libwebp allocates the
    // output, which is copied and then freed with its own allocator.
    unsafe {
        let size = match image {
            DynamicImage::ImageRgba8(rgba) => libwebp_sys::WebPEncodeRGBA(
                rgba.as_ptr(),
                width,
                height,
                width * 4,
                90.0,
                &mut output,
            ),
            other => {
                let rgb = other.to_rgb8();
                libwebp_sys::WebPEncodeRGB(
                    rgb.as_ptr(),
                    width,
                    height,
                    width * 3,
                    90.0,
                    &mut output,
                )
            }
        };
        assert!(
            size > 0 && !output.is_null(),
            "encoding a sample lossy WebP"
        );
        let bytes = std::slice::from_raw_parts(output, size).to_vec();
        libwebp_sys::WebPFree(output.cast());
        bytes
    }
}

/// A simple lossy WebP (a `VP8 ` chunk alone, as [`lossy_webp`] writes for an opaque
/// image) rewrapped in the extended format with an `ICCP` chunk holding `icc`.
pub fn webp_with_icc(simple: &[u8], icc: &[u8]) -> Vec<u8> {
    assert_eq!(&simple[12..16], b"VP8 ", "a simple lossy WebP");
    // The key frame header: 14-bit width and height after the start code.
    let dimension =
        |at: usize| u32::from(u16::from_le_bytes([simple[at], simple[at + 1]]) & 0x3fff);
    let chunks = [riff_chunk(b"ICCP", icc), simple[12..].to_vec()].concat();
    extended_webp(0x20, (dimension(26), dimension(28)), &chunks)
}

/// An animated WebP whose frames are the given images (all one size), each a lossless
/// frame from the image crate wrapped in the extended format's animation chunks.
pub fn animated_webp(frames: &[RgbImage]) -> Vec<u8> {
    let (width, height) = frames[0].dimensions();
    // Background colour and loop count.
    let mut chunks = riff_chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]);
    for frame in frames {
        let still = encode(&DynamicImage::ImageRgb8(frame.clone()), ImageFormat::WebP);
        assert_eq!(&still[12..16], b"VP8L", "a lossless frame");
        // Offset 0, 0; size; 100 ms; no blending, no disposal; then the frame's chunk.
        let body = [
            &u24(0)[..],
            &u24(0),
            &u24(width - 1),
            &u24(height - 1),
            &u24(100),
            &[0b10],
            &still[12..],
        ]
        .concat();
        chunks.extend(riff_chunk(b"ANMF", &body));
    }
    extended_webp(0x02, (width, height), &chunks)
}

/// An extended-format WebP: the `VP8X` canvas chunk with `flags` (0x20 ICC, 0x02
/// animation), then `chunks`, in a RIFF container.
fn extended_webp(flags: u8, (width, height): (u32, u32), chunks: &[u8]) -> Vec<u8> {
    // Flags, three reserved bytes, width − 1 and height − 1.
    let canvas = [&[flags, 0, 0, 0][..], &u24(width - 1), &u24(height - 1)].concat();
    let chunks = [riff_chunk(b"VP8X", &canvas), chunks.to_vec()].concat();
    let riff_size = (4 + chunks.len()) as u32;
    [&b"RIFF"[..], &riff_size.to_le_bytes(), b"WEBP", &chunks].concat()
}

/// A RIFF chunk: tag, little-endian size, body, padded to an even length.
fn riff_chunk(tag: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = [tag, &(body.len() as u32).to_le_bytes()[..], body].concat();
    if body.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// The low three bytes of `value`, little-endian (WebP's 24-bit fields).
fn u24(value: u32) -> Vec<u8> {
    value.to_le_bytes()[..3].to_vec()
}

pub fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, format)
        .expect("encoding a sample image");
    out.into_inner()
}

/// Inserts an EXIF APP1 segment with the given orientation (1–8) after a JPEG's SOI marker.
pub fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    assert_eq!(&jpeg[..2], b"\xFF\xD8", "not a JPEG");
    // Big-endian TIFF header, one IFD with one SHORT entry: Orientation (0x0112).
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\x00\x2A\x00\x00\x00\x08");
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend_from_slice(&tiff);

    let mut out = Vec::with_capacity(jpeg.len() + payload.len() + 4);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(b"\xFF\xE1");
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A tiny, valid-looking PNG whose header declares `width`×`height` pixels: a
/// decompression bomb's calling card.
pub fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = png(&DynamicImage::ImageRgb8(RgbImage::new(1, 1)));
    // Signature (8) + IHDR length (4) + "IHDR" (4), then width and height.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    // The chunk CRC covers the type and data: bytes 12..29, stored at 29..33.
    let crc = crc32fast::hash(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

/// A tiny JPEG whose frame header declares `width`×`height` pixels (at most 65535 each).
pub fn jpeg_declaring(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = jpeg(&DynamicImage::ImageRgb8(RgbImage::new(8, 8)));
    // The baseline frame header: FF C0, length (2), precision (1), then height and width.
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG has an SOF0 marker");
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

/// A JPEG with a given chroma subsampling (`(2, 2)` is 4:2:0, `(1, 1)` 4:4:4), progressive
/// or not, optionally carrying an ICC profile, made with libjpeg.
pub fn jpeg_with(
    image: &RgbImage,
    sampling: (u8, u8),
    progressive: bool,
    icc: Option<&[u8]>,
) -> Vec<u8> {
    let mut compress = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    compress.set_fastest_defaults();
    compress.set_size(image.width() as usize, image.height() as usize);
    compress.set_quality(92.0);
    compress.set_chroma_sampling_pixel_sizes(sampling, sampling);
    if progressive {
        compress.set_progressive_mode();
    }
    let mut started = compress.start_compress(Vec::new()).unwrap();
    if let Some(icc) = icc {
        started.write_icc_profile(icc);
    }
    started.write_scanlines(image.as_raw()).unwrap();
    started.finish().unwrap()
}

/// A CMYK JPEG (Adobe-style inverted values, as Photoshop writes them) of one colour.
pub fn cmyk_jpeg(width: u32, height: u32, cmyk: [u8; 4]) -> Vec<u8> {
    let mut compress = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_CMYK);
    compress.set_fastest_defaults();
    compress.set_size(width as usize, height as usize);
    compress.set_quality(92.0);
    let pixels: Vec<u8> = (0..width * height)
        .flat_map(|_| cmyk.map(|v| 255 - v))
        .collect();
    let mut started = compress.start_compress(Vec::new()).unwrap();
    started.write_scanlines(&pixels).unwrap();
    started.finish().unwrap()
}

/// Four quadrants of distinct colours (red, green / blue, white), for orientation checks.
pub fn quadrants(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb(match (x < width / 2, y < height / 2) {
            (true, true) => [230, 20, 20],
            (false, true) => [20, 200, 20],
            (true, false) => [20, 20, 230],
            (false, false) => [240, 240, 240],
        })
    })
}

/// `count` APP segments of `marker` (0xE1 EXIF/XMP, 0xE2 ICC, …), each holding `payload`
/// (at most 65533 bytes), inserted after a JPEG's SOI marker: the shape of a file whose
/// side data is hostile (millions of empty segments, or a profile in 255 full chunks).
pub fn jpeg_with_segments(jpeg: &[u8], marker: u8, payload: &[u8], count: usize) -> Vec<u8> {
    assert_eq!(&jpeg[..2], b"\xFF\xD8", "not a JPEG");
    let segment = [
        &[0xFF, marker][..],
        &((payload.len() + 2) as u16).to_be_bytes(),
        payload,
    ]
    .concat();
    let mut out = Vec::with_capacity(jpeg.len() + segment.len() * count);
    out.extend_from_slice(&jpeg[..2]);
    for _ in 0..count {
        out.extend_from_slice(&segment);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// An ICC profile of `len` bytes split into the APP2 chunks a JPEG carries it in
/// (`ICC_PROFILE\0`, sequence number, count, data), inserted after the SOI marker. Only the
/// framing is real: a `len` over the cap is the point, not the profile.
pub fn jpeg_with_icc_chunks(jpeg: &[u8], len: usize) -> Vec<u8> {
    const CHUNK: usize = 65519;
    let chunks = len.div_ceil(CHUNK);
    assert!(chunks <= 255, "a JPEG profile has at most 255 chunks");
    let mut out = jpeg[..2].to_vec();
    for (i, start) in (0..len).step_by(CHUNK).enumerate() {
        let data_len = CHUNK.min(len - start);
        let payload = [
            &b"ICC_PROFILE\0"[..],
            &[i as u8 + 1, chunks as u8],
            &vec![0x55; data_len],
        ]
        .concat();
        out.extend_from_slice(&[0xFF, 0xE2]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&payload);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A PNG chunk: length, type, data, CRC of type and data.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let crc = crc32fast::hash(&[&kind[..], data].concat());
    [
        &(data.len() as u32).to_be_bytes()[..],
        kind,
        data,
        &crc.to_be_bytes(),
    ]
    .concat()
}

/// `chunks` inserted after a PNG's IHDR chunk (which ends at byte 33).
fn png_with_chunks(png: &[u8], chunks: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    assert_eq!(&png[12..16], b"IHDR", "a PNG starts with its IHDR chunk");
    let mut out = png[..33].to_vec();
    for chunk in chunks {
        out.extend_from_slice(&chunk);
    }
    out.extend_from_slice(&png[33..]);
    out
}

/// A PNG whose `iCCP` chunk inflates to `len` zero bytes: a zlib bomb in the profile.
pub fn png_with_iccp_bomb(png: &[u8], len: usize) -> Vec<u8> {
    let stream = fdeflate::compress_to_vec(&vec![0; len]);
    let data = [&b"bomb\0\0"[..], &stream].concat();
    png_with_chunks(png, [png_chunk(b"iCCP", &data)])
}

/// A PNG with `count` small `tEXt` chunks before its image data.
pub fn png_with_text_chunks(png: &[u8], count: usize) -> Vec<u8> {
    let text = png_chunk(b"tEXt", b"k\0v");
    png_with_chunks(png, std::iter::repeat_n(text, count))
}

/// A simple lossy WebP rewrapped in the extended format, its image data followed by an
/// `ICCP` chunk that declares `declared` bytes but holds none: the file ends there.
pub fn webp_declaring_icc(simple: &[u8], declared: u32) -> Vec<u8> {
    let mut file = webp_with_icc(simple, b"");
    // Move the empty ICCP chunk behind the image data, then make it lie about its size.
    let iccp = file
        .windows(4)
        .position(|w| w == b"ICCP")
        .expect("the profile chunk");
    let mut chunk = file.drain(iccp..iccp + 8).collect::<Vec<u8>>();
    chunk[4..8].copy_from_slice(&declared.to_le_bytes());
    file.extend_from_slice(&chunk);
    let riff_size = (file.len() - 8) as u32;
    file[4..8].copy_from_slice(&riff_size.to_le_bytes());
    file
}
