//! What the pipeline makes: the three outputs by name, each encoded output, and the
//! source's size as displayed. Imports nothing from the rest of the crate.

use ferrotype_format::ImageKind;

/// The images the pipeline makes from a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Output {
    Thumbnail,
    Preview,
    Optimized,
}

impl Output {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Thumbnail => "thumbnail",
            Self::Preview => "preview",
            Self::Optimized => "optimized",
        }
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The source as decoded and oriented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceInfo {
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

/// One encoded output.
#[derive(Debug, Clone)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub extension: &'static str,
    pub bytes: Vec<u8>,
}

/// Everything the pipeline made of one source.
#[derive(Debug, Clone)]
pub struct Processed {
    pub source: SourceInfo,
    pub thumbnail: Rendition,
    pub preview: Rendition,
    pub optimized: Rendition,
}

impl Processed {
    /// The three outputs with their names.
    pub fn outputs(&self) -> [(Output, &Rendition); 3] {
        [
            (Output::Thumbnail, &self.thumbnail),
            (Output::Preview, &self.preview),
            (Output::Optimized, &self.optimized),
        ]
    }
}
