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
    for (let c = 1; c < C; c++) if (logits[row + c] > bv) ((bv = logits[row + c]), (best = c));
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

// --- test-time augmentation: combining the readings of several crops of one plate ------------

// logits [T, C] at offset -> softmax probabilities [T, C] (Float64Array)
export function softmax(logits, T, C, offset = 0) {
  const out = new Float64Array(T * C);
  for (let t = 0; t < T; t++) {
    const row = offset + t * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, logits[row + c]);
    let z = 0;
    for (let c = 0; c < C; c++) z += out[t * C + c] = Math.exp(logits[row + c] - m);
    for (let c = 0; c < C; c++) out[t * C + c] /= z;
  }
  return out;
}

// log P(text | frames): CTC forward pass (sum over every alignment) on probability frames [T, C],
// rescaled every frame (the log of the scales is added back), so no log/exp per cell.
export function ctcLogProb(p, T, C, text) {
  const lab = [...text].map((ch) => ALPHABET.indexOf(ch) + 1);
  const S = 2 * lab.length + 1;
  const cls = (s) => (s % 2 === 0 ? 0 : lab[(s - 1) / 2]);
  let prev = new Float64Array(S);
  let cur = new Float64Array(S);
  prev[0] = p[0];
  if (S > 1) prev[1] = p[cls(1)];
  let logScale = 0;
  for (let t = 1; t < T; t++) {
    let z = 0;
    for (let s = 0; s < S; s++) {
      let a = prev[s];
      if (s >= 1) a += prev[s - 1];
      if (s >= 2 && s % 2 === 1 && lab[(s - 1) / 2] !== lab[(s - 3) / 2]) a += prev[s - 2];
      z += cur[s] = a * p[t * C + cls(s)];
    }
    if (z === 0) return -Infinity;
    for (let s = 0; s < S; s++) cur[s] /= z;
    logScale += Math.log(z);
    [prev, cur] = [cur, prev];
  }
  const last = S > 1 ? prev[S - 1] + prev[S - 2] : prev[0];
  return logScale + Math.log(last);
}

// Majority vote of the variants' greedy readings ({text, confidence}); ties go to the higher
// summed confidence.
export function voteCombine(readings) {
  const tally = new Map();
  for (const r of readings) {
    const e = tally.get(r.text) ?? { n: 0, conf: 0 };
    e.n++;
    e.conf += r.confidence;
    tally.set(r.text, e);
  }
  return [...tally].sort((a, b) => b[1].n - a[1].n || b[1].conf - a[1].conf)[0][0];
}

// Every candidate text scored by its probability summed over the variants (CTC forward pass on
// each variant's frames, i.e. the mean probability the crops give it); returns the most probable.
// frames: one softmax [T, C] per variant; texts: the candidates (e.g. the greedy readings).
export function probCombine(frames, T, C, texts) {
  let best = null;
  let bestLp = -Infinity;
  for (const text of new Set(texts)) {
    const lps = frames.map((f) => ctcLogProb(f, T, C, text));
    const m = Math.max(...lps);
    if (m === -Infinity) continue;
    const lp = m + Math.log(lps.reduce((s, x) => s + Math.exp(x - m), 0));
    if (lp > bestLp) ((bestLp = lp), (best = text));
  }
  return best;
}

// Plate syntax: a template of L (letter), 9 (digit) or any other character (either).
const DIGIT_IDS = [...'0123456789'].map((c) => ALPHABET.indexOf(c) + 1);
const LETTER_IDS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c) => ALPHABET.indexOf(c) + 1);
export const fitsTemplate = (text, template) =>
  text.length === template.length &&
  [...template].every((k, i) => (k === 'L' ? /[A-Z]/ : k === '9' ? /[0-9]/ : /./).test(text[i]));

// Best reading that fits `template`: Viterbi over the CTC states (blank, slot 1, blank, slot 2, …)
// where a slot emits its best allowed class per frame; each slot then takes the allowed character
// with the most probability over the frames it spans. null when the frames are too few.
export function constrainedDecode(p, T, C, template) {
  const slots = [...template].map((k) =>
    k === 'L' ? LETTER_IDS : k === '9' ? DIGIT_IDS : [...DIGIT_IDS, ...LETTER_IDS],
  );
  const n = slots.length;
  if (n === 0 || n > T) return null;
  const S = 2 * n + 1;
  const emit = (t, s) => {
    if (s % 2 === 0) return Math.log(Math.max(p[t * C], 1e-30));
    let m = 0;
    for (const k of slots[(s - 1) / 2]) m = Math.max(m, p[t * C + k]);
    return Math.log(Math.max(m, 1e-30));
  };
  let prev = new Float64Array(S).fill(-Infinity);
  prev[0] = emit(0, 0);
  prev[1] = emit(0, 1);
  const back = new Uint8Array(T * S);
  for (let t = 1; t < T; t++) {
    const cur = new Float64Array(S).fill(-Infinity);
    for (let s = 0; s < S; s++) {
      let best = prev[s];
      let from = 0;
      if (s >= 1 && prev[s - 1] > best) ((best = prev[s - 1]), (from = 1));
      if (s >= 2 && s % 2 === 1 && prev[s - 2] > best) ((best = prev[s - 2]), (from = 2));
      if (best === -Infinity) continue;
      cur[s] = best + emit(t, s);
      back[t * S + s] = from;
    }
    prev = cur;
  }
  let s = prev[S - 1] >= prev[S - 2] ? S - 1 : S - 2;
  if (prev[s] === -Infinity) return null;
  const span = Array.from({ length: n }, () => []);
  for (let t = T - 1; t >= 0; t--) {
    if (s % 2 === 1) span[(s - 1) / 2].push(t);
    s -= back[t * S + s];
  }
  let text = '';
  for (let i = 0; i < n; i++) {
    let best = slots[i][0];
    let bestSum = -1;
    for (const k of slots[i]) {
      let sum = 0;
      for (const t of span[i]) sum += p[t * C + k];
      if (sum > bestSum) ((bestSum = sum), (best = k));
    }
    text += ALPHABET[best - 1];
  }
  return text;
}
