//! PNG side data, capped before the image crate's decoder sees the file. That decoder
//! inflates the ICC profile (`iCCP`, compressed: a thousandfold zlib bomb fits in a small
//! file) up to its whole memory limit, and keeps every text chunk though nothing here uses
//! them. A file whose profile or text is over the caps in `memory` is decoded from a copy
//! without those chunks; any other file is decoded as it is.

use std::borrow::Cow;
use std::ops::Range;

use crate::memory::{MAX_ICC_BYTES, MAX_PNG_TEXT_BYTES, MAX_PNG_TEXT_CHUNKS};

const SIGNATURE_LEN: usize = 8;

/// `bytes`, or a copy without the chunks whose side data is over the caps: the profile when
/// it inflates to more than [`MAX_ICC_BYTES`] (the image is then untagged), all text chunks
/// when they are more than [`MAX_PNG_TEXT_CHUNKS`] or [`MAX_PNG_TEXT_BYTES`].
pub(super) fn without_bulky_side_data(bytes: &[u8]) -> Cow<'_, [u8]> {
    let (mut texts, mut text_bytes) = (0usize, 0usize);
    let mut large_profile = None;
    let (mut seen_profile, mut seen_data) = (false, false);
    for chunk in chunks(bytes) {
        match &chunk.kind {
            kind if is_text(kind) => {
                texts += 1;
                text_bytes += chunk.data.len();
            }
            // The decoder reads only the first profile, and only before the image data.
            b"iCCP" if !seen_profile && !seen_data => {
                seen_profile = true;
                if inflates_over(chunk.data, MAX_ICC_BYTES) {
                    large_profile = Some(chunk.whole.start);
                }
            }
            b"IDAT" => seen_data = true,
            _ => {}
        }
    }
    let drop_text = texts > MAX_PNG_TEXT_CHUNKS || text_bytes > MAX_PNG_TEXT_BYTES;
    if !drop_text && large_profile.is_none() {
        return Cow::Borrowed(bytes);
    }
    let mut kept = Vec::with_capacity(bytes.len());
    kept.extend_from_slice(&bytes[..SIGNATURE_LEN]);
    let mut end = SIGNATURE_LEN;
    for chunk in chunks(bytes) {
        end = chunk.whole.end;
        let dropped =
            (drop_text && is_text(&chunk.kind)) || large_profile == Some(chunk.whole.start);
        if !dropped {
            kept.extend_from_slice(&bytes[chunk.whole]);
        }
    }
    // Whatever follows the last whole chunk, as it was, for the decoder to judge.
    kept.extend_from_slice(&bytes[end..]);
    Cow::Owned(kept)
}

fn is_text(kind: &[u8; 4]) -> bool {
    matches!(kind, b"tEXt" | b"zTXt" | b"iTXt")
}

/// Whether an `iCCP` chunk's profile (a keyword, a NUL, the compression method, then a
/// zlib stream) inflates to more than `cap` bytes. A corrupt one does not: the decoder
/// ignores it.
fn inflates_over(data: &[u8], cap: usize) -> bool {
    let Some(name_end) = data.iter().take(80).position(|&b| b == 0) else {
        return false;
    };
    let Some(stream) = data.get(name_end + 2..) else {
        return false;
    };
    matches!(
        fdeflate::decompress_to_vec_bounded(stream, cap),
        Err(fdeflate::BoundedDecompressionError::OutputTooLarge { .. })
    )
}

struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    /// Length, type, data and CRC.
    whole: Range<usize>,
}

/// The whole chunks after the signature, up to the end chunk or the first cut-off one.
fn chunks(bytes: &[u8]) -> impl Iterator<Item = Chunk<'_>> {
    let mut at = SIGNATURE_LEN.min(bytes.len());
    let mut ended = false;
    std::iter::from_fn(move || {
        if ended {
            return None;
        }
        let header = bytes.get(at..at + 8)?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = [header[4], header[5], header[6], header[7]];
        let whole = at..at.checked_add(len)?.checked_add(12)?;
        let data = bytes.get(at + 8..whole.end - 4)?;
        bytes.get(whole.clone())?;
        at = whole.end;
        ended = &kind == b"IEND";
        Some(Chunk { kind, data, whole })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let len = (data.len() as u32).to_be_bytes();
        [&len[..], kind, data, &[0; 4]].concat()
    }

    fn png(chunks: &[Vec<u8>]) -> Vec<u8> {
        [b"\x89PNG\r\n\x1a\n".to_vec(), chunks.concat()].concat()
    }

    fn iccp(profile_len: usize) -> Vec<u8> {
        let stream = fdeflate::compress_to_vec(&vec![0; profile_len]);
        chunk(b"iCCP", &[&b"icc\0\0"[..], &stream].concat())
    }

    #[test]
    fn a_file_within_the_caps_is_decoded_as_it_is() {
        let file = png(&[
            iccp(1000),
            chunk(b"tEXt", b"Software\0x"),
            chunk(b"IEND", b""),
        ]);
        assert!(matches!(without_bulky_side_data(&file), Cow::Borrowed(_)));
    }

    #[test]
    fn a_profile_that_inflates_over_the_cap_is_taken_out_and_nothing_else() {
        let text = chunk(b"tEXt", b"Software\0x");
        let end = chunk(b"IEND", b"");
        let file = png(&[iccp(MAX_ICC_BYTES + 1), text.clone(), end.clone()]);
        assert_eq!(&*without_bulky_side_data(&file), png(&[text, end]));
    }

    #[test]
    fn text_chunks_over_the_cap_are_all_taken_out() {
        let text = chunk(b"zTXt", b"k\0\0x");
        let mut chunks = vec![text; MAX_PNG_TEXT_CHUNKS + 1];
        chunks.push(chunk(b"IDAT", b"pixels"));
        let file = png(&chunks);
        assert_eq!(
            &*without_bulky_side_data(&file),
            png(&[chunk(b"IDAT", b"pixels")])
        );
    }
}
