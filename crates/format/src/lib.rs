//! The image formats ferrotype accepts, and telling them apart by their leading bytes.
//!
//! A crate of its own, with no dependencies, because both sides need it: the upload function
//! answers `415` from it without linking any codec, and the imaging crate picks its decoder
//! from it.

/// The image formats ferrotype accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageKind {
    Jpeg,
    Png,
    WebP,
    Gif,
    /// A HEIF file whose brands say HEVC: the photos iPhones (and many Android phones) take.
    Heic,
    /// A HEIF file whose brands name no codec (`mif1`, `msf1` alone): its items say which.
    Heif,
    /// A HEIF file of AV1 images.
    Avif,
}

impl ImageKind {
    /// Every kind, in the order error messages list them.
    pub const ALL: [ImageKind; 7] = [
        Self::Jpeg,
        Self::Png,
        Self::WebP,
        Self::Gif,
        Self::Heic,
        Self::Heif,
        Self::Avif,
    ];

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
            Self::Gif => "image/gif",
            Self::Heic => "image/heic",
            Self::Heif => "image/heif",
            Self::Avif => "image/avif",
        }
    }

    /// The kind whose [`ImageKind::content_type`] this is (lower case, no parameters).
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.content_type() == content_type)
    }

    /// Whether a client that declared `content_type` (lower case, no parameters) sent this
    /// kind. `image/heic` and `image/heif` name the same container and phones and browsers
    /// use them interchangeably, so each is taken for either HEIF kind.
    pub fn matches_declared(self, content_type: &str) -> bool {
        match self {
            Self::Heic | Self::Heif => matches!(content_type, "image/heic" | "image/heif"),
            other => other.content_type() == content_type,
        }
    }

    /// Whether this is a HEIF container (HEIC, HEIF or AVIF).
    pub fn is_heif(self) -> bool {
        matches!(self, Self::Heic | Self::Heif | Self::Avif)
    }
}

/// Brands (ISO/IEC 23008-12 and the AVIF specification) that say the images are HEVC.
const HEVC_BRANDS: [&[u8; 4]; 8] = [
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
];
/// Brands that say the images are AV1.
const AV1_BRANDS: [&[u8; 4]; 2] = [b"avif", b"avis"];
/// Brands of the HEIF structure itself, which name no codec.
const HEIF_BRANDS: [&[u8; 4]; 3] = [b"mif1", b"msf1", b"mif2"];

/// The kind a HEIF file's `ftyp` box declares: its major brand if that names a codec, else
/// the first compatible brand that does, else HEIF if any brand is HEIF's own. Reads the
/// brands within `bytes` only, so a prefix of the file is enough.
fn heif_kind(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.len() < 16 || &bytes[4..8] != b"ftyp" {
        return None;
    }
    let declared = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    // A box holds its 8-byte header, the major brand and minor version, then whole brands.
    if declared < 16 || !declared.is_multiple_of(4) {
        return None;
    }
    let major = &bytes[8..12];
    let compatible = bytes[16..declared.min(bytes.len())].chunks_exact(4);
    let kind_of = |brand: &[u8]| {
        if HEVC_BRANDS.iter().any(|b| &b[..] == brand) {
            Some(ImageKind::Heic)
        } else if AV1_BRANDS.iter().any(|b| &b[..] == brand) {
            Some(ImageKind::Avif)
        } else {
            None
        }
    };
    kind_of(major)
        .or_else(|| compatible.clone().find_map(kind_of))
        .or_else(|| {
            std::iter::once(major)
                .chain(compatible)
                .any(|brand| HEIF_BRANDS.iter().any(|b| &b[..] == brand))
                .then_some(ImageKind::Heif)
        })
}

/// Decides the type from the leading bytes (magic numbers), never from a header the client
/// sent. `None` for anything that is not one of the accepted formats.
///
/// The signatures are the image crate's (`image::guess_format`) for JPEG, PNG, WebP and GIF;
/// the imaging crate's tests check that both agree. HEIF files (HEIC, AVIF) are told by the
/// brands of their leading `ftyp` box, never by a file name or declared type.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some(ImageKind::Jpeg)
    } else if bytes.starts_with(PNG) {
        Some(ImageKind::Png)
    } else if bytes.starts_with(b"GIF89a") || bytes.starts_with(b"GIF87a") {
        Some(ImageKind::Gif)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::WebP)
    } else {
        heif_kind(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An `ftyp` box with these brands.
    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compatible.len() as u32;
        let mut bytes = size.to_be_bytes().to_vec();
        bytes.extend_from_slice(b"ftyp");
        bytes.extend_from_slice(major);
        bytes.extend_from_slice(&[0; 4]);
        for brand in compatible {
            bytes.extend_from_slice(*brand);
        }
        bytes.extend_from_slice(b"\0\0\0\x08meta");
        bytes
    }

    #[test]
    fn heif_files_are_told_apart_by_their_brands() {
        // An iPhone photo, an Android one, a HEIF naming no codec, an AVIF, an AVIF
        // sequence, and a HEIC whose major brand is the structure's.
        assert_eq!(
            sniff(&ftyp(b"heic", &[b"mif1", b"heic"])),
            Some(ImageKind::Heic)
        );
        assert_eq!(
            sniff(&ftyp(b"heix", &[b"mif1", b"heix"])),
            Some(ImageKind::Heic)
        );
        assert_eq!(
            sniff(&ftyp(b"mif1", &[b"mif1", b"miaf"])),
            Some(ImageKind::Heif)
        );
        assert_eq!(
            sniff(&ftyp(b"avif", &[b"mif1", b"miaf", b"MA1A"])),
            Some(ImageKind::Avif)
        );
        assert_eq!(
            sniff(&ftyp(b"avis", &[b"msf1", b"avif"])),
            Some(ImageKind::Avif)
        );
        assert_eq!(
            sniff(&ftyp(b"mif1", &[b"heic", b"mif1"])),
            Some(ImageKind::Heic)
        );
        assert_eq!(sniff(&ftyp(b"msf1", &[b"hevc"])), Some(ImageKind::Heic));
        // The major brand decides when it names a codec.
        assert_eq!(sniff(&ftyp(b"avif", &[b"heic"])), Some(ImageKind::Avif));
        // A prefix holding only the major brand is enough for it.
        assert_eq!(
            sniff(&ftyp(b"heic", &[b"mif1", b"heic"])[..16]),
            Some(ImageKind::Heic)
        );
    }

    #[test]
    fn other_iso_media_files_and_broken_ftyp_boxes_are_not_images() {
        // MP4 and QuickTime video, a 3GP, JPEG 2000 and a CR3 raw share the box format.
        assert_eq!(sniff(&ftyp(b"isom", &[b"isom", b"iso2", b"mp41"])), None);
        assert_eq!(sniff(&ftyp(b"qt  ", &[b"qt  "])), None);
        assert_eq!(sniff(&ftyp(b"3gp4", &[b"3gp4"])), None);
        assert_eq!(sniff(&ftyp(b"jp2 ", &[b"jp2 "])), None);
        assert_eq!(sniff(&ftyp(b"crx ", &[b"crx "])), None);
        // Sizes that cannot be an ftyp box, and a cut-off one.
        let mut odd = ftyp(b"heic", &[b"mif1"]);
        odd[3] = 18;
        assert_eq!(sniff(&odd), None);
        let mut tiny = ftyp(b"heic", &[]);
        tiny[3] = 8;
        assert_eq!(sniff(&tiny), None);
        assert_eq!(sniff(&ftyp(b"heic", &[])[..12]), None);
        // The brand anywhere but in an ftyp box at the start.
        assert_eq!(sniff(b"\0\0\0\x18moovheic\0\0\0\0mif1heic"), None);
    }

    #[test]
    fn heic_and_heif_declarations_match_either_heif_kind() {
        assert!(ImageKind::Heic.matches_declared("image/heif"));
        assert!(ImageKind::Heif.matches_declared("image/heic"));
        assert!(ImageKind::Heic.matches_declared("image/heic"));
        assert!(!ImageKind::Avif.matches_declared("image/heif"));
        assert!(!ImageKind::Heic.matches_declared("image/avif"));
        assert!(!ImageKind::Jpeg.matches_declared("image/heic"));
        assert!(ImageKind::Jpeg.matches_declared("image/jpeg"));
    }

    #[test]
    fn accepted_formats_are_recognised_by_their_magic_numbers() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(ImageKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(ImageKind::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageKind::WebP));
        assert_eq!(sniff(b"GIF89a..."), Some(ImageKind::Gif));
        assert_eq!(sniff(b"GIF87a..."), Some(ImageKind::Gif));
    }

    #[test]
    fn other_bytes_are_not_accepted_whatever_they_claim() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"hello, this is text"), None);
        assert_eq!(sniff(b"%PDF-1.7"), None);
        // BMP and TIFF are images, but not ones we accept.
        assert_eq!(sniff(b"BM\0\0\0\0\0\0\0\0"), None);
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), None);
        assert_eq!(sniff(b"<svg xmlns="), None);
        // A RIFF container of another kind, and a cut-off one.
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEB"), None);
        assert_eq!(sniff(b"\xFF\xD8"), None);
    }
}
