import { decodeBase64Image, filenameOfUrl, sniffImageFormat } from './image-input';

describe('sniffImageFormat', () => {
  const b = (...bytes: (number | string)[]) =>
    Buffer.concat(
      bytes.map((x) => (typeof x === 'number' ? Buffer.from([x]) : Buffer.from(x, 'latin1'))),
    );
  it('recognises the formats the engine decodes by their magic bytes', () => {
    expect(sniffImageFormat(b(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(sniffImageFormat(b('\x89PNG\r\n\x1a\n', 0))).toBe('png');
    expect(sniffImageFormat(b('GIF89a'))).toBe('gif');
    expect(sniffImageFormat(b('RIFF', 0, 0, 0, 0, 'WEBPVP8 '))).toBe('webp');
    expect(sniffImageFormat(b('II*', 0))).toBe('tiff');
    expect(sniffImageFormat(b(0, 0, 0, 0x1c, 'ftypavif'))).toBe('avif');
  });
  it('rejects everything else', () => {
    expect(sniffImageFormat(b('BM', 0, 0))).toBeNull(); // BMP
    expect(sniffImageFormat(b('%PDF-1.7'))).toBeNull();
    expect(sniffImageFormat(Buffer.alloc(0))).toBeNull();
  });
});

describe('decodeBase64Image', () => {
  it('decodes plain base64 and data URIs', () => {
    expect(decodeBase64Image('aGVsbG8=')?.toString()).toBe('hello');
    expect(decodeBase64Image('data:image/jpeg;base64,aGVsbG8=')?.toString()).toBe('hello');
    expect(decodeBase64Image('aGVs\nbG8=')?.toString()).toBe('hello');
  });
  it('refuses what is not base64', () => {
    expect(decodeBase64Image('not base64!')).toBeNull();
    expect(decodeBase64Image('')).toBeNull();
  });
});

describe('filenameOfUrl', () => {
  it('takes the last path segment', () => {
    expect(filenameOfUrl('https://app.example.com/static/demo.jpg?x=1')).toBe('demo.jpg');
    expect(filenameOfUrl('https://example.com/')).toBeNull();
  });
});
