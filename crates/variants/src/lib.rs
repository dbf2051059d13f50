//! The outputs an operator declares: each variant's name, box, fit and formats, the rules a
//! declaration must keep, and where each variant's pixels come from in a source
//! ([`Variant::geometry`]).
//!
//! Pure logic, in a crate of its own so that both sides read one declaration: the upload
//! function checks the variant names a caller asks for without linking a codec, and the
//! imaging crate makes the outputs from it. It must not import a codec, the AWS SDK or any
//! other ferrotype crate; serde, serde_json and thiserror are its only dependencies.
//!
//! # Layout
//!
//! * `name`: [`VariantName`] and [`parse_list`] (a caller's comma-separated choice).
//! * `format`: what a variant is made in: [`Fit`], [`Format`] (declared), [`Encoding`]
//!   (written), [`Quality`], [`FormatSpec`].
//! * `color`: [`Rgb`], a `#rrggbb` colour (a padding background, a placeholder's colour).
//! * `declaration`: [`Variant`], [`Limits`], [`Declaration`] (a checked list) and its errors,
//!   [`DeclarationError`] (naming the entry and the [`Rule`]) and [`UnknownVariant`].
//! * `geometry`: [`Geometry`] and [`Rect`]: the crop, the resized size and the canvas of a
//!   variant for a source of a given size.

mod color;
mod declaration;
mod format;
mod geometry;
mod name;

pub use color::{BadColor, Rgb};
pub use declaration::{Declaration, DeclarationError, Limits, Rule, UnknownVariant, Variant};
pub use format::{BadQuality, Encoding, Fit, Format, FormatSpec, Quality};
pub use geometry::{Geometry, Rect};
pub use name::{parse_list, BadVariantName, VariantListError, VariantName};
