//! Colours as `#rrggbb`: a padding background, a placeholder's dominant colour.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An sRGB colour, 8 bits a channel. JSON and [`Display`](fmt::Display) write `#rrggbb` in
/// lowercase; parsing takes either case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    pub const WHITE: Rgb = Rgb([255, 255, 255]);
}

/// A string that is not `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("colour {0:?} must be #rrggbb (six hexadecimal digits)")]
pub struct BadColor(pub String);

impl FromStr for Rgb {
    type Err = BadColor;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadColor(s.to_owned());
        let hex = s.strip_prefix('#').ok_or_else(bad)?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        Ok(Rgb([channel(0)?, channel(2)?, channel(4)?]))
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

impl Serialize for Rgb {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_in_either_case_and_print_in_lowercase() {
        let colour: Rgb = "#FFa500".parse().unwrap();
        assert_eq!(colour, Rgb([255, 165, 0]));
        assert_eq!(colour.to_string(), "#ffa500");
        assert_eq!(Rgb([0, 1, 2]).to_string(), "#000102");
        assert_eq!(serde_json::to_string(&colour).unwrap(), "\"#ffa500\"");
        assert_eq!(
            serde_json::from_str::<Rgb>("\"#000000\"").unwrap(),
            Rgb([0; 3])
        );
    }

    #[test]
    fn anything_but_six_hex_digits_after_a_hash_is_refused() {
        for bad in [
            "", "#", "ffffff", "#fff", "#fffffff", "#gggggg", "# fffff", "#+fffff", "#ffffé",
        ] {
            let error = bad.parse::<Rgb>().unwrap_err();
            assert!(error.to_string().contains("#rrggbb"), "{bad}: {error}");
        }
        assert!(serde_json::from_str::<Rgb>("\"white\"").is_err());
        assert!(serde_json::from_str::<Rgb>("[255, 255, 255]").is_err());
    }
}
