//! The bit writer the second pass codes each chunk into.

/// Entropy-coded bytes: bits packed most significant first, a zero byte stuffed after
/// every 0xFF.
pub(super) struct BitWriter {
    out: Vec<u8>,
    /// Pending bits, the last `pending` bits of it.
    bits: u64,
    pending: u32,
}

impl BitWriter {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Self {
            out: Vec::with_capacity(capacity),
            bits: 0,
            pending: 0,
        }
    }

    /// Appends the low `size` bits of `value` (at most 27; fewer than 32 are pending).
    #[inline]
    pub(super) fn put(&mut self, value: u32, size: u32) {
        self.bits = (self.bits << size) | u64::from(value);
        self.pending += size;
        if self.pending >= 32 {
            self.pending -= 32;
            let bytes = ((self.bits >> self.pending) as u32).to_be_bytes();
            if bytes.contains(&0xFF) {
                self.stuffed(bytes);
            } else {
                self.out.extend_from_slice(&bytes);
            }
        }
    }

    #[cold]
    fn stuffed(&mut self, bytes: [u8; 4]) {
        for byte in bytes {
            self.byte(byte);
        }
    }

    #[inline]
    fn byte(&mut self, byte: u8) {
        self.out.push(byte);
        if byte == 0xFF {
            self.out.push(0);
        }
    }

    /// Pads the last byte with one bits and writes out everything pending.
    pub(super) fn align(&mut self) {
        let pad = (8 - self.pending % 8) % 8;
        self.bits = (self.bits << pad) | ((1u64 << pad) - 1);
        self.pending += pad;
        while self.pending >= 8 {
            self.pending -= 8;
            self.byte((self.bits >> self.pending) as u8);
        }
        self.bits = 0;
    }

    /// A marker between intervals, written as it is (after [`BitWriter::align`]).
    pub(super) fn marker(&mut self, code: u8) {
        self.out.extend_from_slice(&[0xFF, code]);
    }

    /// The bytes written (call [`BitWriter::align`] first: pending bits are left out).
    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

#[cfg(test)]
mod tests;
