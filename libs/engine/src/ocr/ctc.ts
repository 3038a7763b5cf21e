import { BLANK, FOLDED, OTHER, PLATE_CHARS } from './alphabet';

/**
 * CTC decoding over folded frames (`[T, FOLDED]`: blank, 36 plate characters, other).
 * "other" (punctuation, Chinese characters, dots between groups) emits nothing, so it is treated
 * as a blank when reading plate text.
 */
export interface Reading {
  text: string;
  /** natural log of the probability the model assigns to this text */
  logp: number;
  /** per-character confidence (max probability over the frames the character occupies) */
  charConf: number[];
}

const LOG0 = -1e30;
function logAdd(a: number, b: number): number {
  if (a === LOG0) return b;
  if (b === LOG0) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

const gap = (m: Float32Array, t: number): number => m[t * FOLDED + BLANK] + m[t * FOLDED + OTHER];

/** Best-path decoding: argmax per frame, collapse repeats, drop blanks. */
export function greedyDecode(m: Float32Array, steps: number): Reading {
  let text = '';
  const charConf: number[] = [];
  let logp = 0;
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    let best = BLANK;
    let bestP = gap(m, t);
    for (let k = 1; k <= PLATE_CHARS.length; k++) {
      const p = m[t * FOLDED + k];
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    logp += Math.log(Math.max(bestP, 1e-12));
    if (best !== BLANK && best !== prev) {
      text += PLATE_CHARS[best - 1];
      charConf.push(bestP);
    } else if (best !== BLANK && best === prev) {
      charConf[charConf.length - 1] = Math.max(charConf[charConf.length - 1], bestP);
    }
    prev = best;
  }
  return { text, logp, charConf };
}

/**
 * CTC prefix beam search: keeps the `beamWidth` most probable prefixes, summing over all
 * alignments of each (blank-ending and character-ending paths tracked apart so repeated letters
 * are handled correctly). Returns up to `beamWidth` readings, most probable first.
 */
export function beamSearch(
  m: Float32Array,
  steps: number,
  beamWidth = 16,
  pruneBelow = 1e-4,
): Reading[] {
  interface Beam {
    pb: number; // log prob ending in blank
    pnb: number; // log prob ending in a character
  }
  let beams = new Map<string, Beam>([['', { pb: 0, pnb: LOG0 }]]);
  const logm = logFramesOf(m, steps);
  const logGap = logGapOf(m, steps);
  for (let t = 0; t < steps; t++) {
    const row = t * FOLDED;
    const pBlank = logGap[t];
    const next = new Map<string, Beam>();
    const get = (text: string): Beam => {
      let b = next.get(text);
      if (!b) {
        b = { pb: LOG0, pnb: LOG0 };
        next.set(text, b);
      }
      return b;
    };
    for (const [text, b] of beams) {
      const total = logAdd(b.pb, b.pnb);
      // stay on blank
      const same = get(text);
      same.pb = logAdd(same.pb, total + pBlank);
      const last = text.length ? PLATE_CHARS.indexOf(text[text.length - 1]) + 1 : -1;
      for (let k = 1; k <= PLATE_CHARS.length; k++) {
        if (m[row + k] < pruneBelow) continue;
        const lp = logm[row + k];
        if (k === last) {
          // repeat without a blank collapses into the same character
          same.pnb = logAdd(same.pnb, b.pnb + lp);
          // a new copy of the character needs a blank in between
          const ext = get(text + PLATE_CHARS[k - 1]);
          ext.pnb = logAdd(ext.pnb, b.pb + lp);
        } else {
          const ext = get(text + PLATE_CHARS[k - 1]);
          ext.pnb = logAdd(ext.pnb, total + lp);
        }
      }
    }
    beams = new Map(
      [...next.entries()]
        .sort((a, b) => logAdd(b[1].pb, b[1].pnb) - logAdd(a[1].pb, a[1].pnb))
        .slice(0, beamWidth),
    );
  }
  return [...beams.entries()].map(([text, b]) => ({
    text,
    logp: logAdd(b.pb, b.pnb),
    charConf: [],
  }));
}

/**
 * Best alignment of the frames to a fixed pattern: `slots[i]` lists the character columns
 * allowed at position i (e.g. digits only). Viterbi over the CTC state graph
 * (blank, slot 0, blank, slot 1, …); each slot takes its best allowed character over the frames
 * it spans. Returns null when the pattern is longer than the frames allow.
 */
export function constrainedDecode(
  m: Float32Array,
  steps: number,
  slots: number[][],
): Reading | null {
  const n = slots.length;
  if (n === 0 || n > steps) return null;
  const S = 2 * n + 1;
  const logGap = logGapOf(m, steps);
  // Per frame, the best log prob within each slot's character set (shared across templates: the
  // sets are the same few arrays).
  const slotTables = slots.map((set) => bestInSet(m, steps, set));
  const emit = (t: number, s: number): number =>
    s % 2 === 0 ? logGap[t] : slotTables[(s - 1) / 2][t];
  let prev = new Float64Array(S).fill(LOG0);
  const back = new Int8Array(steps * S); // 0 stay, 1 from s-1, 2 from s-2
  prev[0] = emit(0, 0);
  prev[1] = emit(0, 1);
  for (let t = 1; t < steps; t++) {
    const cur = new Float64Array(S).fill(LOG0);
    for (let s = 0; s < S; s++) {
      let best = prev[s];
      let from = 0;
      if (s >= 1 && prev[s - 1] > best) {
        best = prev[s - 1];
        from = 1;
      }
      // skipping the blank between two slots is allowed (CTC forbids it only for equal characters,
      // which the slot-wise max cannot see; the rare double letter costs at most a slightly
      // optimistic score).
      if (s >= 2 && s % 2 === 1 && prev[s - 2] > best) {
        best = prev[s - 2];
        from = 2;
      }
      if (best === LOG0) continue;
      cur[s] = best + emit(t, s);
      back[t * S + s] = from;
    }
    prev = cur;
  }
  let s = prev[S - 1] >= prev[S - 2] ? S - 1 : S - 2;
  const logp = prev[s];
  if (logp <= LOG0 / 2) return null;
  // Trace back which frames each slot occupies, then pick the slot's character by summed evidence.
  const frames: number[][] = Array.from({ length: n }, () => []);
  for (let t = steps - 1; t >= 0; t--) {
    if (s % 2 === 1) frames[(s - 1) / 2].push(t);
    if (t > 0) s -= back[t * S + s];
  }
  let text = '';
  const charConf: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = slots[i][0];
    let bestSum = -1;
    let bestMax = 0;
    for (const k of slots[i]) {
      let sum = 0;
      let max = 0;
      for (const t of frames[i]) {
        const p = m[t * FOLDED + k];
        sum += p;
        if (p > max) max = p;
      }
      if (sum > bestSum) {
        bestSum = sum;
        best = k;
        bestMax = max;
      }
    }
    text += PLATE_CHARS[best - 1];
    charConf.push(bestMax);
  }
  return { text, logp, charConf };
}

const gapCache = new WeakMap<Float32Array, Float64Array>();
function logGapOf(m: Float32Array, steps: number): Float64Array {
  let g = gapCache.get(m);
  if (!g) {
    g = new Float64Array(steps);
    for (let t = 0; t < steps; t++) g[t] = Math.log(Math.max(gap(m, t), 1e-12));
    gapCache.set(m, g);
  }
  return g;
}

const setCache = new WeakMap<Float32Array, Map<number[], Float64Array>>();
function bestInSet(m: Float32Array, steps: number, set: number[]): Float64Array {
  let bySet = setCache.get(m);
  if (!bySet) {
    bySet = new Map();
    setCache.set(m, bySet);
  }
  let lp = bySet.get(set);
  if (!lp) {
    lp = new Float64Array(steps);
    for (let t = 0; t < steps; t++) {
      let bp = 0;
      for (const k of set) bp = Math.max(bp, m[t * FOLDED + k]);
      lp[t] = Math.log(Math.max(bp, 1e-12));
    }
    bySet.set(set, lp);
  }
  return lp;
}

/** Sum over all alignments of `text` (forward algorithm): the model's probability of exactly this text. */
export function textLogProb(m: Float32Array, steps: number, text: string): number {
  const labels = [...text].map((c) => PLATE_CHARS.indexOf(c) + 1);
  const S = 2 * labels.length + 1;
  // Log frames are computed once per frame matrix: every candidate text is scored on the same ones.
  const logm = logFramesOf(m, steps);
  const logGap = logGapOf(m, steps);
  const lp = (t: number, s: number): number =>
    s % 2 === 0 ? logGap[t] : logm[t * FOLDED + labels[(s - 1) / 2]];
  let prev = new Float64Array(S).fill(LOG0);
  let cur = new Float64Array(S);
  prev[0] = lp(0, 0);
  if (S > 1) prev[1] = lp(0, 1);
  for (let t = 1; t < steps; t++) {
    for (let s = 0; s < S; s++) {
      let a = prev[s];
      if (s >= 1) a = logAdd(a, prev[s - 1]);
      if (s >= 2 && s % 2 === 1 && labels[(s - 1) / 2] !== labels[(s - 3) / 2])
        a = logAdd(a, prev[s - 2]);
      cur[s] = a !== LOG0 ? a + lp(t, s) : LOG0;
    }
    [prev, cur] = [cur, prev];
  }
  return S > 1 ? logAdd(prev[S - 1], prev[S - 2]) : prev[0];
}

const logFramesCache = new WeakMap<Float32Array, Float64Array>();
function logFramesOf(m: Float32Array, steps: number): Float64Array {
  let l = logFramesCache.get(m);
  if (!l) {
    l = new Float64Array(steps * FOLDED);
    for (let i = 0; i < steps * FOLDED; i++) l[i] = Math.log(Math.max(m[i], 1e-12));
    logFramesCache.set(m, l);
  }
  return l;
}
