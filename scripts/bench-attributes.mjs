#!/usr/bin/env node
// Vehicle attributes and plate region benchmark (issue 23). Prints figures; never a test.
//  1. the dev split of ../shared/vehicle-attrs (the plate-carrying vehicle of each alpr-dev photo,
//     cut at the detector's box): orientation, colour and type accuracy of the installed heads
//     (platewise-vehicle-v2) beside the majority-class baseline (the commonest class of train),
//     and colour from the pixel rules, the head and mixes of the two;
//  2. through the engine on the 148 dev photos, no region hints, mmc on: the same attributes of
//     the vehicle holding the labelled plate; region country (scripts/lib/dev-crops.mjs) and US
//     state (scripts/lib/dev-us-states.csv, labelled by eye);
//  3. the time mmc adds per call: each photo read with and without mmc (which goes first
//     alternates), p50/p90; and the describer's own work on the photo's vehicle, timed alone.
//     Beside wall time, the process's CPU time (user + system, all threads): on a machine shared
//     with other jobs it is far steadier than wall time, and on an idle one a call's wall time is
//     at most about its CPU time (ONNX Runtime's threads spin while they wait, so CPU time
//     over-counts a little).
//
//   pnpm bench:attributes [--threads 2] [--repeats 1]   (--repeats 3: three pairs per photo, a
//   narrower interval for the median difference)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { readCsv } from './lib/csv.mjs';
import { truthRegion } from './lib/dev-crops.mjs';
import { readDevRows } from './lib/dev-labels.mjs';
import { loadAverage } from './lib/load-average.mjs';
import { opt } from './lib/cli-args.mjs';

const root = resolve(import.meta.dirname, '..');
const dev = resolve(root, process.env.PLATEWISE_DEV_SET || '../shared/alpr-dev');
const attrsDir = resolve(root, process.env.PLATEWISE_ATTRS_SET || '../shared/vehicle-attrs');
const require = createRequire(import.meta.url);
const dist = join(root, 'libs/engine/dist');
const { createEngine } = require(join(dist, 'index.js'));
const { decodeImage } = require(join(dist, 'image/decode.js'));
const { classifyVehicles } = require(join(dist, 'vehicle/attributes.js'));
const { vehicleColor, whitePatchGains } = require(join(dist, 'vehicle/color.js'));
const { combineType, mixColour, MMC } = require(join(dist, 'vehicle/mmc.js'));
const threads = Number(opt('--threads', '2'));
const repeats = Number(opt('--repeats', '1'));

const labels = readCsv(join(attrsDir, 'labels.csv'));
const train = labels.filter((r) => r.split === 'train');
const devRows = labels.filter((r) => r.split === 'dev');
const UNKNOWN = { type: 'Unknown', color: 'unknown', orientation: 'Unknown' };
const ATTRS = ['orientation', 'color', 'type'];
// the majority baseline: the commonest known class of train, answered for every crop
const majority = Object.fromEntries(
  ATTRS.map((a) => {
    const n = new Map();
    for (const r of train) if (r[a] !== UNKNOWN[a]) n.set(r[a], (n.get(r[a]) ?? 0) + 1);
    return [a, [...n].sort((x, y) => y[1] - x[1])[0][0]];
  }),
);
const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1).padStart(5)} % (${a}/${b})` : '   n/a');
const score = (rows, get, a) => {
  const known = rows.filter((r) => r[a] !== UNKNOWN[a]);
  return [known.filter((r) => get(r) === r[a]).length, known.length];
};
const photoOf = (r) => r.source.match(/^alpr-dev:(images\/\S+)/)[1];

const engine = await createEngine({ threads });
console.log(
  `engine: heads ${engine.vehicleAttributes ?? 'none'}, state ${engine.plateState ?? 'none'}, ` +
    `region ${engine.regionClassifier ?? 'none'}, ${threads} threads\n`,
);
const session = engine.vehicleAttributes
  ? engine['describer']['attributes'] // the engine's own session: the same bytes, no second load
  : null;

// 1. the dev split crops
console.log(`=== 1. dev split crops (${devRows.length}; of crops not labelled unknown) ===`);
const crops = {};
for (const r of devRows) {
  const img = await decodeImage(readFileSync(join(attrsDir, r.image)));
  const learned = session ? (await classifyVehicles(session, [img]))[0] : null;
  const w = img.width;
  const h = img.height;
  // the crop is the box + 5 %: the pixel rules get the box back
  const box = { xmin: w / 22, ymin: h / 22, xmax: w - w / 22, ymax: h - h / 22 };
  crops[r.image] = { learned, pixel: vehicleColor(img, box, [], whitePatchGains(img)) };
}
const top = (r, a) => crops[r.image].learned?.[a][0].value;
const rowsOut = [['attribute', 'majority baseline', 'heads (crop)']];
for (const a of ATTRS)
  rowsOut.push([
    a,
    pct(...score(devRows, () => majority[a], a)) + ` [${majority[a]}]`,
    session ? pct(...score(devRows, (r) => top(r, a), a)) : 'not installed',
  ]);
for (const row of rowsOut) console.log(row.map((c, i) => c.padEnd(i ? 34 : 12)).join(''));
if (session) {
  const [r3, n3] = score(
    devRows,
    (r) =>
      crops[r.image].learned.color
        .slice(0, 3)
        .map((c) => c.value)
        .includes(r.color)
        ? r.color
        : null,
    'color',
  );
  console.log(`colour top 3 (head): ${pct(r3, n3)}`);
  console.log('colour: pixel rules / head / mixes (colourMix = weight of the head)');
  for (const mix of [0, 0.25, 0.5, 0.75, 1]) {
    const [ok, n] = score(
      devRows,
      (r) => mixColour(crops[r.image].learned.color, crops[r.image].pixel, mix)[0].value,
      'color',
    );
    console.log(
      `  mix ${mix.toFixed(2)}${mix === MMC.colourMix ? ' (engine)' : '        '} ${pct(ok, n)}`,
    );
  }
}
if (session) {
  // the dev crops carry no detector class: every one is taken as a COCO car (dev has no bus or
  // motorcycle)
  console.log('type: the classifier answered from probability t, else Sedan (typeMinScore = t)');
  for (const t of [0, 0.5, 0.6, 0.7, 0.8, 0.9, Infinity]) {
    const [ok, n] = score(
      devRows,
      (r) => combineType('car', crops[r.image].learned.type, t).value,
      'type',
    );
    const engine = t === MMC.typeMinScore ? ' (engine)' : '         ';
    console.log(`  t ${t === Infinity ? 'never' : t.toFixed(2)}${engine} ${pct(ok, n)}`);
  }
}

// 2. through the engine on the dev photos
const photos = readDevRows(dev);
const attrsOf = new Map(devRows.map((r) => [photoOf(r), r]));
const states = new Map(
  readCsv(join(root, 'scripts/lib/dev-us-states.csv')).map((r) => [r.image, r.state]),
);
const iou = (a, b) => {
  const ix = Math.max(0, Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin));
  const iy = Math.max(0, Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin));
  const i = ix * iy;
  const u = (a.xmax - a.xmin) * (a.ymax - a.ymin) + (b.xmax - b.xmin) * (b.ymax - b.ymin) - i;
  return u > 0 ? i / u : 0;
};
const got = { orientation: [], color: [], type: [] };
const region = { country: [0, 0], state: [0, 0] };
const wrongRegion = [];
const regionPairs = [];
const wrongState = [];
const added = [];
const addedCpu = [];
const describeMs = [];
const describeCpu = [];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let found = 0;
for (const p of photos) {
  const bytes = readFileSync(join(dev, p.image));
  let withMmc;
  for (let k = 0; k < repeats; k++) {
    // which read goes first alternates from photo to photo, so neither always finds warm caches
    const mmcFirst = (photos.indexOf(p) + k) % 2 === 1;
    const timed = async (mmc) => {
      const t = performance.now();
      const c = cpuMs();
      const r = await engine.read(bytes, mmc ? { mmc: true } : {});
      return [r, performance.now() - t, cpuMs() - c];
    };
    const [a, ta, ca] = await timed(mmcFirst);
    const [b, tb, cb] = await timed(!mmcFirst);
    withMmc = mmcFirst ? a : b;
    added.push(mmcFirst ? ta - tb : tb - ta);
    addedCpu.push(mmcFirst ? ca - cb : cb - ca);
  }
  // the labelled plate's result (best overlap), else the top plate
  const results = withMmc.results;
  const best =
    results
      .map((r) => [iou(r.box, p.box), r])
      .filter(([o]) => o > 0.1)
      .sort((a, b) => b[0] - a[0])[0]?.[1] ?? [...results].sort((a, b) => b.score - a.score)[0];
  const truth = truthRegion(p);
  const code = best?.region?.code ?? null;
  if (truth) {
    regionPairs.push([truth, code ? code.split('-')[0] : 'none']);
    region.country[1]++;
    if (code && code.split('-')[0] === truth) region.country[0]++;
    else wrongRegion.push(`${p.image} ${truth}→${code}`);
  }
  if (states.has(p.image)) {
    region.state[1]++;
    const want = `us-${states.get(p.image)}`;
    if (code === want) region.state[0]++;
    else wrongState.push(`${p.image.split('/').pop()} ${want}→${code}`);
  }
  const row = attrsOf.get(p.image);
  if (!row) continue;
  // the work mmc adds, timed alone: the engine's describer on this photo's vehicle (the labelled
  // crop's detector box) with the plate excluded from the colour pixels — what the paired reads
  // measure, without the noise of two whole reads on a shared machine
  if (session) {
    const img = await decodeImage(bytes);
    const [x0, y0, x1, y1] = row.source
      .match(/box=(\d+),(\d+),(\d+),(\d+)/)
      .slice(1)
      .map(Number);
    const vehicle = { box: { xmin: x0, ymin: y0, xmax: x1, ymax: y1 }, score: 1, cls: 'car' };
    const t2 = performance.now();
    const c2 = cpuMs();
    await engine['describer'].describe(img, [vehicle], () => [p.box]);
    describeMs.push(performance.now() - t2);
    describeCpu.push(cpuMs() - c2);
  }
  if (best && best.vehicle?.type) found++;
  got.orientation.push([row, best?.orientation?.[0]?.orientation ?? 'Unknown']);
  got.color.push([row, best?.color?.[0]?.color ?? 'unknown']);
  got.type.push([row, best?.vehicle?.type ?? 'Unknown']);
}
console.log(
  `\n=== 2. through the engine: ${photos.length} dev photos, no hints, mmc on (of crops not labelled unknown) ===`,
);
console.log(`photos with a plate result: ${found}/${attrsOf.size}`);
for (const a of ATTRS) {
  const pairs = got[a].filter(([r]) => r[a] !== UNKNOWN[a]);
  const ok = pairs.filter(([r, v]) => v === r[a]).length;
  const base = pairs.filter(([r]) => r[a] === majority[a]).length;
  console.log(
    `${a.padEnd(12)} engine ${pct(ok, pairs.length)}   majority [${majority[a]}] ${pct(base, pairs.length)}`,
  );
}
// confusion matrices (rows = label, columns = the engine's answer; labels not unknown)
function confusion(title, pairs) {
  const rows = [...new Set(pairs.map(([t]) => t))].sort();
  const cols = [...new Set([...rows, ...pairs.map(([, a]) => a)])].sort();
  console.log(`${title} (rows = label, columns = answer)`);
  console.log(['', ...cols].map((c) => String(c).padStart(13)).join(''));
  for (const t of rows) {
    const line = cols.map((c) => pairs.filter(([x, a]) => x === t && a === c).length || '·');
    const right = pairs.filter(([x, a]) => x === t && a === t).length;
    const all = pairs.filter(([x]) => x === t).length;
    console.log([t, ...line].map((c) => String(c).padStart(13)).join('') + `   ${right}/${all}`);
  }
}
for (const a of ATTRS)
  confusion(
    `\n${a}, engine`,
    got[a].filter(([r]) => r[a] !== UNKNOWN[a]).map(([r, v]) => [r[a], v]),
  );
confusion('\nregion country, engine', regionPairs);
console.log(`region country (photos whose country is known): ${pct(...region.country)}`);
console.log(`  wrong: ${wrongRegion.join('; ') || 'none'}`);
console.log(`US state (photos labelled in scripts/lib/dev-us-states.csv): ${pct(...region.state)}`);
console.log(`  wrong: ${wrongState.join('; ') || 'none'}`);

// 3. time mmc adds
const quantile = (xs, f) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(f * s.length))] ?? NaN;
};
console.log(
  `\n=== 3. time mmc adds per call (${added.length} paired reads, same photo, ${threads} threads) ===`,
);
// A 95 % interval for the median of the paired differences, from the order statistics (the
// count of pairs below the true median is binomial(n, ½)): how far this run's p50 can be trusted
// on a shared machine, where one run's figure can land several ms either side.
const medianInterval = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const half = 1.96 * Math.sqrt(sorted.length) * 0.5;
  const at = (i) => sorted[Math.max(0, Math.min(sorted.length - 1, Math.round(i)))];
  return [at(sorted.length / 2 - half - 1), at(sorted.length / 2 + half)];
};
const [lo, hi] = medianInterval(added);
console.log(
  `read with mmc − read without: p50 ${quantile(added, 0.5).toFixed(1)} ms ` +
    `(95 % interval ${lo.toFixed(1)}–${hi.toFixed(1)})   p90 ${quantile(added, 0.9).toFixed(1)} ms`,
);
console.log(
  `mmc work alone (describer on the photo's vehicle, ${describeMs.length} photos): ` +
    `p50 ${quantile(describeMs, 0.5).toFixed(1)} ms   p90 ${quantile(describeMs, 0.9).toFixed(1)} ms`,
);
console.log(
  `CPU time (user + system): mmc read − plain read p50 ${quantile(addedCpu, 0.5).toFixed(1)} ms; ` +
    `describer alone p50 ${quantile(describeCpu, 0.5).toFixed(1)} ms   p90 ${quantile(describeCpu, 0.9).toFixed(1)} ms`,
);
console.log(`load average at the end: ${loadAverage()}`);
await engine.close();
