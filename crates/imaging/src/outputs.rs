//! What the pipeline makes: each variant in each of its encodings, the placeholder, and the
//! source's size as displayed. Imports nothing from the rest of the crate but the
//! placeholder's type.

use ferrotype_format::ImageKind;
use ferrotype_variants::{Encoding, VariantName};

use super::placeholder::Placeholder;

/// The source as decoded and oriented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceInfo {
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
    /// Whether some pixel is not opaque (`auto` then means PNG).
    pub alpha: bool,
}

/// One encoded output: a variant in one encoding.
#[derive(Debug, Clone)]
pub struct Rendition {
    pub encoding: Encoding,
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub extension: &'static str,
    pub bytes: Vec<u8>,
}

impl Rendition {
    pub(crate) fn new(encoding: Encoding, (width, height): (u32, u32), bytes: Vec<u8>) -> Self {
        Self {
            encoding,
            width,
            height,
            content_type: encoding.content_type(),
            extension: encoding.extension(),
            bytes,
        }
    }
}

/// One declared variant as made from a source: its size and one file per encoding, in the
/// order the variant declares its formats.
#[derive(Debug, Clone)]
pub struct VariantImage {
    pub name: VariantName,
    pub width: u32,
    pub height: u32,
    pub files: Vec<Rendition>,
}

impl VariantImage {
    /// The file in `encoding`, if the variant was made in it.
    pub fn file(&self, encoding: Encoding) -> Option<&Rendition> {
        self.files.iter().find(|file| file.encoding == encoding)
    }
}

/// Everything the pipeline made of one source.
#[derive(Debug, Clone)]
pub struct Processed {
    pub source: SourceInfo,
    /// A ThumbHash and the dominant colour, for a client to show before any output loads.
    pub placeholder: Placeholder,
    /// The variants, in the order the settings list them.
    pub variants: Vec<VariantImage>,
}

impl Processed {
    /// The variant called `name`, if it was made.
    pub fn variant(&self, name: &str) -> Option<&VariantImage> {
        self.variants.iter().find(|v| v.name.as_str() == name)
    }

    /// Every file, with its variant's name.
    pub fn files(&self) -> impl Iterator<Item = (&VariantName, &Rendition)> {
        self.variants
            .iter()
            .flat_map(|v| v.files.iter().map(move |file| (&v.name, file)))
    }
}
