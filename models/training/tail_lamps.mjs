#!/usr/bin/env node
// The tail-lamp evidence for `mmc` orientation (libs/engine/src/vehicle/lamps.ts): LampRed of each
// `train` crop of ../shared/vehicle-attrs labelled Front or Rear (the engine's own function on the
// detector box, i.e. the crop less its 5 % margins), counted into LAMP_BANDS; prints each band's
// rear-over-front likelihood ratio (add-one smoothing) for lamps.ts. The dev crops are only
// measured (--dev): the head's orientation alone against the head with the lamps.
//
//   node models/training/tail_lamps.mjs [--data ../shared/vehicle-attrs] [--dev]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { repoRoot } from './ort.mjs';

const argv = process.argv.slice(2);
const data = resolve(
  repoRoot,
  argv.includes('--data') ? argv[argv.indexOf('--data') + 1] : '../shared/vehicle-attrs',
);
const req = createRequire(join(repoRoot, 'libs/engine/package.json'));
const { decodeImage } = req('./dist/image/decode.js');
const { lampRed, lampLikelihood, LAMP_BANDS, LAMP_RULE } = req('./dist/vehicle/lamps.js');

/** labels.csv, with quoted fields (source holds commas) */
function readLabels(file) {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean);
  const head = lines[0].split(',');
  return lines.slice(1).map((line) => {
    const cells = line
      .match(/("[^"]*"|[^,]*)(,|$)/g)
      .map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));
    return Object.fromEntries(head.map((h, i) => [h, cells[i]]));
  });
}

const rows = readLabels(join(data, 'labels.csv')).filter((r) => r.orientation !== 'Unknown');
const boxOf = (img) => ({
  xmin: img.width / 22,
  ymin: img.height / 22,
  xmax: img.width - img.width / 22,
  ymax: img.height - img.height / 22,
});
const counts = { Front: LAMP_BANDS.map(() => 0), Rear: LAMP_BANDS.map(() => 0) };
const dev = [];
for (const r of rows) {
  const img = await decodeImage(readFileSync(join(data, r.image)));
  const l = lampRed(img, boxOf(img));
  if (r.split === 'dev') dev.push([r, l]);
  if (r.split !== 'train' || l.middle >= LAMP_RULE.redBody) continue;
  counts[r.orientation][LAMP_BANDS.findIndex((b) => l.side < b.upTo)]++;
}
const n = (o) => counts[o].reduce((a, b) => a + b, 0);
const k = LAMP_BANDS.length;
console.log(`train crops counted: Front ${n('Front')}, Rear ${n('Rear')}`);
LAMP_BANDS.forEach((b, i) => {
  const ratio = (counts.Rear[i] + 1) / (n('Rear') + k) / ((counts.Front[i] + 1) / (n('Front') + k));
  console.log(
    `  side < ${b.upTo}: Front ${counts.Front[i]}, Rear ${counts.Rear[i]} → rearOverFront ${ratio.toFixed(2)}`,
  );
});
if (argv.includes('--dev')) {
  const { createEngine } = req('./dist/index.js');
  const { classifyVehicles } = req('./dist/vehicle/attributes.js');
  const { withLamps } = req('./dist/vehicle/lamps.js');
  const engine = await createEngine({ threads: 1 });
  let head = 0;
  let both = 0;
  for (const [r, l] of dev) {
    const img = await decodeImage(readFileSync(join(data, r.image)));
    const o = (await classifyVehicles(engine['describer']['attributes'], [img]))[0].orientation;
    head += o[0].value === r.orientation;
    both += withLamps(o, lampLikelihood(l))[0].value === r.orientation;
  }
  console.log(
    `dev crops (measured only): head ${head}/${dev.length}, head with lamps ${both}/${dev.length}`,
  );
  await engine.close();
}
