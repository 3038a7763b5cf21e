import { lookalikeKey, lookalikeVariants, looksLike, withinOneEdit } from './lookalike';

describe('plate look-alikes', () => {
  it('folds O/0, I/1 and B/8 and ignores case and separators', () => {
    expect(lookalikeKey('abo-123')).toBe('A80123');
    expect(lookalikeKey('A8O 123')).toBe(lookalikeKey('AB0123'));
    expect(lookalikeKey('ib1')).toBe('181');
  });

  it('is one edit: a change, an addition or a removal, not two', () => {
    expect(withinOneEdit('ABC123', 'ABC123')).toBe(true);
    expect(withinOneEdit('ABC123', 'ABX123')).toBe(true);
    expect(withinOneEdit('ABC123', 'ABC1234')).toBe(true);
    expect(withinOneEdit('ABC123', 'AC123')).toBe(true);
    expect(withinOneEdit('ABC123', 'BAC123')).toBe(false);
    expect(withinOneEdit('ABC123', 'XBC12Y')).toBe(false);
    expect(withinOneEdit('ABC', 'ABCDE')).toBe(false);
  });

  it('gives plates one edit apart a shared variant', () => {
    const pairs = [
      ['ABC123', 'ABX123'],
      ['ABC123', 'ABC1234'],
      ['ABC123', 'BC123'],
    ];
    for (const [a, b] of pairs) {
      const shared = lookalikeVariants(a).filter((v) => lookalikeVariants(b).includes(v));
      expect(shared.length).toBeGreaterThan(0);
    }
  });

  it('matches look-alikes and near misses, not other plates', () => {
    expect(looksLike('ab0123', 'ABO123')).toBe(true);
    expect(looksLike('a8o12', 'ABO123')).toBe(true);
    expect(looksLike('xyz789', 'ABO123')).toBe(false);
  });
});
