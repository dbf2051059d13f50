#!/usr/bin/env python3
"""Decodes image files with Pillow, a decoder independent of the pipeline's encoders, and
prints what it saw as JSON, one object a file in the order given:

    .venv/bin/python integration/browser/decode.py FILE...

    [{"file": "thumbnail.avif", "format": "AVIF", "width": 200, "height": 133,
      "mode": "RGB", "alpha": null, "orientation": null,
      "metadata": [], "probes": {...}}, ...]

`format` is Pillow's name for what the bytes are (AVIF, WEBP, JPEG, PNG), whatever the
file is called; every pixel is decoded, so a truncated or damaged file fails. `alpha` is
the alpha band's [min, max] when the image has one (a palette's transparency counts),
else null. `orientation` is the EXIF Orientation tag when the file carries one;
`metadata` names the blocks it carries (`exif`, `xmp`, `icc_profile`). `probes`
are the RGB colours, averaged over a small square, at the top, bottom, left and right
middles. Exit code 1, with the reason on stderr, when a file does not decode. Needs
Pillow ≥ 11.2 (AVIF in its wheels): requirements-browser.txt, `make browser`.
"""

import json
import sys

from PIL import Image, ImageStat

ORIENTATION = 0x0112


def describe(path: str) -> dict:
    with Image.open(path) as image:
        image.load()
        kind, mode = image.format, image.mode
        orientation = image.getexif().get(ORIENTATION)
        metadata = [name for name in ("exif", "xmp", "icc_profile") if image.info.get(name)]
        if "transparency" in image.info or mode in ("P", "PA", "LA", "La"):
            image = image.convert("RGBA")
        alpha = list(image.getchannel("A").getextrema()) if "A" in image.getbands() else None
        return {
            "file": path,
            "format": kind,
            "width": image.width,
            "height": image.height,
            "mode": mode,
            "alpha": alpha,
            "orientation": orientation,
            "metadata": metadata,
            "probes": probes(image.convert("RGB")),
        }


def probes(image: Image.Image) -> dict:
    """Mean colours of squares a tenth of the short side, inset from each edge's middle."""
    w, h = image.size
    side = max(1, min(w, h) // 10)

    def at(cx: int, cy: int) -> list[int]:
        box = (max(0, cx - side // 2), max(0, cy - side // 2),
               min(w, cx + side // 2 + 1), min(h, cy + side // 2 + 1))
        return [round(v) for v in ImageStat.Stat(image.crop(box)).mean]

    return {"top": at(w // 2, side), "bottom": at(w // 2, h - 1 - side),
            "left": at(side, h // 2), "right": at(w - 1 - side, h // 2)}


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    seen = []
    for path in paths:
        try:
            seen.append(describe(path))
        except Exception as error:  # any decoder failure is the answer
            print(f"{path}: Pillow could not decode it: {type(error).__name__}: {error}", file=sys.stderr)
            return 1
    json.dump(seen, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
