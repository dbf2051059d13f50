//! The marker segments before a JPEG's first scan: read from a source, where EXIF and ICC
//! are found ([`read`]), and written before the transcoder's scan ([`write`]).

mod read;
mod write;

pub(super) use read::segments;
pub(super) use write::{headers, DhtTable};

/// Start of image, end of image, start of scan.
const SOI: u8 = 0xD8;
pub(super) const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
/// The first restart marker: the one after the `n`-th interval is `RST0 + n % 8`.
pub(super) const RST0: u8 = 0xD0;
