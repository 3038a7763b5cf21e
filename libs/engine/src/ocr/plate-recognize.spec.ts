import { createHash } from 'node:crypto';
import { FOLDED } from './alphabet';
import { CRNN_H, CRNN_W, crnnInput, logitsToFrames, toGrey } from './plate-recognize';
import { resizeLikePillow } from '../image/pillow-resize';

/** Deterministic RGB test image; the expected values below come from Pillow 9.4 on the same pixels:
 *  `Image.fromarray(a, 'RGB').convert('L').resize((128, 32), Image.BILINEAR)`. */
function formula(w: number, h: number, k: number) {
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      data[o] = (x * 7 + y * 3 + k * 11) % 256;
      data[o + 1] = (Math.floor((x * x) / 5) + y * 13 + k) % 256;
      data[o + 2] = ((x ^ y) * 5 + k * 29) % 256;
    }
  return { data, width: w, height: h };
}

const PILLOW: Array<
  [number, number, number, { sum: number; sha: string; first: number[]; grey0: number[] }]
> = [
  [
    301,
    97,
    0,
    {
      sum: 520890,
      sha: '18c7da7011ed3642',
      first: [14, 20, 29, 38, 49, 62, 75, 91],
      grey0: [0, 3, 5, 9, 12, 16],
    },
  ],
  [
    100,
    20,
    1,
    {
      sum: 523162,
      sha: '1f79f20f59ffd6e8',
      first: [7, 9, 11, 14, 16, 19, 22, 24],
      grey0: [7, 10, 13, 16, 20, 23],
    },
  ],
  [
    200,
    40,
    2,
    {
      sum: 524872,
      sha: 'cc35f250697ad8d3',
      first: [17, 22, 26, 33, 38, 45, 54, 61],
      grey0: [14, 17, 20, 23, 27, 31],
    },
  ],
  [
    57,
    33,
    3,
    {
      sum: 527867,
      sha: '290d17ebe7a11e63',
      first: [22, 22, 23, 24, 26, 27, 28, 30],
      grey0: [22, 24, 27, 30, 34, 38],
    },
  ],
  [
    128,
    32,
    4,
    {
      sum: 529515,
      sha: '21949e372e22520f',
      first: [29, 31, 34, 37, 41, 45, 49, 53],
      grey0: [29, 31, 34, 37, 41, 45],
    },
  ],
];

describe('CRNN preprocessing mirrors Pillow exactly', () => {
  it.each(PILLOW)('%ix%i (k=%i)', (w, h, k, want) => {
    const img = formula(w, h, k);
    const grey = toGrey(img);
    expect([...grey.subarray(0, 6)]).toEqual(want.grey0);
    const g = resizeLikePillow(grey, w, h, CRNN_W, CRNN_H, 1);
    expect(g.length).toBe(CRNN_W * CRNN_H);
    expect(g.reduce((s, v) => s + v, 0)).toBe(want.sum);
    expect([...g.subarray(0, 8)]).toEqual(want.first);
    expect(createHash('sha256').update(g).digest('hex').slice(0, 16)).toBe(want.sha);
  });

  it('normalises to (p/255 − 0.5)/0.5', () => {
    const white = { data: Buffer.alloc(40 * 10 * 3, 255), width: 40, height: 10 };
    const black = { data: Buffer.alloc(40 * 10 * 3, 0), width: 40, height: 10 };
    const out = new Float32Array(2 * CRNN_H * CRNN_W);
    crnnInput(white, out, 0);
    crnnInput(black, out, CRNN_H * CRNN_W);
    expect(out[0]).toBe(1);
    expect(out[CRNN_H * CRNN_W - 1]).toBe(1);
    expect(out[CRNN_H * CRNN_W]).toBe(-1);
  });
});

describe('logitsToFrames', () => {
  it('softmaxes each step onto folded columns (blank, 0-9A-Z, other = 0)', () => {
    const logits = new Float32Array(2 * 37);
    logits[0] = Math.log(3); // step 0: blank 3/(3+36)
    logits[37 + 11] = 10; // step 1: 'A'
    const m = logitsToFrames(logits, 2);
    expect(m.length).toBe(2 * FOLDED);
    expect(m[0]).toBeCloseTo(3 / 39, 6);
    expect(m[1]).toBeCloseTo(1 / 39, 6);
    expect(m[FOLDED - 1]).toBe(0);
    expect(m[FOLDED + 11]).toBeCloseTo(Math.exp(10) / (Math.exp(10) + 36), 6);
    // temperature 2 flattens the same step
    const t2 = logitsToFrames(logits, 2, 37, 2);
    expect(t2[0]).toBeCloseTo(Math.sqrt(3) / (Math.sqrt(3) + 36), 6);
  });
});
