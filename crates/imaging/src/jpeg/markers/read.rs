//! The marker segments before a JPEG's first scan, read as slices of the file. EXIF and
//! ICC are read from these rather than from libjpeg's saved markers: libjpeg copies every
//! saved segment into an allocation of its own (some 80 bytes for an empty one), so a file
//! of millions of tiny APP segments would cost twenty times its size. Here any number of
//! segments costs nothing but the walk.

use super::{EOI, SOI, SOS};

/// One marker segment: the marker's second byte and the segment's data (after its length).
pub(in crate::jpeg) struct Segment<'a> {
    pub marker: u8,
    pub data: &'a [u8],
}

/// The segments between the start-of-image marker and the first scan, as libjpeg reads
/// them: bytes between segments that are not a marker are skipped, as are fill bytes
/// (`FF FF …`) and markers without a length (RSTn, TEM). A segment cut off by the end of
/// the file, or with a length under 2, ends the walk; libjpeg then fails on its own.
pub(in crate::jpeg) fn segments(bytes: &[u8]) -> impl Iterator<Item = Segment<'_>> {
    let mut at = match bytes {
        [0xFF, SOI, ..] => 2,
        _ => bytes.len(),
    };
    std::iter::from_fn(move || loop {
        let rest = bytes.get(at..)?;
        let first = rest.iter().position(|&b| b == 0xFF)?;
        let fill = rest[first..].iter().position(|&b| b != 0xFF)?;
        let code = rest[first + fill];
        let after = at + first + fill + 1;
        match code {
            SOS | EOI => return None,
            // A stuffed zero (not a marker), or a marker without a length.
            0x00 | 0x01 | 0xD0..=0xD7 => at = after,
            _ => {
                let length = bytes.get(after..after + 2)?;
                let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
                // `None` for a length under 2 too (the range would run backwards).
                let data = bytes.get(after + 2..after + length)?;
                at = after + length;
                return Some(Segment { marker: code, data });
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_read_up_to_the_first_scan_skipping_fill_bytes_and_garbage() {
        let file = [
            &[0xFF, SOI][..],
            &[0xFF, 0xE1, 0, 5, b'a', b'b', b'c'],
            &[0x12, 0x34], // garbage between segments
            &[0xFF, 0xFF, 0xE2, 0, 2],
            &[0xFF, SOS, 0, 2],
            &[0xFF, 0xE3, 0, 3, 9],
        ]
        .concat();
        let found: Vec<(u8, Vec<u8>)> = segments(&file)
            .map(|s| (s.marker, s.data.to_vec()))
            .collect();
        assert_eq!(found, [(0xE1, b"abc".to_vec()), (0xE2, vec![])]);
    }

    #[test]
    fn a_segment_cut_off_by_the_end_of_the_file_ends_the_walk() {
        let file = [&[0xFF, SOI][..], &[0xFF, 0xE1, 0, 9, 1, 2]].concat();
        assert_eq!(segments(&file).count(), 0);
        assert_eq!(segments(b"not a jpeg").count(), 0);
    }
}
