#!/usr/bin/env node
// The plate's shape as the engine's plate detector sees it, per region group, measured on the
// training plate crops (never on the dev photos): a US plate is 12×6 in (2:1), a Brazilian or
// Mercosur plate 400×130 mm (3.1:1), a European one 520×110 mm (4.7:1), and the detector's quad
// keeps much of that difference. Each crop is pasted, shrunk to a random width of 60–200 px (the
// plate widths of client photos), into a 640×480 grey canvas; the detector runs as in the engine
// (320 input, threshold_d 0.2) and the best detection's quad aspect (the mean of its top and
// bottom edges over the mean of its sides, read-plate.ts) is kept, apart for the detections the
// detector calls single-row and two-row. Writes the mean and standard deviation of log(aspect)
// per group and row count, and over all two-row detections pooled: plates/region-prior.ts's
// PLATE_ASPECT and PLATE_ASPECT_TWO_ROW.
//
//   node models/training/plate_aspect.mjs [--per-set 400] [--out /tmp/platewise-aspect.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { loadOrt, repoRoot } from './ort.mjs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce((a, x, i, all) => (x.startsWith('--') ? [...a, [x.slice(2), all[i + 1]]] : a), []),
);
const perSet = Number(args['per-set'] ?? 400);
const out = resolve(args.out ?? '/tmp/platewise-aspect.json');
const shared = resolve(repoRoot, '../shared');
const req = createRequire(join(repoRoot, 'libs/engine/package.json'));
const { decodeImage, resizeRgb } = req('./dist/image/decode.js');
const { detectPlates, saneCorners } = req('./dist/detect/plate.js');
const { dist } = req('./dist/geometry/warp.js');
const ort = loadOrt();
const session = await ort.InferenceSession.create(
  join(repoRoot, 'models/weights/y5fu_320x_sim.onnx'),
  { intraOpNumThreads: 1, interOpNumThreads: 1 },
);

let seed = 4242;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;

function csv(file) {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean);
  const head = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((c, i) => [head[i], c])));
}

/** every n-th row, so each set gives at most perSet crops spread over the whole list */
const spread = (rows) =>
  rows.filter((_, i) => i % Math.max(1, Math.ceil(rows.length / perSet)) === 0);

const intl = csv(join(shared, 'alpr-crops-intl/labels.csv'));
const inFolder = (f) => intl.filter((r) => r.image.startsWith(`images/${f}/`));
const sets = {
  us: spread(csv(join(shared, 'alpr-crops-us/labels.csv'))).map((r) =>
    join(shared, 'alpr-crops-us', r.image),
  ),
  br: spread([...inFolder('br-cc'), ...inFolder('br-agreed')]).map((r) =>
    join(shared, 'alpr-crops-intl', r.image),
  ),
  ar: spread(inFolder('ar')).map((r) => join(shared, 'alpr-crops-intl', r.image)),
  eu: spread([...inFolder('pseudo-eu'), ...inFolder('eu2')]).map((r) =>
    join(shared, 'alpr-crops-intl', r.image),
  ),
  ro: spread(inFolder('pseudo-ro')).map((r) => join(shared, 'alpr-crops-intl', r.image)),
};

const W = 640;
const H = 480;
async function aspectOf(file) {
  const crop = await decodeImage(readFileSync(file));
  const w = Math.round(60 + rand() * 140);
  const h = Math.max(8, Math.round((crop.height * w) / crop.width));
  const small = await resizeRgb(crop, w, h);
  const data = Buffer.alloc(W * H * 3, 110);
  const x0 = Math.floor(rand() * (W - w));
  const y0 = Math.floor(H * 0.3 + rand() * (H * 0.6 - h));
  for (let y = 0; y < h; y++)
    small.data.copy(data, ((y0 + y) * W + x0) * 3, y * w * 3, (y + 1) * w * 3);
  const dets = await detectPlates(session, { data, width: W, height: H }, 320, 0.2);
  const d = dets.sort((a, b) => b.score - a.score)[0];
  if (!d) return null;
  const c = saneCorners(d);
  const qw = (dist(c[0], c[1]) + dist(c[3], c[2])) / 2;
  const qh = (dist(c[0], c[3]) + dist(c[1], c[2])) / 2;
  return qh > 0 ? { aspect: qw / qh, rows: d.rows } : null;
}

/** mean and standard deviation of log aspects, with the count and the 10 / 50 / 90 % aspects */
function fit(logs) {
  const n = logs.length;
  const mean = logs.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, n - 1));
  const q = (p) => Math.exp([...logs].sort((a, b) => a - b)[Math.floor(p * (n - 1))]);
  return { n, mean: +mean.toFixed(3), sd: +sd.toFixed(3), q10: q(0.1), q50: q(0.5), q90: q(0.9) };
}
const show = (f) =>
  `${f.n} detections, aspect median ${f.q50.toFixed(2)} (10 % ${f.q10.toFixed(2)}, 90 % ${f.q90.toFixed(2)}), ` +
  `log mean ${f.mean.toFixed(3)} sd ${f.sd.toFixed(3)}`;

const result = { singleRow: {}, twoRow: {} };
const allTwo = [];
for (const [group, files] of Object.entries(sets)) {
  const one = [];
  const two = [];
  for (const f of files) {
    const a = await aspectOf(f);
    if (a) (a.rows === 2 ? two : one).push(Math.log(a.aspect));
  }
  allTwo.push(...two);
  result.singleRow[group] = fit(one);
  console.log(`${group} (${files.length} crops) single-row: ${show(result.singleRow[group])}`);
  if (two.length) {
    result.twoRow[group] = fit(two);
    console.log(`${group} two-row: ${show(result.twoRow[group])}`);
  } else console.log(`${group} two-row: none`);
}
// the pooled two-row shape: what a group with too few two-row detections of its own is given
result.twoRowPooled = fit(allTwo);
console.log(`all groups two-row (pooled): ${show(result.twoRowPooled)}`);
writeFileSync(out, JSON.stringify(result, null, 2));
