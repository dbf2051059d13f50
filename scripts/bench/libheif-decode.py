"""The reference decode for bench/src/bin/heif_decode.rs: RUNS decodes of FILE to RGB(A)
with transforms applied, libheif through pillow-heif for HEIC/HEIF, Pillow's AVIF plugin
(libavif) for AVIF; prints {"ms": median, "decoder": ...}.

    .venv/bin/python scripts/bench/libheif-decode.py RUNS FILE
"""

import json
import statistics
import sys
import time

import pillow_heif
from PIL import Image

runs, path = int(sys.argv[1]), sys.argv[2]
with open(path, "rb") as f:
    head = f.read(12)
is_avif = head[8:12] in (b"avif", b"avis")
if not is_avif:
    pillow_heif.register_heif_opener()
times = []
for _ in range(runs):
    started = time.perf_counter()
    image = Image.open(path)
    image.load()
    times.append((time.perf_counter() - started) * 1e3)
decoder = "libavif (Pillow)" if is_avif else f"libheif {pillow_heif.libheif_version()} (pillow-heif)"
print(json.dumps({"ms": statistics.median(times), "decoder": decoder, "size": image.size}))
