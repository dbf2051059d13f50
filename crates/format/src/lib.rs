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
}

impl ImageKind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
            Self::Gif => "image/gif",
        }
    }
}

/// Decides the type from the leading bytes (magic numbers), never from a header the client
/// sent. `None` for anything that is not one of the accepted formats.
///
/// The signatures are the image crate's (`image::guess_format`) for these four formats; the
/// imaging crate's tests check that both agree.
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
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
