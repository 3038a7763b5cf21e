import { jsonTooDeep, MAX_JSON_DEPTH, refuseDeepJson } from './json-depth';

const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('jsonTooDeep', () => {
  it('accepts nesting up to the limit and refuses one level more', () => {
    expect(jsonTooDeep(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTooDeep(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonTooDeep('{"a":'.repeat(40) + '1' + '}'.repeat(40))).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '[[[[{{{{'.repeat(20), b: 'say \\"[[[[\\"' });
    expect(jsonTooDeep(text)).toBe(false);
    expect(jsonTooDeep(Buffer.from(text), 1)).toBe(false);
    expect(jsonTooDeep(Buffer.from(text), 0)).toBe(true);
  });

  it('is linear on a megabyte of brackets', () => {
    expect(jsonTooDeep(Buffer.from(nested(500_000)))).toBe(true);
  });

  it('is a body parser verify that throws a 400', () => {
    expect(() => refuseDeepJson(null, null, Buffer.from(nested(100)))).toThrow(
      expect.objectContaining({ status: 400, type: 'entity.too.deep' }),
    );
    expect(() => refuseDeepJson(null, null, Buffer.from('{"a":[1,2]}'))).not.toThrow();
  });
});
