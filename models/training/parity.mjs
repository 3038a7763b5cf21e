#!/usr/bin/env node
// torch-vs-onnxruntime parity of the project's recognisers on fixed inputs.
//
//   node models/training/parity.mjs [model.onnx] [fixture.json]
//
// platewise-rec-v1 (CRNN): the fixture (written by export_onnx.py from the torch model) holds the
// torch logits for three formula images (recomputed here exactly as export_onnx.formula_input
// does) and one rendered plate (uint8, base64). platewise-region-v1 (the CCT region classifier):
// the fixture of export_cct.py holds two integer patterns (recomputed as export_cct.pattern_input
// does), two rendered plates and the torch region probabilities (parity-cct.mjs); platewise-rec-v2
// (the fine-tuned CCT reader) the same inputs with the torch slot probabilities and texts too.
// Exit code 0 and "N passed, 0 failed" when every value is within the fixture's tolerance and the
// decoded texts are equal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { H, W, greedyDecode, here, loadOrt, normalise, repoRoot } from './ort.mjs';
import { checkCct } from './parity-cct.mjs';

const modelPath =
  process.argv[2] || join(repoRoot, 'models/plate-recognizer/platewise-rec-v1.onnx');
const fixturePath =
  process.argv[3] || join(repoRoot, 'models/plate-recognizer/platewise-rec-v1.parity.json');
const fx = JSON.parse(readFileSync(fixturePath, 'utf8'));

function formulaInput(k, out, offset) {
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const v =
        Math.sin(x * (0.11 + 0.07 * k) + y * (0.23 - 0.05 * k) + k) *
        Math.cos(x * 0.031 * (k + 1) - y * 0.17);
      out[offset + y * W + x] = Math.fround(v);
    }
}

const ort = loadOrt();
const n = fx.input_shape[0];
const x = new Float32Array(n * H * W);
for (let k = 0; k < fx.formula_inputs; k++) formulaInput(k, x, k * H * W);
const u8 = Buffer.from(fx.plate_u8_base64, 'base64');
normalise(u8, x, fx.formula_inputs * H * W);

const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1 });
const out = await session.run({ image: new ort.Tensor('float32', x, [n, 1, H, W]) });
const y = out.logits.data;
const [, T, C] = fx.logits_shape;
let passed = 0;
let failed = 0;
for (let i = 0; i < n; i++) {
  let maxDiff = 0;
  for (let j = i * T * C; j < (i + 1) * T * C; j++)
    maxDiff = Math.max(maxDiff, Math.abs(y[j] - fx.logits[j]));
  const a = greedyDecode(y, T, C, i * T * C).text;
  const b = greedyDecode(fx.logits, T, C, i * T * C).text;
  const ok = maxDiff <= fx.tolerance && a === b;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} input ${i}: max |onnx - torch| = ${maxDiff.toExponential(2)}, text onnx=${a} torch=${b}`,
  );
  ok ? passed++ : failed++;
}
if (!process.argv[2]) {
  for (const name of ['platewise-region-v1', 'platewise-rec-v2']) {
    const cct = await checkCct(ort, name);
    passed += cct.passed;
    failed += cct.failed;
  }
}
console.log(`parity: ${passed} passed, ${failed} failed`);
void here;
process.exit(failed ? 1 : 0);
