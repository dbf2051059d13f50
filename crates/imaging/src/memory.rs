//! Buffers whose allocation may fail. A source declares its size before anything is
//! decoded, and the bounds admit images whose buffers are large: a buffer that cannot be
//! had is an error, not an abort. Side data (ICC profiles, EXIF, text) declares no size
//! before it is read, so it has caps of its own here. Imports nothing from the rest of the
//! crate.

/// The largest ICC profile read; a larger one is ignored, and the image treated as
/// untagged, as when moxcms cannot read a profile. RGB profiles are a few KB (matrix and
/// curves), LUT-based ones from scanners and cameras at most about 1–2 MB; moxcms itself
/// refuses 10 MB. A JPEG can carry 16 MB (255 APP2 chunks) and a PNG's compressed
/// profile inflates a thousandfold, so without this a small file holds hundreds of MB.
pub(crate) const MAX_ICC_BYTES: usize = 4 << 20;

/// The most text chunks (`tEXt`, `zTXt`, `iTXt`) and their bytes that a PNG may hand to
/// the decoder, which keeps every one (with two allocations each) though nothing uses them.
/// Over either, they are taken out before decoding. Editors write a handful.
pub(crate) const MAX_PNG_TEXT_CHUNKS: usize = 64;
pub(crate) const MAX_PNG_TEXT_BYTES: usize = 1 << 20;

/// The allocator could not provide a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OutOfMemory;

impl From<OutOfMemory> for std::io::Error {
    fn from(OutOfMemory: OutOfMemory) -> Self {
        std::io::Error::from(std::io::ErrorKind::OutOfMemory)
    }
}

/// An empty vector with room for exactly `len` elements, reserved without aborting.
pub(crate) fn reserved<T>(len: usize) -> Result<Vec<T>, OutOfMemory> {
    let mut buffer = Vec::new();
    buffer.try_reserve_exact(len).map_err(|_| OutOfMemory)?;
    Ok(buffer)
}
