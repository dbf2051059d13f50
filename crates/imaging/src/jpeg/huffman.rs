//! Baseline JPEG written straight from quantized DCT coefficients, on as many threads as
//! call [`Encoding::work`]: the coefficients are requantized and counted in chunks of MCU
//! rows, the Huffman tables are built from the counts of the whole image, and the chunks
//! are entropy-coded side by side. Each MCU row is its own restart interval, so a chunk's
//! code depends on no other chunk and the chunks are joined as they are. libjpeg codes
//! the whole scan as one bit stream on one thread, which made the optimized output the
//! longest serial step of the job.
//!
//! By stage: `scan` (the chunks shared by the threads, the two passes over them and the
//! file they are joined into), `zigzag` (a block reordered and requantized, and the mask of
//! its non-zero coefficients), `symbols` (a block's symbols, counted or coded), `tables`
//! (the optimal tables from the counts) and `bits` (the bit writer). The segments before
//! the scan are written by `markers`.

mod bits;
mod scan;
mod symbols;
mod tables;
mod zigzag;

pub(crate) use scan::Encoding;

/// Why a frame could not be written.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EncodeError {
    #[error("a coefficient is out of baseline JPEG's range (magnitude category {0})")]
    CoefficientRange(u32),
    #[error("the coefficient buffer for {0} blocks could not be allocated")]
    OutOfMemory(usize),
    #[error("a component's block rows do not cover the image")]
    Geometry,
    #[error("entropy coding panicked")]
    Panicked,
}
