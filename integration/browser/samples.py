#!/usr/bin/env python3
"""Sample uploads made with Pillow for the end-to-end variant tests (e2e/tests/e2e/variants.rs):

    .venv/bin/python integration/browser/samples.py rgba-png OUT
    .venv/bin/python integration/browser/samples.py exif-rotated-jpeg OUT

- `rgba-png`: 300×200 RGBA, the left three quarters opaque red-brown (#c81e1e) and the
  right quarter fully transparent, so the dominant colour (alpha-weighted) is that red and
  every output must keep an alpha band reaching 0;
- `exif-rotated-jpeg`: stored 600×400 with EXIF Orientation 6 (turn 90° clockwise to
  show), upright 400×600 with a red top half and a blue bottom half, so an output that
  ignored the tag is 600 wide, or sideways (red on one side).

Each is checked by Pillow's own reading before it is written.
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

RED = (200, 30, 30)
BLUE = (30, 60, 200)


def rgba_png(out: Path) -> None:
    image = Image.new("RGBA", (300, 200), RED + (255,))
    ImageDraw.Draw(image).rectangle((225, 0, 299, 199), fill=(0, 0, 0, 0))
    image.save(out, "PNG")


def exif_rotated_jpeg(out: Path) -> None:
    upright = Image.new("RGB", (400, 600), RED)
    ImageDraw.Draw(upright).rectangle((0, 300, 399, 599), fill=BLUE)
    # Orientation 6 shows the stored image turned 90° clockwise: store it turned back.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(out, "JPEG", quality=92, exif=exif)
    with Image.open(out) as written:
        shown = ImageOps.exif_transpose(written)
        assert written.size == (600, 400) and shown.size == (400, 600), (written.size, shown.size)
        top, bottom = shown.getpixel((200, 50)), shown.getpixel((200, 550))
        assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0], (top, bottom)


MAKERS = {"rgba-png": rgba_png, "exif-rotated-jpeg": exif_rotated_jpeg}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in MAKERS:
        sys.exit(f"usage: samples.py {{{'|'.join(MAKERS)}}} OUT")
    MAKERS[sys.argv[1]](Path(sys.argv[2]))
