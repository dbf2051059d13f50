# A CMake toolchain file for scripts/test-arm64: libaom (built by libaom-sys with CMake) for
# aarch64 with Debian's cross compiler, optimised and without assertions in CMake's Debug
# configuration as in Release (scripts/cmake/optimised-debug.cmake says why; under qemu an
# unoptimised encoder is slower still). Naming a toolchain file stops cmake-rs from setting
# the system and compiler itself, so they are set here.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_C_FLAGS_DEBUG_INIT "-O3 -DNDEBUG")
set(CMAKE_CXX_FLAGS_DEBUG_INIT "-O3 -DNDEBUG")
