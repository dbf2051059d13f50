//! Variant names: what a declaration calls its outputs and what a caller asks for.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// The longest variant name: it becomes part of S3 keys and query values.
const MAX_LEN: usize = 32;

/// A variant's name: 1 to 32 characters of `a-z`, `0-9` and `-`, neither starting nor
/// ending with `-`. Safe in S3 keys, URLs and JSON keys as it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct VariantName(String);

/// A string that is not a [`VariantName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "variant name {0:?} must be 1 to 32 characters of a-z, 0-9 and '-', \
     not starting or ending with '-'"
)]
pub struct BadVariantName(pub String);

impl VariantName {
    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for VariantName {
    type Err = BadVariantName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if (1..=MAX_LEN).contains(&s.len())
            && s.chars().all(allowed)
            && !s.starts_with('-')
            && !s.ends_with('-')
        {
            Ok(Self(s.to_owned()))
        } else {
            Err(BadVariantName(s.to_owned()))
        }
    }
}

impl fmt::Display for VariantName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for VariantName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A comma-separated list of variant names that is not one (a query value such as
/// `thumbnail,preview`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VariantListError {
    /// `position` is 1-based.
    #[error("item {position} of the variant list is empty")]
    Empty { position: usize },
    #[error("item {position} of the variant list: {name}")]
    Name {
        position: usize,
        name: BadVariantName,
    },
}

/// Parses a comma-separated list of variant names (`thumbnail,preview`), in the order given.
/// Empty items (`a,,b`, a trailing comma, an empty string) are refused; whitespace is not
/// trimmed. Whether the names are declared is [`crate::Declaration::select`]'s question.
pub fn parse_list(s: &str) -> Result<Vec<VariantName>, VariantListError> {
    s.split(',')
        .enumerate()
        .map(|(index, item)| {
            let position = index + 1;
            if item.is_empty() {
                return Err(VariantListError::Empty { position });
            }
            item.parse()
                .map_err(|name| VariantListError::Name { position, name })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_lowercase_letters_digits_and_inner_hyphens_are_accepted() {
        for name in ["a", "thumbnail", "hero-2x", "0", "a-b-c", &"x".repeat(32)] {
            let parsed: VariantName = name.parse().unwrap();
            assert_eq!(parsed.as_str(), name);
            assert_eq!(parsed.to_string(), name);
        }
    }

    #[test]
    fn names_breaking_the_rule_are_refused_and_the_error_states_the_rule() {
        for name in [
            "",
            "-a",
            "a-",
            "-",
            "Thumbnail",
            "a_b",
            "a b",
            "a/b",
            "a.b",
            "é",
            &"x".repeat(33),
        ] {
            let error = name.parse::<VariantName>().unwrap_err();
            assert!(error.to_string().contains("1 to 32 characters"), "{error}");
        }
    }

    #[test]
    fn deserializing_a_name_checks_it() {
        let name: VariantName = serde_json::from_str("\"preview\"").unwrap();
        assert_eq!(name.as_str(), "preview");
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"preview\"");
        let error = serde_json::from_str::<VariantName>("\"Preview\"").unwrap_err();
        assert!(error.to_string().contains("1 to 32 characters"), "{error}");
    }

    #[test]
    fn a_list_keeps_its_order_and_refuses_empty_items_and_bad_names() {
        let list = parse_list("thumbnail,preview").unwrap();
        let names: Vec<&str> = list.iter().map(VariantName::as_str).collect();
        assert_eq!(names, ["thumbnail", "preview"]);
        assert_eq!(parse_list("a").unwrap().len(), 1);

        assert_eq!(parse_list(""), Err(VariantListError::Empty { position: 1 }));
        assert_eq!(
            parse_list("a,,b"),
            Err(VariantListError::Empty { position: 2 })
        );
        assert_eq!(
            parse_list("a,"),
            Err(VariantListError::Empty { position: 2 })
        );
        let error = parse_list("a, b").unwrap_err();
        assert!(matches!(error, VariantListError::Name { position: 2, .. }));
        assert!(error.to_string().contains("item 2"), "{error}");
    }
}
