// Shared helpers for the Node-side checks of platewise-rec: find onnxruntime-node, normalise,
// decode CTC. onnxruntime-node is looked up from libs/engine, then the repository root, then
// $ORT_NODE_DIR (a folder holding node_modules/onnxruntime-node).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const H = 32;
export const W = 128;

export function loadOrt() {
  const bases = [join(repoRoot, 'libs/engine'), repoRoot];
  if (process.env.ORT_NODE_DIR) bases.push(resolve(process.env.ORT_NODE_DIR));
  for (const base of bases) {
    if (!existsSync(join(base, 'node_modules', 'onnxruntime-node'))) continue;
    return createRequire(join(base, 'package.json'))('onnxruntime-node');
  }
  throw new Error('onnxruntime-node not found (looked in libs/engine, repo root, $ORT_NODE_DIR)');
}

// uint8 grey [H*W] -> float32 (p/255 - 0.5)/0.5, written into out at offset
export function normalise(u8, out, offset = 0) {
  for (let i = 0; i < H * W; i++) out[offset + i] = (u8[i] / 255 - 0.5) / 0.5;
  return out;
}

// logits [T, C] (flat, row-major) -> { text, confidence }; class 0 is the CTC blank
export function greedyDecode(logits, T, C, offset = 0) {
  let prev = 0;
  let text = '';
  let conf = 1;
  for (let t = 0; t < T; t++) {
    const row = offset + t * C;
    let best = 0;
    let bv = logits[row];
    for (let c = 1; c < C; c++) if (logits[row + c] > bv) (bv = logits[row + c]), (best = c);
    if (best !== 0 && best !== prev) {
      let z = 0;
      for (let c = 0; c < C; c++) z += Math.exp(logits[row + c] - bv);
      conf = Math.min(conf, 1 / z);
      text += ALPHABET[best - 1];
    }
    prev = best;
  }
  return { text, confidence: text ? conf : 0 };
}
