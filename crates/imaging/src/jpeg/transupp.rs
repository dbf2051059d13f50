//! The part of libjpeg-turbo's `transupp.h` the transcoder uses: lossless transforms that
//! move whole DCT blocks. mozjpeg-sys compiles `transupp.c`, but its own binding of
//! `jpeg_transform_info` lacks the `drop_*` fields the C struct has, so libjpeg would write
//! past the end of it; the struct and the functions that take it are declared here instead.

use std::os::raw::c_int;

use mozjpeg_sys as ffi;

/// `jpeg_transform_info`, field for field. The transcoder sets the public fields and
/// leaves the rest zeroed for libjpeg.
#[repr(C)]
pub(super) struct TransformInfo {
    pub transform: ffi::JXFORM_CODE,
    pub perfect: ffi::boolean,
    trim: ffi::boolean,
    force_grayscale: ffi::boolean,
    crop: ffi::boolean,
    pub slow_hflip: ffi::boolean,
    crop_width: ffi::JDIMENSION,
    crop_width_set: ffi::JCROP_CODE,
    crop_height: ffi::JDIMENSION,
    crop_height_set: ffi::JCROP_CODE,
    crop_xoffset: ffi::JDIMENSION,
    crop_xoffset_set: ffi::JCROP_CODE,
    crop_yoffset: ffi::JDIMENSION,
    crop_yoffset_set: ffi::JCROP_CODE,
    drop_ptr: *mut ffi::jpeg_decompress_struct,
    drop_coef_arrays: *mut *mut ffi::jvirt_barray_control,
    num_components: c_int,
    workspace_coef_arrays: *mut *mut ffi::jvirt_barray_control,
    output_width: ffi::JDIMENSION,
    output_height: ffi::JDIMENSION,
    x_crop_offset: ffi::JDIMENSION,
    y_crop_offset: ffi::JDIMENSION,
    drop_width: ffi::JDIMENSION,
    drop_height: ffi::JDIMENSION,
    imcu_sample_width: c_int,
    imcu_sample_height: c_int,
}

// mozjpeg-sys declares these too, with its own `jpeg_transform_info`.
#[allow(clashing_extern_declarations)]
extern "C-unwind" {
    pub(super) fn jtransform_request_workspace(
        src: *mut ffi::jpeg_decompress_struct,
        info: *mut TransformInfo,
    ) -> ffi::boolean;
    pub(super) fn jtransform_adjust_parameters(
        src: *mut ffi::jpeg_decompress_struct,
        dst: *mut ffi::jpeg_compress_struct,
        src_coefficients: *mut *mut ffi::jvirt_barray_control,
        info: *mut TransformInfo,
    ) -> *mut *mut ffi::jvirt_barray_control;
    pub(super) fn jtransform_execute_transform(
        src: *mut ffi::jpeg_decompress_struct,
        dst: *mut ffi::jpeg_compress_struct,
        src_coefficients: *mut *mut ffi::jvirt_barray_control,
        info: *mut TransformInfo,
    );
}
