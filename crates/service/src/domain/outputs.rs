use std::borrow::Cow;
use std::fmt;

use ferrotype_variants::{Encoding, Rgb, VariantName};
use serde::{Deserialize, Serialize};

/// The images a completed job offered before variants were declared, by their fixed names.
/// The status document's `outputs` keeps them: `thumbnail`, `preview` and `optimized` are
/// the JPEG (or PNG) of the variant of that name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputName {
    Original,
    Thumbnail,
    Preview,
    Optimized,
}

impl OutputName {
    /// The three made from the original.
    pub const DERIVED: [OutputName; 3] = [Self::Thumbnail, Self::Preview, Self::Optimized];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Original => "original",
            Self::Thumbnail => "thumbnail",
            Self::Preview => "preview",
            Self::Optimized => "optimized",
        }
    }
}

impl fmt::Display for OutputName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One stored image: where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputInfo {
    /// The S3 key (never shown to clients; they get presigned links).
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub content_type: String,
}

/// One file of a variant: the variant in one encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantFile {
    pub encoding: Encoding,
    /// The S3 key, `derived/{id}/{variant}.{extension}`.
    pub key: String,
    pub bytes: u64,
}

/// One declared variant as made for a job: its size and its files, best format first in
/// the order the variant declares them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantInfo {
    pub name: VariantName,
    pub width: u32,
    pub height: u32,
    pub files: Vec<VariantFile>,
}

impl VariantInfo {
    /// The JPEG or PNG file: what a client that decodes nothing newer shows.
    pub fn baseline(&self) -> Option<&VariantFile> {
        self.files
            .iter()
            .find(|file| matches!(file.encoding, Encoding::Jpeg | Encoding::Png))
    }
}

/// What a client shows before any image loads: a ThumbHash (base64) and the image's
/// dominant colour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placeholder {
    pub thumbhash: String,
    pub color: Rgb,
}

/// Every output of a completed job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outputs {
    pub original: OutputInfo,
    /// The declared variants the job made, in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<VariantInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Placeholder>,
    /// Records written before variants were declared have these three instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<OutputInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<OutputInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimized: Option<OutputInfo>,
}

impl Outputs {
    /// The variants: the declared ones, or, on a record from before them, its three fixed
    /// outputs as variants of one file each.
    pub fn all_variants(&self) -> Cow<'_, [VariantInfo]> {
        if !self.variants.is_empty() {
            return Cow::Borrowed(&self.variants);
        }
        let legacy = [
            (OutputName::Thumbnail, &self.thumbnail),
            (OutputName::Preview, &self.preview),
            (OutputName::Optimized, &self.optimized),
        ];
        Cow::Owned(
            legacy
                .into_iter()
                .filter_map(|(name, info)| {
                    let info = info.as_ref()?;
                    let encoding = encoding_of(&info.content_type)?;
                    Some(VariantInfo {
                        name: name.as_str().parse().expect("the fixed names are valid"),
                        width: info.width,
                        height: info.height,
                        files: vec![VariantFile {
                            encoding,
                            key: info.key.clone(),
                            bytes: info.bytes,
                        }],
                    })
                })
                .collect(),
        )
    }

    /// The output `name` as clients knew it before variants: the original, or the JPEG or
    /// PNG of the variant of that name (`None` when the declaration has no such variant).
    pub fn named(&self, name: OutputName) -> Option<OutputInfo> {
        if name == OutputName::Original {
            return Some(self.original.clone());
        }
        self.all_variants()
            .iter()
            .find(|variant| variant.name.as_str() == name.as_str())
            .and_then(|variant| {
                let file = variant.baseline()?;
                Some(OutputInfo {
                    key: file.key.clone(),
                    width: variant.width,
                    height: variant.height,
                    bytes: file.bytes,
                    content_type: file.encoding.content_type().to_string(),
                })
            })
    }
}

fn encoding_of(content_type: &str) -> Option<Encoding> {
    Encoding::ALL
        .into_iter()
        .find(|encoding| encoding.content_type() == content_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(key: &str, width: u32, content_type: &str) -> OutputInfo {
        OutputInfo {
            key: key.into(),
            width,
            height: width / 2,
            bytes: 10,
            content_type: content_type.into(),
        }
    }

    #[test]
    fn a_record_from_before_variants_reads_as_three_variants_of_one_file() {
        let json = serde_json::json!({
            "original": info("originals/x", 1000, "image/jpeg"),
            "thumbnail": info("derived/x/thumbnail.jpg", 200, "image/jpeg"),
            "preview": info("derived/x/preview.png", 800, "image/png"),
            "optimized": info("derived/x/optimized.jpg", 1000, "image/jpeg"),
        });
        let outputs: Outputs = serde_json::from_value(json).unwrap();
        let variants = outputs.all_variants();
        let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["thumbnail", "preview", "optimized"]);
        assert_eq!(variants[1].files[0].encoding, Encoding::Png);
        let preview = outputs.named(OutputName::Preview).unwrap();
        assert_eq!(preview, info("derived/x/preview.png", 800, "image/png"));
    }

    #[test]
    fn a_named_output_is_its_variants_jpeg_or_png_and_absent_when_not_declared() {
        let file = |encoding: Encoding| VariantFile {
            encoding,
            key: format!("derived/x/thumbnail.{}", encoding.extension()),
            bytes: 5,
        };
        let outputs = Outputs {
            original: info("originals/x", 1000, "image/jpeg"),
            variants: vec![VariantInfo {
                name: "thumbnail".parse().unwrap(),
                width: 200,
                height: 100,
                files: vec![
                    file(Encoding::Avif),
                    file(Encoding::Webp),
                    file(Encoding::Jpeg),
                ],
            }],
            placeholder: None,
            thumbnail: None,
            preview: None,
            optimized: None,
        };
        let thumbnail = outputs.named(OutputName::Thumbnail).unwrap();
        assert_eq!(thumbnail.key, "derived/x/thumbnail.jpg");
        assert_eq!(thumbnail.content_type, "image/jpeg");
        assert_eq!(outputs.named(OutputName::Preview), None);
        assert_eq!(outputs.all_variants().len(), 1);
    }
}
