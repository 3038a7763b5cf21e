import { PLATE_CHARS } from '../ocr/alphabet';
import { PAD, SLOT_CLASSES, SlotFrames } from '../ocr/slot-reader';
import { generateCandidates } from './candidates';
import { overrules, sureClasses } from './format-guard';
import { slotView } from './text-views';

/** Slot frames spelling `text` (pads after), `p` per slot; `alt[s]` = [other class, its share, own share]. */
function frames(text: string, p = 0.99, alt: Record<number, [string, number, number]> = {}) {
  const f = new Float32Array(9 * SLOT_CLASSES);
  const idx = (ch: string) => (ch === '_' ? PAD : PLATE_CHARS.indexOf(ch));
  for (let s = 0; s < 9; s++) {
    const own = alt[s]?.[2] ?? p;
    const other = alt[s] ? alt[s][1] : 0;
    f.fill((1 - own - other) / (SLOT_CLASSES - 2), s * SLOT_CLASSES, (s + 1) * SLOT_CLASSES);
    f[s * SLOT_CLASSES + idx(s < text.length ? text[s] : '_')] = own;
    if (alt[s]) f[s * SLOT_CLASSES + idx(alt[s][0])] = other;
  }
  return { p: f, slots: 9, region: null } as SlotFrames;
}

const top = (f: SlotFrames, hints: string[], guard: boolean) =>
  generateCandidates([{ name: 'cct', views: [slotView(f, 0)], weight: 1 }], {
    hints,
    textFormats: [],
    strictRegion: false,
    sure: guard ? sureClasses(f) : null,
  })[0].plate;

describe('format guard', () => {
  it('marks the classes the reader is sure of, and every pad it reads', () => {
    const f = frames('AB1', 0.99, { 1: ['8', 0.3, 0.6], 3: ['5', 0.3, 0.6] });
    expect(sureClasses(f)).toEqual(['L', null, 'N', '_', '_', '_', '_', '_', '_']);
    // a pad between characters: slots cannot be lined up with a text, no guard
    expect(sureClasses(frames('A_B'))).toBeNull();
  });

  it('flags a text that swaps a sure letter for a digit or changes the read length', () => {
    const sure = sureClasses(frames('ZOOMN65', 0.99, { 1: ['0', 0.3, 0.6] }))!;
    expect(overrules('Z0OMN65', sure)).toBe(false); // slot 1 is unsure: the format may pick
    expect(overrules('ZO0MN65', sure)).toBe(true); // slot 2 is a sure letter
    expect(overrules('ZOOMN655', sure)).toBe(true); // one character where the reader read the end
    expect(overrules('ZOOMN6', sure)).toBe(true); // the end where it read a sure 5
  });

  it('keeps a vanity plate the US formats would rewrite, and still fixes unsure look-alikes', () => {
    // the wts-lg-000066 pattern: the plate ends after 5 characters (pad 0.7, a second 5 0.25)
    const vanity = frames('SGTE5', 0.97, { 5: ['5', 0.25, 0.7] });
    expect(top(vanity, ['us'], false)).not.toBe('SGTE5');
    expect(top(vanity, ['us'], true)).toBe('SGTE5');
    // an unsure O where US serials have a 0: the format prior still decides
    const serial = frames('R1O7555', 0.97, { 2: ['0', 0.35, 0.6] });
    expect(top(serial, ['us'], true)).toBe('R107555');
  });
});
