#!/usr/bin/env node
// The evidence beside the orientation head for `mmc` (libs/engine/src/vehicle/orientation-cues.ts),
// counted on the `train` crops of ../shared/vehicle-attrs labelled Front or Rear, with the engine's
// own functions on the detector box (the crop less its 5 % margins):
//  - tail lamps: LampRed per crop, counted into LAMP_BANDS (crops with a red body left out); prints
//    each band's rear-over-front likelihood ratio (add-one smoothing);
//  - the plate's place: the engine's plate detector (320 input, threshold_d 0.2) on the crop, the
//    best plate's centre height in the box; prints mean and sd per view (PLATE_PLACE).
// --dev only measures the dev crops: the head alone, with each cue, with both.
//
//   node models/training/orientation_cues.mjs [--data ../shared/vehicle-attrs] [--dev]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cropBox, dataDir, engine, plateFinder, readLabels } from './vehicle_crops.mjs';

const argv = process.argv.slice(2);
const data = dataDir(argv);
const { decodeImage } = engine('./dist/image/decode.js');
const { lampRed, lampLikelihood, placeLikelihood, platePlace, withCues, LAMP_BANDS, LAMP_RULE } =
  engine('./dist/vehicle/orientation-cues.js');
const bestPlate = await plateFinder();

const rows = readLabels(join(data, 'labels.csv')).filter((r) => r.orientation !== 'Unknown');
const counts = { Front: LAMP_BANDS.map(() => 0), Rear: LAMP_BANDS.map(() => 0) };
const places = { Front: [], Rear: [] };
const dev = [];
for (const r of rows) {
  const img = await decodeImage(readFileSync(join(data, r.image)));
  const box = cropBox(img);
  const lamps = lampRed(img, box);
  const plate = await bestPlate(img);
  const place = plate ? platePlace(box, [plate.box]) : null;
  if (r.split === 'dev') dev.push([r, lamps, place]);
  if (r.split !== 'train') continue;
  if (place !== null) places[r.orientation].push(place);
  if (lamps.middle < LAMP_RULE.redBody)
    counts[r.orientation][LAMP_BANDS.findIndex((b) => lamps.side < b.upTo)]++;
}
const n = (o) => counts[o].reduce((a, b) => a + b, 0);
const k = LAMP_BANDS.length;
console.log(`tail lamps, train crops counted: Front ${n('Front')}, Rear ${n('Rear')}`);
LAMP_BANDS.forEach((b, i) => {
  const ratio = (counts.Rear[i] + 1) / (n('Rear') + k) / ((counts.Front[i] + 1) / (n('Front') + k));
  console.log(
    `  side < ${b.upTo}: Front ${counts.Front[i]}, Rear ${counts.Rear[i]} → rearOverFront ${ratio.toFixed(2)}`,
  );
});
console.log('plate place, train crops with a plate found:');
for (const [o, ys] of Object.entries(places)) {
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sd = Math.sqrt(ys.reduce((a, y) => a + (y - mean) ** 2, 0) / (ys.length - 1));
  console.log(`  ${o}: ${ys.length} crops, mean ${mean.toFixed(3)}, sd ${sd.toFixed(3)}`);
}
if (argv.includes('--dev')) {
  const { createEngine } = engine('./dist/index.js');
  const { classifyVehicles } = engine('./dist/vehicle/attributes.js');
  const engine = await createEngine({ threads: 1 });
  const right = { head: 0, lamps: 0, place: 0, both: 0 };
  for (const [r, lamps, place] of dev) {
    const img = await decodeImage(readFileSync(join(data, r.image)));
    const o = (await classifyVehicles(engine['describer']['attributes'], [img]))[0].orientation;
    const l = lampLikelihood(lamps);
    const p = placeLikelihood(place);
    const top = (ratio) => withCues(o, ratio)[0].value === r.orientation;
    right.head += top(1);
    right.lamps += top(l);
    right.place += top(p);
    right.both += top(l * p);
  }
  console.log(
    `dev crops (measured only, ${dev.length}): head ${right.head}, with lamps ${right.lamps}, ` +
      `with the plate's place ${right.place}, with both ${right.both}`,
  );
  await engine.close();
}
