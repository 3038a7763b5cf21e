#!/usr/bin/env node
// Frozen MobileNetV2 features of the vehicle-attrs crops, for train_vehicle.py (cached in --out,
// never committed). Preprocessing is the engine's own (libs/engine/dist/vehicle/attributes.js:
// stretch to 224², ImageNet normalisation), so the heads see at training what they see in service.
// Train crops get views: plain, mirrored, two random sub-crops (one mirrored) and two colour-jittered
// ones (only the orientation and type heads train on those: jitter changes the colour label).
//
//   node models/training/vehicle_features.mjs --out /tmp/platewise-vehicle [--data ../shared/vehicle-attrs]
//   node models/training/vehicle_features.mjs --out /tmp/platewise-vehicle --states ../shared/alpr-crops-us
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { loadOrt, repoRoot } from './ort.mjs';
import { readLabels } from './vehicle_crops.mjs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce((a, x, i, all) => (x.startsWith('--') ? [...a, [x.slice(2), all[i + 1]]] : a), []),
);
const out = resolve(args.out ?? '/tmp/platewise-vehicle');
const data = resolve(repoRoot, args.data ?? '../shared/vehicle-attrs');
const backbone = resolve(repoRoot, args.backbone ?? '../shared/models/mobilenetv2-12-int8.onnx');
const patch = resolve(args.patch ?? join(out, 'features.patch'));
mkdirSync(out, { recursive: true });

const req = createRequire(join(repoRoot, 'libs/engine/package.json'));
const { attributeTensor } = req('./dist/vehicle/attributes.js');
const { decodeImage } = req('./dist/image/decode.js');
const ort = loadOrt();

// A small deterministic generator: the same views every run.
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;

function flip(img) {
  const d = Buffer.allocUnsafe(img.data.length);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++)
      img.data.copy(
        d,
        (y * img.width + img.width - 1 - x) * 3,
        (y * img.width + x) * 3,
        (y * img.width + x) * 3 + 3,
      );
  return { ...img, data: d };
}
function subCrop(img) {
  const s = 0.8 + 0.2 * rand();
  const w = Math.max(8, Math.round(img.width * (s + (1 - s) * rand())));
  const h = Math.max(8, Math.round(img.height * (s + (1 - s) * rand())));
  const x0 = Math.floor(rand() * (img.width - w + 1));
  const y0 = Math.floor(rand() * (img.height - h + 1));
  const d = Buffer.allocUnsafe(w * h * 3);
  for (let y = 0; y < h; y++)
    img.data.copy(
      d,
      y * w * 3,
      ((y0 + y) * img.width + x0) * 3,
      ((y0 + y) * img.width + x0 + w) * 3,
    );
  return { data: d, width: w, height: h };
}
function jitter(img) {
  const gain = [0.75 + 0.5 * rand(), 0.75 + 0.5 * rand(), 0.75 + 0.5 * rand()];
  const contrast = 0.7 + 0.6 * rand();
  const bright = -40 + 80 * rand();
  const d = Buffer.allocUnsafe(img.data.length);
  for (let i = 0; i < img.data.length; i++) {
    const v = (img.data[i] * gain[i % 3] - 128) * contrast + 128 + bright;
    d[i] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return { ...img, data: d };
}

// --states: the state-labelled US plate crops (../shared/alpr-crops-us) for the plate-state head,
// with sub-crops and brightness changes (never hue: a plate's colours are part of its state).
const states = args.states ? resolve(repoRoot, args.states) : null;
function grey(img) {
  const g = 0.7 + 0.6 * rand();
  const d = Buffer.allocUnsafe(img.data.length);
  for (let i = 0; i < img.data.length; i++)
    d[i] = Math.max(0, Math.min(255, Math.round(img.data[i] * g)));
  return { ...img, data: d };
}
const { resizeRgb } = req('./dist/image/decode.js');
async function small(img) {
  const w = Math.round(60 + 90 * rand());
  const h = Math.max(8, Math.round((img.height * w) / img.width));
  return resizeRgb(await resizeRgb(img, w, h), img.width, img.height);
}
const rows = states
  ? readLabels(join(states, 'labels.csv'))
      .filter((r) => /^[a-z]{2}$/.test(r.state))
      .map((r) => ({ ...r, split: 'train' }))
  : readLabels(join(data, 'labels.csv'));
const session = await ort.InferenceSession.create(
  Buffer.concat([readFileSync(backbone), readFileSync(patch)]),
  {
    intraOpNumThreads: 2,
  },
);
const meta = [];
const feats = [];
const early = [];
const S = 224;
let batch = [];
async function flush() {
  if (!batch.length) return;
  const t = new Float32Array(batch.length * 3 * S * S);
  for (let i = 0; i < batch.length; i++) await attributeTensor(batch[i].img, t, i * 3 * S * S);
  const r = await session.run({ input: new ort.Tensor('float32', t, [batch.length, 3, S, S]) }, [
    'features',
    'early',
  ]);
  const f = r.features.data;
  const e = r.early.data;
  const E = r.early.dims[1];
  for (let i = 0; i < batch.length; i++) {
    feats.push(Float32Array.from(f.subarray(i * 1280, (i + 1) * 1280)));
    early.push(Float32Array.from(e.subarray(i * E, (i + 1) * E)));
    meta.push(batch[i].meta);
  }
  batch = [];
}
const t0 = performance.now();
for (const row of rows) {
  const img = await decodeImage(readFileSync(join(states ?? data, row.image)));
  const id = row.image
    .split('/')
    .pop()
    .replace(/\.(jpg|png)$/, '');
  if (states) {
    const base = { id, state: row.state, plate: row.plate };
    // dev plates are often 60–150 px wide: most views are shrunk to that and blown up again
    const views = [
      ['plain', img],
      ['crop', subCrop(img)],
      ['small', await small(subCrop(img))],
      ['small', await small(img)],
      ['grey', grey(await small(subCrop(img)))],
    ];
    for (const [view, v] of views) {
      batch.push({ img: v, meta: { ...base, view } });
      if (batch.length >= 16) await flush();
    }
    continue;
  }
  const base = {
    id,
    split: row.split,
    type: row.type,
    color: row.color,
    orientation: row.orientation,
  };
  const views = [['plain', img]];
  // dev: the mirrored crop too, to measure averaging a crop with its mirror image (dev is only
  // ever scored, never trained on)
  if (row.split === 'dev') views.push(['flip', flip(img)]);
  if (row.split === 'train') {
    views.push(['flip', flip(img)], ['crop', subCrop(img)], ['crop', flip(subCrop(img))]);
    views.push(['jitter', jitter(subCrop(img))], ['jitter', flip(jitter(img))]);
  }
  for (const [view, v] of views) {
    batch.push({ img: v, meta: { ...base, view } });
    if (batch.length >= 16) await flush();
  }
}
await flush();
const all = new Float32Array(feats.length * 1280);
feats.forEach((f, i) => all.set(f, i * 1280));
const stem = states ? 'states' : 'features';
writeFileSync(join(out, `${stem}.f32`), Buffer.from(all.buffer));
const E = early[0].length;
const allEarly = new Float32Array(early.length * E);
early.forEach((f, i) => allEarly.set(f, i * E));
writeFileSync(join(out, `${stem}.early.f32`), Buffer.from(allEarly.buffer));
writeFileSync(join(out, `${stem}.json`), JSON.stringify(meta));
console.log(
  `${meta.length} feature rows from ${rows.length} crops in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${out}`,
);
