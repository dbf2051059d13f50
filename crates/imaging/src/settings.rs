//! The pipeline's settings: output widths, decoding bounds, encoder qualities, threads.
//! Imports nothing from the rest of the crate.

/// Output widths, decoding bounds and encoder settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineSettings {
    pub thumbnail_width: u32,
    pub preview_width: u32,
    /// The most pixels (width × height) a source may declare. imgproxy's default is
    /// 50 megapixels; that also admits 48 MP phone photos.
    pub max_pixels: u64,
    /// The longest side a source may declare.
    pub max_dimension: u32,
    /// JPEG quality of the full-size `optimized` output (sharp's default, 80).
    pub jpeg_quality: u8,
    /// JPEG quality of `preview` (progressive, libjpeg-turbo's quantizer), on libjpeg's
    /// scale; a fraction scales its tables between two whole qualities.
    pub preview_jpeg_quality: f32,
    /// JPEG quality of `thumbnail` (mozjpeg's trellis quantizer). A 200 px image carries
    /// the most detail per pixel: a few points over the others keep its score above a plain
    /// quality-80 encode while trellis keeps its bytes below one.
    pub thumbnail_jpeg_quality: u8,
    /// Threads one job may use: 1 encodes the outputs one after another, 2 or more encode
    /// the optimized output beside the two small ones.
    pub threads: usize,
}

impl Default for PipelineSettings {
    fn default() -> Self {
        Self {
            thumbnail_width: 200,
            preview_width: 800,
            max_pixels: 50_000_000,
            max_dimension: 20_000,
            jpeg_quality: 80,
            // Just under sharp's 80: on this project's corpus, the point where the
            // previews score above sharp's for fewer bytes (docs/pipeline.md).
            preview_jpeg_quality: 79.5,
            thumbnail_jpeg_quality: 83,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
        }
    }
}
