/**
 * BestFrame (camera.ts): a frame's JPEG is made only once a track keeps it, from its own pixels.
 */
import sharp from 'sharp';
import { BestFrame } from './camera';
import type { Frame } from './source';

function frame(width: number, height: number): Frame {
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < rgb.length; i += 3) rgb[i] = 200; // red
  return { rgb, width, height, t: 0, index: 0 } as Frame;
}

describe('BestFrame', () => {
  it('has no JPEG until it is encoded: a frame no track kept costs no encode', async () => {
    await expect(new BestFrame(frame(64, 36)).jpeg()).resolves.toBeNull();
  });

  it('encodes the frame once, as a JPEG of its size', async () => {
    const best = new BestFrame(frame(64, 36));
    best.encode();
    best.encode();
    const [a, b] = await Promise.all([best.jpeg(), best.jpeg()]);
    expect(a).toBe(b);
    const meta = await sharp(a!).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 64, 36]);
    const { data } = await sharp(a!).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(180);
  });

  it('answers null, and logs, where the pixels cannot be encoded', async () => {
    const lines: string[] = [];
    const bad = { rgb: Buffer.alloc(10), width: 64, height: 36, t: 0, index: 0 } as Frame;
    const best = new BestFrame(bad);
    best.encode((line) => lines.push(line));
    await expect(best.jpeg()).resolves.toBeNull();
    expect(lines[0]).toMatch(/best frame not encoded/);
  });
});
