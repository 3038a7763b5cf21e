import fc from 'fast-check';
import { EngineConfigError } from '../errors';
import { compileTextPattern, TEXT_FORMAT_LIMITS } from './text-pattern';

const fullMatch = (pattern: string, text: string) => new RegExp(`^(?:${pattern})$`, 'i').test(text);

describe('compileTextPattern', () => {
  it.each([
    ['[0-9][0-9][0-9][a-z][a-z]', ['123AB', '123ab'], ['123ABC', '12AB', 'A23AB']],
    ['[A-Z]{3}[0-9]{4}', ['ABC1234'], ['ABC123', 'ABCD1234']],
    ['[A-Z]{2,3}-?\\d{1,4}', ['AB-1', 'ABC1234', 'AB12'], ['A-1', 'ABCD1', 'AB-']],
    ['(?:AB|CD)+X?', ['AB', 'ABCDAB', 'CDX'], ['', 'X', 'ABC']],
    ['(?P<area>[A-Z]{2})\\s?\\d+', ['AB 12', 'AB12'], ['AB', 'A 12']],
    ['^[^0-9]*$', ['ABC', ''], ['A1']],
    ['a.c', ['ABC', 'A-C'], ['AC']],
    ['[\\d\\-]{3}', ['1-2', '---'], ['1a2']],
    ['x{2,}', ['XX', 'XXXXX'], ['X']],
    ['ab*?c', ['AC', 'ABBC'], ['AB']],
    // Python's inline flags, as Snapshot API clients write them
    ['(?i)[a-z]{3}\\d{4}', ['abc1234', 'ABC1234'], ['ABC123']],
    ['(?i)(?s)^[A-Z]{2}$', ['AB'], ['A']],
    ['(?i:AB|CD)\\d', ['ab1', 'CD2'], ['AB']],
  ])('%s matches whole texts, ignoring case', (pattern, yes, no) => {
    const m = compileTextPattern(pattern);
    for (const t of yes) expect([t, m.test(t)]).toEqual([t, true]);
    for (const t of no) expect([t, m.test(t)]).toEqual([t, false]);
  });

  it.each([
    ['[a-', /missing "\]"/],
    ['(ab', /missing "\)"/],
    ['ab)', /unmatched/],
    ['*a', /nothing to repeat/],
    ['a**', /nothing to repeat/],
    ['(a)\\1', /not supported/],
    ['(?=a)b', /not supported/],
    ['(?x)A B', /inline flags "\(\?x\)" are not supported/],
    ['(?-i:ab)', /not supported/],
    ['a{1,99}', /limited to 20/],
    ['a{3,1}', /wrong way round/],
    ['((a{20}){20}){20}', /too complex/],
    ['x'.repeat(TEXT_FORMAT_LIMITS.length + 1), /limited to 100 characters/],
  ])('refuses %s with a clear reason', (pattern, reason) => {
    expect(() => compileTextPattern(pattern)).toThrow(EngineConfigError);
    expect(() => compileTextPattern(pattern)).toThrow(reason);
  });

  it('agrees with RegExp on generated patterns and texts', () => {
    const atom = fc.constantFrom(
      'A',
      'B',
      '1',
      '.',
      '[A-B]',
      '[^1]',
      '\\d',
      '\\w',
      '(?:A|1)',
      '(B1)',
    );
    const quant = fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{0,}');
    const pattern = fc
      .array(
        fc.tuple(atom, quant).map(([a, q]) => a + q),
        { minLength: 1, maxLength: 6 },
      )
      .map((p) => p.join(''));
    const text = fc
      .array(fc.constantFrom('A', 'b', '1', 'Z', '-'), { maxLength: 8 })
      .map((t) => t.join(''));
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 1, maxLength: 5 }), (p, texts) => {
        const m = compileTextPattern(p);
        for (const t of texts) if (m.test(t) !== fullMatch(p, t)) return false;
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('costs the same for patterns that make a backtracking engine explode', () => {
    const patterns = [
      '.*'.repeat(40) + 'X',
      '(A*)*B',
      '(?:A|A)*B',
      '(\\w+\\s?)*$'.replace('$', 'X'),
    ];
    const text = 'A'.repeat(40);
    const started = performance.now();
    for (const p of patterns) expect(compileTextPattern(p).test(text)).toBe(false);
    // Each one is a few thousand automaton steps; a backtracking RegExp takes minutes on the first.
    expect(performance.now() - started).toBeLessThan(500);
  });
});
