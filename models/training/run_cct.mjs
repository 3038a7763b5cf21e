#!/usr/bin/env node
// Runs a CCT plate recogniser (published cct_xs_v1_global or platewise-rec-v2) in onnxruntime-node
// on raw uint8 NHWC inputs and prints its outputs as JSON; the Python tests compare them with torch.
//
//   node models/training/run_cct.mjs model.onnx inputs.u8 N      # inputs: N x 64 x 128 x 3 bytes
import { readFileSync } from 'node:fs';
import { loadOrt } from './ort.mjs';

const [model, input, n] = process.argv.slice(2);
const ort = loadOrt();
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
const x = new Uint8Array(readFileSync(input));
const out = await session.run({
  [session.inputNames[0]]: new ort.Tensor('uint8', x, [Number(n), 64, 128, 3]),
});
const result = {};
for (const name of session.outputNames)
  result[name] = { dims: out[name].dims, data: Array.from(out[name].data) };
console.log(JSON.stringify({ outputs: session.outputNames, result }));
