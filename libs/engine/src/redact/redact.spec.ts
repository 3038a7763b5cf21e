/**
 * @jest-environment ./libs/engine/src/test-support/ort-environment.js
 */
/**
 * Redaction on real photos (../shared/alpr-dev, read at run time) and on photos the tests make
 * with faces at known places (a public-domain portrait, test-support/README.md). The whole dev
 * set is checked by `pnpm bench:redact`; these are a few photos of each kind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Box, iou } from '../geometry/box';
import {
  cutAroundPlate,
  photo,
  plateCrop,
  plates,
  sharedEngine,
  twoCars,
} from '../test-support/dev-photos';
import { EngineConfigError } from '../errors';
import { parseRedactOptions } from './options';
import { hideAreas, plateArea } from './redact';

const engine = sharedEngine();

const rgb = async (bytes: Buffer) =>
  sharp(bytes).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({
    resolveWithObject: true,
  });
const inside = (x: number, y: number, boxes: Box[]) =>
  boxes.some((b) => x >= b.xmin && x < b.xmax && y >= b.ymin && y < b.ymax);

/** Pixels outside `boxes` that differ between two same-size RGB images. */
function changedOutside(a: Buffer, b: Buffer, width: number, height: number, boxes: Box[]) {
  let n = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      if ((a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) && !inside(x, y, boxes))
        n++;
    }
  return n;
}

describe('parseRedactOptions', () => {
  it('fills the defaults: plates and faces, blur, strength 6, the upload format', () => {
    expect(parseRedactOptions({})).toEqual({
      hide: ['plates', 'faces'],
      method: 'blur',
      strength: 6,
      format: null,
    });
  });

  it('reads form strings and lists', () => {
    expect(
      parseRedactOptions({
        hide: 'Plates, plates',
        method: 'Pixelate',
        strength: '9',
        format: 'PNG',
      }),
    ).toEqual({ hide: ['plates'], method: 'pixelate', strength: 9, format: 'png' });
    expect(parseRedactOptions({ hide: ['faces'] }).hide).toEqual(['faces']);
  });

  it('reads its own output again (the worker gets parsed options): null is the default', () => {
    const parsed = parseRedactOptions({ method: 'solid' });
    expect(parseRedactOptions(parsed)).toEqual(parsed);
  });

  it.each([
    [{ hide: 'cars' }, 'hide'],
    [{ hide: [] }, 'hide'],
    [{ hide: 7 }, 'hide'],
    [{ method: 'swirl' }, 'method'],
    [{ strength: 0 }, 'strength'],
    [{ strength: '11' }, 'strength'],
    [{ strength: 2.5 }, 'strength'],
    [{ format: 'gif' }, 'format'],
  ])('refuses %j naming %s', (raw, key) => {
    expect(() => parseRedactOptions(raw)).toThrow(EngineConfigError);
    try {
      parseRedactOptions(raw);
    } catch (error) {
      expect((error as EngineConfigError).key).toBe(key);
    }
  });
});

describe('plateArea', () => {
  it('grows a strong detection a little sideways and two thirds of its height up and down', () => {
    const box = { xmin: 100, ymin: 100, xmax: 200, ymax: 130 };
    const corners = [
      { x: 100, y: 100 },
      { x: 200, y: 100 },
      { x: 200, y: 130 },
      { x: 100, y: 130 },
    ];
    expect(plateArea({ box, corners, score: 0.9, rows: 1 })).toEqual({
      xmin: 70,
      ymin: 80,
      xmax: 230,
      ymax: 150,
    });
    // A weak one may be a piece of a longer text line: its whole width each side.
    expect(plateArea({ box, corners, score: 0.3, rows: 1 }).xmin).toBe(0);
  });
});

describe('hideAreas', () => {
  it('changes the pixels of each area and no other, an overlapping one after the one before it', async () => {
    const width = 96;
    const height = 64;
    const data = Buffer.alloc(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 5) * 31) % 251;
    const areas: Box[] = [
      { xmin: 2, ymin: 2, xmax: 30, ymax: 20 },
      { xmin: 40, ymin: 4, xmax: 70, ymax: 30 },
      { xmin: 20, ymin: 10, xmax: 50, ymax: 40 }, // overlaps both before it
      { xmin: 60, ymin: 40, xmax: 90, ymax: 60 },
      { xmin: 5, ymin: 45, xmax: 25, ymax: 62 },
    ];
    for (const method of ['blur', 'pixelate', 'solid'] as const) {
      const together = { data: Buffer.from(data), width, height };
      await hideAreas(together, areas, method, 6);
      const oneByOne = { data: Buffer.from(data), width, height };
      for (const a of areas) await hideAreas(oneByOne, [a], method, 6);
      expect(together.data.equals(oneByOne.data)).toBe(true);
      expect(changedOutside(data, together.data, width, height, areas)).toBe(0);
      // inside each area (but its outermost columns), hardly a pixel keeps its value
      for (const a of areas) {
        let same = 0;
        for (let y = a.ymin; y < a.ymax; y++)
          for (let x = a.xmin + 1; x < a.xmax - 1; x++)
            if (data[(y * width + x) * 3] === together.data[(y * width + x) * 3]) same++;
        expect(same / ((a.xmax - a.xmin - 2) * (a.ymax - a.ymin))).toBeLessThan(0.1);
      }
    }
  });
});

describe('redacting dev photos', () => {
  // 4be2025c: a plate-like patch at the top edge that the plate reader's tiles found next to a
  // hidden area once it was hidden (read as `ib572li` before the look again took the reader's tiles);
  // test_089: a text line above the plate that the reader finds in its crop of the vehicle (read
  // as `wlnault` when the redaction left the vehicle pass out)
  const files = [
    'eu/test_089.jpg',
    'br/AYO9034.jpg',
    'eu/test_002.jpg',
    'us/car6.jpg',
    'us/wts-lg-000020.jpg',
    'us/4be2025c-09f7-4bb0-b1bd-8e8633e6dec1.jpg',
  ];

  it.each(files)(
    '%s: the plate reader reads nothing afterwards, and no pixel outside the hidden areas changed',
    async (file) => {
      const upload = photo(file);
      expect((await engine().read(upload)).results.length).toBeGreaterThan(0);
      const r = await engine().redact(upload, { redact: { format: 'png' } });
      expect(r.content_type).toBe('image/png');
      expect(r.plates.length).toBeGreaterThan(0);
      expect((await engine().read(r.image)).results).toEqual([]);
      const before = await rgb(upload);
      const after = await rgb(r.image);
      expect([after.info.width, after.info.height]).toEqual([
        before.info.width,
        before.info.height,
      ]);
      const hidden = [...r.plates, ...r.faces].map((a) => a.box);
      expect(changedOutside(before.data, after.data, r.width, r.height, hidden)).toBe(0);
      // ... and the hidden areas did change.
      expect(changedOutside(before.data, after.data, r.width, r.height, [])).toBeGreaterThan(0);
    },
  );

  it('looks again where the plate reader will: its second look follows the vehicles of the photo as sent', async () => {
    // us/f8fc5e59: the upload's vehicle is longer than smallVehicleSide, so the reader's second
    // look takes nothing there; on the redacted photo the vehicle detector finds it shorter and
    // the second look reads it (in its own box: more than a tile in both sides)
    const r = await engine().redact(photo('us/f8fc5e59-9083-466b-ae3f-6b869a0b257b.jpg'), {
      redact: { hide: ['plates'] },
    });
    expect(r.plates.length).toBeGreaterThan(0);
    expect((await engine().read(r.image)).results).toEqual([]);
    // br/OZU5764: no vehicle is found on the upload; on the redacted photo one is (with the grid
    // tiles before the windows, a tile over it held a sign read as `ye71flx`)
    const o = await engine().redact(photo('br/OZU5764.jpg'), { redact: { hide: ['plates'] } });
    expect((await engine().read(o.image)).results).toEqual([]);
  });

  it('hides the plate of every large car, not only the one the reader crops first', async () => {
    const two = await twoCars();
    const r = await engine().redact(two, { redact: { hide: ['plates'] } });
    const sides = r.plates.map((p) => (p.box.xmax <= 1600 ? 'left' : 'right'));
    expect(sides.sort()).toEqual(['left', 'right']);
    expect((await engine().read(r.image)).results).toEqual([]);
  });

  it('hides a photo that is one plate whole: the reader reads such a close-up whole', async () => {
    // a tight crop of a plate: the detector finds only its sticker; by eye the plate stayed readable
    const crop = plateCrop('al1181.png');
    expect(plates(await engine().read(crop))).toEqual(['26A178N']);
    const r = await engine().redact(crop, { redact: { hide: ['plates'] } });
    expect(r.plates.map((p) => p.box)).toContainEqual({ xmin: 0, ymin: 0, xmax: 320, ymax: 155 });
    expect((await engine().read(r.image)).results).toEqual([]);
  });

  it('hides the plate of a photo cut around it with a wide margin, which the reader finds zoomed out', async () => {
    const cut = await cutAroundPlate(
      'eu/eu8.jpg',
      { xmin: 317, ymin: 540, xmax: 620, ymax: 609 },
      0.6,
    );
    expect(plates(await engine().read(cut))).toEqual(['WSQ3021']);
    const r = await engine().redact(cut, { redact: { hide: ['plates'] } });
    expect(r.plates.length).toBeGreaterThan(0);
    expect((await engine().read(r.image)).results).toEqual([]);
  });

  it.each(['pixelate', 'solid'])('%s hides the plate too', async (method) => {
    const r = await engine().redact(photo('br/AYO9034.jpg'), { redact: { method } });
    expect(r.content_type).toBe('image/jpeg');
    expect((await engine().read(r.image)).results).toEqual([]);
  });

  it('answers a JPEG upload with JPEG, a PNG upload with PNG, the orientation applied', async () => {
    const jpeg = photo('us/car6.jpg');
    const { width, height } = await sharp(jpeg).metadata();
    // The same photo stored sideways with EXIF orientation 6 (display rotated 90° clockwise).
    const sideways = await sharp(jpeg)
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const r = await engine().redact(sideways, { redact: { hide: ['plates'] } });
    expect(r.content_type).toBe('image/jpeg');
    expect([r.width, r.height]).toEqual([width, height]);
    const meta = await sharp(r.image).metadata();
    expect([meta.format, meta.width, meta.height, meta.orientation]).toEqual([
      'jpeg',
      width,
      height,
      undefined,
    ]);
    const png = await sharp(jpeg).png().toBuffer();
    const p = await engine().redact(png, { redact: { hide: ['plates'] } });
    expect((await sharp(p.image).metadata()).format).toBe('png');
  });

  it('gives a PNG its transparency back as it was, the colours hidden as in any photo', async () => {
    const jpeg = photo('br/AYO9034.jpg');
    const { width, height } = await sharp(jpeg).metadata();
    // a transparency that varies across the photo: every row its own alpha
    const alpha = Buffer.alloc(width! * height!);
    for (let y = 0; y < height!; y++) alpha.fill(255 - (y % 200), y * width!, (y + 1) * width!);
    const rgba = await sharp(jpeg)
      .joinChannel(alpha, { raw: { width: width!, height: height!, channels: 1 } })
      .png()
      .toBuffer();
    const r = await engine().redact(rgba, { redact: { hide: ['plates'] } });
    expect(r.content_type).toBe('image/png');
    expect(r.plates.length).toBeGreaterThan(0);
    const back = await sharp(r.image).extractChannel('alpha').raw().toBuffer();
    expect(back.equals(alpha)).toBe(true);
    expect(
      (await engine().read(await sharp(r.image).removeAlpha().png().toBuffer())).results,
    ).toEqual([]);
  });

  it('stays bounded at threshold_d 0: the bar stops at 0.05, at most 64 areas', async () => {
    const r = await engine().redact(photo('us/car6.jpg'), { config: { threshold_d: 0 } });
    expect(r.plates.length).toBeGreaterThan(0);
    expect(r.plates.length).toBeLessThanOrEqual(64);
    expect(r.plates.every((p) => p.score >= 0.05)).toBe(true);
  });

  it('hides nothing it was not asked to: faces only leaves the plate readable', async () => {
    const r = await engine().redact(photo('br/AYO9034.jpg'), { redact: { hide: ['faces'] } });
    expect(r.plates).toEqual([]);
    expect((await engine().read(r.image, { regions: ['br'] })).results.length).toBeGreaterThan(0);
  });

  it('faces only, with a face found: hiding it is no reason to look for plates', async () => {
    const r = await engine().redact(photo('us/us2.jpg'), { redact: { hide: ['faces'] } });
    expect(r.faces.length).toBeGreaterThan(0);
    expect(r.plates).toEqual([]);
  });
});

describe('redacting faces at known places', () => {
  // A public-domain portrait (test-support/README.md); its face box, found by hand and checked
  // against the detector: x 29–120, y 33–155 of the 150×190 crop.
  const face = readFileSync(join(__dirname, 'test-support', 'face-eileen-collins.jpg'));
  const FACE = { xmin: 29, ymin: 33, xmax: 120, ymax: 155 };

  /** A dev photo with the portrait pasted at `places` (top-left, scale), and the face boxes. */
  async function scene(places: { x: number; y: number; scale: number }[]) {
    const layers = await Promise.all(
      places.map(async ({ x, y, scale }) => ({
        input: await sharp(face)
          .resize(Math.round(150 * scale), Math.round(190 * scale))
          .toBuffer(),
        left: x,
        top: y,
      })),
    );
    const bytes = await sharp(photo('us/car6.jpg')).composite(layers).png().toBuffer();
    const faces = places.map(({ x, y, scale }) => ({
      xmin: x + FACE.xmin * scale,
      ymin: y + FACE.ymin * scale,
      xmax: x + FACE.xmax * scale,
      ymax: y + FACE.ymax * scale,
    }));
    return { bytes, faces };
  }

  it('finds faces from 40 px wide up and hides each one, and only there', async () => {
    const { bytes, faces } = await scene([
      { x: 20, y: 20, scale: 1.2 }, // face ≈ 110 px
      { x: 300, y: 30, scale: 0.7 }, // ≈ 64 px
      { x: 500, y: 40, scale: 0.45 }, // ≈ 41 px
    ]);
    const r = await engine().redact(bytes, { redact: { hide: ['faces'] } });
    for (const f of faces) {
      const hit = r.faces.find((a) => iou(a.box, f) > 0.3);
      expect(hit).toBeDefined();
      // The hidden area covers the whole face.
      expect(hit!.box.xmin <= f.xmin + 2 && hit!.box.xmax >= f.xmax - 2).toBe(true);
      expect(hit!.box.ymin <= f.ymin + 2 && hit!.box.ymax >= f.ymax - 2).toBe(true);
    }
    // Every face the detector found is hidden: its area is no longer the pasted pixels.
    const before = await rgb(bytes);
    const after = await rgb(r.image);
    for (const a of r.faces) {
      const b = a.box;
      const w = b.xmax - b.xmin;
      const h = b.ymax - b.ymin;
      const crop = (img: typeof before) =>
        sharp(img.data, { raw: { width: img.info.width, height: img.info.height, channels: 3 } })
          .extract({ left: b.xmin, top: b.ymin, width: w, height: h })
          .raw()
          .toBuffer();
      const [x, y] = await Promise.all([crop(before), crop(after)]);
      let diff = 0;
      for (let i = 0; i < x.length; i++) diff += Math.abs(x[i] - y[i]);
      expect(diff / x.length).toBeGreaterThan(5);
    }
    expect(
      changedOutside(
        before.data,
        after.data,
        r.width,
        r.height,
        r.faces.map((a) => a.box),
      ),
    ).toBe(0);
  });
});
