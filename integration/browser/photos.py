"""The browser test's photos, made at run time with the standard library only.

- `photo_png`: a small photo-like PNG (soft gradients and a little grain);
- `large_png`: a grainy RGB PNG over 4 MiB, so its upload takes a while and shows progress
  (the grain is what keeps zlib from shrinking it);
- `corrupt_jpeg`: a JPEG start-of-image marker followed by garbage: it is sniffed as a
  JPEG, so it is accepted, and then fails to decode (`corrupt_image`).
"""

import os
import random
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png(width: int, height: int, rows) -> bytes:
    """An 8-bit RGB PNG of `rows` (each `width * 3` bytes), filter type 0 on every row."""
    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 6))
        + _chunk(b"IEND", b"")
    )


def photo_png(width: int = 640, height: int = 427, seed: int = 7) -> bytes:
    """A sky-to-ground gradient with a warm sun and some grain: looks like a photo, is small."""
    rng = random.Random(seed)
    sun_x, sun_y, sun_r2 = width * 0.7, height * 0.3, (height * 0.12) ** 2
    rows = []
    for y in range(height):
        t = y / height
        row = bytearray()
        for x in range(width):
            if t < 0.62:  # sky, lighter towards the horizon
                r, g, b = 70 + 120 * t, 130 + 90 * t, 220 - 20 * t
            else:  # fields
                r, g, b = 60 + 40 * (1 - t), 120 + 30 * (x / width), 50
            if (x - sun_x) ** 2 + (y - sun_y) ** 2 < sun_r2:
                r, g, b = 255, 220, 120
            grain = rng.randint(-6, 6)
            row += bytes(max(0, min(255, int(c) + grain)) for c in (r, g, b))
        rows.append(bytes(row))
    return png(width, height, rows)


def large_png(width: int = 1600, height: int = 1000) -> bytes:
    """Random pixels, shaded by row: incompressible, so the file is about 3 bytes a pixel."""
    rows = []
    for y in range(height):
        # XOR with one value per row keeps every byte random (a bijection), and is fast.
        shade = bytes(i ^ ((y * 255) // height) for i in range(256))
        rows.append(os.urandom(width * 3).translate(shade))
    return png(width, height, rows)


def corrupt_jpeg(size: int = 20_000) -> bytes:
    """SOI, then an APP0 marker's start, then garbage no decoder can read."""
    rng = random.Random(13)
    return b"\xff\xd8\xff\xe0" + bytes(rng.randrange(256) for _ in range(size))
