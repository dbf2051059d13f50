//! The libheif 1.23 C functions and types this crate calls, declared as in
//! vendor/libheif/libheif/api/libheif/*.h (C enums are `int`). The layout test in
//! tests.rs checks the structs against what libheif itself writes.

#![allow(non_camel_case_types)]

use libc::{c_char, c_int, c_void, size_t};

pub type heif_error_code = c_int;
pub type heif_suberror_code = c_int;
pub type heif_colorspace = c_int;
pub type heif_chroma = c_int;
pub type heif_channel = c_int;
pub type heif_color_profile_type = u32;

pub const HEIF_ERROR_OK: heif_error_code = 0;
pub const HEIF_ERROR_UNSUPPORTED_FILETYPE: heif_error_code = 3;
pub const HEIF_ERROR_UNSUPPORTED_FEATURE: heif_error_code = 4;
pub const HEIF_ERROR_MEMORY_ALLOCATION: heif_error_code = 6;
pub const HEIF_SUBERROR_SECURITY_LIMIT_EXCEEDED: heif_suberror_code = 1000;
pub const HEIF_SUBERROR_UNSUPPORTED_CODEC: heif_suberror_code = 3000;
/// No decoder is built in for the item's codec (HEVC in a build without libde265).
pub const HEIF_SUBERROR_NO_MATCHING_DECODER: heif_suberror_code = 6003;

pub const HEIF_COLORSPACE_RGB: heif_colorspace = 1;
pub const HEIF_CHROMA_INTERLEAVED_RGB: heif_chroma = 10;
pub const HEIF_CHROMA_INTERLEAVED_RGBA: heif_chroma = 11;
pub const HEIF_CHANNEL_INTERLEAVED: heif_channel = 10;

const fn fourcc(code: &[u8; 4]) -> u32 {
    u32::from_be_bytes(*code)
}
pub const HEIF_COLOR_PROFILE_NCLX: heif_color_profile_type = fourcc(b"nclx");
pub const HEIF_COLOR_PROFILE_RICC: heif_color_profile_type = fourcc(b"rICC");
pub const HEIF_COLOR_PROFILE_PROF: heif_color_profile_type = fourcc(b"prof");

#[repr(C)]
#[derive(Clone, Copy)]
pub struct heif_error {
    pub code: heif_error_code,
    pub subcode: heif_suberror_code,
    pub message: *const c_char,
}

/// heif_security.h, version 4 (libheif 1.22 and later).
#[repr(C)]
pub struct heif_security_limits {
    pub version: u8,
    pub max_image_size_pixels: u64,
    pub max_number_of_tiles: u64,
    pub max_bayer_pattern_pixels: u32,
    pub max_items: u32,
    pub max_color_profile_size: u32,
    pub max_memory_block_size: u64,
    pub max_components: u32,
    pub max_iloc_extents_per_item: u32,
    pub max_size_entity_group: u32,
    pub max_children_per_box: u32,
    pub max_total_memory: u64,
    pub max_sample_description_box_entries: u32,
    pub max_sample_group_description_box_entries: u32,
    pub max_sequence_frames: u32,
    pub max_number_of_file_brands: u32,
    pub max_bad_pixels: u32,
    pub max_iso23001_17_pixel_size_bytes: u32,
    pub parent: *const heif_security_limits,
}

/// heif_color.h, version 1 fields and the decoded chromaticities.
#[repr(C)]
pub struct heif_color_profile_nclx {
    pub version: u8,
    pub color_primaries: c_int,
    pub transfer_characteristics: c_int,
    pub matrix_coefficients: c_int,
    pub full_range_flag: u8,
    pub chromaticities: [f32; 8],
}

/// heif_tiling.h, version 1.
#[repr(C)]
#[derive(Default)]
pub struct heif_image_tiling {
    pub version: c_int,
    pub num_columns: u32,
    pub num_rows: u32,
    pub tile_width: u32,
    pub tile_height: u32,
    pub image_width: u32,
    pub image_height: u32,
    pub top_offset: u32,
    pub left_offset: u32,
    pub number_of_extra_dimensions: u8,
    pub extra_dimension_size: [u32; 8],
}

#[repr(C)]
pub struct heif_context {
    _private: [u8; 0],
}
#[repr(C)]
pub struct heif_image_handle {
    _private: [u8; 0],
}
#[repr(C)]
pub struct heif_image {
    _private: [u8; 0],
}
#[repr(C)]
pub struct heif_init_params {
    _private: [u8; 0],
}
#[repr(C)]
pub struct heif_reading_options {
    _private: [u8; 0],
}
/// heif_decoding.h: the leading fields, up to the one set here (the struct is allocated
/// by libheif, at its full size, and only written through this prefix).
#[repr(C)]
pub struct heif_decoding_options {
    pub version: u8,
    pub ignore_transformations: u8,
    pub start_progress: *const c_void,
    pub on_progress: *const c_void,
    pub end_progress: *const c_void,
    pub progress_user_data: *mut c_void,
    pub convert_hdr_to_8bit: u8,
    pub strict_decoding: u8,
}

extern "C" {
    pub fn heif_init(params: *mut heif_init_params) -> heif_error;
    pub fn heif_context_alloc() -> *mut heif_context;
    pub fn heif_context_free(context: *mut heif_context);
    pub fn heif_context_get_security_limits(
        context: *const heif_context,
    ) -> *mut heif_security_limits;
    pub fn heif_context_read_from_memory_without_copy(
        context: *mut heif_context,
        mem: *const c_void,
        size: size_t,
        options: *const heif_reading_options,
    ) -> heif_error;
    pub fn heif_context_has_sequence(context: *const heif_context) -> c_int;
    pub fn heif_context_get_primary_image_handle(
        context: *mut heif_context,
        handle: *mut *mut heif_image_handle,
    ) -> heif_error;

    pub fn heif_image_handle_release(handle: *const heif_image_handle);
    pub fn heif_image_handle_get_width(handle: *const heif_image_handle) -> c_int;
    pub fn heif_image_handle_get_height(handle: *const heif_image_handle) -> c_int;
    pub fn heif_image_handle_has_alpha_channel(handle: *const heif_image_handle) -> c_int;
    pub fn heif_image_handle_get_luma_bits_per_pixel(handle: *const heif_image_handle) -> c_int;
    pub fn heif_image_handle_get_image_tiling(
        handle: *const heif_image_handle,
        process_image_transformations: c_int,
        out_tiling: *mut heif_image_tiling,
    ) -> heif_error;
    pub fn heif_image_handle_get_color_profile_type(
        handle: *const heif_image_handle,
    ) -> heif_color_profile_type;
    pub fn heif_image_handle_get_raw_color_profile_size(handle: *const heif_image_handle)
        -> size_t;
    pub fn heif_image_handle_get_raw_color_profile(
        handle: *const heif_image_handle,
        out_data: *mut c_void,
    ) -> heif_error;
    pub fn heif_image_handle_get_nclx_color_profile(
        handle: *const heif_image_handle,
        out_data: *mut *mut heif_color_profile_nclx,
    ) -> heif_error;

    pub fn heif_decode_image(
        handle: *const heif_image_handle,
        out_img: *mut *mut heif_image,
        colorspace: heif_colorspace,
        chroma: heif_chroma,
        options: *const heif_decoding_options,
    ) -> heif_error;
    pub fn heif_decoding_options_alloc() -> *mut heif_decoding_options;
    pub fn heif_decoding_options_free(options: *mut heif_decoding_options);
    pub fn heif_image_release(image: *const heif_image);
    pub fn heif_image_get_width(image: *const heif_image, channel: heif_channel) -> c_int;
    pub fn heif_image_get_height(image: *const heif_image, channel: heif_channel) -> c_int;
    pub fn heif_image_get_plane_readonly2(
        image: *const heif_image,
        channel: heif_channel,
        out_stride: *mut size_t,
    ) -> *const u8;
    pub fn heif_image_get_nclx_color_profile(
        image: *const heif_image,
        out_data: *mut *mut heif_color_profile_nclx,
    ) -> heif_error;
    pub fn heif_nclx_color_profile_free(profile: *mut heif_color_profile_nclx);

    #[cfg(test)]
    pub fn heif_get_global_security_limits() -> *const heif_security_limits;
}
