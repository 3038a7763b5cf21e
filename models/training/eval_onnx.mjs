#!/usr/bin/env node
// Scores an ONNX recogniser on preprocessed crops written by evaluate.py and times it.
//
//   node models/training/eval_onnx.mjs model.onnx crops.u8 crops.json [--threads 2]
//
// crops.u8: N x 32 x 128 uint8 greyscale; crops.json: {labels: [...], sets: [...]}.
// Timing is per crop, batch 1, and covers normalisation + inference + CTC decoding (not the
// image decoding and cropping). Prints a JSON object with exact-match % per set and ms per crop.
//
// Test-time augmentation: when crops.json also lists `variants` (V > 1 crops per plate,
// plate-major in crops.u8, the plain crop first), each plate's V crops run as one batch and their
// readings are combined two ways: `vote` (majority of the greedy readings, ties to the higher summed
// confidence) and `prob` (every greedy reading scored by its probability summed over the V crops,
// CTC forward pass; the headline `exact`). Timing is then per plate (normalisation + one batched
// inference + greedy decoding + the `prob` combination). `syntax` (with or without variants)
// optionally maps a set to plate templates (e.g. {"br": ["LLL9999", "LLL9L99"]}): that set is also
// scored with the best reading that fits one (`exact_syntax`, not timed; candidates: each crop's
// constrained decode per template and the fitting greedy readings, scored like `prob`).
import { readFileSync } from 'node:fs';
import {
  H,
  W,
  constrainedDecode,
  fitsTemplate,
  greedyDecode,
  loadOrt,
  softmax,
  normalise,
  probCombine,
  voteCombine,
} from './ort.mjs';

const [modelPath, cropsPath, metaPath] = process.argv.slice(2);
const ti = process.argv.indexOf('--threads');
const threads = ti > 0 ? Number(process.argv[ti + 1]) : 2;
const ort = loadOrt();
const buf = readFileSync(cropsPath);
const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
const n = meta.labels.length;
const V = meta.variants?.length ?? 1;
const session = await ort.InferenceSession.create(modelPath, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
});
const x = new Float32Array(V * H * W);
const infer = async (i) => {
  for (let v = 0; v < V; v++)
    normalise(buf.subarray((i * V + v) * H * W, (i * V + v + 1) * H * W), x, v * H * W);
  const out = await session.run({ image: new ort.Tensor('float32', x, [V, 1, H, W]) });
  const [, T, C] = out.logits.dims;
  return { logits: out.logits.data, T, C };
};
const run = async (i) => {
  const { logits, T, C } = await infer(i);
  if (V === 1) {
    const r = greedyDecode(logits, T, C, 0);
    // --syntax: keep the frames for the constrained reading scored after the timed loop
    return meta.syntax ? { ...r, readings: [r], frames: [softmax(logits, T, C, 0)], T, C } : r;
  }
  const readings = [];
  const frames = [];
  for (let v = 0; v < V; v++) {
    readings.push(greedyDecode(logits, T, C, v * T * C));
    frames.push(softmax(logits, T, C, v * T * C));
  }
  const text = probCombine(
    frames,
    T,
    C,
    readings.map((r) => r.text),
  );
  return { text, vote: voteCombine(readings), single: readings[0].text, readings, frames, T, C };
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
const score = (pick) => {
  const exact = {};
  for (const s of [...sets, 'all']) {
    const idx = meta.sets.map((v, i) => (s === 'all' || v === s ? i : -1)).filter((i) => i >= 0);
    exact[s] = (100 * idx.filter((i) => pick(preds[i], i) === meta.labels[i]).length) / idx.length;
  }
  return exact;
};
const sorted = [...times].sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / n;
const median = sorted[Math.floor(n / 2)];
const result =
  V === 1
    ? {
        exact: score((p) => p.text),
        n,
        ms_per_crop_mean: mean,
        ms_per_crop_median: median,
        threads,
        predictions: preds.map((p) => p.text),
      }
    : {
        exact: score((p) => p.text),
        exact_vote: score((p) => p.vote),
        exact_single: score((p) => p.single),
        n,
        variants: meta.variants,
        ms_per_plate_mean: mean,
        ms_per_plate_median: median,
        threads,
        predictions: preds.map((p) => p.text),
      };
if (meta.syntax) {
  // per set with templates: the best reading that fits one of them
  const syn = (p, i) => {
    const templates = meta.syntax[meta.sets[i]];
    if (!templates) return p.text;
    const texts = p.readings
      .map((r) => r.text)
      .filter((t) => templates.some((tp) => fitsTemplate(t, tp)));
    for (const f of p.frames)
      for (const tp of templates) texts.push(constrainedDecode(f, p.T, p.C, tp) ?? '');
    return probCombine(p.frames, p.T, p.C, texts.filter(Boolean)) ?? p.text;
  };
  const ex = score(syn);
  result.exact_syntax = Object.fromEntries(Object.keys(meta.syntax).map((s) => [s, ex[s]]));
  result.syntax = meta.syntax;
}
console.log(JSON.stringify(result));
