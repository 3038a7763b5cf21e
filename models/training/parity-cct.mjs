// Parity of the project's CCT models in onnxruntime-node with the torch outputs of their fixtures
// (written by export_cct.py): the region classifier platewise-region-v1 (output `region`) and the
// fine-tuned reader platewise-rec-v2 (`slots` + texts, and `region`).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './ort.mjs';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_';
const [IH, IW] = [64, 128];

// export_cct.pattern_input(k): integer arithmetic, identical in both languages
function patternInput(k, out, offset) {
  for (let y = 0; y < IH; y++)
    for (let x = 0; x < IW; x++)
      for (let c = 0; c < 3; c++)
        out[offset + (y * IW + x) * 3 + c] =
          (x * (7 + k) + y * (13 + 2 * k) + c * 40 + ((x * y) % (17 + k)) * 5) % 256;
}

function decode(p, offset) {
  let text = '';
  for (let s = 0; s < 9; s++) {
    let best = 0;
    for (let c = 1; c < 37; c++) if (p[offset + s * 37 + c] > p[offset + s * 37 + best]) best = c;
    if (ALPHABET[best] !== '_') text += ALPHABET[best];
  }
  return text;
}

/** `name`: a model of models/plate-recognizer/ with its `<name>.parity.json` fixture beside it. */
export async function checkCct(ort, name) {
  const modelPath = join(repoRoot, 'models/plate-recognizer', `${name}.onnx`);
  const fixturePath = join(repoRoot, 'models/plate-recognizer', `${name}.parity.json`);
  if (!existsSync(modelPath) || !existsSync(fixturePath)) return { passed: 0, failed: 0 };
  const fx = JSON.parse(readFileSync(fixturePath, 'utf8'));
  const n = fx.input_shape[0];
  const per = IH * IW * 3;
  const x = new Uint8Array(n * per);
  for (let k = 0; k < fx.pattern_inputs; k++) patternInput(k, x, k * per);
  x.set(Buffer.from(fx.plates_u8_base64, 'base64'), fx.pattern_inputs * per);
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1 });
  const out = await session.run({ input: new ort.Tensor('uint8', x, [n, IH, IW, 3]) });
  let passed = 0;
  let failed = 0;
  for (let i = 0; i < n; i++) {
    let maxDiff = 0;
    for (const k of ['slots', 'region'].filter((k) => fx[k])) {
      const per = fx[k].length / n;
      for (let j = i * per; j < (i + 1) * per; j++)
        maxDiff = Math.max(maxDiff, Math.abs(out[k].data[j] - fx[k][j]));
    }
    const text = fx.slots ? decode(out.slots.data, i * 9 * 37) : null;
    const ok = maxDiff <= fx.tolerance && (!fx.texts || text === fx.texts[i]);
    const texts = fx.texts ? `, text onnx=${text} torch=${fx.texts[i]}` : '';
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${name} input ${i}: max |onnx - torch| = ${maxDiff.toExponential(2)}${texts}`,
    );
    ok ? passed++ : failed++;
  }
  return { passed, failed };
}
