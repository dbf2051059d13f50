// The sharp half of `ferrotype-bench`'s `ladder` (bench/src/bin/ladder.rs): reads a JSON list
// of jobs on stdin and prints a JSON list of results. sharp's AVIF is libheif + libaom.
//   {"op": "encode", "raw": path, "width", "height", "channels", "quality", "effort", "out": path}
//     -> {"bytes", "cpu_ms"}: raw 8-bit RGB(A) to AVIF at 8 bits, 4:2:0, one thread.
//   {"op": "decode", "in": path, "out": path} -> {"width", "height", "channels"}: any
//     image sharp reads to raw 8-bit sRGB (to score AVIF files, which the Rust side cannot decode).
// Run from .bench/ (node resolves `sharp` from the script's folder upwards).
import { readFileSync, writeFileSync } from "node:fs";
import sharp from "sharp";

sharp.concurrency(1);
sharp.cache(false);

const jobs = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const job of jobs) {
    if (job.op === "encode") {
        const raw = readFileSync(job.raw);
        const input = sharp(raw, {
            raw: { width: job.width, height: job.height, channels: job.channels },
        });
        const before = process.cpuUsage();
        const bytes = await input
            .avif({ quality: job.quality, effort: job.effort, chromaSubsampling: "4:2:0", bitdepth: 8 })
            .toBuffer();
        const used = process.cpuUsage(before);
        writeFileSync(job.out, bytes);
        results.push({ bytes: bytes.length, cpu_ms: (used.user + used.system) / 1000 });
    } else if (job.op === "decode") {
        const { data, info } = await sharp(readFileSync(job.in))
            .toColourspace("srgb")
            .raw()
            .toBuffer({ resolveWithObject: true });
        writeFileSync(job.out, data);
        results.push({ width: info.width, height: info.height, channels: info.channels });
    } else {
        throw new Error(`unknown op ${job.op}`);
    }
}
process.stdout.write(JSON.stringify(results));
