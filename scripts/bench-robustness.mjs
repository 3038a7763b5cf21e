#!/usr/bin/env node
// Robustness sweep: the built engine (one thread) on transformed copies of the labelled dev photos
// (../shared/alpr-dev), top-1 exact match per transform beside the untransformed baseline. Finds
// whole classes of ordinary inputs the engine reads badly (issue: tight plate crops read 2 %).
// Prints figures; never a test.
//
//   pnpm bench:robustness [--only name,name] [--misses] [--eu2]
//
// --only: run those transforms (baseline always first); --misses: list the photos each transform
// loses that the baseline reads; --eu2: also the two-row/square crops of
// ../shared/alpr-crops-intl/images/eu2 (NB: the CCT fine-tune saw these crops, so their figure is
// an upper bound), as sent, padded into a grey frame (the plate a quarter of its width), and
// pasted over the plates of the dev photos' European and Brazilian cars.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { readCsv } from './lib/csv.mjs';
import { readDevRows } from './lib/dev-labels.mjs';

const root = resolve(import.meta.dirname, '..');
const req = createRequire(import.meta.url);
const sharp = req(join(root, 'libs/engine/node_modules/sharp'));
const { createEngine, EUROPE } = req(join(root, 'libs/engine/dist/index.js'));
const dev = resolve(root, process.env.PLATEWISE_DEV_SET || '../shared/alpr-dev');
const intl = resolve(root, '../shared/alpr-crops-intl');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = opt('--only')?.split(',');
// --plan '{"smallPhoto":0}': overrides of DETECTION_PLAN (detect/plan.ts), to see whether a size
// rule is behind a transform's losses
const plan = opt('--plan');
if (plan)
  Object.assign(
    req(join(root, 'libs/engine/dist/detect/plan.js')).DETECTION_PLAN,
    JSON.parse(plan),
  );
const HINTS = { us: ['us'], br: ['br'], eu: ['sk', 'cz', 'pl', 'gb', 'de'] };

/** Deterministic Gaussian noise (mulberry32 + Box–Muller), so that runs compare. */
function rng(seed) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}

const jpeg = (s) => s.jpeg({ quality: 90 }).toBuffer();
const width = (w) => async (buf) => jpeg(sharp(buf).resize({ width: w }));
const scale = (f) => async (buf, row) =>
  jpeg(sharp(buf).resize({ width: Math.round(row.width * f) }));
const rotate = (deg) => async (buf) =>
  jpeg(sharp(buf).rotate(deg, { background: { r: 0, g: 0, b: 0 } }));
/** Pixels stored rotated, the EXIF tag saying how to show them upright. */
const exif = (orientation) => async (buf) => {
  const undo = { 3: 180, 6: 270, 8: 90 }[orientation];
  const stored = await sharp(buf).rotate(undo).toBuffer();
  return sharp(stored).withMetadata({ orientation }).jpeg({ quality: 90 }).toBuffer();
};

export const TRANSFORMS = {
  baseline: async (buf) => buf,
  // the control: every other transform but the JPEG ones re-encodes at quality 90
  'jpeg q90': async (buf) => sharp(buf).jpeg({ quality: 90 }).toBuffer(),
  'scale 50 %': scale(0.5),
  'scale 25 %': scale(0.25),
  'width 640': width(640),
  'width 480': width(480),
  'width 320': width(320),
  'jpeg q30': async (buf) => sharp(buf).jpeg({ quality: 30 }).toBuffer(),
  'jpeg q15': async (buf) => sharp(buf).jpeg({ quality: 15 }).toBuffer(),
  greyscale: async (buf) => jpeg(sharp(buf).greyscale()),
  'blur 1.5': async (buf) => jpeg(sharp(buf).blur(1.5)),
  'low light': async (buf, row, i) => {
    const { data, info } = await sharp(buf)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const g = rng(1000 + i);
    for (let k = 0; k < data.length; k++)
      data[k] = Math.max(0, Math.min(255, data[k] * 0.35 + g() * 6));
    return jpeg(sharp(data, { raw: info }));
  },
  'rotate +7': rotate(7),
  'rotate -7': rotate(-7),
  // the control for rotation: turned and turned back (the same two resamplings, upright)
  'rotate +7 and back': async (buf, row) => {
    const turned = await sharp(buf)
      .rotate(7, { background: { r: 0, g: 0, b: 0 } })
      .toBuffer();
    const back = await sharp(turned)
      .rotate(-7, { background: { r: 0, g: 0, b: 0 } })
      .toBuffer();
    const m = await sharp(back).metadata();
    const left = Math.round((m.width - row.width) / 2);
    const top = Math.round((m.height - row.height) / 2);
    return jpeg(sharp(back).extract({ left, top, width: row.width, height: row.height }));
  },
  'rotate +15': rotate(15),
  'rotate -15': rotate(-15),
  'vehicle crop': async (buf, row) => {
    const { xmin, ymin, xmax, ymax } = row.box;
    const cx = (xmin + xmax) / 2;
    const cy = (ymin + ymax) / 2;
    const w = (xmax - xmin) * 3;
    const h = (ymax - ymin) * 4;
    const left = Math.max(0, Math.round(cx - w / 2));
    const top = Math.max(0, Math.round(cy - h / 2));
    const right = Math.min(row.width, Math.round(cx + w / 2));
    const bottom = Math.min(row.height, Math.round(cy + h / 2));
    return jpeg(sharp(buf).extract({ left, top, width: right - left, height: bottom - top }));
  },
  // the same crop in a grey frame twice its size: whether the detector (trained on street
  // scenes) misses plates for being large in the frame
  'vehicle crop in 2x': async (buf, row, i) => {
    const c = await TRANSFORMS['vehicle crop'](buf, row, i);
    const m = await sharp(c).metadata();
    const x = Math.round(m.width / 2),
      y = Math.round(m.height / 2);
    return jpeg(sharp(c).extend({ left: x, right: x, top: y, bottom: y, background: '#808080' }));
  },
  'exif 3': exif(3),
  'exif 6': exif(6),
  'exif 8': exif(8),
  'upscale 2x': scale(2),
  'width 3840': width(3840),
  'png alpha': async (buf) => sharp(buf).ensureAlpha(1).png().toBuffer(),
};

const top1 = (res) => (res.results[0]?.plate ?? '').toUpperCase();

async function main() {
  const engine = await createEngine({ threads: 1 });
  const rows = readDevRows(dev);
  const names = Object.keys(TRANSFORMS).filter(
    (n) => n === 'baseline' || !only || only.includes(n),
  );
  const base = new Map();
  console.log('transform            top-1/148   vs baseline   lost   gained   ms/photo');
  for (const name of names) {
    let right = 0;
    let ms = 0;
    const lost = [];
    const gained = [];
    for (const [i, row] of rows.entries()) {
      const buf = readFileSync(join(dev, row.image));
      const input = await TRANSFORMS[name](buf, row, i);
      const t = performance.now();
      let plate = '';
      try {
        plate = top1(await engine.read(input, { regions: HINTS[row.set] }));
      } catch (e) {
        plate = `!${e.constructor.name}`;
      }
      ms += performance.now() - t;
      const ok = plate === row.plate.toUpperCase();
      if (ok) right++;
      if (name === 'baseline') base.set(row.image, ok);
      else if (base.get(row.image) && !ok) lost.push(`${row.image.slice(7)}→${plate || '∅'}`);
      else if (!base.get(row.image) && ok) gained.push(row.image.slice(7));
    }
    const b = [...base.values()].filter(Boolean).length;
    console.log(
      `${name.padEnd(20)} ${String(right).padStart(5)}/148   ${((100 * right) / b).toFixed(1).padStart(6)} %   ${String(lost.length).padStart(5)}   ${String(gained.length).padStart(5)}   ${(ms / rows.length).toFixed(0).padStart(6)}`,
    );
    if (args.includes('--misses') && lost.length) console.log(`   lost: ${lost.join('; ')}`);
  }
  if (args.includes('--eu2')) {
    const crops = readCsv(join(intl, 'labels.csv')).filter((r) =>
      r.image.startsWith('images/eu2/'),
    );
    // dev photos of European and Brazilian cars whose plates the crops are pasted over
    const cars = readDevRows(dev).filter((r) => r.set !== 'us');
    for (const [name, pad] of [
      ['eu2 crop as sent', 0],
      ['eu2 in grey frame', 1],
      ['eu2 on a car', 2],
    ]) {
      let right = 0;
      const wrong = [];
      for (const c of crops) {
        let buf = readFileSync(join(intl, c.image));
        if (pad === 2) {
          // resized to 0.6 of a dev plate's width (a square plate is about half as wide as a
          // single-row one) and pasted centred over it, the dev plate greyed out first
          const car = cars[crops.indexOf(c) % cars.length];
          const b = car.box;
          const small = await sharp(buf)
            .resize({ width: Math.round((b.xmax - b.xmin) * 0.6) })
            .toBuffer({ resolveWithObject: true });
          const grey = await sharp({
            create: {
              width: b.xmax - b.xmin + 4,
              height: b.ymax - b.ymin + 4,
              channels: 3,
              background: '#6a6a6a',
            },
          })
            .png()
            .toBuffer();
          buf = await jpeg(
            sharp(readFileSync(join(dev, car.image))).composite([
              { input: grey, left: b.xmin - 2, top: b.ymin - 2 },
              {
                input: small.data,
                left: Math.round((b.xmin + b.xmax - small.info.width) / 2),
                top: Math.round((b.ymin + b.ymax - small.info.height) / 2),
              },
            ]),
          );
        } else if (pad) {
          const m = await sharp(buf).metadata();
          // the crop centred in a grey frame 4× its width, 4× its height (a photo of a car's end)
          const x = Math.round(m.width * 1.5);
          const y = Math.round(m.height * 1.5);
          buf = await jpeg(
            sharp(buf).extend({ left: x, right: x, top: y, bottom: y, background: '#808080' }),
          );
        }
        let plate = '';
        try {
          plate = top1(await engine.read(buf, { regions: EUROPE }));
        } catch (e) {
          plate = `!${e.constructor.name}`;
        }
        if (plate === c.plate.toUpperCase()) right++;
        else wrong.push(`${c.image.slice(11)}→${plate || '∅'}`);
      }
      console.log(`${name.padEnd(20)} ${right}/${crops.length}`);
      if (args.includes('--misses')) console.log(`   wrong: ${wrong.slice(0, 40).join('; ')}`);
    }
  }
}

await main();
