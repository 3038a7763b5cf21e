import { BLANK, FOLDED, OTHER, PLATE_CHARS, foldProbabilities, foldingTable } from './alphabet';
import { beamSearch, constrainedDecode, greedyDecode, textLogProb } from './ctc';
import { softenFrames } from './confusion';

/** Build folded frames from per-frame {char: prob} maps; the rest goes to blank. */
function frames(spec: Array<Record<string, number>>): { m: Float32Array; steps: number } {
  const m = new Float32Array(spec.length * FOLDED);
  spec.forEach((row, t) => {
    let used = 0;
    for (const [c, p] of Object.entries(row)) {
      const k = c === '_' ? BLANK : c === '?' ? OTHER : PLATE_CHARS.indexOf(c) + 1;
      m[t * FOLDED + k] += p;
      used += p;
    }
    m[t * FOLDED + BLANK] += Math.max(0, 1 - used);
  });
  return { m, steps: spec.length };
}

describe('alphabet folding', () => {
  it('folds lower case and full-width forms onto plate characters and the rest onto other', () => {
    const table = foldingTable(['a', 'A', '０', '京', '-']);
    expect(Array.from(table)).toEqual([BLANK, 11, 11, 1, OTHER, OTHER, OTHER]);
    const probs = new Float32Array([0.1, 0.2, 0.3, 0.1, 0.2, 0.05, 0.05]);
    const folded = foldProbabilities(probs, 1, 7, table);
    expect(folded[11]).toBeCloseTo(0.5);
    expect(folded[OTHER]).toBeCloseTo(0.3);
  });
});

describe('CTC decoding', () => {
  const abba = frames([{ A: 0.9 }, { A: 0.8 }, { B: 0.9 }, { _: 1 }, { B: 0.7 }, { A: 0.95 }]);

  it('greedy: collapses repeats, keeps a repeat separated by a blank', () => {
    expect(greedyDecode(abba.m, abba.steps).text).toBe('ABBA');
  });

  it('treats "other" classes (punctuation, Chinese) as gaps', () => {
    const f = frames([{ A: 0.9 }, { '?': 0.9 }, { A: 0.9 }]);
    expect(greedyDecode(f.m, f.steps).text).toBe('AA');
  });

  it('beam search ranks the sum over alignments, not the single best path', () => {
    // Best path is blank,blank,blank ("") but "A" collects more total probability.
    const f = frames([{ A: 0.4 }, { A: 0.4 }, { A: 0.4 }]);
    expect(greedyDecode(f.m, f.steps).text).toBe('');
    const beams = beamSearch(f.m, f.steps, 8);
    expect(beams[0].text).toBe('A');
    // P("A") = 1 - P(no A anywhere) - P(A, blank, A) = 1 - 0.6^3 - 0.4*0.6*0.4
    expect(Math.exp(beams[0].logp)).toBeCloseTo(1 - 0.216 - 0.096, 5);
    expect(Math.exp(textLogProb(f.m, f.steps, 'A'))).toBeCloseTo(0.688, 5);
    expect(Math.exp(textLogProb(f.m, f.steps, 'AA'))).toBeCloseTo(0.096, 5);
  });

  it('constrained decoding reads a digit where the pattern asks for one', () => {
    const f = frames([{ A: 0.9 }, { O: 0.7, '0': 0.2 }, { '1': 0.9 }]);
    expect(greedyDecode(f.m, f.steps).text).toBe('AO1');
    const DIG = [...'0123456789'].map((c) => PLATE_CHARS.indexOf(c) + 1);
    const LET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c) => PLATE_CHARS.indexOf(c) + 1);
    expect(constrainedDecode(f.m, f.steps, [LET, DIG, DIG])?.text).toBe('A01');
    expect(constrainedDecode(f.m, f.steps, [LET, DIG, DIG, DIG, DIG])).toBeNull();
  });

  it('softening lets look-alikes share evidence', () => {
    const f = frames([{ O: 0.9, '0': 0.05 }]);
    const s = softenFrames(f.m, f.steps, 0.5);
    expect(s[PLATE_CHARS.indexOf('0') + 1]).toBeCloseTo(0.05 + 0.45);
    expect(s[PLATE_CHARS.indexOf('O') + 1]).toBeCloseTo(0.9 + 0.025);
  });
});
