import { BLANK, FOLDED, PLATE_CHARS } from '../ocr/alphabet';
import {
  COMBINE,
  ENSEMBLE,
  RecognizerFrames,
  combineRecognizers,
  generateCandidates,
} from './candidates';

/** Frames spelling one character per frame, blanks between: [{A: 0.98}, {'1': 0.55, '7': 0.45}, …]. */
function spell(chars: Array<Record<string, number>>) {
  const steps = chars.length * 2 + 1;
  const m = new Float32Array(steps * FOLDED);
  for (let t = 0; t < steps; t++) {
    if (t % 2 === 0) m[t * FOLDED + BLANK] = 1;
    else
      for (const [c, p] of Object.entries(chars[(t - 1) / 2]))
        m[t * FOLDED + PLATE_CHARS.indexOf(c) + 1] = p;
  }
  return { m, steps };
}
const plate = (slot: Record<string, number>) =>
  spell([{ A: 0.98 }, { B: 0.98 }, { C: 0.98 }, slot, { '2': 0.98 }, { '3': 0.98 }, { '4': 0.98 }]);
const ctx = { hints: ['br'], textFormats: [], strictRegion: false };

describe('combineRecognizers', () => {
  it('product: the weighted mean of log probabilities', () => {
    expect(combineRecognizers([-2, -4], [1, 0.5], 'product')).toBeCloseTo(-8 / 3, 12);
    expect(combineRecognizers([-3], [1], 'product')).toBe(-3);
    expect(combineRecognizers([-3, -1], [1, 0], 'product')).toBe(-3);
  });

  it('mixture: the log of the weighted mean of probabilities', () => {
    expect(combineRecognizers([Math.log(0.2), Math.log(0.8)], [1, 1], 'mixture')).toBeCloseTo(
      Math.log(0.5),
      12,
    );
    expect(combineRecognizers([Math.log(0.2), Math.log(0.8)], [1, 3], 'mixture')).toBeCloseTo(
      Math.log(0.65),
      12,
    );
    // one recogniser that finds the text impossible costs at most log(its weight share)
    expect(combineRecognizers([-1e6, -1], [1, 1], 'mixture')).toBeCloseTo(-1 + Math.log(0.5), 12);
  });
});

describe('candidates from two recognisers (product rule)', () => {
  const saved = ENSEMBLE.rule;
  beforeAll(() => (ENSEMBLE.rule = 'product'));
  afterAll(() => (ENSEMBLE.rule = saved));
  const ppocr = plate({ '1': 0.55, '7': 0.45 });
  const crnn = plate({ '7': 0.9, '1': 0.1 });
  const groups = (w: number): RecognizerFrames[] => [
    { name: 'ppocr', views: [ppocr], weight: 1 },
    { name: 'crnn', views: [crnn], weight: w },
  ];

  it('one group of weight 1 is the single-recogniser path', () => {
    expect(generateCandidates([{ name: 'ppocr', views: [ppocr], weight: 1 }], ctx)).toEqual(
      generateCandidates([ppocr], ctx),
    );
    expect(generateCandidates([ppocr], ctx)[0].plate).toBe('ABC1234');
  });

  it('pools log probabilities by weight, on the scale of one recogniser', () => {
    const top = generateCandidates(groups(1), ctx)[0];
    expect(top.plate).toBe('ABC7234');
    // both texts fit br's LLLNNNN equally; pooled log p = 6 ln .98 + (ln .45 + ln .9) / 2
    const pooled = 6 * Math.log(0.98) + (Math.log(0.45) + Math.log(0.9)) / 2;
    expect(top.score).toBe(Math.round(Math.exp(pooled / 7) * 1000) / 1000);
    const all = generateCandidates(groups(1), ctx);
    const other = all.find((c) => c.plate === 'ABC1234');
    expect((other?.total as number) - top.total).toBeCloseTo(
      (Math.log(0.55) + Math.log(0.1) - Math.log(0.45) - Math.log(0.9)) / 2,
      5,
    );
  });

  it('the weight decides who wins a disagreement; weight 0 drops the recogniser', () => {
    // ln .55 + w ln .1 > ln .45 + w ln .9  ⇔  w < ln(.55/.45) / ln(9) ≈ 0.0913
    expect(generateCandidates(groups(0.05), ctx)[0].plate).toBe('ABC1234');
    expect(generateCandidates(groups(0.2), ctx)[0].plate).toBe('ABC7234');
    expect(generateCandidates(groups(0), ctx)).toEqual(generateCandidates([ppocr], ctx));
  });

  it('takes candidate texts from both recognisers', () => {
    const onlyCrnn = plate({ '8': 0.97 });
    const c = generateCandidates(
      [
        { name: 'ppocr', views: [ppocr], weight: 1 },
        { name: 'crnn', views: [onlyCrnn], weight: 0.5 },
      ],
      ctx,
    );
    expect(c.map((x) => x.plate)).toEqual(expect.arrayContaining(['ABC1234', 'ABC8234']));
  });
});

describe('candidates from two recognisers (mixture rule, the default)', () => {
  it('is the default', () => expect(ENSEMBLE.rule).toBe('mixture'));

  it("scores a text by the weighted mean of the recognisers' probabilities", () => {
    const ppocr = plate({ '1': 0.55, '7': 0.45 });
    const crnn = plate({ '7': 0.9, '1': 0.1 });
    const c = generateCandidates(
      [
        { name: 'ppocr', views: [ppocr], weight: 1 },
        { name: 'crnn', views: [crnn], weight: 0.5 },
      ],
      ctx,
    );
    // P(ABC7234) = .98^6 · (.45 + .5 · .9) / 1.5 = .98^6 · .6; P(ABC1234) = .98^6 · (.55 + .05) / 1.5 = .98^6 · .4
    expect(c[0].plate).toBe('ABC7234');
    expect(c[0].score).toBe(
      Math.round(Math.exp((6 * Math.log(0.98) + Math.log(0.6)) / 7) * 1000) / 1000,
    );
    expect((c.find((x) => x.plate === 'ABC1234')?.total as number) - c[0].total).toBeCloseTo(
      Math.log(0.4 / 0.6),
      5,
    );
  });

  it("a text only one recogniser sees keeps that recogniser's share of the probability", () => {
    const seen = plate({ W: 0.98 });
    const missing = spell([
      { A: 0.98 },
      { B: 0.98 },
      { C: 0.98 },
      { '2': 0.98 },
      { '3': 0.98 },
      { '4': 0.98 },
    ]);
    const c = generateCandidates(
      [
        { name: 'ppocr', views: [missing], weight: 1 },
        { name: 'crnn', views: [seen], weight: 1 },
      ],
      { hints: [], textFormats: [], strictRegion: false },
    );
    expect(c.map((x) => x.plate)).toEqual(expect.arrayContaining(['ABCW234', 'ABC234']));
  });
});

describe('views of one recogniser', () => {
  // two crops of one plate: one sure of 1, one leaning to 7
  const a = plate({ '1': 0.9, '7': 0.1 });
  const b = plate({ '7': 0.6, '1': 0.4 });
  const total = (combine: 'max' | 'lse' | 'mean', text: string) =>
    generateCandidates([{ name: 'crnn', views: [a, b], weight: 1, combine }], ctx).find(
      (c) => c.plate === text,
    )?.total as number;

  it('combine per group: max, mean probability (lse) or mean log probability', () => {
    expect(COMBINE.mode).toBe('max');
    const d = (combine: 'max' | 'lse' | 'mean') =>
      total(combine, 'ABC1234') - total(combine, 'ABC7234');
    expect(d('max')).toBeCloseTo(Math.log(0.9) - Math.log(0.6), 5);
    expect(d('lse')).toBeCloseTo(Math.log(0.65) - Math.log(0.35), 5);
    expect(d('mean')).toBeCloseTo((Math.log(0.9 * 0.4) - Math.log(0.1 * 0.6)) / 2, 5);
    expect(total('lse', 'ABC1234')).toBeCloseTo(total('max', 'ABC1234') + Math.log(0.65 / 0.9), 5);
  });
});
