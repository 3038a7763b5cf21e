// Calibration ranges for the int8 plate detector experiment (issue 28; see
// quantize_plate_detector.py): runs the fp32 detector with its body tensors exposed as outputs
// (`quantize_plate_detector.py expose`) in onnxruntime-node on ~100 MIT vehicle crops from
// ../shared/vehicle-attrs/images/train, each letterboxed to 320 by the engine's own plateInput,
// and writes every tensor's per-image min and max as JSON. Never the alpr-dev photos.
//   node models/training/plate_detector_calib.mjs /tmp/y5fu_expose.onnx /tmp/y5fu_ranges.json [N]
import { writeFileSync } from 'node:fs';
import { loadOrt } from './ort.mjs';
import { plateDetectorInput, trainCropFiles } from './vehicle_crops.mjs';

const ort = loadOrt();
const [model, outPath, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 100);
const files = trainCropFiles();
// every k-th file, so the sample spans the folder's sources
const step = Math.max(1, Math.floor(files.length / n));
const pick = files.filter((_, i) => i % step === 0).slice(0, n);
const session = await ort.InferenceSession.create(model, {
  executionProviders: ['cpu'],
  intraOpNumThreads: 2,
  graphOptimizationLevel: 'basic',
  logSeverityLevel: 3,
});
const ranges = {};
for (const f of pick) {
  const out = await session.run({ input: await plateDetectorInput(ort, f) });
  for (const name of session.outputNames) {
    if (name === 'output') continue;
    const d = out[name].data;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    (ranges[name] ??= { min: [], max: [] }).min.push(lo);
    ranges[name].max.push(hi);
  }
}
writeFileSync(outPath, JSON.stringify(ranges));
console.log(`${pick.length} images, ${Object.keys(ranges).length} tensors → ${outPath}`);
