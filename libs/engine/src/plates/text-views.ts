import { PLATE_CHARS } from '../ocr/alphabet';
import { beamSearch, constrainedDecode, textLogProb } from '../ocr/ctc';
import { confusionPartners, softenFrames } from '../ocr/confusion';
import { PAD, SLOT_CLASSES, SlotFrames } from '../ocr/slot-reader';
import { LineFrames } from '../ocr/text-recognize';

/**
 * One recogniser's look at one plate, whatever its output form (CTC frames or fixed character
 * slots), as the candidate search needs it. Character sets are folded columns (PLATE_CHARS index
 * + 1, as in ocr/alphabet.ts). Probabilities are scored on "softened" evidence where look-alike
 * characters (O/0, I/1, B/8 …) share a part `alpha` of each other's probability
 * (ocr/confusion.ts), so a format can decide between them.
 */
export interface TextView {
  /** the recogniser's own most likely readings, best first */
  readings(): string[];
  /** the most probable text whose i-th character is in sets[i], or null when none fits */
  fit(sets: number[][]): string | null;
  /** natural log of the probability of exactly `text` */
  logProb(text: string): number;
}

const LOG0 = -1e30;

/** CTC frames (PP-OCRv4, platewise-rec-v1): beam search, template Viterbi, forward algorithm. */
export function ctcView(f: LineFrames, alpha: number): TextView {
  const soft = softenFrames(f.m, f.steps, alpha);
  return {
    readings: () =>
      beamSearch(f.m, f.steps, 12)
        .slice(0, 8)
        .map((r) => r.text)
        .filter(Boolean),
    fit: (sets) => constrainedDecode(soft, f.steps, sets)?.text ?? null,
    logProb: (text) => textLogProb(soft, f.steps, text),
  };
}

const PARTNERS = confusionPartners()
  .map((js) => js.map((j) => j - 1))
  .slice(1, SLOT_CLASSES);

/**
 * Slot outputs (the CCT readers). A text of n characters is read when the slots, pads dropped,
 * spell it: P(text) sums over every way of placing the pads (almost all of it is text first,
 * pads after), computed exactly by a small dynamic programme over (slot, characters consumed).
 */
export function slotView(f: SlotFrames, alpha: number): TextView {
  const C = SLOT_CLASSES;
  const S = f.slots;
  const soft = new Float64Array(S * C);
  for (let s = 0; s < S; s++)
    for (let c = 0; c < C; c++) {
      let v = f.p[s * C + c];
      if (c !== PAD) for (const j of PARTNERS[c]) v += alpha * f.p[s * C + j];
      soft[s * C + c] = v;
    }
  const pad = (s: number): number => soft[s * C + PAD];
  return {
    readings: () => topReadings(f, 8),
    logProb(text) {
      const n = text.length;
      if (n > S) return LOG0;
      const idx = [...text].map((ch) => PLATE_CHARS.indexOf(ch));
      let dp = new Float64Array(n + 1);
      dp[0] = 1;
      for (let s = 0; s < S; s++) {
        const next = new Float64Array(n + 1);
        for (let j = 0; j <= n; j++) {
          if (!dp[j]) continue;
          next[j] += dp[j] * pad(s);
          if (j < n) next[j + 1] += dp[j] * soft[s * C + idx[j]];
        }
        dp = next;
      }
      return dp[n] > 0 ? Math.log(dp[n]) : LOG0;
    },
    fit(sets) {
      const n = sets.length;
      if (n === 0 || n > S) return null;
      // best[s][j]: best log prob of slots < s spelling the first j characters; char[s][j] the pick
      const best = Array.from({ length: S + 1 }, () => new Float64Array(n + 1).fill(LOG0));
      const took = Array.from({ length: S }, () => new Int16Array(n + 1).fill(-1));
      best[0][0] = 0;
      for (let s = 0; s < S; s++) {
        const lpad = Math.log(Math.max(pad(s), 1e-30));
        for (let j = 0; j <= n; j++) {
          const cur = best[s][j];
          if (cur <= LOG0) continue;
          if (cur + lpad > best[s + 1][j]) {
            best[s + 1][j] = cur + lpad;
            took[s][j] = -1;
          }
          if (j === n) continue;
          let bc = -1;
          let bp = 0;
          for (const k of sets[j]) {
            if (soft[s * C + k - 1] > bp) {
              bp = soft[s * C + k - 1];
              bc = k - 1;
            }
          }
          if (bc >= 0 && cur + Math.log(bp) > best[s + 1][j + 1]) {
            best[s + 1][j + 1] = cur + Math.log(bp);
            took[s][j + 1] = bc;
          }
        }
      }
      if (best[S][n] <= LOG0) return null;
      let j = n;
      const out: string[] = [];
      for (let s = S - 1; s >= 0; s--) {
        const c = took[s][j];
        if (c >= 0) {
          out.push(PLATE_CHARS[c]);
          j--;
        }
      }
      return out.reverse().join('');
    },
  };
}

/**
 * The k most probable slot sequences (beam over slots, a few best classes each), pads dropped and
 * equal texts merged: the model's own hypotheses, as CTC beam search gives for the CTC readers.
 */
function topReadings(f: SlotFrames, k: number): string[] {
  const C = SLOT_CLASSES;
  let beams: Array<{ text: string; lp: number }> = [{ text: '', lp: 0 }];
  for (let s = 0; s < f.slots; s++) {
    const row = [...f.p.subarray(s * C, (s + 1) * C)]
      .map((p, c) => ({ c, p }))
      .sort((a, b) => b.p - a.p)
      .slice(0, 4);
    const next = new Map<string, number>();
    for (const b of beams)
      for (const { c, p } of row) {
        if (p < 1e-4) continue;
        const text = c === PAD ? b.text : b.text + PLATE_CHARS[c];
        const lp = b.lp + Math.log(p);
        const old = next.get(text);
        next.set(
          text,
          old === undefined ? lp : Math.max(old, lp) + Math.log1p(Math.exp(-Math.abs(old - lp))),
        );
      }
    beams = [...next]
      .map(([text, lp]) => ({ text, lp }))
      .sort((a, b) => b.lp - a.lp)
      .slice(0, 3 * k);
  }
  return beams
    .slice(0, k)
    .map((b) => b.text)
    .filter(Boolean);
}
