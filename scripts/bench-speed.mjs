#!/usr/bin/env node
// Speed benchmark: model load time, per-photo latency (p50/p90, regular and fast mode) over the
// dev photos with models loaded, and peak RSS. Uses the built engine (libs/engine/dist).
//
//   pnpm bench:speed [--threads 2] [--rounds 1] [--recognizer ensemble|ppocr|crnn]
//
// Other CPU-heavy processes skew these figures; stop them while measuring.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { createEngine } = require(join(root, 'libs/engine/dist/index.js'));
const dev = resolve(root, process.env.PLATEWISE_DEV_SET || '../shared/alpr-dev');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const threads = Number(opt('--threads', '2'));
const rounds = Number(opt('--rounds', '1'));
const recognizer = opt('--recognizer');

const rows = readFileSync(join(dev, 'dataset.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const images = rows.map((r) => ({ set: r.set, buf: readFileSync(join(dev, r.image)) }));
const hints = { us: ['us'], br: ['br'], eu: ['sk', 'cz', 'pl', 'gb', 'de'] };

const t0 = performance.now();
const engine = await createEngine({ threads, ...(recognizer ? { recognizer } : {}) });
const loadMs = performance.now() - t0;

const q = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((sorted.length - 1) * p)))];
const fmt = (x) => x.toFixed(1).padStart(7);
console.log(`recognizer ${engine.recognizer}; threads ${threads}; ${images.length} photos × ${rounds} round(s); model load ${loadMs.toFixed(0)} ms (engine reports ${engine.loadTimeMs.toFixed(0)} ms)`);
console.log('mode        p50 ms  p90 ms  mean ms  (wall per engine.read, decode included)');
const summary = {};
for (const mode of ['regular', 'fast']) {
  const times = [];
  for (let r = 0; r < rounds; r++) {
    for (const img of images) {
      const t = performance.now();
      await engine.read(img.buf, { regions: hints[img.set], config: { mode } });
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, x) => s + x, 0) / times.length;
  summary[mode] = q(times, 0.5);
  console.log(`${mode.padEnd(10)}${fmt(q(times, 0.5))} ${fmt(q(times, 0.9))} ${fmt(mean)}`);
}
console.log(`fast vs regular p50: ${((1 - summary.fast / summary.regular) * 100).toFixed(0)} % faster`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
await engine.close();
