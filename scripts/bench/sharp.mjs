// The ferrotype job done with sharp (libvips), for side-by-side comparison:
// thumbnail (200 px wide), preview (800 px wide), optimized (full size); EXIF orientation
// applied, metadata stripped (sharp's default), JPEG q80 for opaque images, PNG with alpha.
//
// Usage: node sharp.mjs FILE OUTDIR THREADS   (THREADS 1 = one libvips thread and one
// libuv worker, run with UV_THREADPOOL_SIZE=1; anything else = sharp's defaults)
// Prints one JSON line with the same fields as `ferrotype-bench one --no-score`.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { performance } from "node:perf_hooks";
import sharp from "sharp";

const [file, outdir, threads] = process.argv.slice(2);
if (threads === "1") sharp.concurrency(1);
sharp.cache(false);

// Warm up once on a tiny image, so one-off initialisation is not billed to the job
// (as in a warm Lambda).
await sharp({ create: { width: 8, height: 8, channels: 3, background: "#808080" } })
  .jpeg()
  .toBuffer();

const input = readFileSync(file);
const rssBefore = process.resourceUsage().maxRSS / 1024;
const cpu0 = process.cpuUsage();
const t0 = performance.now();

const meta = await sharp(input).metadata();
const alpha = meta.hasAlpha === true;
const base = sharp(input).rotate();
const encode = (pipeline) => (alpha ? pipeline.png() : pipeline.jpeg({ quality: 80 }));
const outputs = await Promise.all(
  [
    ["thumbnail", 200],
    ["preview", 800],
    ["optimized", null],
  ].map(async ([name, width]) => {
    let pipeline = base.clone();
    if (width) pipeline = pipeline.resize({ width, withoutEnlargement: true });
    const { data, info } = await encode(pipeline).toBuffer({ resolveWithObject: true });
    return { name, data, info };
  }),
);

const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const peakRssMb = process.resourceUsage().maxRSS / 1024;

mkdirSync(outdir, { recursive: true });
const stem = basename(file, extname(file));
const lines = outputs.map(({ name, data, info }) => {
  const path = join(outdir, `${stem}.${name}.${alpha ? "png" : "jpg"}`);
  writeFileSync(path, data);
  return { name, width: info.width, height: info.height, bytes: data.length, path };
});
const round = (v) => Math.round(v * 10) / 10;
console.log(
  JSON.stringify({
    file,
    pipeline: "sharp",
    sharp: { sharp: sharp.versions.sharp, vips: sharp.versions.vips },
    threads: threads === "1" ? 1 : sharp.concurrency(),
    input_bytes: input.length,
    megapixels: Math.round(((outputs[2].info.width * outputs[2].info.height) / 1e6) * 100) / 100,
    wall_ms: round(wallMs),
    cpu_ms: round((cpu.user + cpu.system) / 1000),
    peak_rss_mb: round(peakRssMb),
    rss_before_mb: round(rssBefore),
    outputs: lines,
  }),
);
