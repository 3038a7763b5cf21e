import { PLATE_CHARS } from '../ocr/alphabet';
import { PAD, SLOT_CLASSES, SlotFrames, greedySlots } from '../ocr/slot-reader';
import { formatPrior, generateCandidates } from './candidates';
import { countryWeights, prefixLikelihood, regionFromHead } from './region-prior';
import { slotView } from './text-views';

/**
 * Slot frames spelling `text` (pads after) with probability `p` per slot, the rest spread evenly;
 * `also[s]` = [another character, its probability, the slot's own probability (default p)].
 */
function slots(
  text: string,
  pAll = 0.9,
  also: Record<number, [string, number, number?]> = {},
): SlotFrames {
  const f = new Float32Array(9 * SLOT_CLASSES);
  for (let s = 0; s < 9; s++) {
    const want = s < text.length ? PLATE_CHARS.indexOf(text[s]) : PAD;
    const alt = also[s];
    const p = alt?.[2] ?? pAll;
    const altIdx = alt ? (alt[0] === '_' ? PAD : PLATE_CHARS.indexOf(alt[0])) : -1;
    const rest = 1 - p - (alt ? alt[1] : 0);
    for (let c = 0; c < SLOT_CLASSES; c++)
      f[s * SLOT_CLASSES + c] = rest / (SLOT_CLASSES - (alt ? 2 : 1));
    f[s * SLOT_CLASSES + want] = p;
    if (alt) f[s * SLOT_CLASSES + altIdx] = alt[1];
  }
  return { p: f, slots: 9, region: null };
}

/** Brute force over the slot sequences that spell `text` once pads are dropped. */
function bruteForce(f: SlotFrames, text: string): number {
  let total = 0;
  const rec = (s: number, j: number, prob: number): void => {
    if (s === 9) {
      if (j === text.length) total += prob;
      return;
    }
    rec(s + 1, j, prob * f.p[s * SLOT_CLASSES + PAD]);
    if (j < text.length)
      rec(s + 1, j + 1, prob * f.p[s * SLOT_CLASSES + PLATE_CHARS.indexOf(text[j])]);
  };
  rec(0, 0, 1);
  return total;
}

describe('slot view (CCT readers)', () => {
  const f = slots('ABC1234', 0.8, { 3: ['I', 0.15], 7: ['9', 0.1] });

  it('gives every text its exact probability: all placements of the pads', () => {
    const v = slotView(f, 0);
    for (const text of ['ABC1234', 'ABCI234', 'ABC12349', 'ABC123', 'A'])
      expect(Math.exp(v.logProb(text))).toBeCloseTo(bruteForce(f, text), 12);
    expect(v.logProb('ABCDEFGHIJ')).toBeLessThan(-1e20); // longer than nine slots
  });

  it('reads its own most likely texts, the greedy one first', () => {
    const v = slotView(f, 0);
    expect(greedySlots(f)).toBe('ABC1234');
    expect(v.readings()[0]).toBe('ABC1234');
    expect(v.readings()).toContain('ABCI234');
    expect(v.readings()).toContain('ABC12349');
  });

  it('fits a template: the best character of each allowed set, pads elsewhere', () => {
    const v = slotView(slots('ABCI234', 0.6, { 3: ['1', 0.3] }), 0);
    const L = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c) => PLATE_CHARS.indexOf(c) + 1);
    const N = [...'0123456789'].map((c) => PLATE_CHARS.indexOf(c) + 1);
    expect(v.fit([L, L, L, N, N, N, N])).toBe('ABC1234');
    expect(v.fit([L, L, L, L, N, N, N])).toBe('ABCI234');
    expect(v.fit(Array(10).fill(L))).toBeNull();
  });

  it('look-alikes share evidence once softened, so a format can pick the digit', () => {
    const f2 = slots('ABCO234', 0.9); // O where the format wants a digit
    expect(slotView(f2, 0.5).logProb('ABC0234')).toBeGreaterThan(
      slotView(f2, 0).logProb('ABC0234') + 3,
    );
  });

  it('drives the candidate search like CTC frames: hints and text_formats re-rank, strict filters', () => {
    const f3 = slots('OKL1235', 0.85, { 0: ['0', 0.1] });
    const ctx = { hints: ['br'], textFormats: [], strictRegion: false };
    const view = () => [{ name: 'cct', views: [slotView(f3, 0.5)], weight: 1 }];
    expect(generateCandidates(view(), ctx)[0].plate).toBe('OKL1235');
    const guided = generateCandidates(view(), { ...ctx, textFormats: [/^[0-9][A-Z]{2}[0-9]{4}$/] });
    expect(guided[0].plate).toBe('0KL1235');
    const strict = generateCandidates(view(), { ...ctx, strictRegion: true });
    expect(strict.every((c) => /^[A-Z]{3}[0-9][A-Z0-9][0-9]{2}$/.test(c.plate))).toBe(true);
  });
});

describe('region prior (region head + text)', () => {
  const head = (g: string) =>
    ({ us: 0.01, br: 0.01, ar: 0.01, eu: 0.01, ro: 0.01, [g]: 0.96 }) as never;

  it('moves the no-hint format prior toward the countries the head sees', () => {
    expect(formatPrior('ABC1234', [], countryWeights(head('br')))).toBeGreaterThan(
      2 * formatPrior('ABC1234', []),
    );
    expect(formatPrior('RK755AJ', [], countryWeights(head('br')))).toBeLessThan(
      formatPrior('RK755AJ', []) / 2,
    );
    // and so the reading: a Brazilian-looking plate keeps its letters where Brazil's format has them
    const f = slots('0KL1235', 0.97, { 0: ['O', 0.45, 0.5] });
    const top = (w: Record<string, number> | null) =>
      generateCandidates([{ name: 'cct', views: [slotView(f, 0.1)], weight: 1 }], {
        hints: [],
        textFormats: [],
        strictRegion: false,
        countryWeights: w,
      })[0].plate;
    expect(top(countryWeights(head('br')))).toBe('OKL1235');
  });

  it('names the country: the head for one-country groups, the format and prefix inside Europe', () => {
    // ABC1234 fits Brazil and the US only: the head's probability times the groups' fleets,
    // renormalised over those (0.96·110 / (0.96·110 + 0.01·280))
    expect(regionFromHead('ABC1234', head('br'))).toEqual({ code: 'br', score: 0.94 });
    expect(regionFromHead('4B40262', head('eu'))?.code).toBe('cz');
    expect(regionFromHead('RK755AJ', head('eu'))?.code).toBe('sk'); // R: past the Italian/French series
    expect(regionFromHead('OY09FEU', head('eu'))?.code).toBe('gb');
    // a text no European format fits (vanity, misread): the look's group, its largest fleet, unsure
    const vanity = regionFromHead('HELLO', head('eu'));
    expect(vanity?.code).toBe('de');
    expect(vanity!.score).toBeLessThan(0.5);
    expect(prefixLikelihood('QQ123AB', 'sk')).toBe(0);
  });

  it('weighs the head by the text: a group whose formats the text cannot fit loses', () => {
    const mixed = { us: 0.15, br: 0.8, ar: 0.02, eu: 0.02, ro: 0.01 };
    expect(regionFromHead('6MMD595', mixed)?.code).toBe('us'); // Californian: never Brazilian
    expect(regionFromHead('AYO9034', mixed)?.code).toBe('br'); // fits both: the look decides
  });

  it('hints weigh only among the head group’s countries, never across groups', () => {
    expect(regionFromHead('AYO9034', head('br'), ['us-ca'])?.code).toBe('br');
    expect(regionFromHead('BA738DE', head('eu'))?.code).toBe('it');
    expect(regionFromHead('BA738DE', head('eu'), ['sk'])?.code).toBe('sk');
  });
});
