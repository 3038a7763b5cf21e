#!/usr/bin/env node
// Scores an ONNX recogniser on preprocessed crops written by evaluate.py and times it.
//
//   node models/training/eval_onnx.mjs model.onnx crops.u8 crops.json [--threads 2]
//
// crops.u8: N x 32 x 128 uint8 greyscale; crops.json: {labels: [...], sets: [...]}.
// Timing is per crop, batch 1, and covers normalisation + inference + CTC decoding (not the
// image decoding and cropping). Prints a JSON object with exact-match % per set and ms per crop.
import { readFileSync } from 'node:fs';
import { H, W, greedyDecode, loadOrt, normalise } from './ort.mjs';

const [modelPath, cropsPath, metaPath] = process.argv.slice(2);
const ti = process.argv.indexOf('--threads');
const threads = ti > 0 ? Number(process.argv[ti + 1]) : 2;
const ort = loadOrt();
const buf = readFileSync(cropsPath);
const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
const n = meta.labels.length;
const session = await ort.InferenceSession.create(modelPath, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
});
const x = new Float32Array(H * W);
const run = async (i) => {
  normalise(buf.subarray(i * H * W, (i + 1) * H * W), x, 0);
  const out = await session.run({ image: new ort.Tensor('float32', x, [1, 1, H, W]) });
  const [, T, C] = out.logits.dims;
  return greedyDecode(out.logits.data, T, C, 0);
};
for (let i = 0; i < Math.min(10, n); i++) await run(i); // warm-up
const preds = [];
const times = [];
for (let i = 0; i < n; i++) {
  const t = process.hrtime.bigint();
  preds.push(await run(i));
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
const sets = [...new Set(meta.sets)].sort();
const exact = {};
for (const s of [...sets, 'all']) {
  const idx = meta.sets.map((v, i) => (s === 'all' || v === s ? i : -1)).filter((i) => i >= 0);
  exact[s] = (100 * idx.filter((i) => preds[i].text === meta.labels[i]).length) / idx.length;
}
const sorted = [...times].sort((a, b) => a - b);
console.log(
  JSON.stringify({
    exact,
    n,
    ms_per_crop_mean: times.reduce((a, b) => a + b, 0) / n,
    ms_per_crop_median: sorted[Math.floor(n / 2)],
    threads,
    predictions: preds.map((p) => p.text),
  }),
);
