import { FOLDED, PLATE_CHARS } from './alphabet';

/**
 * Characters that plate fonts draw (nearly) alike. A recogniser trained on general text is
 * confidently wrong between them (O/0 above all), so when a plate format asks for a digit where
 * the model saw an O, the O's probability should count as evidence for 0. `softenFrames` adds a
 * share `alpha` of each look-alike's probability to a character's own; texts are then scored on
 * these softened frames, where the format prior can decide between look-alikes.
 */
export const CONFUSABLE: string[] = [
  'O0',
  'OD',
  '0D',
  'OQ',
  '0Q',
  'I1',
  'L1',
  'T1',
  'B8',
  'S5',
  'Z2',
  'G6',
  'A4',
  'Z7',
  'T7',
  'UV',
  'E3',
  'J1',
];

export function confusionPartners(groups: string[] = CONFUSABLE): number[][] {
  const partners: number[][] = Array.from({ length: FOLDED }, () => []);
  for (const [a, b] of groups) {
    const ia = PLATE_CHARS.indexOf(a) + 1;
    const ib = PLATE_CHARS.indexOf(b) + 1;
    partners[ia].push(ib);
    partners[ib].push(ia);
  }
  return partners;
}

const DEFAULT_PARTNERS = confusionPartners();

export function softenFrames(
  m: Float32Array,
  steps: number,
  alpha: number,
  partners = DEFAULT_PARTNERS,
): Float32Array {
  if (alpha <= 0) return m;
  const out = new Float32Array(m.length);
  for (let t = 0; t < steps; t++) {
    const row = t * FOLDED;
    for (let k = 0; k < FOLDED; k++) {
      let v = m[row + k];
      for (const j of partners[k]) v += alpha * m[row + j];
      out[row + k] = v;
    }
  }
  return out;
}
