use image::ImageFormat;

/// The image formats ferrotype accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    pub fn image_format(self) -> ImageFormat {
        match self {
            Self::Jpeg => ImageFormat::Jpeg,
            Self::Png => ImageFormat::Png,
            Self::WebP => ImageFormat::WebP,
            Self::Gif => ImageFormat::Gif,
        }
    }
}

/// Decides the type from the leading bytes (magic numbers), never from a header the client
/// sent. `None` for anything that is not one of the accepted formats.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    match image::guess_format(bytes).ok()? {
        ImageFormat::Jpeg => Some(ImageKind::Jpeg),
        ImageFormat::Png => Some(ImageKind::Png),
        ImageFormat::WebP => Some(ImageKind::WebP),
        ImageFormat::Gif => Some(ImageKind::Gif),
        _ => None,
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
    }
}
