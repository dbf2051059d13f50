//! Builds libheif from vendor/ with exactly the decoders ferrotype reads with: libde265 for
//! HEVC (feature `hevc`, also built here from vendor/) and libaom for AV1 (libaom-sys builds
//! it, with the encoder the AVIF output uses). Every other codec libheif knows is switched
//! off by name, so nothing found on the build machine (x265 is GPL) is linked by accident,
//! and plugin loading is off, so nothing is loaded at run time either.
//!
//! Both libraries are static; the only C++ runtime is the toolchain's (`cxx_stdlib`).

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
    let hevc = env::var_os("CARGO_FEATURE_HEVC").is_some();
    println!("cargo:rerun-if-changed=vendor");
    println!("cargo:rerun-if-changed=build.rs");

    // libaom-sys (`links = "aom"`) exports its include and pkg-config directories.
    let aom_include = PathBuf::from(env::var("DEP_AOM_INCLUDE").expect("libaom-sys exports it"));
    let aom_pkgconfig =
        PathBuf::from(env::var("DEP_AOM_PKGCONFIG").expect("libaom-sys exports it"));
    let aom_lib_dir = aom_pkgconfig.parent().expect("lib/pkgconfig").to_path_buf();

    let de265 = hevc.then(|| build_libde265(&manifest, &out));
    let heif = build_libheif(
        &manifest,
        &out,
        &aom_include,
        &aom_lib_dir,
        de265.as_deref(),
    );

    println!(
        "cargo:rustc-link-search=native={}",
        heif.join("lib").display()
    );
    println!("cargo:rustc-link-lib=static=heif");
    if let Some(de265) = de265 {
        println!(
            "cargo:rustc-link-search=native={}",
            de265.join("lib").display()
        );
        println!("cargo:rustc-link-lib=static=de265");
    }
    // libaom itself is linked by libaom-sys, after this crate's libraries.
    println!("cargo:rustc-link-lib={}", cxx_stdlib());
}

/// A CMake build of `vendor/{name}` into `out/{name}`, as a static, position-independent
/// library installed under `lib/`.
fn static_library(manifest: &Path, out: &Path, name: &str) -> cmake::Config {
    let mut config = cmake::Config::new(manifest.join("vendor").join(name));
    config
        .out_dir(out.join(name))
        .define("CMAKE_INSTALL_LIBDIR", "lib")
        .define("CMAKE_POSITION_INDEPENDENT_CODE", "ON")
        .define("BUILD_SHARED_LIBS", "OFF");
    config
}

/// libde265, the HEVC decoder (LGPL-3.0-or-later), as a static library without its tools.
fn build_libde265(manifest: &Path, out: &Path) -> PathBuf {
    let mut config = static_library(manifest, out, "libde265");
    config
        .define("ENABLE_SDL", "OFF")
        .define("ENABLE_DECODER", "OFF")
        .define("ENABLE_ENCODER", "OFF");
    config.build()
}

/// The codecs libheif can be built with; every one but ours is switched off.
const OTHER_CODECS: &[&str] = &[
    "X265",
    "KVAZAAR",
    "UVG266",
    "VVDEC",
    "VVENC",
    "X264",
    "OpenH264_DECODER",
    "DAV1D",
    "AOM_ENCODER",
    "SvtEnc",
    "RAV1E",
    "JPEG_DECODER",
    "JPEG_ENCODER",
    "OpenJPEG_ENCODER",
    "OpenJPEG_DECODER",
    "FFMPEG_DECODER",
    "OPENJPH_ENCODER",
];

fn build_libheif(
    manifest: &Path,
    out: &Path,
    aom_include: &Path,
    aom_lib_dir: &Path,
    de265: Option<&Path>,
) -> PathBuf {
    let mut config = static_library(manifest, out, "libheif");
    config
        .define("BUILD_TESTING", "OFF")
        .define("BUILD_DOCUMENTATION", "OFF")
        .define("WITH_EXAMPLES", "OFF")
        .define("WITH_EXAMPLE_HEIF_THUMB", "OFF")
        .define("WITH_EXAMPLE_HEIF_VIEW", "OFF")
        .define("WITH_GDK_PIXBUF", "OFF")
        .define("WITH_FUZZERS", "OFF")
        .define("ENABLE_PLUGIN_LOADING", "OFF")
        .define("ENABLE_EXPERIMENTAL_FEATURES", "OFF")
        .define("WITH_REDUCED_VISIBILITY", "ON")
        // sharpyuv is for encoding; the uncompressed codec and header compression would
        // bring zlib and brotli.
        .define("WITH_LIBSHARPYUV", "OFF")
        .define("WITH_UNCOMPRESSED_CODEC", "OFF")
        .define("WITH_HEADER_COMPRESSION", "OFF")
        .define("CMAKE_DISABLE_FIND_PACKAGE_ZLIB", "ON")
        .define("CMAKE_DISABLE_FIND_PACKAGE_Brotli", "ON")
        .define("WITH_AOM_DECODER", "ON")
        .define("WITH_AOM_DECODER_PLUGIN", "OFF")
        // Set as cache entries, so FindAOM takes them and searches nothing.
        .define("AOM_INCLUDE_DIR", aom_include)
        .define("AOM_LIBRARY", aom_lib_dir.join("libaom.a"));
    for codec in OTHER_CODECS {
        config.define(format!("WITH_{codec}"), "OFF");
        config.define(format!("WITH_{codec}_PLUGIN"), "OFF");
    }
    match de265 {
        Some(de265) => {
            config
                .define("WITH_LIBDE265", "ON")
                .define("WITH_LIBDE265_PLUGIN", "OFF")
                .define("LIBDE265_INCLUDE_DIR", de265.join("include"))
                .define("LIBDE265_LIBRARY", de265.join("lib/libde265.a"))
                // The headers declare their functions dllimport unless told the library
                // is static (only matters on Windows, harmless here).
                .cxxflag("-DLIBDE265_STATIC_BUILD");
        }
        None => {
            config.define("WITH_LIBDE265", "OFF");
        }
    }
    config.build()
}

/// The C++ standard library to link: `CXXSTDLIB` when set (as the cc crate reads it), libc++
/// under zig (cargo lambda's cross compiler, which links its own libc++ statically), else
/// GCC's libstdc++.
fn cxx_stdlib() -> String {
    let target = env::var("TARGET").expect("set by cargo");
    let per_target = format!("CXXSTDLIB_{}", target.replace('-', "_"));
    for name in [per_target.as_str(), "CXXSTDLIB"] {
        println!("cargo:rerun-if-env-changed={name}");
        if let Ok(value) = env::var(name) {
            return value;
        }
    }
    let cxx_name = format!("CXX_{}", target.replace('-', "_"));
    let cxx = env::var(&cxx_name)
        .or_else(|_| env::var("CXX"))
        .unwrap_or_default();
    if cxx.contains("zig") {
        "c++".to_owned()
    } else {
        "stdc++".to_owned()
    }
}
