#!/usr/bin/env node
// Face detector choice for redaction: UltraFace 320 vs 640, recall and time, on scenes this script
// makes — a public-domain portrait (libs/engine/src/redact/test-support) pasted at known places
// and sizes into dev photos (1280-px class backgrounds). A face counts as found when a detection
// overlaps it with IoU > 0.3; false faces are detections on no pasted face, summed over the scenes.
//
//   node scripts/measure-faces.mjs [--scenes 24] [--threads 2]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { opt } from './lib/cli-args.mjs';
import { readDevRows } from './lib/dev-labels.mjs';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const ort = require(join(root, 'libs/engine/node_modules/onnxruntime-node'));
const sharp = require(join(root, 'libs/engine/node_modules/sharp'));
const { detectFaces } = require(join(root, 'libs/engine/dist/redact/faces.js'));
const { decodeImage } = require(join(root, 'libs/engine/dist/image/decode.js'));
const { iou } = require(join(root, 'libs/engine/dist/geometry/box.js'));
const { weightsAsConstants } = require(join(root, 'libs/engine/dist/models/constant-weights.js'));
const models = resolve(root, process.env.PLATEWISE_MODELS_DIR || 'models/weights');
const shared = resolve(root, '../shared/models');
const dev = resolve(root, process.env.PLATEWISE_DEV_SET || '../shared/alpr-dev');
const nScenes = Number(opt('--scenes', 24));
const threads = Number(opt('--threads', 2));

const face = readFileSync(
  join(root, 'libs/engine/src/redact/test-support/face-eileen-collins.jpg'),
);
const FACE = { xmin: 29, ymin: 33, xmax: 120, ymax: 155 }; // in the 150×190 portrait
const WIDTHS = [16, 24, 32, 48, 64, 96, 128]; // face widths in pixels
const rows = readDevRows(dev);

const session = async (file) => {
  const path = [join(models, file), join(shared, file)].find((p) => {
    try {
      readFileSync(p, { flag: 'r' });
      return true;
    } catch {
      return false;
    }
  });
  // as the engine loads it: the weights made constants (models/constant-weights.ts)
  return ort.InferenceSession.create(weightsAsConstants(readFileSync(path)), {
    intraOpNumThreads: threads,
    logSeverityLevel: 3,
  });
};
const sessions = {
  320: await session('ultraface-RFB-320.onnx'),
  640: await session('ultraface-RFB-640.onnx'),
};

const found = { 320: {}, 640: {} };
const falses = { 320: 0, 640: 0 };
const times = { 320: [], 640: [] };
let total = 0;
for (let s = 0; s < nScenes; s++) {
  const row = rows[(s * 7) % rows.length];
  const bg = await sharp(join(dev, row.image)).resize(1280, 960, { fit: 'cover' }).toBuffer();
  // One face of each width, spread along a grid, a little offset per scene.
  const layers = [];
  const truth = [];
  for (const [i, w] of WIDTHS.entries()) {
    const scale = w / (FACE.xmax - FACE.xmin);
    const x = 40 + (i % 4) * 300 + ((s * 37) % 60);
    const y = 60 + Math.floor(i / 4) * 420 + ((s * 53) % 80);
    layers.push({
      input: await sharp(face)
        .resize(Math.round(150 * scale), Math.round(190 * scale))
        .toBuffer(),
      left: x,
      top: y,
    });
    truth.push({
      w,
      box: {
        xmin: x + FACE.xmin * scale,
        ymin: y + FACE.ymin * scale,
        xmax: x + FACE.xmax * scale,
        ymax: y + FACE.ymax * scale,
      },
    });
  }
  const img = await decodeImage(await sharp(bg).composite(layers).png().toBuffer());
  total++;
  for (const size of [320, 640]) {
    const t = performance.now();
    const dets = await detectFaces(sessions[size], img, size);
    times[size].push(performance.now() - t);
    for (const f of truth)
      if (dets.some((d) => iou(d.box, f.box) > 0.3)) found[size][f.w] = (found[size][f.w] ?? 0) + 1;
    falses[size] += dets.filter((d) => !truth.some((f) => iou(d.box, f.box) > 0.3)).length;
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`scenes: ${total} (1280×960), one face of each width per scene, threads ${threads}`);
console.log(
  `face width (px)  ${WIDTHS.map((w) => String(w).padStart(5)).join('')}   false  median ms`,
);
for (const size of [320, 640])
  console.log(
    `UltraFace ${size}    ${WIDTHS.map((w) => String(found[size][w] ?? 0).padStart(5)).join('')}   ${String(falses[size]).padStart(5)}  ${med(times[size]).toFixed(1).padStart(9)}`,
  );
await Promise.all(Object.values(sessions).map((s) => s.release()));
