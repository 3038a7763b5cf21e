import { PLATE_CHARS } from '../ocr/alphabet';
import { PAD, SLOT_CLASSES, SlotFrames } from '../ocr/slot-reader';

/**
 * The format prior may pick between look-alikes the reader is unsure of (`R1O7555` → `R107555`),
 * never overrule what it is sure of: vanity plates (`ZOOMN65`, `SGTE5`) exist in every US state, and
 * a format that prefers a digit where the reader clearly saw a letter — or one more character where
 * it clearly saw the plate end — turns a right reading into a wrong one.
 *
 * A slot reader (the CCT readers) lays a plate's text out from its first slot, pads after. A slot
 * is *sure* when its best class has at least `confident` of its probability; a candidate text
 * *overrules* the reader when, slot by slot, it puts a letter where a sure slot holds a digit, a
 * digit where it holds a letter, or a character where a sure slot holds the pad (or the pad where
 * it holds a character; `padConfident` says when a pad is sure). Such a text gets no format
 * support in candidates.ts (its prior is the floor of texts that fit no format), so only the
 * reader's own probability can make it win.
 *
 * Calibrated on the 745 labelled US training crops (../shared/alpr-crops-us), never on the dev
 * photos, by libs/engine/scripts/calibrate-format-guard.mjs (top-1 of the published reader plus the
 * engine's candidate ranking, with the `us` hint and without hints, for each threshold): see
 * libs/engine/README.md "Reading v3, accuracy (issue 27)" for the table: letters and digits sure at
 * 0.95 and any pad the reader reads best (0: the format never changes the length read) read the
 * most crops (86.58 % with the `us` hint and without, against 86.17 / 86.04 with no guard).
 */
export const FORMAT_GUARD = {
  /** a slot's best class at or above this share is sure (0–1); above 1 turns the guard off */
  confident: 0.95,
  /** the same for the pad (the plate's end: one character more or fewer); above 1 turns it off */
  padConfident: 0,
};

/** A slot's sure class: `L` letter, `N` digit, `_` pad, null when unsure. */
export type SlotClass = 'L' | 'N' | '_' | null;

const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';

/**
 * Per slot, the class the reader is sure of. Null (no guard at all) when its best reading has a
 * pad between characters: the text is then not laid out from the first slot and slots cannot be
 * lined up with a candidate's characters.
 */
export function sureClasses(
  f: SlotFrames,
  confident = FORMAT_GUARD.confident,
  padConfident = FORMAT_GUARD.padConfident,
): SlotClass[] | null {
  const out: SlotClass[] = [];
  let ended = false;
  for (let s = 0; s < f.slots; s++) {
    let best = 0;
    for (let c = 1; c < SLOT_CLASSES; c++)
      if (f.p[s * SLOT_CLASSES + c] > f.p[s * SLOT_CLASSES + best]) best = c;
    if (best === PAD) ended = true;
    else if (ended) return null;
    if (f.p[s * SLOT_CLASSES + best] < (best === PAD ? padConfident : confident)) out.push(null);
    else out.push(best === PAD ? '_' : isDigit(PLATE_CHARS[best]) ? 'N' : 'L');
  }
  return out;
}

/** Whether `text`, laid out from the first slot, contradicts a sure slot (see FORMAT_GUARD). */
export function overrules(text: string, sure: readonly SlotClass[]): boolean {
  if (text.length > sure.length) return true;
  for (let s = 0; s < sure.length; s++) {
    const want = sure[s];
    if (want === null) continue;
    const got: SlotClass = s < text.length ? (isDigit(text[s]) ? 'N' : 'L') : '_';
    if (got !== want) return true;
  }
  return false;
}
