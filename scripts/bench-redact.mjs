#!/usr/bin/env node
// Redaction benchmark and check over the dev photos, in ONE run so machine drift hits both alike:
//  - time: a redaction (plates + faces, the route's defaults; and with config mode fast) beside a
//    plate-reader read (the route's defaults) of the same photo, taking turns photo by photo;
//    p50/p90 of each and the ratios (target ≤ 1.5×);
//  - safety: the plate reader run on every redacted output must read no plate (target 0 of 148;
//    also counted with the reader at threshold_d 0.1, the margin the check leaves for JPEG noise),
//    and every pixel outside the hidden areas must be the decoded upload's own (PNG output, so no
//    JPEG noise hides a change).
// Uses the built engine (libs/engine/dist).
//
//   pnpm bench:redact [--threads 2] [--method blur|pixelate|solid] [--limit N] [--old-commit REV]
//                     [--settle MS]
//
// Each timed call starts on an engine left idle for --settle ms (default 25; 0: back to back). A
// call returns while work it started goes on for a few milliseconds (mostly in V8's own threads:
// no libuv work was pending; the US-state head's input, resized for any plate that may be
// American, some of it): in 40 ms after a read the process used 2.8 ms of CPU at p50 and 25 at
// p90. Back to back, the call
// after a read paid for it — the redaction, always timed right after the read of its photo,
// decoded its upload in 7.5–9 ms at p50 where it takes 5 after a pause, while the read followed a
// fast redaction, which leaves less behind.
//
// --old-commit REV: also times the redaction of the engine as it was at REV (a pinned build beside
// this checkout, scripts/lib/pinned-engine.mjs), in the same process and taking turns photo by
// photo (each engine reads the photo, redacts it and redacts it fast, one engine first on every
// other photo; the checks follow the timing), and prints new/old ratios.
//
// Other CPU-heavy processes skew the times; stop them while measuring.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pinnedEngine } from './lib/pinned-engine.mjs';
import { readDevRows } from './lib/dev-labels.mjs';
import { loadAverage } from './lib/load-average.mjs';
import { opt } from './lib/cli-args.mjs';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { createEngine } = require(join(root, 'libs/engine/dist/index.js'));
const sharp = require(join(root, 'libs/engine/node_modules/sharp'));
const dev = resolve(root, process.env.PLATEWISE_DEV_SET || '../shared/alpr-dev');
const threads = Number(opt('--threads', '2'));
const method = opt('--method', 'blur');
const limit = Number(opt('--limit', '0'));
const settleMs = Number(opt('--settle', '25'));
const settle = () => new Promise((done) => setTimeout(done, settleMs));

let rows = readDevRows(dev);
if (limit > 0) rows = rows.slice(0, limit);

const engine = await createEngine({ threads });
const oldCommit = opt('--old-commit');
const pin = oldCommit ? pinnedEngine(root, oldCommit) : null;
const oldEngine = pin
  ? await require(pin.entry).createEngine({ threads, modelsDir: pin.modelsDir })
  : null;
const oldMs = [];
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const inside = (x, y, boxes) =>
  boxes.some((b) => x >= b.xmin && x < b.xmax && y >= b.ymin && y < b.ymax);

// Per phase (EnginePhase), for where the time goes: faces run beside vehicles and plates, so a
// redaction's phases add up to more than its time.
const phases = { read: {}, redaction: {} };
const onPhase = (kind) => (phase, ms) => (phases[kind][phase] ??= []).push(ms);
const readMs = [];
const redactMs = [];
const fastMs = [];
const leaks = [];
const fastLeaks = [];
// The plate reader at threshold_d 0.1 (half its default) on the default redaction's output: the
// margin left for JPEG noise, as the check reads the photo before its JPEG encode.
const lowLeaks = [];
const changed = [];
const loadBefore = loadAverage();
let hiddenPlates = 0;
let hiddenFaces = 0;
// CPU time of every thread of the process (the engine's, the face detectors', sharp's) during
// each redaction: less swayed by the machine's load than wall time.
const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const oldCpu = [];
const newCpu = [];
const readCpu = [];
// Photos whose redacted JPEG is byte for byte the old engine's (with --old-commit).
let sameAsOld = 0;
// Timing first, then the checks: per photo each engine reads it, redacts it and redacts it in mode
// fast, the two taking turns going first (of the old engine's calls only the default redaction is
// timed). Each engine thus makes the same calls: with the checks below run by this checkout's
// engine in the same loop, it was the warmer one, and the same build paired against itself
// measured 0.96–0.99× wall.
const timeNew = async (buf) => {
  await settle();
  let t = performance.now();
  const rc = process.cpuUsage();
  await engine.read(buf, { onPhase: onPhase('read') });
  readCpu.push(cpuMs(rc));
  readMs.push(performance.now() - t);
  await settle();
  t = performance.now();
  const c = process.cpuUsage();
  const r = await engine.redact(buf, { redact: { method }, onPhase: onPhase('redaction') });
  newCpu.push(cpuMs(c));
  redactMs.push(performance.now() - t);
  await settle();
  t = performance.now();
  const fast = await engine.redact(buf, { redact: { method }, config: { mode: 'fast' } });
  fastMs.push(performance.now() - t);
  return { r, fast };
};
const timeOld = async (buf) => {
  await oldEngine.read(buf);
  await settle();
  const t = performance.now();
  const c = process.cpuUsage();
  const { image } = await oldEngine.redact(buf, { redact: { method } });
  oldCpu.push(cpuMs(c));
  oldMs.push(performance.now() - t);
  await oldEngine.redact(buf, { redact: { method }, config: { mode: 'fast' } });
  return image;
};
const outputs = [];
for (const [i, row] of rows.entries()) {
  const buf = readFileSync(join(dev, row.image));
  let oldImage = null;
  if (oldEngine && i % 2 === 1) oldImage = await timeOld(buf);
  const { r, fast } = await timeNew(buf);
  if (oldEngine && i % 2 === 0) oldImage = await timeOld(buf);
  if (oldImage?.equals(r.image)) sameAsOld++;
  hiddenPlates += r.plates.length;
  hiddenFaces += r.faces.length;
  outputs.push({ row, r, fast });
}
for (const { row, r, fast } of outputs) {
  const buf = readFileSync(join(dev, row.image));
  // The plate reader, at its defaults (and at threshold_d 0.1 on the default redaction), on the
  // redacted photo: it must find nothing to read.
  for (const [out, list, config] of [
    [r, leaks],
    [fast, fastLeaks],
    [r, lowLeaks, { threshold_d: 0.1 }],
  ]) {
    const again = await engine.read(out.image, { config });
    if (again.results.length > 0)
      list.push(`${row.image}: ${again.results.map((p) => p.plate).join(', ')}`);
  }
  // Pixels outside every hidden area: unchanged (compared on PNG output, bit for bit).
  const png = await engine.redact(buf, { redact: { method, format: 'png' } });
  const before = await sharp(buf).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer();
  const after = await sharp(png.image).raw().toBuffer();
  const boxes = [...png.plates, ...png.faces].map((a) => a.box);
  let diff = 0;
  for (let y = 0; y < png.height; y++)
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 3;
      if (
        (before[i] !== after[i] ||
          before[i + 1] !== after[i + 1] ||
          before[i + 2] !== after[i + 2]) &&
        !inside(x, y, boxes)
      )
        diff++;
    }
  if (diff > 0) changed.push(`${row.image}: ${diff} pixels`);
}
await engine.close();
await oldEngine?.close();

const f = (x) => x.toFixed(1).padStart(7);
console.log(
  `photos: ${rows.length}  threads: ${threads}  method: ${method}  settle: ${settleMs} ms before each timed call`,
);
console.log(`load average (1, 5, 15 min) before: ${loadBefore}, after: ${loadAverage()}`);
console.log(`hidden: ${hiddenPlates} plate areas, ${hiddenFaces} face areas`);
console.log(`                      p50      p90  (ms)`);
console.log(`plate reader     ${f(pct(readMs, 50))}  ${f(pct(readMs, 90))}`);
console.log(`redaction        ${f(pct(redactMs, 50))}  ${f(pct(redactMs, 90))}`);
console.log(
  `  ratio          ${f(pct(redactMs, 50) / pct(readMs, 50))}× ${f(pct(redactMs, 90) / pct(readMs, 90))}×   (target ≤ 1.5×)`,
);
console.log(
  `  CPU p50 / p90 ms: read ${pct(readCpu, 50).toFixed(1)} / ${pct(readCpu, 90).toFixed(1)}, redaction ${pct(newCpu, 50).toFixed(1)} / ${pct(newCpu, 90).toFixed(1)} (${(pct(newCpu, 50) / pct(readCpu, 50)).toFixed(1)}× / ${(pct(newCpu, 90) / pct(readCpu, 90)).toFixed(1)}×)`,
);
if (pin) {
  console.log(`redaction at ${pin.commit.slice(0, 10)} ${f(pct(oldMs, 50))}  ${f(pct(oldMs, 90))}`);
  console.log(
    `  new/old        ${f(pct(redactMs, 50) / pct(oldMs, 50))}× ${f(pct(redactMs, 90) / pct(oldMs, 90))}×`,
  );
  // Photo by photo: the geometric mean of new/old with a 95 % interval (t on the log ratios).
  const paired = (label, news, olds) => {
    const logs = news.map((x, i) => Math.log(x / olds[i]));
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1));
    const half = (1.96 * sd) / Math.sqrt(logs.length);
    console.log(
      `  ${label} ${Math.exp(mean).toFixed(2)}×  (95 % ${Math.exp(mean - half).toFixed(2)}–${Math.exp(mean + half).toFixed(2)}, photo by photo)`,
    );
  };
  console.log(
    `  output byte for byte the same as at ${pin.commit.slice(0, 10)}: ${sameAsOld} of ${rows.length}`,
  );
  paired('paired new/old, wall', redactMs, oldMs);
  paired('paired new/old, CPU ', newCpu, oldCpu);
  console.log(
    `  CPU p50 / p90 ms at ${pin.commit.slice(0, 10)}: ${pct(oldCpu, 50).toFixed(1)} / ${pct(oldCpu, 90).toFixed(1)}`,
  );
  // Cores a call keeps busy on average: its CPU time (every thread) over its wall time.
  const cores = (cpu, wall) =>
    (cpu.reduce((a, b) => a + b, 0) / wall.reduce((a, b) => a + b, 0)).toFixed(2);
  console.log(
    `  cores used (CPU / wall, all photos): read ${cores(readCpu, readMs)}, redaction ${cores(newCpu, redactMs)}, at ${pin.commit.slice(0, 10)} ${cores(oldCpu, oldMs)}`,
  );
}
for (const [kind, byPhase] of Object.entries(phases))
  console.log(
    `  ${kind} phases, p50 ms: ${Object.entries(byPhase)
      .map(([phase, ms]) => `${phase} ${pct(ms, 50).toFixed(1)}`)
      .join(', ')}`,
  );
console.log(`redaction, fast  ${f(pct(fastMs, 50))}  ${f(pct(fastMs, 90))}`);
console.log(
  `  ratio          ${f(pct(fastMs, 50) / pct(readMs, 50))}× ${f(pct(fastMs, 90) / pct(readMs, 90))}×   (target ≤ 1.5×)`,
);
console.log(`plates read in redacted photos: ${leaks.length} of ${rows.length} (target 0)`);
for (const l of leaks) console.log(`  ${l}`);
console.log(`  with the reader at threshold_d 0.1: ${lowLeaks.length} of ${rows.length}`);
for (const l of lowLeaks) console.log(`  ${l}`);
console.log(`  with mode fast: ${fastLeaks.length} of ${rows.length}`);
for (const l of fastLeaks) console.log(`  ${l}`);
console.log(`photos with a pixel changed outside the hidden areas: ${changed.length} (target 0)`);
for (const c of changed) console.log(`  ${c}`);
process.exitCode = leaks.length || changed.length ? 1 : 0;
