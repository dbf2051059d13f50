# A CMake toolchain file for native x86-64 builds (.cargo/config.toml points cmake-rs at it).
# It changes one thing: CMake's Debug configuration compiles optimised and without
# assertions, like Release. libaom-sys builds libaom (the AVIF encoder) in the Debug
# configuration whenever cargo's profile is not `release`, and cmake-rs drops the `-O`
# flags cargo's opt-level would give it, so without this every dev build and test would
# run an unoptimised AV1 encoder, some ten times slower. Release builds (cargo lambda
# build --release, make bench) do not read these flags.
set(CMAKE_C_FLAGS_DEBUG_INIT "-O3 -DNDEBUG")
set(CMAKE_CXX_FLAGS_DEBUG_INIT "-O3 -DNDEBUG")
