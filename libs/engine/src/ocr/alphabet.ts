/**
 * Plate alphabet. PP-OCRv4's recogniser scores 6,625 classes (blank, the Chinese+Latin dictionary,
 * space). Plates use 0-9 and A-Z only, so each dictionary entry is folded onto one of those
 * (lower case and full-width forms included) or onto "other"; probabilities of folded classes add.
 */
export const PLATE_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Column layout of a folded frame: 0 blank, 1..36 PLATE_CHARS, 37 other. */
export const BLANK = 0;
export const OTHER = PLATE_CHARS.length + 1;
export const FOLDED = PLATE_CHARS.length + 2;

export const isDigit = (c: string): boolean => c >= '0' && c <= '9';
export const isLetter = (c: string): boolean => c >= 'A' && c <= 'Z';

/** Map every model class to a folded column. `dictionary` is the file's lines in order. */
export function foldingTable(dictionary: string[]): Int32Array {
  const classes = dictionary.length + 2; // blank + entries + trailing space
  const table = new Int32Array(classes).fill(OTHER);
  table[0] = BLANK;
  dictionary.forEach((entry, i) => {
    const c = entry.normalize('NFKC').toUpperCase();
    const k = c.length === 1 ? PLATE_CHARS.indexOf(c) : -1;
    if (k >= 0) table[i + 1] = k + 1;
  });
  return table;
}

/** Fold a `[T, classes]` softmax into `[T, FOLDED]` probabilities. */
export function foldProbabilities(
  probs: Float32Array,
  steps: number,
  classes: number,
  table: Int32Array,
): Float32Array {
  const out = new Float32Array(steps * FOLDED);
  for (let t = 0; t < steps; t++) {
    const src = t * classes;
    const dst = t * FOLDED;
    for (let k = 0; k < classes; k++) out[dst + table[k]] += probs[src + k];
  }
  return out;
}
