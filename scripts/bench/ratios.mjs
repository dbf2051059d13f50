// Joins a compare run's ferrotype-bench and sharp JSON lines and prints, as Markdown tables,
// per image and as geometric means: CPU ms (one thread), wall ms (two threads), peak RSS,
// bytes and SSIMULACRA2 per output, ours, sharp's and ours/sharp; then the two targets as
// PASS/FAIL lines and a final JSON line.
//
// Usage: node ratios.mjs RUN_DIR
//   RUN_DIR holds ours-threads1.jsonl, sharp-threads1.jsonl, ours-threads2.jsonl,
//   sharp-threads2.jsonl (either pair may be missing). Scores and bytes are read from the
//   one-thread pair when it is there (the outputs are the same on two threads).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const load = (name) => {
  const path = join(dir, name);
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l))
    .filter((l) => !l.summary);
  for (const l of lines) if (l.error) console.error(`error in ${name}: ${l.file}: ${l.error}`);
  return new Map(lines.filter((l) => !l.error).map((l) => [l.file, l]));
};
const runs = { 1: [load("ours-threads1.jsonl"), load("sharp-threads1.jsonl")], 2: [load("ours-threads2.jsonl"), load("sharp-threads2.jsonl")] };
const have = (t) => runs[t][0] && runs[t][1];
const main = have(1) ? 1 : 2;
if (!have(main)) throw new Error(`no ours-threadsN.jsonl and sharp-threadsN.jsonl pair in ${dir}`);

const geo = (xs) => (xs.length ? Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length) : NaN);
const mean = (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);
const fmt = (x, d = 2) => (x === undefined || x === null || Number.isNaN(x) ? "-" : x.toFixed(d));
const pair = (a, b, d = 0) => `${fmt(a, d)}/${fmt(b, d)}`;
const total = (l) => l.outputs.reduce((s, o) => s + o.bytes, 0);
const out = (l, name) => l?.outputs.find((o) => o.name === name);

const files = [...runs[main][0].keys()].filter((f) => runs[main][1].has(f));
const at = (t, side, file) => (have(t) ? runs[t][side].get(file) : undefined);
const names = [];
for (const f of files) for (const o of runs[main][0].get(f).outputs) if (!names.includes(o.name)) names.push(o.name);
const scored = files.every((f) => runs[main][0].get(f).outputs.every((o) => o.ssimulacra2 !== undefined));

const settings = runs[main][1].get(files[0])?.settings;
if (settings) {
  console.log(
    `sharp ${runs[main][1].get(files[0]).sharp.sharp} (libvips ${runs[main][1].get(files[0]).sharp.vips}): ` +
      `AVIF quality ${settings.avif_quality} effort ${settings.avif_effort} ${settings.avif_chroma}, ` +
      `WebP quality ${settings.webp_quality}, JPEG quality ${settings.jpeg_quality}\n`,
  );
}

// Per image: time, memory, total bytes.
const metric = {
  cpu: [1, (l) => l.cpu_ms],
  wall: [2, (l) => l.wall_ms],
  rss: [main, (l) => l.peak_rss_mb],
  bytes: [main, total],
};
const ratio = (k, f) => {
  const [t, get] = metric[k];
  const [o, s] = [at(t, 0, f), at(t, 1, f)];
  return o && s ? get(o) / get(s) : NaN;
};
const value = (k, side, f) => {
  const [t, get] = metric[k];
  const l = at(t, side, f);
  return l ? get(l) : NaN;
};
console.log(`| image | MP | CPU ms, 1 thread, ours/sharp | × | wall ms, 2 threads | × | peak RSS MB (${main} thread${main === 1 ? "" : "s"}) | × | bytes, all outputs | × |`);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const f of files) {
  const cells = [f.split("/").pop(), runs[main][0].get(f).megapixels];
  for (const k of ["cpu", "wall", "rss", "bytes"]) {
    cells.push(pair(value(k, 0, f), value(k, 1, f)), fmt(ratio(k, f)));
  }
  console.log(`| ${cells.join(" | ")} |`);
}
const g = {};
for (const k of Object.keys(metric)) g[k] = geo(files.map((f) => ratio(k, f)).filter((x) => !Number.isNaN(x)));
const gv = (k, side) => geo(files.map((f) => value(k, side, f)).filter((x) => !Number.isNaN(x)));
console.log(
  `| **geomean** | ${fmt(geo(files.map((f) => runs[main][0].get(f).megapixels)))} | ` +
    ["cpu", "wall", "rss", "bytes"].map((k) => `${pair(gv(k, 0), gv(k, 1))} | **${fmt(g[k], 3)}**`).join(" | ") +
    " |",
);

// Per image and output: bytes ours/sharp and SSIMULACRA2 ours/sharp; bold where ours is
// bigger or scores lower.
const missed = [];
const cell = (f, name) => {
  const o = out(runs[main][0].get(f), name);
  const s = out(runs[main][1].get(f), name);
  if (!o || !s) return "-";
  const r = o.bytes / s.bytes;
  let text = `${fmt(r)}×`;
  let bad = r > 1;
  if (scored) {
    text += `, ${pair(o.ssimulacra2, s.ssimulacra2, 1)}`;
    bad ||= o.ssimulacra2 < s.ssimulacra2;
  }
  if (bad) missed.push(`${f.split("/").pop()} ${name}: ${o.bytes}/${s.bytes} bytes${scored ? `, ${o.ssimulacra2}/${s.ssimulacra2}` : ""}`);
  return bad ? `**${text}**` : text;
};
console.log(`\nPer output: bytes ours/sharp${scored ? " and SSIMULACRA2 ours/sharp" : ""} (bold: ours bigger${scored ? " or lower" : ""})\n`);
console.log(`| image | ${names.join(" | ")} |`);
console.log(`| --- | ${names.map(() => "---").join(" | ")} |`);
for (const f of files) console.log(`| ${f.split("/").pop()} | ${names.map((n) => cell(f, n)).join(" | ")} |`);
const perOutput = {};
for (const name of names) {
  const pairs = files.map((f) => [out(runs[main][0].get(f), name), out(runs[main][1].get(f), name)]).filter(([a, b]) => a && b);
  perOutput[name] = {
    bytes_ours: Math.round(geo(pairs.map(([a]) => a.bytes))),
    bytes_sharp: Math.round(geo(pairs.map(([, b]) => b.bytes))),
    bytes_ratio: Number(fmt(geo(pairs.map(([a, b]) => a.bytes / b.bytes)), 3)),
    ssimulacra2_ours: scored ? Number(fmt(mean(pairs.map(([a]) => a.ssimulacra2)))) : null,
    ssimulacra2_sharp: scored ? Number(fmt(mean(pairs.map(([, b]) => b.ssimulacra2)))) : null,
  };
}
const po = (n, k) => perOutput[n][k];
console.log(
  `| **geomean bytes, mean score** | ${names
    .map((n) => `${fmt(po(n, "bytes_ratio"), 3)}×` + (scored ? `, ${pair(po(n, "ssimulacra2_ours"), po(n, "ssimulacra2_sharp"), 2)}` : ""))
    .join(" | ")} |`,
);
console.log(`| geomean bytes ours/sharp | ${names.map((n) => pair(po(n, "bytes_ours"), po(n, "bytes_sharp"))).join(" | ")} |`);

// The targets (issue 22, point 8): checked here, not in timed tests.
const cpuPass = g.cpu <= 0.6;
console.log("");
console.log(
  have(1)
    ? `${cpuPass ? "PASS" : "FAIL"} CPU: the whole set's CPU, one thread, is ${fmt(g.cpu, 3)}× sharp's (geomean over ${files.length} images; target ≤ 0.6×)`
    : "FAIL CPU: not measured (no one-thread run)",
);
const count = files.length * names.length;
console.log(
  scored
    ? `${missed.length ? "FAIL" : "PASS"} bytes at score: ${count - missed.length} of ${count} outputs are no bigger than sharp's at an SSIMULACRA2 no lower (target: all)`
    : `FAIL bytes at score: not checked (--no-score); ${count - missed.length} of ${count} outputs are no bigger than sharp's`,
);
for (const m of missed) console.log(`  missed: ${m}`);
console.log(
  JSON.stringify({
    summary: true,
    images: files.length,
    sharp_settings: settings,
    geomean_ratio_ours_over_sharp: Object.fromEntries(Object.entries(g).map(([k, v]) => [k, Number(fmt(v, 3))])),
    outputs: perOutput,
    targets: { cpu: have(1) && cpuPass, bytes_at_score: scored && missed.length === 0, missed: missed.length },
  }),
);
