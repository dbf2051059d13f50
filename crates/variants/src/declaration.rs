//! A declaration: the checked list of variants a stack makes, the limits it is checked
//! against, and choosing some of its variants for one upload.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::color::Rgb;
use crate::format::{BadQuality, Fit, Format, FormatSpec, Quality, Spec};
use crate::name::{BadVariantName, VariantName};

/// One declared output: a named box, how the source goes into it, and the formats it is
/// made in. A variant with neither width nor height is the full-resolution image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub name: VariantName,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    pub fit: Fit,
    pub formats: Vec<FormatSpec>,
    /// Only for [`Fit::Contain`]: the padding's colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background: Option<Rgb>,
}

impl Variant {
    /// The padding's colour: the declared one, or white.
    pub fn background(&self) -> Rgb {
        self.background.unwrap_or(Rgb::WHITE)
    }

    /// Whether one of its formats is `format`.
    pub fn makes(&self, format: Format) -> bool {
        self.formats.iter().any(|spec| spec.format == format)
    }
}

/// What a declaration may ask for. Each is configurable per stack; the defaults are
/// [`Limits::default`]'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Variants in one declaration. Default 8: every upload makes every declared variant
    /// (or the subset it names) eagerly, so this bounds one job's work.
    pub max_variants: usize,
    /// Formats in one variant. Default 4: AVIF, WebP, JPEG and PNG.
    pub max_formats: usize,
    /// The largest width or height of a box, in pixels. Default 4096: larger than any
    /// screen's image slot; a full-size copy is a variant with no box.
    pub max_dimension: u32,
    /// The largest box area, in pixels, that an AVIF variant may have. Default 2,000,000:
    /// AV1 costs seconds per 12 MP on one core, and Cloudflare caps AVIF output at 1,200 px;
    /// 2 MP admits an 800 px wide 9:16 phone portrait (800×1422) with room.
    pub avif_max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_variants: 8,
            max_formats: 4,
            max_dimension: 4096,
            avif_max_pixels: 2_000_000,
        }
    }
}

/// A checked list of variants, in declaration order: every rule of [`Rule`] holds for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Declaration(Vec<Variant>);

/// A declaration that breaks a rule: which entry (1-based in the message) and which rule.
#[derive(Debug, thiserror::Error)]
pub struct DeclarationError {
    /// The entry's index, 0-based; `None` for a rule about the whole list.
    pub entry: Option<usize>,
    /// The entry's name as written, when it has one.
    pub name: Option<String>,
    pub rule: Rule,
}

impl fmt::Display for DeclarationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VARIANTS")?;
        if let Some(entry) = self.entry {
            write!(f, " entry {}", entry + 1)?;
        }
        if let Some(name) = &self.name {
            write!(f, " ({name:?})")?;
        }
        write!(f, ": {}", self.rule)
    }
}

/// The rules a declaration keeps, one variant each.
#[derive(Debug, thiserror::Error)]
pub enum Rule {
    #[error("not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("not a JSON list of variants")]
    NotList,
    /// An entry that is not an object of the known keys with values of their types.
    #[error("not a variant: {0}")]
    Shape(serde_json::Error),
    #[error("declares no variant")]
    Empty,
    #[error("declares {count} variants, more than the limit of {max}")]
    TooManyVariants { count: usize, max: usize },
    #[error("{0}")]
    Name(BadVariantName),
    /// `first` is the 0-based index of the entry that has the name already.
    #[error("the name is already declared by entry {}", first + 1)]
    DuplicateName { first: usize },
    #[error("lists no format")]
    NoFormats,
    #[error("lists {count} formats, more than the limit of {max}")]
    TooManyFormats { count: usize, max: usize },
    #[error("lists {0} twice")]
    DuplicateFormat(Format),
    #[error("lists auto with {0}, and auto is JPEG or PNG itself")]
    AutoWith(Format),
    #[error("{format} {quality}")]
    Quality { format: Format, quality: BadQuality },
    #[error("{side} {value} is not within 1 to {max}")]
    Dimension {
        side: &'static str,
        value: u32,
        max: u32,
    },
    #[error("{0} needs both width and height")]
    NeedsBox(Fit),
    #[error("background is only for contain, not {0}")]
    Background(Fit),
    #[error("avif needs a width or a height: a full-resolution AVIF has no bound on its cost")]
    AvifFullResolution,
    #[error("avif on a box of {pixels} pixels, more than the limit of {max}")]
    AvifTooLarge { pixels: u64, max: u64 },
}

/// A variant name that the declaration does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown variant \"{name}\"; the declared variants are {}", known.join(", "))]
pub struct UnknownVariant {
    pub name: VariantName,
    /// The declared names, in declaration order.
    pub known: Vec<String>,
}

/// An entry as written, before its rules are checked: the name and quality are plain, so
/// that breaking their rules is told as a [`Rule`] naming the entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    width: Option<u32>,
    height: Option<u32>,
    #[serde(default)]
    fit: Fit,
    formats: Vec<Spec<f64>>,
    background: Option<Rgb>,
}

impl Declaration {
    /// [`Declaration::default_set`] as an operator would write it, for the template's
    /// default and the README.
    pub const DEFAULT_JSON: &'static str = r#"[
  {"name": "thumbnail", "width": 200, "formats": [{"format": "avif", "quality": 63}, {"format": "webp", "quality": 85}, {"format": "auto", "quality": 83}]},
  {"name": "preview", "width": 800, "formats": [{"format": "avif", "quality": 63}, {"format": "webp", "quality": 82}, {"format": "auto", "quality": 79.5}]},
  {"name": "optimized", "formats": [{"format": "auto", "quality": 80}]}
]"#;

    /// Reads and checks a declaration: a JSON list of variants, each
    /// `{"name", "width"?, "height"?, "fit"?, "formats", "background"?}`.
    pub fn parse(json: &str, limits: &Limits) -> Result<Declaration, DeclarationError> {
        let whole = |rule| DeclarationError {
            entry: None,
            name: None,
            rule,
        };
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| whole(Rule::NotJson(e)))?;
        let serde_json::Value::Array(entries) = value else {
            return Err(whole(Rule::NotList));
        };
        let variants = entries
            .into_iter()
            .enumerate()
            .map(|(index, value)| {
                let name = value
                    .get("name")
                    .and_then(|n| n.as_str())
                    .map(str::to_owned);
                let fail = |rule| DeclarationError {
                    entry: Some(index),
                    name: name.clone(),
                    rule,
                };
                let entry: Entry =
                    serde_json::from_value(value).map_err(|e| fail(Rule::Shape(e)))?;
                entry.into_variant().map_err(fail)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(variants, limits)
    }

    /// Checks variants built in code against every rule.
    pub fn new(variants: Vec<Variant>, limits: &Limits) -> Result<Declaration, DeclarationError> {
        let whole = |rule| DeclarationError {
            entry: None,
            name: None,
            rule,
        };
        if variants.is_empty() {
            return Err(whole(Rule::Empty));
        }
        if variants.len() > limits.max_variants {
            return Err(whole(Rule::TooManyVariants {
                count: variants.len(),
                max: limits.max_variants,
            }));
        }
        for (index, variant) in variants.iter().enumerate() {
            let fail = |rule| DeclarationError {
                entry: Some(index),
                name: Some(variant.name.to_string()),
                rule,
            };
            if let Some(first) = variants[..index]
                .iter()
                .position(|earlier| earlier.name == variant.name)
            {
                return Err(fail(Rule::DuplicateName { first }));
            }
            check(variant, limits).map_err(fail)?;
        }
        Ok(Declaration(variants))
    }

    /// Today's outputs plus WebP and AVIF: `thumbnail` 200 px wide and `preview` 800 px wide
    /// in AVIF, WebP and JPEG/PNG, and `optimized` at full resolution in JPEG/PNG. The AVIF
    /// and WebP qualities are the quality ladder's (docs/pipeline.md, "AVIF and WebP"): the
    /// lowest whose mean and 10th-percentile SSIMULACRA2 match the same size's JPEG.
    pub fn default_set() -> Declaration {
        let spec = |format, q| FormatSpec {
            format,
            quality: Some(Quality::new(q).expect("a quality within 1 to 100")),
        };
        let variant = |name: &str, width, formats| Variant {
            name: name.parse().expect("a valid variant name"),
            width,
            height: None,
            fit: Fit::ScaleDown,
            formats,
            background: None,
        };
        Declaration(vec![
            variant(
                "thumbnail",
                Some(200),
                vec![
                    spec(Format::Avif, 63.0),
                    spec(Format::Webp, 85.0),
                    spec(Format::Auto, 83.0),
                ],
            ),
            variant(
                "preview",
                Some(800),
                vec![
                    spec(Format::Avif, 63.0),
                    spec(Format::Webp, 82.0),
                    spec(Format::Auto, 79.5),
                ],
            ),
            variant("optimized", None, vec![spec(Format::Auto, 80.0)]),
        ])
    }

    /// The declaration as JSON, in the form [`Declaration::parse`] reads.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("variants serialize")
    }

    /// Every variant, in declaration order.
    pub fn variants(&self) -> &[Variant] {
        &self.0
    }

    /// The variant of that name.
    pub fn get(&self, name: &VariantName) -> Option<&Variant> {
        self.0.iter().find(|variant| &variant.name == name)
    }

    /// Every name, in declaration order.
    pub fn names(&self) -> impl Iterator<Item = &VariantName> {
        self.0.iter().map(|variant| &variant.name)
    }

    /// The variants one upload makes: all of them for `None`; otherwise the requested ones,
    /// in declaration order, each once (an empty request selects none). The first
    /// undeclared name is an error.
    pub fn select(
        &self,
        requested: Option<&[VariantName]>,
    ) -> Result<Vec<&Variant>, UnknownVariant> {
        let Some(requested) = requested else {
            return Ok(self.0.iter().collect());
        };
        if let Some(unknown) = requested.iter().find(|name| self.get(name).is_none()) {
            return Err(UnknownVariant {
                name: unknown.clone(),
                known: self.names().map(VariantName::to_string).collect(),
            });
        }
        Ok(self
            .0
            .iter()
            .filter(|variant| requested.contains(&variant.name))
            .collect())
    }
}

impl Entry {
    fn into_variant(self) -> Result<Variant, Rule> {
        let name = self.name.parse().map_err(Rule::Name)?;
        let formats = self
            .formats
            .into_iter()
            .map(|Spec { format, quality }| {
                let quality = quality
                    .map(Quality::checked)
                    .transpose()
                    .map_err(|quality| Rule::Quality { format, quality })?;
                Ok(FormatSpec { format, quality })
            })
            .collect::<Result<Vec<_>, Rule>>()?;
        Ok(Variant {
            name,
            width: self.width,
            height: self.height,
            fit: self.fit,
            formats,
            background: self.background,
        })
    }
}

/// The rules of one variant, but its name's uniqueness.
fn check(variant: &Variant, limits: &Limits) -> Result<(), Rule> {
    let formats = &variant.formats;
    if formats.is_empty() {
        return Err(Rule::NoFormats);
    }
    if formats.len() > limits.max_formats {
        return Err(Rule::TooManyFormats {
            count: formats.len(),
            max: limits.max_formats,
        });
    }
    for (index, spec) in formats.iter().enumerate() {
        if formats[..index]
            .iter()
            .any(|earlier| earlier.format == spec.format)
        {
            return Err(Rule::DuplicateFormat(spec.format));
        }
        if let Some(quality) = spec.quality {
            // Unreachable through `parse`; a `Quality` is only ever within its range.
            Quality::new(quality.get()).map_err(|quality| Rule::Quality {
                format: spec.format,
                quality,
            })?;
        }
    }
    if variant.makes(Format::Auto) {
        if let Some(clash) = [Format::Jpeg, Format::Png]
            .into_iter()
            .find(|&format| variant.makes(format))
        {
            return Err(Rule::AutoWith(clash));
        }
    }
    for (side, value) in [("width", variant.width), ("height", variant.height)] {
        if let Some(value) = value {
            if value == 0 || value > limits.max_dimension {
                return Err(Rule::Dimension {
                    side,
                    value,
                    max: limits.max_dimension,
                });
            }
        }
    }
    let both = variant.width.is_some() && variant.height.is_some();
    if matches!(variant.fit, Fit::Cover | Fit::Contain) && !both {
        return Err(Rule::NeedsBox(variant.fit));
    }
    if variant.background.is_some() && variant.fit != Fit::Contain {
        return Err(Rule::Background(variant.fit));
    }
    if variant.makes(Format::Avif) {
        let (width, height) = match (variant.width, variant.height) {
            (None, None) => return Err(Rule::AvifFullResolution),
            (Some(width), Some(height)) => (width, height),
            (Some(side), None) | (None, Some(side)) => (side, side),
        };
        let pixels = u64::from(width) * u64::from(height);
        if pixels > limits.avif_max_pixels {
            return Err(Rule::AvifTooLarge {
                pixels,
                max: limits.avif_max_pixels,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
