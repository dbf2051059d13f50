//! What a variant is made in: its fit into the box, the formats declared, what each is
//! written as, and their qualities.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, IntoDeserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How a source goes into a variant's box. No fit ever enlarges a source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fit {
    /// The whole image, shrunk to fit within the box (either side may be left out).
    #[default]
    ScaleDown,
    /// Fills the box, cropping what does not fit. The geometry places the crop at the
    /// centre; the imaging crate moves it to where the source has the most detail.
    Cover,
    /// The whole image, shrunk to fit within the box and padded to the box with the
    /// variant's background colour.
    Contain,
}

impl Fit {
    /// The name used in declarations: `scale-down`, `cover` or `contain`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ScaleDown => "scale-down",
            Self::Cover => "cover",
            Self::Contain => "contain",
        }
    }
}

impl fmt::Display for Fit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format as declared. [`Format::Auto`] is decided per source by [`Format::resolve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Avif,
    Webp,
    Jpeg,
    Png,
    /// JPEG for an opaque source, PNG for one with alpha.
    Auto,
}

impl Format {
    /// What this format is written as for a source with or without alpha.
    pub fn resolve(self, has_alpha: bool) -> Encoding {
        match self {
            Self::Avif => Encoding::Avif,
            Self::Webp => Encoding::Webp,
            Self::Jpeg => Encoding::Jpeg,
            Self::Png => Encoding::Png,
            Self::Auto if has_alpha => Encoding::Png,
            Self::Auto => Encoding::Jpeg,
        }
    }

    /// The name used in declarations: `avif`, `webp`, `jpeg`, `png` or `auto`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Avif => "avif",
            Self::Webp => "webp",
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Auto => "auto",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format as written: what an output file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Avif,
    Webp,
    Jpeg,
    Png,
}

impl Encoding {
    /// Every encoding, in the order of the enum.
    pub const ALL: [Encoding; 4] = [Self::Avif, Self::Webp, Self::Jpeg, Self::Png];

    /// The name used in JSON: `avif`, `webp`, `jpeg` or `png`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Avif => "avif",
            Self::Webp => "webp",
            Self::Jpeg => "jpeg",
            Self::Png => "png",
        }
    }

    /// The media type, for `Content-Type` and `<source type>`.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Avif => "image/avif",
            Self::Webp => "image/webp",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// The file extension, without the dot (`jpg` for JPEG).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Avif => "avif",
            Self::Webp => "webp",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An encoder quality from 1 to 100, fractions allowed (79.5): the scale libjpeg, libwebp
/// and libavif's wrappers share. What it means per encoder is the encoder's business.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f32", into = "f32")]
pub struct Quality(f32);

/// A number that is not a [`Quality`].
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("quality {0} is not within 1 to 100")]
pub struct BadQuality(pub f64);

impl Quality {
    /// `Err` outside 1.0..=100.0, and for NaN.
    pub fn new(value: f32) -> Result<Self, BadQuality> {
        Self::checked(f64::from(value))
    }

    /// Checks in `f64`, so that a declared 100.000001 is refused rather than rounded to
    /// 100 on the way to `f32`.
    pub(crate) fn checked(value: f64) -> Result<Self, BadQuality> {
        if (1.0..=100.0).contains(&value) && (1.0..=100.0).contains(&(value as f32)) {
            Ok(Self(value as f32))
        } else {
            Err(BadQuality(value))
        }
    }

    pub fn get(self) -> f32 {
        self.0
    }
}

impl TryFrom<f32> for Quality {
    type Error = BadQuality;

    fn try_from(value: f32) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Quality> for f32 {
    fn from(quality: Quality) -> f32 {
        quality.0
    }
}

impl fmt::Display for Quality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One declared format of a variant, with its quality if the declaration sets one (`None`:
/// the encoder's default for the stack). In JSON either a bare name, `"webp"`, or an object,
/// `{"format": "webp", "quality": 70}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FormatSpec {
    pub format: Format,
    pub quality: Option<Quality>,
}

impl FormatSpec {
    /// A format at the stack's default quality.
    pub fn new(format: Format) -> Self {
        Self {
            format,
            quality: None,
        }
    }

    /// A format at a declared quality.
    pub fn with_quality(format: Format, quality: Quality) -> Self {
        Self {
            format,
            quality: Some(quality),
        }
    }
}

impl Serialize for FormatSpec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.quality {
            None => self.format.serialize(serializer),
            Some(quality) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("format", &self.format)?;
                map.serialize_entry("quality", &quality)?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for FormatSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Spec { format, quality } = Spec::<Quality>::deserialize(deserializer)?;
        Ok(Self { format, quality })
    }
}

/// A format spec's JSON, generic over the quality's type so that the declaration can read a
/// quality as a plain number and refuse it with its own rule ([`crate::Rule::Quality`]).
pub(crate) struct Spec<Q> {
    pub(crate) format: Format,
    pub(crate) quality: Option<Q>,
}

impl<'de, Q: Deserialize<'de>> Deserialize<'de> for Spec<Q> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SpecVisitor(PhantomData))
    }
}

struct SpecVisitor<Q>(PhantomData<Q>);

impl<'de, Q: Deserialize<'de>> Visitor<'de> for SpecVisitor<Q> {
    type Value = Spec<Q>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"a format name or {"format": <name>, "quality": <1 to 100>}"#)
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        let format = Format::deserialize(name.into_deserializer())?;
        Ok(Spec {
            format,
            quality: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Object<Q> {
            format: Format,
            quality: Option<Q>,
        }
        let Object { format, quality } = Object::deserialize(MapAccessDeserializer::new(map))?;
        Ok(Spec { format, quality })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_is_jpeg_for_opaque_sources_and_png_for_alpha_and_the_rest_are_themselves() {
        assert_eq!(Format::Auto.resolve(false), Encoding::Jpeg);
        assert_eq!(Format::Auto.resolve(true), Encoding::Png);
        for alpha in [false, true] {
            assert_eq!(Format::Avif.resolve(alpha), Encoding::Avif);
            assert_eq!(Format::Webp.resolve(alpha), Encoding::Webp);
            assert_eq!(Format::Jpeg.resolve(alpha), Encoding::Jpeg);
            assert_eq!(Format::Png.resolve(alpha), Encoding::Png);
        }
    }

    #[test]
    fn each_encoding_has_its_name_media_type_and_extension() {
        let table: Vec<_> = Encoding::ALL
            .iter()
            .map(|e| (e.as_str(), e.content_type(), e.extension()))
            .collect();
        assert_eq!(
            table,
            [
                ("avif", "image/avif", "avif"),
                ("webp", "image/webp", "webp"),
                ("jpeg", "image/jpeg", "jpg"),
                ("png", "image/png", "png"),
            ]
        );
        for encoding in Encoding::ALL {
            let json = serde_json::to_string(&encoding).unwrap();
            assert_eq!(json, format!("\"{}\"", encoding.as_str()));
            assert_eq!(serde_json::from_str::<Encoding>(&json).unwrap(), encoding);
        }
    }

    #[test]
    fn fits_are_kebab_case_and_scale_down_by_default() {
        assert_eq!(Fit::default(), Fit::ScaleDown);
        for fit in [Fit::ScaleDown, Fit::Cover, Fit::Contain] {
            let json = serde_json::to_string(&fit).unwrap();
            assert_eq!(json, format!("\"{fit}\""));
            assert_eq!(serde_json::from_str::<Fit>(&json).unwrap(), fit);
        }
        assert!(serde_json::from_str::<Fit>("\"scale_down\"").is_err());
        assert!(serde_json::from_str::<Fit>("\"crop\"").is_err());
    }

    #[test]
    fn qualities_are_kept_within_1_and_100_with_fractions() {
        assert_eq!(Quality::new(79.5).unwrap().get(), 79.5);
        assert_eq!(Quality::new(1.0).unwrap().get(), 1.0);
        assert_eq!(Quality::new(100.0).unwrap().get(), 100.0);
        for bad in [0.0, 0.99, 100.01, -5.0, f32::NAN, f32::INFINITY] {
            assert!(Quality::new(bad).is_err(), "{bad}");
        }
        assert!(Quality::checked(100.000_000_1).is_err());
        assert!(serde_json::from_str::<Quality>("0").is_err());
        assert_eq!(serde_json::from_str::<Quality>("70").unwrap().get(), 70.0);
    }

    #[test]
    fn a_format_spec_reads_a_bare_name_or_an_object_and_writes_the_shorter() {
        let bare: FormatSpec = serde_json::from_str("\"webp\"").unwrap();
        assert_eq!(bare, FormatSpec::new(Format::Webp));
        assert_eq!(serde_json::to_string(&bare).unwrap(), "\"webp\"");

        let object: FormatSpec =
            serde_json::from_str(r#"{"format": "avif", "quality": 62.5}"#).unwrap();
        assert_eq!(
            object,
            FormatSpec::with_quality(Format::Avif, Quality::new(62.5).unwrap())
        );
        let json = serde_json::to_string(&object).unwrap();
        assert_eq!(serde_json::from_str::<FormatSpec>(&json).unwrap(), object);

        let no_quality: FormatSpec = serde_json::from_str(r#"{"format": "png"}"#).unwrap();
        assert_eq!(no_quality, FormatSpec::new(Format::Png));
    }

    #[test]
    fn a_format_spec_refuses_unknown_formats_fields_and_shapes() {
        for bad in [
            "\"gif\"",
            "\"AVIF\"",
            r#"{"format": "webp", "quality": 70, "speed": 6}"#,
            r#"{"quality": 70}"#,
            r#"{"format": "webp", "quality": 101}"#,
            r#"{"format": "webp", "quality": "high"}"#,
            "7",
            "[\"webp\"]",
            "null",
        ] {
            assert!(serde_json::from_str::<FormatSpec>(bad).is_err(), "{bad}");
        }
    }
}
