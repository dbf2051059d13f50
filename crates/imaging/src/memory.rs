//! Buffers whose allocation may fail. A source declares its size before anything is
//! decoded, and the bounds admit images whose buffers are large: a buffer that cannot be
//! had is an error, not an abort. Imports nothing from the rest of the crate.

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
