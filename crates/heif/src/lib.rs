//! Reading HEIF containers (HEIC photos, AVIF images) through libheif, which build.rs builds
//! from vendor/ with libde265 (HEVC, feature `hevc`) and libaom (AV1) and nothing else.
//!
//! [`Container::read`] parses the boxes only, with limits on tiles, items, box children,
//! profile size and memory set before parsing; the caller checks [`Primary`]'s declared size
//! against its own bounds; then [`Primary::decode`] decodes the primary image, its grid tiles
//! assembled and its `irot`/`imir`/`clap` transforms applied by libheif, to 8-bit RGBA with
//! the alpha auxiliary image (when there is one) and its colour description.
//!
//! Thumbnails, depth and gain-map auxiliary images are never decoded. An image sequence
//! (`msf1`, `avis`) that also has a still primary image is read as that image; one without
//! is [`HeifError::Unsupported`].
//!
//! The few libheif functions used are declared in [`ffi`] by hand: libheif-sys's embedded
//! build turns on every codec found on the build machine (GPL x265 among them) and cannot
//! build libde265, and its generated bindings cover thousands of declarations we never call.

mod ffi;

// libheif.a calls libaom's decoder; naming the crate keeps it (and its libaom.a) linked.
use libaom_sys as _;

use std::ffi::CStr;
use std::marker::PhantomData;
use std::ptr;
use std::sync::Once;

/// Bounds set on libheif before it parses a file. The image size itself is the caller's to
/// check from [`Primary::width`] and [`Primary::height`], before decoding.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most pixels of any one image (the primary image, a grid's tile, an alpha image).
    pub max_pixels: u64,
    /// Most tiles in a grid image. A 48 MP iPhone photo is a grid of 768 tiles of 256×256
    /// (older ones: 48 of 512×512).
    pub max_tiles: u64,
    /// Most items in the file (tiles, thumbnails, metadata, auxiliary images).
    pub max_items: u32,
    /// Most children of any box not covered by another limit.
    pub max_children_per_box: u32,
    /// Largest ICC profile read.
    pub max_color_profile_bytes: u32,
    /// Largest single allocation libheif makes while parsing, and the most it may hold
    /// in total while decoding.
    pub max_memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_pixels: 100_000_000,
            max_tiles: 4_096,
            max_items: 8_192,
            max_children_per_box: 4_096,
            max_color_profile_bytes: 4 << 20,
            max_memory_bytes: 2 << 30,
        }
    }
}

/// Why a HEIF file could not be read, with libheif's message.
#[derive(Debug, thiserror::Error)]
pub enum HeifError {
    /// A limit of [`Limits`] (or one of libheif's own) was reached.
    #[error("the HEIF file exceeds a limit: {0}")]
    LimitExceeded(String),
    /// A valid file using something not built in (a codec such as VVC or JPEG 2000, HEVC in
    /// a build without it, an unsupported feature).
    #[error("the HEIF file uses something this build cannot decode: {0}")]
    Unsupported(String),
    /// Not a HEIF file, or a damaged one.
    #[error("the HEIF file is invalid: {0}")]
    Invalid(String),
    #[error("libheif ran out of memory: {0}")]
    OutOfMemory(String),
}

impl HeifError {
    fn from_ffi(error: ffi::heif_error) -> Option<Self> {
        if error.code == ffi::HEIF_ERROR_OK {
            return None;
        }
        let message = if error.message.is_null() {
            String::new()
        } else {
            // SAFETY: libheif's messages are NUL-terminated static or context-owned strings,
            // copied here before the context can be freed.
            unsafe { CStr::from_ptr(error.message) }
                .to_string_lossy()
                .into_owned()
        };
        Some(match (error.code, error.subcode) {
            (_, ffi::HEIF_SUBERROR_SECURITY_LIMIT_EXCEEDED) => Self::LimitExceeded(message),
            (ffi::HEIF_ERROR_MEMORY_ALLOCATION, _) => Self::OutOfMemory(message),
            (ffi::HEIF_ERROR_UNSUPPORTED_FEATURE | ffi::HEIF_ERROR_UNSUPPORTED_FILETYPE, _)
            | (_, ffi::HEIF_SUBERROR_UNSUPPORTED_CODEC | ffi::HEIF_SUBERROR_NO_MATCHING_DECODER) => {
                Self::Unsupported(message)
            }
            _ => Self::Invalid(message),
        })
    }
}

fn check(error: ffi::heif_error) -> Result<(), HeifError> {
    match HeifError::from_ffi(error) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Whether this build decodes HEVC (HEIC photos); AV1 (AVIF) is always built in.
pub const HEVC: bool = cfg!(feature = "hevc");

/// A parsed HEIF file. Borrows the bytes: libheif reads them in place.
pub struct Container<'a> {
    context: *mut ffi::heif_context,
    limits: Limits,
    bytes: PhantomData<&'a [u8]>,
}

impl<'a> Container<'a> {
    /// Parses the boxes of `bytes` under `limits`. No pixel is decoded.
    pub fn read(bytes: &'a [u8], limits: &Limits) -> Result<Self, HeifError> {
        static INIT: Once = Once::new();
        // Registers the built-in decoders once; never undone, as the process lives on.
        INIT.call_once(|| {
            // SAFETY: NULL parameters are allowed; nothing else runs libheif before this.
            let _ = unsafe { ffi::heif_init(ptr::null_mut()) };
        });
        // SAFETY: a fresh context, freed by Drop whatever happens next.
        let container = Self {
            context: unsafe { ffi::heif_context_alloc() },
            limits: *limits,
            bytes: PhantomData,
        };
        if container.context.is_null() {
            return Err(HeifError::OutOfMemory("no context".to_owned()));
        }
        // SAFETY: the context's own limits, which it owns and we may change in place.
        let security = unsafe { &mut *ffi::heif_context_get_security_limits(container.context) };
        security.max_image_size_pixels = limits.max_pixels;
        security.max_number_of_tiles = limits.max_tiles;
        security.max_items = limits.max_items;
        security.max_children_per_box = limits.max_children_per_box;
        security.max_color_profile_size = limits.max_color_profile_bytes;
        security.max_memory_block_size = limits.max_memory_bytes;
        security.max_total_memory = limits.max_memory_bytes;
        // SAFETY: `bytes` outlives the context (the lifetime 'a).
        check(unsafe {
            ffi::heif_context_read_from_memory_without_copy(
                container.context,
                bytes.as_ptr().cast(),
                bytes.len(),
                ptr::null(),
            )
        })?;
        Ok(container)
    }

    /// The primary image's handle: its size and alpha, read from the boxes. A grid of more
    /// tiles than [`Limits::max_tiles`] is refused here (libheif's own tile limit covers
    /// only its newer tiled format, not `grid` items).
    pub fn primary(&self) -> Result<Primary<'_>, HeifError> {
        let mut handle = ptr::null_mut();
        // SAFETY: a parsed context; the handle is released by Primary's Drop.
        let found =
            check(unsafe { ffi::heif_context_get_primary_image_handle(self.context, &mut handle) });
        // SAFETY: a parsed context.
        if found.is_err() && unsafe { ffi::heif_context_has_sequence(self.context) } != 0 {
            return Err(HeifError::Unsupported(
                "an image sequence without a still primary image".to_owned(),
            ));
        }
        found?;
        let primary = Primary {
            handle,
            container: PhantomData,
        };
        let tiles = primary.tiles()?;
        if tiles > self.limits.max_tiles {
            return Err(HeifError::LimitExceeded(format!(
                "a grid of {tiles} tiles, more than {}",
                self.limits.max_tiles
            )));
        }
        Ok(primary)
    }
}

impl Drop for Container<'_> {
    fn drop(&mut self) {
        // SAFETY: allocated in `read`, freed once.
        unsafe { ffi::heif_context_free(self.context) }
    }
}

/// The primary image of a [`Container`], not yet decoded.
pub struct Primary<'c> {
    handle: *mut ffi::heif_image_handle,
    container: PhantomData<&'c ()>,
}

/// How the decoded pixels' colours are meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Colour {
    /// No description: sRGB is assumed.
    Unspecified,
    /// An ICC profile (`colr` of type `prof` or `rICC`).
    Icc(Vec<u8>),
    /// Coding-independent code points (`colr` of type `nclx`, or the codec's own), as in
    /// ITU-T H.273. The matrix and range were used by libheif to make RGB.
    Nclx {
        primaries: u16,
        transfer: u16,
        matrix: u16,
        full_range: bool,
    },
}

/// The primary image as 8-bit rows without padding, with its colour description.
pub struct Decoded {
    pub width: u32,
    pub height: u32,
    /// Whether the file has an alpha image: `pixels` is then RGBA, else RGB.
    pub has_alpha: bool,
    pub pixels: Vec<u8>,
    pub colour: Colour,
}

impl std::fmt::Debug for Decoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoded")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("has_alpha", &self.has_alpha)
            .field("colour", &self.colour)
            .finish_non_exhaustive()
    }
}

impl Primary<'_> {
    /// Width as displayed: after `irot`, before `clap` cropping is known exactly.
    pub fn width(&self) -> u32 {
        // SAFETY: a valid handle.
        u32::try_from(unsafe { ffi::heif_image_handle_get_width(self.handle) }).unwrap_or(0)
    }

    pub fn height(&self) -> u32 {
        // SAFETY: a valid handle.
        u32::try_from(unsafe { ffi::heif_image_handle_get_height(self.handle) }).unwrap_or(0)
    }

    pub fn has_alpha(&self) -> bool {
        // SAFETY: a valid handle.
        unsafe { ffi::heif_image_handle_has_alpha_channel(self.handle) != 0 }
    }

    /// How many coded images (tiles) make the image: 1 unless it is a grid.
    pub fn tiles(&self) -> Result<u64, HeifError> {
        let mut tiling = ffi::heif_image_tiling::default();
        // SAFETY: a valid handle and a tiling struct of the version-1 layout.
        check(unsafe { ffi::heif_image_handle_get_image_tiling(self.handle, 0, &mut tiling) })?;
        Ok(u64::from(tiling.num_columns.max(1)) * u64::from(tiling.num_rows.max(1)))
    }

    /// Bits per sample of the coded image (8, 10 or 12); `None` if not declared.
    pub fn bit_depth(&self) -> Option<u8> {
        // SAFETY: a valid handle.
        let bits = unsafe { ffi::heif_image_handle_get_luma_bits_per_pixel(self.handle) };
        u8::try_from(bits).ok().filter(|bits| *bits > 0)
    }

    /// Decodes to 8-bit RGB, or RGBA when there is an alpha image (as straight alpha,
    /// premultiplied or not in the file): tiles assembled, transforms applied, 10- and
    /// 12-bit samples scaled to 8.
    pub fn decode(&self) -> Result<Decoded, HeifError> {
        let has_alpha = self.has_alpha();
        let (chroma, channels) = if has_alpha {
            (ffi::HEIF_CHROMA_INTERLEAVED_RGBA, 4)
        } else {
            (ffi::HEIF_CHROMA_INTERLEAVED_RGB, 3)
        };
        let mut image = ptr::null_mut();
        // SAFETY: options from libheif (transformations applied by default), freed here; a
        // valid handle; the image is released by DecodedImage's Drop.
        let decoded = unsafe {
            let options = ffi::heif_decoding_options_alloc();
            if options.is_null() {
                return Err(HeifError::OutOfMemory("no decoding options".to_owned()));
            }
            // A damaged or cut-off tile is an error, not a partly grey image.
            (*options).strict_decoding = 1;
            let decoded = ffi::heif_decode_image(
                self.handle,
                &mut image,
                ffi::HEIF_COLORSPACE_RGB,
                chroma,
                options,
            );
            ffi::heif_decoding_options_free(options);
            decoded
        };
        check(decoded)?;
        let image = DecodedImage(image);
        let width = image.width(ffi::HEIF_CHANNEL_INTERLEAVED)?;
        let height = image.height(ffi::HEIF_CHANNEL_INTERLEAVED)?;
        let mut stride = 0usize;
        // SAFETY: an interleaved image has this plane.
        let plane = unsafe {
            ffi::heif_image_get_plane_readonly2(image.0, ffi::HEIF_CHANNEL_INTERLEAVED, &mut stride)
        };
        let row = width as usize * channels;
        if plane.is_null() || stride < row {
            return Err(HeifError::Invalid(
                "the decoded image has no interleaved plane".to_owned(),
            ));
        }
        let mut pixels = Vec::new();
        pixels
            .try_reserve_exact(row * height as usize)
            .map_err(|err| HeifError::OutOfMemory(err.to_string()))?;
        for y in 0..height as usize {
            // SAFETY: libheif's plane holds `height` rows of `stride` bytes, each with at
            // least `row` bytes of pixels (checked above).
            let line = unsafe { std::slice::from_raw_parts(plane.add(y * stride), row) };
            pixels.extend_from_slice(line);
        }
        Ok(Decoded {
            width,
            height,
            has_alpha,
            pixels,
            colour: self.colour(&image)?,
        })
    }

    /// The `colr` box's description, else the one the codec's bitstream carried.
    fn colour(&self, image: &DecodedImage) -> Result<Colour, HeifError> {
        // SAFETY: a valid handle and image; each profile copied out before release.
        unsafe {
            let kind = ffi::heif_image_handle_get_color_profile_type(self.handle);
            if kind == ffi::HEIF_COLOR_PROFILE_PROF || kind == ffi::HEIF_COLOR_PROFILE_RICC {
                let size = ffi::heif_image_handle_get_raw_color_profile_size(self.handle);
                let mut icc = vec![0u8; size];
                check(ffi::heif_image_handle_get_raw_color_profile(
                    self.handle,
                    icc.as_mut_ptr().cast(),
                ))?;
                return Ok(Colour::Icc(icc));
            }
            let mut nclx = ptr::null_mut();
            let found = if kind == ffi::HEIF_COLOR_PROFILE_NCLX {
                ffi::heif_image_handle_get_nclx_color_profile(self.handle, &mut nclx)
            } else {
                ffi::heif_image_get_nclx_color_profile(image.0, &mut nclx)
            };
            if found.code != ffi::HEIF_ERROR_OK || nclx.is_null() {
                return Ok(Colour::Unspecified);
            }
            let profile = &*nclx;
            let colour = Colour::Nclx {
                primaries: profile.color_primaries as u16,
                transfer: profile.transfer_characteristics as u16,
                matrix: profile.matrix_coefficients as u16,
                full_range: profile.full_range_flag != 0,
            };
            ffi::heif_nclx_color_profile_free(nclx);
            Ok(colour)
        }
    }
}

impl Drop for Primary<'_> {
    fn drop(&mut self) {
        // SAFETY: obtained from the context, released once.
        unsafe { ffi::heif_image_handle_release(self.handle) }
    }
}

/// A decoded libheif image, released on drop.
struct DecodedImage(*mut ffi::heif_image);

impl DecodedImage {
    fn width(&self, channel: ffi::heif_channel) -> Result<u32, HeifError> {
        // SAFETY: a valid image.
        let width = unsafe { ffi::heif_image_get_width(self.0, channel) };
        u32::try_from(width).map_err(|_| HeifError::Invalid("no width".to_owned()))
    }

    fn height(&self, channel: ffi::heif_channel) -> Result<u32, HeifError> {
        // SAFETY: a valid image.
        let height = unsafe { ffi::heif_image_get_height(self.0, channel) };
        u32::try_from(height).map_err(|_| HeifError::Invalid("no height".to_owned()))
    }
}

impl Drop for DecodedImage {
    fn drop(&mut self) {
        // SAFETY: decoded by heif_decode_image, released once.
        unsafe { ffi::heif_image_release(self.0) }
    }
}

#[cfg(test)]
mod tests;
