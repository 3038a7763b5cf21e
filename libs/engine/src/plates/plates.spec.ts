import { BLANK, FOLDED, PLATE_CHARS } from '../ocr/alphabet';
import { generateCandidates, formatPrior, reportedCandidates } from './candidates';
import {
  formatProbability,
  matchesTemplate,
  normaliseRegion,
  regionsMatching,
  templatesFor,
} from './formats';
import { inferRegion, stateFromText } from './region';

/** Frames that spell `text` with per-character alternatives: "A|O:0.7,0:0.3". */
function spell(chars: Array<Record<string, number>>) {
  const steps = chars.length * 2 + 1;
  const m = new Float32Array(steps * FOLDED);
  for (let t = 0; t < steps; t++) {
    if (t % 2 === 0) {
      m[t * FOLDED + BLANK] = 1;
      continue;
    }
    for (const [c, p] of Object.entries(chars[(t - 1) / 2]))
      m[t * FOLDED + PLATE_CHARS.indexOf(c) + 1] = p;
  }
  return { m, steps };
}
const sure = (text: string) => [...text].map((c) => ({ [c]: 0.98 }));

describe('region templates', () => {
  it('knows national and state formats', () => {
    expect(templatesFor('br')).toEqual(['LLLNNNN', 'LLLNLNN']);
    expect(templatesFor('us-ca')).toContain('NLLLNNN');
    expect(templatesFor('us')).toContain('NLLLNNN');
    expect(normaliseRegion('US-CA')).toBe('us-ca');
    expect(normaliseRegion('xx')).toBeNull();
  });

  it('matches letter/digit slots exactly', () => {
    expect(matchesTemplate('AYO9034', 'LLLNNNN')).toBe(true);
    expect(matchesTemplate('AY09034', 'LLLNNNN')).toBe(false);
    expect(matchesTemplate('BRA2E19', 'LLLNLNN')).toBe(true);
    expect(regionsMatching('RK715AA', ['sk', 'cz', 'br'])).toEqual(['sk']);
    expect(regionsMatching('1B19839', ['sk', 'cz'])).toEqual(['cz']);
  });

  it('shares a region’s probability among its templates', () => {
    expect(formatProbability('RK715AA', 'sk')).toBe(1);
    expect(formatProbability('AYO9034', 'br')).toBe(0.5);
    expect(formatProbability('ABC', 'br')).toBe(0);
    expect(formatPrior('RK715AA', ['sk', 'cz'])).toBe(0.5);
  });
});

describe('format-aware candidates', () => {
  const ctx = { hints: ['br'], textFormats: [], strictRegion: false };

  it('turns a confident 0 into O where the hinted format needs a letter (O/0)', () => {
    const f = spell([...sure('AY'), { '0': 0.9, O: 0.08 }, ...sure('9034')]);
    const c = generateCandidates([f], ctx);
    expect(c[0].plate).toBe('AYO9034');
    expect(c.map((x) => x.plate)).toContain('AY09034');
    expect(c[0].score).toBeGreaterThan(0);
    expect(c[0].score).toBeLessThanOrEqual(1);
  });

  it('I/1 and B/8 by slot: Mercosur LLLNLNN', () => {
    const f = spell([
      ...sure('BR'),
      { '8': 0.6, B: 0.3 },
      { I: 0.8, '1': 0.15 },
      ...sure('E'),
      { I: 0.7, '1': 0.25 },
      ...sure('9'),
    ]);
    expect(generateCandidates([f], ctx)[0].plate).toBe('BRB1E19');
  });

  it('keeps a reading that fits no format when the evidence is clear (a guide, not a filter)', () => {
    const f = spell(sure('HELLO1'));
    expect(generateCandidates([f], ctx)[0].plate).toBe('HELLO1');
  });

  it('region strict drops texts that fit no hinted template', () => {
    const f = spell(sure('HELLO1'));
    expect(
      generateCandidates([f], { ...ctx, strictRegion: true }).every((c) =>
        /^[A-Z]{3}\d[A-Z0-9]\d\d$/.test(c.plate),
      ),
    ).toBe(true);
  });

  it('text_formats guide the ranking', () => {
    const f = spell([...sure('AB'), { '1': 0.6, I: 0.35 }, ...sure('23')]);
    const free = generateCandidates([f], { hints: [], textFormats: [], strictRegion: false });
    expect(free[0].plate).toBe('AB123');
    const guided = generateCandidates([f], {
      hints: [],
      textFormats: [/^[A-Z]{3}[0-9]{2}$/i],
      strictRegion: false,
    });
    expect(guided[0].plate).toBe('ABI23');
  });
});

describe('region from the plate', () => {
  it('finds a state name among other text, allowing a misread letter', () => {
    expect(stateFromText('CALIFORNIA')).toEqual({ code: 'us-ca', score: 1 });
    expect(stateFromText('dmv.ca.gov NEWYORK')?.code).toBe('us-ny');
    expect(stateFromText('TEXA5')?.code).toBe('us-tx'); // one missing letter is tolerated
    expect(stateFromText('OHI')).toBeNull(); // too short to tell
    expect(stateFromText('FL0RIDA')?.code).toBe('us-fl');
    expect(stateFromText('AUTO BANK')).toBeNull();
  });

  it('prefers a printed state, then hinted formats, then the largest fleet', () => {
    expect(inferRegion(['us', 'br'], 'TEXAS', ['us']).code).toBe('us-tx');
    expect(inferRegion(['br', 'pl', 'us'], '', ['br'])).toEqual({ code: 'br', score: 0.7 });
    expect(inferRegion(['pl', 'br', 'us'], '', []).code).toBe('us');
    expect(inferRegion(['sk'], '', []).code).toBe('sk');
  });
});

describe('reported candidates', () => {
  const c = (plate: string, score: number) => ({ plate, score, total: 0, regions: [] });

  it('keeps the winner first, drops alternatives under the floor, and keeps at most 10', () => {
    const ranked = [c('NHK552', 0.04), c('NHK55Z', 0.3), c('YG9X2G1', 0), c('NHK5S2', 0.049)];
    expect(reportedCandidates(ranked).map((x) => x.plate)).toEqual(['NHK552', 'NHK55Z']);
    const many = Array.from({ length: 14 }, (_, i) => c(`AB${i}`, 0.5));
    expect(reportedCandidates(many)).toHaveLength(10);
  });
});
