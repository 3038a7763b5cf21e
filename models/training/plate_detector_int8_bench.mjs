// Speed of the fp32 plate detector against its int8 QDQ copy (issue 28; quantize_plate_detector.py)
// in onnxruntime-node, in one process, interleaved run by run: sessions made with the engine's own
// sessionOptions (threads 1, graphOptimizationLevel 'all'), inputs letterboxed by the engine's
// plateInput from vehicle-attrs crops. Prints p50 / p90 wall ms, CPU ms per run and the load.
//   node models/training/plate_detector_int8_bench.mjs FP32.onnx INT8.onnx [runs=300]
import { readFileSync } from 'node:fs';
import { loadAverage } from '../../scripts/lib/load-average.mjs';
import { loadOrt } from './ort.mjs';
import { engine, plateDetectorInput, trainCropFiles } from './vehicle_crops.mjs';

const ort = loadOrt();
const { sessionOptions } = engine('./dist/models/runtime.js');
const [fp32Path, int8Path, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 300);

const inputs = [];
for (const f of trainCropFiles().slice(0, 16)) inputs.push(await plateDetectorInput(ort, f));
const opts = sessionOptions({ threads: 1, device: 'cpu' });
const models = {
  fp32: await ort.InferenceSession.create(readFileSync(fp32Path), opts),
  int8: await ort.InferenceSession.create(readFileSync(int8Path), opts),
};
const times = { fp32: [], int8: [] };
const cpu = { fp32: [], int8: [] };
async function once(name, i) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await models[name].run({ input: inputs[i % inputs.length] });
  const t1 = process.hrtime.bigint();
  const c = process.cpuUsage(c0);
  return [Number(t1 - t0) / 1e6, (c.user + c.system) / 1e3];
}
for (let i = 0; i < 20; i++) for (const k of ['fp32', 'int8']) await once(k, i); // warm-up
const load0 = loadAverage();
for (let i = 0; i < runs; i++) {
  const order = i % 2 ? ['fp32', 'int8'] : ['int8', 'fp32'];
  for (const k of order) {
    const [ms, c] = await once(k, i);
    times[k].push(ms);
    cpu[k].push(c);
  }
}
const load1 = loadAverage();
const q = (a, p) => [...a].sort((x, y) => x - y)[Math.floor(p * (a.length - 1))];
const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
console.log(
  `onnxruntime-node ${ort.env.versions?.common ?? ''}, ${runs} runs each, interleaved, 1 thread`,
);
console.log(`load before ${load0}, after ${load1}`);
for (const k of ['fp32', 'int8'])
  console.log(
    `${k}: p50 ${q(times[k], 0.5).toFixed(2)} ms, p90 ${q(times[k], 0.9).toFixed(2)} ms, ` +
      `CPU p50 ${q(cpu[k], 0.5).toFixed(2)} ms, CPU mean ${mean(cpu[k]).toFixed(2)} ms`,
  );
console.log(
  `fp32/int8: p50 ${(q(times.fp32, 0.5) / q(times.int8, 0.5)).toFixed(2)}×, ` +
    `CPU mean ${(mean(cpu.fp32) / mean(cpu.int8)).toFixed(2)}×`,
);
