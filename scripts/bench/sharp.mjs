// The ferrotype job's default set made with sharp (libvips), for side-by-side comparison:
// thumbnail (200 px wide) and preview (800 px wide) in AVIF, WebP and JPEG (PNG with alpha),
// optimized (full size) in JPEG (PNG with alpha); EXIF orientation applied, metadata stripped
// (sharp's default). JPEG is sharp's default encoder (libjpeg-turbo API, mozjpeg's trellis
// off) at quality 80, as before. Each variant is resized once to raw pixels, and its formats
// are encoded from those (as our pipeline does: one decode, one resize per variant); the
// optimized output is encoded straight from the input.
//
// Usage: node sharp.mjs FILE OUTDIR THREADS [AVIF_QUALITY WEBP_QUALITY]
//   THREADS 1 = one libvips thread and one libuv worker (run with UV_THREADPOOL_SIZE=1);
//   anything else = sharp's defaults.
//   AVIF_QUALITY, WEBP_QUALITY: sharp's scale; default its own defaults, 50 and 80. AVIF is
//   8-bit 4:2:0 (like ours; sharp's default is 4:4:4) at sharp's default effort 4 (libaom,
//   through libheif); WebP at sharp's default effort 4.
// Prints one JSON line with the same fields as `ferrotype-bench one --no-score`, plus each
// output's path.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { performance } from "node:perf_hooks";
import sharp from "sharp";

const [file, outdir, threads, avifArg, webpArg] = process.argv.slice(2);
const avifQuality = avifArg ? Number(avifArg) : 50;
const webpQuality = webpArg ? Number(webpArg) : 80;
if (threads === "1") sharp.concurrency(1);
sharp.cache(false);

// Warm up once on a tiny image in every encoder, so one-off initialisation is not billed to
// the job (as in a warm Lambda).
const tiny = sharp({ create: { width: 8, height: 8, channels: 3, background: "#808080" } });
await Promise.all([
  tiny.clone().jpeg().toBuffer(),
  tiny.clone().png().toBuffer(),
  tiny.clone().webp().toBuffer(),
  tiny.clone().avif().toBuffer(),
]);

const input = readFileSync(file);
const rssBefore = process.resourceUsage().maxRSS / 1024;
const cpu0 = process.cpuUsage();
const t0 = performance.now();

const meta = await sharp(input).metadata();
const alpha = meta.hasAlpha === true;
const base = sharp(input).rotate();
const auto = (p) => (alpha ? p.png() : p.jpeg({ quality: 80 }));
const formats = [
  ["avif", "avif", (p) => p.avif({ quality: avifQuality, chromaSubsampling: "4:2:0", bitdepth: 8 })],
  ["webp", "webp", (p) => p.webp({ quality: webpQuality })],
  [null, alpha ? "png" : "jpg", auto],
];

const variant = async (name, width) => {
  const { data, info } = await base
    .clone()
    .resize({ width, withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  return Promise.all(
    formats.map(async ([suffix, extension, encode]) => ({
      name: suffix ? `${name}.${suffix}` : name,
      extension,
      data: await encode(sharp(data, raw)).toBuffer(),
      width: info.width,
      height: info.height,
    })),
  );
};
const optimized = async () => {
  const { data, info } = await auto(base.clone()).toBuffer({ resolveWithObject: true });
  return [{ name: "optimized", extension: alpha ? "png" : "jpg", data, width: info.width, height: info.height }];
};
const outputs = (await Promise.all([variant("thumbnail", 200), variant("preview", 800), optimized()])).flat();

const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const peakRssMb = process.resourceUsage().maxRSS / 1024;

mkdirSync(outdir, { recursive: true });
const stem = basename(file, extname(file));
const lines = outputs.map(({ name, extension, data, width, height }) => {
  const path = join(outdir, `${stem}.${name}.${extension}`);
  writeFileSync(path, data);
  return { name, width, height, bytes: data.length, path };
});
const full = outputs.find((o) => o.name === "optimized");
const round = (v) => Math.round(v * 10) / 10;
console.log(
  JSON.stringify({
    file,
    pipeline: "sharp",
    sharp: { sharp: sharp.versions.sharp, vips: sharp.versions.vips, aom: sharp.versions.aom },
    settings: { avif_quality: avifQuality, avif_effort: 4, avif_chroma: "4:2:0", webp_quality: webpQuality, jpeg_quality: 80 },
    threads: threads === "1" ? 1 : sharp.concurrency(),
    input_bytes: input.length,
    megapixels: Math.round(((full.width * full.height) / 1e6) * 100) / 100,
    wall_ms: round(wallMs),
    cpu_ms: round((cpu.user + cpu.system) / 1000),
    peak_rss_mb: round(peakRssMb),
    rss_before_mb: round(rssBefore),
    outputs: lines,
  }),
);
