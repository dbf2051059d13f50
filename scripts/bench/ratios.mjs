// Joins ferrotype-bench and sharp JSON lines (same files, same order) and prints per-image
// and geometric-mean ratios ours/sharp, as a table and as a final JSON line.
// Usage: node ratios.mjs OURS.jsonl SHARP.jsonl
import { readFileSync } from "node:fs";

const load = (path) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l))
    .filter((l) => !l.summary && !l.error);
const ours = load(process.argv[2]);
const theirs = new Map(load(process.argv[3]).map((l) => [l.file, l]));

const bytes = (l) => l.outputs.reduce((sum, o) => sum + o.bytes, 0);
const out = (l, name) => l.outputs.find((o) => o.name === name) ?? {};
const metrics = {
  cpu: (l) => l.cpu_ms,
  wall: (l) => l.wall_ms,
  rss: (l) => l.peak_rss_mb,
  bytes,
};
const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
const fmt = (x, d = 2) => (x === undefined || Number.isNaN(x) ? "-" : x.toFixed(d));

const rows = [];
for (const o of ours) {
  const s = theirs.get(o.file);
  if (!s) continue;
  const row = { file: o.file.split("/").pop(), mp: o.megapixels };
  for (const [k, f] of Object.entries(metrics)) row[k] = f(o) / f(s);
  row.ours = o;
  row.sharp = s;
  rows.push(row);
}

const header = [
  "file", "MP", "cpu ms (ours/sharp)", "wall ms", "peak MB", "bytes", "ratios cpu", "wall", "rss", "bytes",
  "ssim2 thumb o/s", "preview o/s", "optimized o/s",
];
console.log(header.join("\t"));
for (const r of rows) {
  const score = (n) => `${fmt(out(r.ours, n).ssimulacra2, 1)}/${fmt(out(r.sharp, n).ssimulacra2, 1)}`;
  console.log(
    [
      r.file, r.mp,
      `${fmt(r.ours.cpu_ms, 0)}/${fmt(r.sharp.cpu_ms, 0)}`,
      `${fmt(r.ours.wall_ms, 0)}/${fmt(r.sharp.wall_ms, 0)}`,
      `${fmt(r.ours.peak_rss_mb, 0)}/${fmt(r.sharp.peak_rss_mb, 0)}`,
      `${bytes(r.ours)}/${bytes(r.sharp)}`,
      fmt(r.cpu), fmt(r.wall), fmt(r.rss), fmt(r.bytes),
      score("thumbnail"), score("preview"), score("optimized"),
    ].join("\t"),
  );
}
const summary = { summary: true, images: rows.length, geomean_ratio_ours_over_sharp: {} };
for (const k of Object.keys(metrics)) summary.geomean_ratio_ours_over_sharp[k] = Number(fmt(geo(rows.map((r) => r[k])), 3));
for (const name of ["thumbnail", "preview", "optimized"]) {
  const pairs = rows.map((r) => [out(r.ours, name), out(r.sharp, name)]);
  summary[name] = {
    bytes_ratio: Number(fmt(geo(pairs.map(([a, b]) => a.bytes / b.bytes)), 3)),
    mean_ssimulacra2_ours: Number(fmt(pairs.reduce((s, [a]) => s + (a.ssimulacra2 ?? NaN), 0) / pairs.length, 2)),
    mean_ssimulacra2_sharp: Number(fmt(pairs.reduce((s, [, b]) => s + (b.ssimulacra2 ?? NaN), 0) / pairs.length, 2)),
  };
}
console.log(`geomean ratios ours/sharp: cpu ${summary.geomean_ratio_ours_over_sharp.cpu}, wall ${summary.geomean_ratio_ours_over_sharp.wall}, peak rss ${summary.geomean_ratio_ours_over_sharp.rss}, bytes ${summary.geomean_ratio_ours_over_sharp.bytes}`);
console.log(JSON.stringify(summary));
