#!/usr/bin/env node
// Calibrates the recogniser ensemble on the dev photos (../shared/alpr-dev): reads every photo once
// with the built engine (libs/engine/dist) in ensemble mode — with its set's region hints and
// without — keeping each plate's recogniser frames, then re-ranks the candidates offline for
// PP-OCRv4 alone, platewise-rec alone and the ensemble at each CRNN weight, and prints top-1 % the
// way scripts/bench-accuracy.mjs scores it (the highest-scoring plate of a photo must equal the
// label; plates under threshold_o are dropped). Measures; changes nothing.
//
//   node libs/engine/scripts/calibrate-ensemble.mjs [--weights 0.25,0.5,1,2] [--rule product|mixture]
//        [--crnn-views 'pad,dx,dy;pad,dx,dy;…'] [--crnn-combine lse|max|mean]
//
// --crnn-views reads platewise-rec on these crops instead of TUNING.crnnViews (test-time
// augmentation, see engine.ts), combined per text by --crnn-combine (default TUNING.crnnCombine).
//
// Needs `pnpm models:install` (platewise-rec included) and a built engine. Region hints as in
// bench:accuracy: us → us, br → br, eu → sk,cz,pl,gb,de.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const dist = resolve(import.meta.dirname, '..', 'dist');
const candidates = require(join(dist, 'plates/candidates.js'));
const { createEngine, ENSEMBLE, TUNING } = require(join(dist, 'index.js'));
const dev = resolve(
  import.meta.dirname,
  '../../..',
  process.env.PLATEWISE_DEV_SET || '../shared/alpr-dev',
);
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const weights = opt('--weights', '0.125,0.25,0.375,0.5,0.75,1,1.5,2').split(',').map(Number);
ENSEMBLE.rule = opt('--rule', ENSEMBLE.rule);
const views = opt('--crnn-views');
if (views) TUNING.crnnViews = views.split(';').map((v) => v.split(',').map(Number));
TUNING.crnnCombine = opt('--crnn-combine', TUNING.crnnCombine);
const HINTS = { us: ['us'], br: ['br'], eu: ['sk', 'cz', 'pl', 'gb', 'de'] };
const THRESHOLD_O = 0.2; // the config default

// Keep the frames each plate's candidates are made from (the engine calls the module's export).
const generate = candidates.generateCandidates;
let calls = [];
candidates.generateCandidates = (groups, ctx, limit) => {
  calls.push({ groups, ctx });
  return generate(groups, ctx, limit);
};

const rows = readFileSync(join(dev, 'dataset.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const engine = await createEngine({ recognizer: 'ensemble' });
const photos = [];
for (const row of rows) {
  const buf = readFileSync(join(dev, row.image));
  for (const hinted of [true, false]) {
    calls = [];
    await engine.read(buf, { regions: hinted ? HINTS[row.set] : [] });
    photos.push({ set: row.set, hinted, gt: row.plate.toUpperCase().replace(/[\s-]/g, ''), calls });
  }
}
await engine.close();
if (!photos.some((p) => p.calls.length))
  throw new Error('no candidate calls captured: is libs/engine/dist current?');

function score(pick) {
  const acc = {};
  for (const p of photos) {
    let best = null;
    for (const call of p.calls) {
      const c = generate(pick(call.groups), call.ctx, 10)[0];
      if (c && c.score >= THRESHOLD_O && (!best || c.score > best.score)) best = c;
    }
    for (const k of [`${p.hinted}:${p.set}`, `${p.hinted}:all`]) {
      acc[k] ??= [0, 0];
      acc[k][1]++;
      if (best?.plate === p.gt) acc[k][0]++;
    }
  }
  const f = (k) => ((100 * acc[k][0]) / acc[k][1]).toFixed(1).padStart(5);
  const line = (h) => `${f(`${h}:all`)} (us ${f(`${h}:us`)} eu ${f(`${h}:eu`)} br ${f(`${h}:br`)})`;
  return {
    hinted: acc['true:all'][0],
    plain: acc['false:all'][0],
    text: `hints ${line(true)}   no hints ${line(false)}`,
  };
}
const only = (name) => (groups) =>
  groups.filter((g) => g.name === name).map((g) => ({ ...g, weight: 1 }));
console.log(
  `${photos.length / 2} photos; rule ${ENSEMBLE.rule}; engine's crnnWeight ${TUNING.crnnWeight}`,
);
console.log(
  `platewise-rec crops ${JSON.stringify(TUNING.crnnViews)}, combined by ${TUNING.crnnCombine}`,
);
console.log(`ppocr          ${score(only('ppocr')).text}`);
console.log(`crnn           ${score(only('crnn')).text}`);
let best = null;
for (const w of weights) {
  const s = score((groups) => groups.map((g) => ({ ...g, weight: g.name === 'crnn' ? w : 1 })));
  console.log(`ensemble w=${String(w).padEnd(5)} ${s.text}`);
  if (!best || s.hinted > best.hinted || (s.hinted === best.hinted && s.plain > best.plain))
    best = { w, ...s };
}
console.log(`best: w=${best.w} (most photos read with hints, then without)`);
