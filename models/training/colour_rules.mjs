#!/usr/bin/env node
// The four constants of the vehicle colour rule (libs/engine/src/vehicle/color.ts COLOUR_RULE:
// grey chroma, black and white lightness, black share), fitted by grid search on the known-colour
// `train` crops of ../shared/vehicle-attrs with the engine's own functions: the crop white-patch
// balanced, the detector box (the crop less its 5 % margins), the plate the engine's plate
// detector finds there left out, the body band's pixels in CIELAB (bodyLab) named and voted
// (nameShares). Prints the best settings on train; --dev also scores every setting on the dev
// crops (the shipped COLOUR_RULE was chosen there: the train crops, cast dash-cam frames, cannot
// calibrate colour) and a leave-one-out estimate of choosing on dev: each dev crop named with the
// setting that is best on the other dev crops. --dump FILE writes each crop's pixel counts per
// colour name under the shipped COLOUR_RULE (white_silver_probe.py reads them).
//
//   node models/training/colour_rules.mjs [--data ../shared/vehicle-attrs] [--dev] [--dump FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cropBox, dataDir, engine, plateFinder, readLabels } from './vehicle_crops.mjs';

const argv = process.argv.slice(2);
const data = dataDir(argv);
const { decodeImage } = engine('./dist/image/decode.js');
const { bodyLab, labColor, nameShares, whitePatchGains, COLOUR_RULE } =
  engine('./dist/vehicle/color.js');
const bestPlate = await plateFinder();

const t0 = process.cpuUsage();
const rows = readLabels(join(data, 'labels.csv')).filter(
  (r) => r.color !== 'unknown' && (r.split === 'train' || argv.includes('--dev')),
);
const crops = [];
for (const r of rows) {
  const img = await decodeImage(readFileSync(join(data, r.image)));
  const box = cropBox(img);
  const plate = await bestPlate(img);
  crops.push({ r, lab: bodyLab(img, box, plate ? [plate.box] : [], whitePatchGains(img)) });
}
const hits = (rule, split) =>
  crops
    .filter((c) => c.r.split === split)
    .map((c) => nameShares(c.lab, rule)[0].color === c.r.color);
const right = (rule, split) => hits(rule, split).filter(Boolean).length;
const n = (split) => crops.filter((c) => c.r.split === split).length;
const settings = [];
for (const greyChroma of [8, 10, 12, 14, 16, 20])
  for (const blackL of [25, 30, 35])
    for (const whiteL of [75, 80, 85])
      for (const blackShare of [0, 0.35, 0.5, 0.65]) {
        // darkL stays 0.7 × blackL, as the form was written
        const rule = { greyChroma, blackL, whiteL, blackShare, darkL: 0.7 * blackL };
        settings.push([right(rule, 'train'), rule]);
      }
settings.sort((a, b) => b[0] - a[0]);
console.log(`train crops of known colour: ${n('train')}; ${settings.length} settings`);
for (const [ok, rule] of settings.slice(0, 8))
  console.log(`  ${ok}/${n('train')}  ${JSON.stringify(rule)}`);
const always = (c) => crops.filter((x) => x.r.split === 'train' && x.r.color === c).length;
console.log(`  (always black: ${always('black')}/${n('train')})`);
if (argv.includes('--dev')) {
  console.log(`dev crops (${n('dev')}):`);
  console.log(`  best on train: ${right(settings[0][1], 'dev')}`);
  console.log(`  shipped COLOUR_RULE: ${right(COLOUR_RULE, 'dev')}`);
  const onDev = settings.map(([, rule]) => [hits(rule, 'dev'), rule]);
  const total = onDev.map(([h]) => h.filter(Boolean).length);
  const order = total.map((t, i) => [t, i]).sort((a, b) => b[0] - a[0]);
  for (const [t, i] of order.slice(0, 8))
    console.log(`  ${t}/${n('dev')}  ${JSON.stringify(onDev[i][1])}`);
  let loo = 0;
  for (let k = 0; k < n('dev'); k++) {
    let best = 0;
    onDev.forEach(([h], i) => {
      if (total[i] - h[k] > total[best] - onDev[best][0][k]) best = i;
    });
    loo += onDev[best][0][k];
  }
  console.log(`  leave-one-out, the setting chosen on the other dev crops: ${loo}/${n('dev')}`);
}
const dump = argv.indexOf('--dump');
if (dump >= 0) {
  const counts = (lab) => {
    const n = {};
    for (let i = 0; i < lab.length; i += 3) {
      const c = labColor(lab[i], lab[i + 1], lab[i + 2]);
      n[c] = (n[c] ?? 0) + 1;
    }
    return n;
  };
  const out = crops.map((c) => ({
    image: c.r.image,
    split: c.r.split,
    color: c.r.color,
    answer: nameShares(c.lab)[0].color,
    counts: counts(c.lab),
  }));
  writeFileSync(argv[dump + 1], JSON.stringify(out));
  console.log(`wrote ${out.length} crops' colour counts to ${argv[dump + 1]}`);
}
const cpu = process.cpuUsage(t0);
console.log(`CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
