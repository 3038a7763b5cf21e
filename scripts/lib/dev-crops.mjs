// Shared by bench:accuracy: the dev photos' labelled boxes read by a plate reader alone, and the
// region code each dev photo should get. Uses the built engine (libs/engine/dist).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const dist = join(root, 'libs/engine/dist');

/**
 * Each CCT reader's text for the labelled box of every dev row, padded by 15 % per side (the crop
 * the published 91.2 % was measured on) and resized to 128×64 as the engine does (Pillow-exact
 * bilinear); for a reader with a region head also the % of crops whose head picks the photo's set
 * (us / eu / br). Returns { [file]: { texts, msPerCrop, head } }, `texts` in the order of `rows`.
 */
export async function readDevCrops(dev, rows, files) {
  const ort = require(require.resolve('onnxruntime-node', { paths: [join(root, 'libs/engine')] }));
  const { decodeImage, cropRgb } = require(join(dist, 'image/decode.js'));
  const { greedySlots, slotInput, HEAD_REGIONS, SLOT_H, SLOT_W, SLOT_CLASSES } = require(
    join(dist, 'ocr/slot-reader.js'),
  );
  const inputs = [];
  for (const row of rows) {
    const img = await decodeImage(readFileSync(join(dev, row.image)));
    const b = row.box;
    const w = b.xmax - b.xmin;
    const h = b.ymax - b.ymin;
    const x0 = Math.max(0, Math.round(b.xmin - 0.15 * w));
    const y0 = Math.max(0, Math.round(b.ymin - 0.15 * h));
    const x1 = Math.min(img.width, Math.round(b.xmax + 0.15 * w));
    const y1 = Math.min(img.height, Math.round(b.ymax + 0.15 * h));
    inputs.push(slotInput(cropRgb(img, x0, y0, x1 - x0, y1 - y0)));
  }
  const out = {};
  for (const file of files) {
    if (!existsSync(file)) continue;
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
    const feed = (x) => ({
      [session.inputNames[0]]: new ort.Tensor('uint8', x, [1, SLOT_H, SLOT_W, 3]),
    });
    await session.run(feed(inputs[0])); // the first run finishes ONNX Runtime's set-up: not timed
    const texts = [];
    let headRight = 0;
    let ms = 0;
    for (let i = 0; i < rows.length; i++) {
      const t = performance.now();
      const res = await session.run(feed(inputs[i]));
      ms += performance.now() - t;
      const p = res[session.outputNames[0]].data;
      texts.push(greedySlots({ p, slots: p.length / SLOT_CLASSES, region: null }));
      const region = session.outputNames[1] ? res[session.outputNames[1]].data : null;
      if (region && HEAD_REGIONS[region.indexOf(Math.max(...region))] === rows[i].set) headRight++;
    }
    await session.release();
    const head = session.outputNames[1]
      ? Number(((100 * headRight) / rows.length).toFixed(1))
      : null;
    out[file] = { texts, msPerCrop: ms / rows.length, head };
  }
  return out;
}

/** Exact-match % per set of `texts` (one per row) against the rows' labels, and the misreads. */
export function cropFigures(rows, texts) {
  const right = {};
  const errors = [];
  rows.forEach((row, i) => {
    const truth = row.plate.toUpperCase().replace(/[\s-]/g, '');
    for (const k of [row.set, 'all']) {
      right[k] ??= [0, 0];
      right[k][1]++;
      if (texts[i] === truth) right[k][0]++;
    }
    if (texts[i] !== truth) errors.push(`${row.image}: ${truth} → ${texts[i]}`);
  });
  const pct = (k) => Number(((100 * right[k][0]) / right[k][1]).toFixed(1));
  return { us: pct('us'), eu: pct('eu'), br: pct('br'), all: pct('all'), n: right.all, errors };
}

// European dev photos whose country is not in their text's format, as the photo shows it
// (checked by eye: the band's letters / the plate's style).
const EU_SEEN = { 'images/eu/eu8.jpg': 'cz', 'images/eu/eu1.jpg': 'de', 'images/eu/eu2.jpg': 'de' };

/**
 * The region code a dev photo should get: us / br for those sets; for Europe the country the plate
 * shows, from the format of its (correct) label where only one country in the set uses it —
 * Slovak LLNNNLL district plates, Czech NLNNNNN / NLLNNNN, British LLNNLLL — else EU_SEEN.
 */
export function truthRegion(row) {
  if (row.set !== 'eu') return row.set;
  if (EU_SEEN[row.image]) return EU_SEEN[row.image];
  const t = row.plate.toUpperCase();
  if (/^[A-Z]{2}\d{3}[A-Z]{2}$/.test(t)) return 'sk';
  if (/^\d[A-Z][A-Z0-9]\d{4}$/.test(t)) return 'cz';
  if (/^[A-Z]{2}\d{2}[A-Z]{3}$/.test(t)) return 'gb';
  return null;
}
