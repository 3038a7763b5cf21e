/**
 * @jest-environment ./libs/engine/src/test-support/ort-environment.js
 */
/**
 * The detection plan of issue 27 (detect/plan.ts) and what it stands on: the vehicle detector
 * with free input dimensions (models/free-dims.ts) reads a photo at its own aspect ratio and finds
 * the same vehicles as the published square input. Loads the installed yolox_nano.onnx and reads
 * ../shared/alpr-dev at run time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeImage } from '../image/decode';
import { freeDims } from '../models/free-dims';
import { resolveModelsDir } from '../models/manifest';
import { createSession } from '../models/runtime';
import { photo } from '../test-support/dev-photos';
import { Box, boxArea, intersection } from '../geometry/box';
import {
  DETECTION_PLAN,
  REDACTION_LEEWAY,
  coverCrops,
  cropPassCertain,
  cropPassWorthIt,
  secondLookTiles,
  vehicleInputLong,
} from './plan';
import { PlateDetection } from './plate';
import {
  VEHICLE_INPUT,
  decodeYolox,
  detectVehicles,
  vehicleInput,
  vehicleInputSize,
} from './vehicle';

describe('vehicle detector input', () => {
  it('keeps the photo’s aspect ratio, each side a multiple of the coarsest stride', () => {
    expect(vehicleInputSize(1280, 720)).toEqual({ width: 416, height: 256 });
    expect(vehicleInputSize(720, 1280)).toEqual({ width: 256, height: 416 });
    expect(vehicleInputSize(1280, 1280)).toEqual({ width: 416, height: 416 });
    expect(vehicleInputSize(476, 357, 320)).toEqual({ width: 320, height: 256 });
    expect(vehicleInputSize(4000, 10)).toEqual({ width: 416, height: 32 });
  });

  it('reads photos under 0.5 MP at the small input, the rest at the published one', () => {
    expect(vehicleInputLong(476, 357)).toBe(DETECTION_PLAN.smallVehicleInput);
    expect(vehicleInputLong(1280, 720)).toBe(VEHICLE_INPUT);
    expect(vehicleInputLong(800, 625)).toBe(VEHICLE_INPUT); // exactly 0.5 MP is not small
  });
});

describe('YOLOX with free input dimensions', () => {
  const bytes = readFileSync(join(resolveModelsDir(), 'yolox_nano.onnx'));
  const rt = { threads: 1, device: 'cpu' as const };
  let fixed: ort.InferenceSession;
  let free: ort.InferenceSession;
  beforeAll(async () => {
    fixed = await createSession(bytes, 'yolox_nano.onnx', rt);
    free = await createSession(
      freeDims(bytes, { images: [1, 3, 'height', 'width'] }),
      'yolox_nano.onnx',
      rt,
    );
  }, 60_000);
  afterAll(async () => {
    await fixed?.release();
    await free?.release();
  });

  it('declares the input free and leaves the published file refusing other sizes', async () => {
    expect(free.inputMetadata[0]).toMatchObject({ shape: [1, 3, 'height', 'width'] });
    const t = new ort.Tensor('float32', new Float32Array(3 * 256 * 416), [1, 3, 256, 416]);
    await expect(fixed.run({ images: t })).rejects.toThrow(/dimension/i);
    const out = await free.run({ images: t });
    // one row per cell of the three stride grids (8, 16, 32) of a 416×256 input
    expect(out.output.dims).toEqual([1, 52 * 32 + 26 * 16 + 13 * 8, 85]);
  });

  it('finds the same vehicles at the photo’s aspect ratio as in the padded square', async () => {
    for (const file of ['br/AYO9034.jpg', 'us/car6.jpg', 'eu/test_002.jpg']) {
      const img = await decodeImage(photo(file));
      const square = await vehicleInput(img);
      const sq = await fixed.run({
        images: new ort.Tensor('float32', squareOf(square.tensor, square), [1, 3, 416, 416]),
      });
      const before = decodeYolox(sq.output.data as Float32Array, square.lb, 0.25);
      const after = await detectVehicles(free, img);
      expect(after.length).toBe(before.length);
      after.forEach((v, i) => {
        expect(v.cls).toBe(before[i].cls);
        expect(v.score).toBeCloseTo(before[i].score, 1);
        expect(Math.abs(v.box.xmin - Math.max(0, before[i].box.xmin))).toBeLessThan(4);
        expect(Math.abs(v.box.ymax - Math.min(img.height, before[i].box.ymax))).toBeLessThan(4);
      });
    }
  }, 60_000);

  it('refuses to rewrite an input the model does not have', () => {
    expect(() => freeDims(bytes, { pixels: [1, 3, 'h', 'w'] })).toThrow(/no input named pixels/);
    expect(() => freeDims(Buffer.from('not a model'), { images: [1] })).toThrow();
  });
});

/** The aspect-ratio input padded (114) to YOLOX's published 416×416 square. */
function squareOf(t: Float32Array, size: { width: number; height: number }): Float32Array {
  const s = VEHICLE_INPUT;
  const out = new Float32Array(3 * s * s).fill(114);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < size.height; y++)
      out.set(
        t.subarray((c * size.height + y) * size.width, (c * size.height + y + 1) * size.width),
        (c * s + y) * s,
      );
  return out;
}

describe('the vehicle-crop plate pass', () => {
  const photoSize = { width: 1280, height: 720 };
  const plate = (score: number): PlateDetection => ({
    box: { xmin: 500, ymin: 500, xmax: 600, ymax: 530 },
    corners: [],
    score,
    rows: 1,
  });
  const wholeCar = { xmin: 100, ymin: 80, xmax: 1180, ymax: 710 }; // seen 1.19× larger
  const smallCar = { xmin: 400, ymin: 400, xmax: 800, ymax: 700 }; // seen 3.2× larger

  it('runs where it sees the vehicle much larger than the whole-photo pass did', () => {
    expect(cropPassWorthIt(photoSize, smallCar, [plate(0.9)])).toBe(true);
  });

  it('is skipped on a vehicle filling the frame whose plate was found sure', () => {
    expect(cropPassWorthIt(photoSize, wholeCar, [plate(0.9)])).toBe(false);
  });

  it('runs anyway where that plate was unsure, or none was found on the vehicle', () => {
    expect(cropPassWorthIt(photoSize, wholeCar, [plate(0.6)])).toBe(true);
    expect(cropPassWorthIt(photoSize, wholeCar, [])).toBe(true);
    const elsewhere = { ...plate(0.9), box: { xmin: 10, ymin: 10, xmax: 90, ymax: 40 } };
    expect(cropPassWorthIt(photoSize, wholeCar, [elsewhere])).toBe(true);
  });

  it('on a photo under 0.5 MP, needs a 2× gain (smallMinCropGain)', () => {
    const small = { width: 640, height: 480 };
    const car = { xmin: 100, ymin: 100, xmax: 500, ymax: 400 }; // seen 1.6× larger
    const closer = { xmin: 100, ymin: 100, xmax: 400, ymax: 300 }; // seen 2.1× larger
    const onCar = [{ ...plate(0.9), box: { xmin: 250, ymin: 300, xmax: 330, ymax: 320 } }];
    expect(cropPassWorthIt(small, car, onCar)).toBe(false);
    expect(cropPassCertain(small, closer)).toBe(true);
    // the same 1.6× on a larger photo: the pass runs whatever the whole photo found
    const larger = { xmin: 0, ymin: 0, xmax: 800, ymax: 600 };
    expect(cropPassCertain(photoSize, larger)).toBe(true);
    expect(cropPassWorthIt(photoSize, larger, onCar)).toBe(true);
  });
});

describe("a redaction's crops beside the reader's", () => {
  const car = (xmin: number, long: number): Box => ({
    xmin,
    ymin: 100,
    xmax: xmin + long,
    ymax: 500,
  });

  it('crops every vehicle too long for the windows that the reader does not crop, largest first', () => {
    const largest = car(2200, 1000);
    const second = car(700, 950);
    const short = car(100, DETECTION_PLAN.smallVehicleSide);
    expect(coverCrops([short, second, largest], [largest])).toEqual([second]);
    expect(coverCrops([short, second, largest], [])).toEqual([largest, second]);
  });

  it('takes at most secondLookVehicles of them', () => {
    const many = Array.from({ length: 12 }, (_, i) => car(i * 10, 700 + i));
    const crops = coverCrops(many, []);
    expect(crops).toHaveLength(DETECTION_PLAN.secondLookVehicles);
    expect(crops[0]).toBe(many[11]);
  });
});

describe('the second look of a photo with no plate found', () => {
  const photo1280 = { width: 1280, height: 720 };
  const inside = (v: Box, t: Box) => intersection(t, v) === boxArea(v);
  const native = (t: Box) => expect([t.xmax - t.xmin, t.ymax - t.ymin]).toEqual([320, 320]);
  /** a vehicle `extra` px wider than smallVehicleSide, down to `ymax` */
  const longerThanSmall = (extra: number, ymax: number): Box => ({
    xmin: 100,
    ymin: 50,
    xmax: 100 + DETECTION_PLAN.smallVehicleSide + extra,
    ymax,
  });

  it('takes one window of the tile size around a vehicle up to a tile long, on a 16-px grid', () => {
    const far = { xmin: 900, ymin: 60, xmax: 1100, ymax: 200 };
    const tiles = secondLookTiles(photo1280, [far], 320);
    expect(tiles).toHaveLength(1);
    native(tiles[0]);
    expect(inside(far, tiles[0])).toBe(true);
    expect([tiles[0].xmin % 16, tiles[0].ymin % 16]).toEqual([0, 0]);
    // the same vehicle a pixel away (the photo once JPEG-encoded) keeps its window
    const moved = { xmin: 901, ymin: 59, xmax: 1101, ymax: 199 };
    expect(secondLookTiles(photo1280, [moved], 320)).toEqual(tiles);
  });

  it('covers a longer vehicle with windows overlapping by a quarter tile or more', () => {
    const long = { xmin: 101, ymin: 300, xmax: 701, ymax: 500 };
    const tiles = secondLookTiles(photo1280, [long], 320);
    expect(tiles).toHaveLength(3);
    tiles.forEach(native);
    const xs = tiles.map((t) => t.xmin).sort((a, b) => a - b);
    expect(xs[0]).toBeLessThanOrEqual(long.xmin);
    expect(xs[2] + 320).toBeGreaterThanOrEqual(long.xmax);
    for (let i = 1; i < 3; i++) expect(xs[i] - xs[i - 1]).toBeLessThanOrEqual(240);
  });

  it('reads a vehicle more than a tile in both sides in its own box, grown out to the 16-px grid', () => {
    const close = { xmin: 101, ymin: 300, xmax: 701, ymax: 650 };
    const tiles = secondLookTiles(photo1280, [close], 320);
    expect(tiles).toEqual([{ xmin: 96, ymin: 288, xmax: 704, ymax: 656 }]);
    // the same vehicle a pixel away keeps its box
    const moved = { xmin: 102, ymin: 299, xmax: 700, ymax: 651 };
    expect(secondLookTiles(photo1280, [moved], 320)).toEqual(tiles);
    // and a smaller vehicle inside it gets no window of its own
    const inFront = { xmin: 300, ymin: 400, xmax: 400, ymax: 480 };
    expect(secondLookTiles(photo1280, [close, inFront], 320)).toEqual(tiles);
  });

  it('with leeway, takes both forms for a vehicle about a tile high, and larger vehicles', () => {
    const edge = { xmin: 600, ymin: 100, xmax: 1000, ymax: 421 }; // 318 px high once JPEG-encoded
    const box = { xmin: 592, ymin: 96, xmax: 1008, ymax: 432 };
    expect(secondLookTiles(photo1280, [edge], 320)).toEqual([box]);
    const both = secondLookTiles(photo1280, [edge], 320, REDACTION_LEEWAY);
    expect(both[0]).toEqual(box);
    expect(both.length).toBeGreaterThan(1);
    both.slice(1).forEach(native);
    const justOver = longerThanSmall(2, 400);
    expect(secondLookTiles(photo1280, [justOver], 320)).toEqual([]);
    expect(secondLookTiles(photo1280, [justOver], 320, REDACTION_LEEWAY).length).toBeGreaterThan(0);
  });

  it('keeps its windows inside the photo, and gives a vehicle inside one taken none of its own', () => {
    const corner = { xmin: 1200, ymin: 680, xmax: 1270, ymax: 715 };
    const [t] = secondLookTiles(photo1280, [corner], 320);
    expect(t).toEqual({ xmin: 960, ymin: 400, xmax: 1280, ymax: 720 });
    const beside = { xmin: 1150, ymin: 600, xmax: 1190, ymax: 640 };
    expect(secondLookTiles(photo1280, [corner, beside], 320)).toEqual([t]);
  });

  it('takes none on a photo without vehicles, or with only a vehicle too large for it', () => {
    expect(secondLookTiles(photo1280, [], 320)).toEqual([]);
    const close = longerThanSmall(1, 700);
    expect(secondLookTiles(photo1280, [close], 320)).toEqual([]);
  });

  it('looks at the largest vehicles only (secondLookVehicles), so a busy photo stays bounded', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      xmin: (i % 10) * 128,
      ymin: Math.floor(i / 10) * 180,
      xmax: (i % 10) * 128 + 20 + i,
      ymax: Math.floor(i / 10) * 180 + 20 + i,
    }));
    const largest = many.slice(-DETECTION_PLAN.secondLookVehicles);
    const tiles = secondLookTiles(photo1280, many, 320);
    expect(tiles.length).toBeLessThanOrEqual(DETECTION_PLAN.secondLookVehicles);
    for (const v of largest) expect(tiles.some((t) => inside(v, t))).toBe(true);
    for (const t of tiles) expect(largest.some((v) => inside(v, t))).toBe(true);
  });
});
