#!/usr/bin/env node
// Speed benchmark: the old reading path (issue 5's default, ENGINE_RECOGNIZER=ensemble: PP-OCRv4 +
// platewise-rec-v1) and the new one (the engine's default) side by side in ONE run, because absolute
// times on shared machines drift 2–3× from day to day: per-photo latency p50/p90 in regular and
// fast mode over the dev photos (models loaded; the two engines take turns photo by photo, so
// drift hits both alike), the new/old ratios, and each path's peak RSS (measured in a child
// process of its own: load + one pass over the photos). Uses the built engine (libs/engine/dist).
//
//   pnpm bench:speed [--threads 2] [--rounds 1] [--old ensemble] [--new cct]
//   pnpm bench:speed --thread   the engine in process (old) against the same engine in a worker
//                               thread of its own (new), as workers run it (createThreadedEngine)
//
// Other CPU-heavy processes skew these figures; stop them while measuring.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { createEngine, createThreadedEngine } = require(join(root, 'libs/engine/dist/index.js'));
const dev = resolve(root, process.env.PLATEWISE_DEV_SET || '../shared/alpr-dev');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const threads = Number(opt('--threads', '2'));
const rounds = Number(opt('--rounds', '1'));
const oldMode = opt('--old', 'ensemble');
const newMode = opt('--new'); // default: whatever the engine defaults to

const rows = readFileSync(join(dev, 'dataset.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const images = rows.map((r) => ({ set: r.set, buf: readFileSync(join(dev, r.image)) }));
const hints = { us: ['us'], br: ['br'], eu: ['sk', 'cz', 'pl', 'gb', 'de'] };
const load = (mode) => createEngine({ threads, ...(mode ? { recognizer: mode } : {}) });

// Child: one engine, one pass in each mode, then report the process's peak RSS.
if (args.includes('--rss-of')) {
  const mode = opt('--rss-of');
  const engine = await load(mode === 'default' ? undefined : mode);
  for (const config of [{ mode: 'regular' }, { mode: 'fast' }])
    for (const img of images) await engine.read(img.buf, { regions: hints[img.set], config });
  await engine.close();
  console.log(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const threaded = args.includes('--thread');
const t0 = performance.now();
const engines = { old: await load(threaded ? undefined : oldMode) };
const loadOld = performance.now() - t0;
engines.new = threaded
  ? await createThreadedEngine({ threads, readTimeoutMs: 600_000 })
  : await load(newMode);
const loadNew = performance.now() - t0 - loadOld;

const q = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((sorted.length - 1) * p)))];
const fmt = (x) => x.toFixed(1).padStart(7);
console.log(
  `old: ${engines.old.recognizer} (load ${loadOld.toFixed(0)} ms); new: ${engines.new.recognizer}` +
    `${engines.new.plateReader ? ` with ${engines.new.plateReader}` : ''} (load ${loadNew.toFixed(0)} ms); ` +
    `threads ${threads}; ${images.length} photos × ${rounds} round(s), the engines alternating photo by photo`,
);
console.log('path  mode        p50 ms  p90 ms  mean ms  (wall per engine.read, decode included)');
const p50 = {};
for (const mode of ['regular', 'fast']) {
  const times = { old: [], new: [] };
  for (let r = 0; r < rounds; r++)
    for (const img of images)
      for (const k of r % 2 ? ['new', 'old'] : ['old', 'new']) {
        const t = performance.now();
        await engines[k].read(img.buf, { regions: hints[img.set], config: { mode } });
        times[k].push(performance.now() - t);
      }
  for (const k of ['old', 'new']) {
    const s = times[k].sort((a, b) => a - b);
    p50[`${k}:${mode}`] = q(s, 0.5);
    console.log(
      `${k.padEnd(5)} ${mode.padEnd(10)}${fmt(q(s, 0.5))} ${fmt(q(s, 0.9))} ${fmt(s.reduce((a, x) => a + x, 0) / s.length)}`,
    );
  }
}
await engines.old.close();
await engines.new.close();
const ratio = (a, b) => (p50[a] / p50[b]).toFixed(2);
if (threaded) {
  console.log(`old: in process; new: in a worker thread (as workers read)`);
  console.log(
    `thread regular p50 / in-process regular p50 = ${ratio('new:regular', 'old:regular')}   (target ≤ 1.05)`,
  );
  console.log(`thread fast p50 / in-process fast p50       = ${ratio('new:fast', 'old:fast')}`);
  process.exit(0);
}
console.log(
  `new regular p50 / old regular p50 = ${ratio('new:regular', 'old:regular')}   (target ≤ 0.5)`,
);
console.log(
  `new fast p50 / old regular p50    = ${ratio('new:fast', 'old:regular')}   (target ≤ 0.35)`,
);
console.log(`new fast p50 / old fast p50       = ${ratio('new:fast', 'old:fast')}`);

const rss = (mode) => {
  const res = spawnSync(
    process.execPath,
    [import.meta.filename, '--rss-of', mode, '--threads', String(threads)],
    { encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`RSS child for ${mode} failed: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()).maxRssMb;
};
const rssOld = rss(oldMode);
const rssNew = rss(newMode ?? 'default');
console.log(
  `peak RSS (own process: load + one pass, regular and fast): old ${rssOld.toFixed(0)} MB, new ${rssNew.toFixed(0)} MB (new/old ${(rssNew / rssOld).toFixed(2)})`,
);
