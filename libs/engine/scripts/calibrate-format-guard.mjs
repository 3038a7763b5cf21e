#!/usr/bin/env node
// Calibrates the format prior's guard (plates/format-guard.ts FORMAT_GUARD) on the labelled US
// training crops (../shared/alpr-crops-us, 745 plates), never on the dev photos: each crop is padded
// like the engine's reader crop (15 % of its size per side, edge pixels repeated: the crops are cut
// tight to the plate), read once by the engine's plate reader (and region classifier), and its
// candidates ranked by the engine's own generateCandidates for every guard setting, with the `us`
// hint and without hints. Prints top-1 % (the ranked first text equals the label) per setting.
// Measures; changes nothing.
//
//   node libs/engine/scripts/calibrate-format-guard.mjs [--reader FILE] [--confident 0.9,0.95,…]
//        [--pad-confident 0.6,0.8,…]   (2 = off)
//        [--floor 0.0005,0.005,…]   (PRIOR.floor: the prior of a text that fits no format)
//
// Needs a built engine (libs/engine/dist) and `pnpm models:install`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const dist = resolve(import.meta.dirname, '..', 'dist');
const root = resolve(import.meta.dirname, '../../..');
const ort = require('onnxruntime-node');
const { decodeImage } = require(join(dist, 'image/decode.js'));
const { readSlots, readRegion } = require(join(dist, 'ocr/slot-reader.js'));
const { slotView } = require(join(dist, 'plates/text-views.js'));
const { PRIOR, generateCandidates } = require(join(dist, 'plates/candidates.js'));
const { countryWeights } = require(join(dist, 'plates/region-prior.js'));
const { sureClasses } = require(join(dist, 'plates/format-guard.js'));
const { TUNING } = require(join(dist, 'reading/tuning.js'));

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const weights = join(root, 'models/weights');
const readerFile = opt('--reader', join(weights, 'cct_xs_v1_global.onnx'));
const levels = opt('--confident', '0.8,0.9,0.95,0.97,0.98,0.99,0.995,0.999').split(',').map(Number);
const floors = opt('--floor', String(PRIOR.floor)).split(',').map(Number);
const crops = resolve(root, process.env.PLATEWISE_US_CROPS || '../shared/alpr-crops-us');

/** The crop with `p` of its size added per side, edge pixels repeated (an RgbImage). */
function padded(img, p) {
  const dx = Math.round(p * img.width);
  const dy = Math.round(p * img.height);
  const w = img.width + 2 * dx;
  const h = img.height + 2 * dy;
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, y - dy));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, x - dx));
      img.data.copy(
        data,
        (y * w + x) * 3,
        (sy * img.width + sx) * 3,
        (sy * img.width + sx) * 3 + 3,
      );
    }
  }
  return { data, width: w, height: h };
}

const rows = readFileSync(join(crops, 'labels.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','))
  .map(([image, state, plate]) => ({
    image,
    state,
    plate: plate.toUpperCase().replace(/[\s-]/g, ''),
  }));
const reader = await ort.InferenceSession.create(readerFile, { intraOpNumThreads: 1 });
const region = await ort.InferenceSession.create(join(weights, 'platewise-region-v1.onnx'), {
  intraOpNumThreads: 1,
});
const read = [];
for (const row of rows) {
  const img = padded(await decodeImage(readFileSync(join(crops, row.image))), TUNING.cctPadX);
  const [frames] = await readSlots(reader, [img]);
  const [head] = await readRegion(region, [img]);
  read.push({ ...row, frames, head });
}

const padLevels = opt('--pad-confident', '2,0.6,0.7,0.8,0.9,0.95').split(',').map(Number);
const settings = [];
for (const floor of floors)
  for (const padConfident of padLevels)
    for (const confident of [2, ...levels])
      settings.push({
        label: `floor ${floor}, sure ≥ ${confident > 1 ? 'off' : confident}, pad ≥ ${padConfident > 1 ? 'off' : padConfident}`,
        floor,
        confident,
        padConfident,
      });
console.log(`${rows.length} US training crops, reader ${readerFile.split('/').pop()}`);
console.log('setting                                      us hint   no hint   greedy');
for (const s of settings) {
  PRIOR.floor = s.floor;
  let hinted = 0;
  let plain = 0;
  let greedy = 0;
  for (const r of read) {
    const view = slotView(r.frames, TUNING.cctConfusion);
    const sure = sureClasses(r.frames, s.confident, s.padConfident);
    const base = { textFormats: [], strictRegion: false, sure };
    const groups = [{ name: 'cct', views: [view], weight: 1 }];
    const h = generateCandidates(groups, { ...base, hints: ['us'] });
    const p = generateCandidates(groups, {
      ...base,
      hints: [],
      countryWeights: countryWeights(r.head),
    });
    if (h[0]?.plate === r.plate) hinted++;
    if (p[0]?.plate === r.plate) plain++;
    if (view.readings()[0] === r.plate) greedy++;
  }
  const pct = (n) => ((100 * n) / read.length).toFixed(2).padStart(7);
  console.log(`${s.label.padEnd(42)} ${pct(hinted)}   ${pct(plain)}  ${pct(greedy)}`);
}
