import { blurPixels, boxRadii, pixelatePixels } from './obscure';

/** A black patch with a bright vertical bar, columns `x0` to `x1` (inclusive). */
function bar(width: number, height: number, x0: number, x1: number) {
  const data = Buffer.alloc(width * height * 3, 0);
  for (let y = 0; y < height; y++) data.fill(250, (y * width + x0) * 3, (y * width + x1 + 1) * 3);
  return { data, width, height };
}

describe('boxRadii', () => {
  it('gives three boxes whose variances add up to sigma²', () => {
    for (const sigma of [2, 3.7, 9, 18, 48]) {
      const variance = boxRadii(sigma, 3)
        .map((r) => ((2 * r + 1) ** 2 - 1) / 12)
        .reduce((a, b) => a + b, 0);
      expect(Math.abs(Math.sqrt(variance) - sigma) / sigma).toBeLessThan(0.1);
    }
  });
});

describe('blurPixels', () => {
  it('spreads a line as a Gaussian of the deviation asked, keeping its light', () => {
    const size = 121;
    const sigma = 8;
    const out = blurPixels(bar(size, size, 58, 62), sigma);
    const row = 60 * size;
    let sum = 0;
    let spread = 0;
    for (let x = 0; x < size; x++) {
      const v = out[(row + x) * 3];
      sum += v;
      spread += v * (x - 60) ** 2;
    }
    expect(sum / (5 * 250)).toBeGreaterThan(0.97);
    expect(sum / (5 * 250)).toBeLessThan(1.03);
    // the bar's own width adds (5² − 1) / 12 to the variance
    const deviation = Math.sqrt(spread / sum - 2);
    expect(deviation).toBeGreaterThan(0.95 * sigma);
    expect(deviation).toBeLessThan(1.05 * sigma);
    // symmetric, and the same in every channel and every row
    expect(out[(row + 50) * 3]).toBe(out[(row + 70) * 3]);
    expect(out[(row + 50) * 3 + 2]).toBe(out[(10 * size + 50) * 3 + 1]);
  });

  it('leaves a flat patch as it is, its edges included (they continue outward)', () => {
    const flat = { data: Buffer.alloc(40 * 12 * 3, 137), width: 40, height: 12 };
    expect(blurPixels(flat, 30).equals(flat.data)).toBe(true);
  });

  it('merges text-sized detail on a plate-sized area into one smooth blob', () => {
    // stripes 4 px wide (character strokes) on a 135 × 60 area: sigma 0.3 of its short side
    const width = 135;
    const height = 60;
    const data = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        data.fill((x >> 2) % 2 ? 255 : 0, (y * width + x) * 3, (y * width + x) * 3 + 3);
    const out = blurPixels({ data, width, height }, 18);
    const row = 30 * width;
    for (let x = 1; x < width; x++) {
      expect(Math.abs(out[(row + x) * 3] - out[(row + x - 1) * 3])).toBeLessThanOrEqual(2);
    }
  });
});

describe('pixelatePixels', () => {
  it('fills each cell with its mean colour', () => {
    const width = 8;
    const height = 4;
    const data = Buffer.alloc(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
    const out = pixelatePixels({ data, width, height }, 4);
    // 2 × 1 cells of 4 × 4 px
    for (const [x0, x1] of [
      [0, 4],
      [4, 8],
    ]) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = 0; y < height; y++)
          for (let x = x0; x < x1; x++) sum += data[(y * width + x) * 3 + c];
        const mean = Math.round(sum / 16);
        for (let y = 0; y < height; y++)
          for (let x = x0; x < x1; x++) expect(out[(y * width + x) * 3 + c]).toBe(mean);
      }
    }
  });
});
