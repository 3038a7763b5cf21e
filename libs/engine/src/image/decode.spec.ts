import sharp from 'sharp';
import { pngBomb } from '../../../../test/fixtures/bombs';
import { ImageDecodeError } from '../errors';
import { decodeImage } from './decode';

describe('decodeImage pixel limit', () => {
  it('refuses a small file declaring a huge image from its header, before decoding it', async () => {
    // 16000×16000 1-bit PNG: ~31 KB on the wire, 768 MB as RGB pixels.
    const bomb = pngBomb(16000, 16000);
    expect(bomb.length).toBeLessThan(100_000);
    const before = process.memoryUsage().rss;
    const error = await decodeImage(bomb).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect(error).toMatchObject({
      reason: 'too-large',
      format: 'png',
      message: expect.stringMatching(/16000×16000 pixels, the limit is 40 megapixels/),
    });
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1048576);
  });

  it("says too large for a header past sharp's own pixel limit too (268 MP)", async () => {
    const error = await decodeImage(pngBomb(17000, 17000)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      reason: 'too-large',
      message: expect.stringMatching(/17000×17000 pixels/),
    });
  });

  it('honours a configured limit and reads images within it', async () => {
    const photo = await sharp({
      create: { width: 400, height: 300, channels: 3, background: '#123' },
    })
      .jpeg()
      .toBuffer();
    await expect(decodeImage(photo, 100_000)).rejects.toMatchObject({ reason: 'too-large' });
    expect(await decodeImage(photo, 120_000)).toMatchObject({ width: 400, height: 300 });
  });
});

describe('decodeImage of a broken upload', () => {
  it("says each of the decoder's complaints once, on one line", async () => {
    const photo = await sharp({
      create: { width: 400, height: 300, channels: 3, background: '#123' },
    })
      .jpeg()
      .toBuffer();
    for (const cut of [75, 400]) {
      const error = await decodeImage(photo.subarray(0, cut)).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'corrupt' });
      const message = (error as Error).message;
      // libvips' complaint, or, where a decode beside it took that from its one error buffer
      // (CI saw "Input buffer has corrupt header:" with nothing after it), what is known
      expect(message).toMatch(
        /^cannot decode (jpeg )?image: (.*premature end of JPEG image|the image data is damaged or cut short$)/,
      );
      expect(message).not.toContain('\n');
      const said = message.split('; ');
      expect(new Set(said).size).toBe(said.length);
    }
  });

  it('says what is wrong when decodes run side by side (libvips has one error buffer)', async () => {
    const photo = await sharp({
      create: { width: 800, height: 600, channels: 3, background: '#345' },
    })
      .jpeg()
      .toBuffer();
    const cut = photo.subarray(0, 600);
    const said = new Set<string>();
    for (let round = 0; round < 20; round++) {
      const errors = await Promise.all(
        [cut, photo, cut].map((bytes) =>
          decodeImage(bytes).then(
            () => null,
            (e: Error) => e,
          ),
        ),
      );
      for (const e of errors) if (e) said.add(e.message);
    }
    for (const message of said)
      expect(message).toMatch(/premature end of JPEG image|damaged or cut short/);
  });
});
