import { checkJsonText, jsonHasNul, jsonTooDeep, MAX_JSON_DEPTH } from './json-text';

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
    expect(() => checkJsonText(null, null, Buffer.from(nested(100)))).toThrow(
      expect.objectContaining({ status: 400, type: 'entity.too.deep' }),
    );
    expect(() => checkJsonText(null, null, Buffer.from('{"a":[1,2]}'))).not.toThrow();
  });
});

describe('jsonHasNul', () => {
  const has = (text: string) => jsonHasNul(Buffer.from(text));

  it('finds the \\u0000 escape in a string or a key', () => {
    expect(has(JSON.stringify({ label: 'a\u0000b' }))).toBe(true);
    expect(has(JSON.stringify({ ['k\u0000']: 1 }))).toBe(true);
    expect(has('{"a":"x\\\\\\u0000"}')).toBe(true);
  });

  it('leaves the text "\\u0000" (an escaped backslash before it) and other escapes alone', () => {
    expect(has(JSON.stringify({ label: 'C:\\u0000' }))).toBe(false);
    expect(has(JSON.stringify({ label: 'tab\there \u0001 é' }))).toBe(false);
  });

  it('is refused by the body parser verify with a 400', () => {
    expect(() => checkJsonText(null, null, Buffer.from('{"label":"\\u0000"}'))).toThrow(
      expect.objectContaining({ status: 400, type: 'entity.nul' }),
    );
  });
});
