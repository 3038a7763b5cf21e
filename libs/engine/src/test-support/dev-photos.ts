/**
 * Shared setup for the specs that read real photos: the dev set (../shared/alpr-dev, read at run
 * time), the plates of a result, and one engine shared by every test in the calling file.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PlateResult } from '@platewise/snapshot';
import sharp from 'sharp';
import { createEngine, Engine } from '../engine';

export const DEV = resolve(__dirname, '../../../../../shared/alpr-dev');
export const photo = (p: string): Buffer => readFileSync(join(DEV, 'images', p));
/** A tightly cropped US plate of ../shared/alpr-crops-us (a close-up, as clients' own detectors cut them). */
export const plateCrop = (p: string): Buffer =>
  readFileSync(resolve(DEV, '../alpr-crops-us/images', p));
export const plates = (r: { results: unknown[] }) =>
  (r.results as PlateResult[]).map((x) => x.plate.toUpperCase());

/** Registers beforeAll/afterAll for one engine shared by the file; call the result to get it. */
export function sharedEngine(): () => Engine {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ threads: 2 });
  }, 120_000);
  afterAll(() => engine?.close());
  return () => engine;
}

/**
 * A dev photo cut around its labelled plate `box` with `margin` of the plate's width on each side
 * (vertically 1.5 times that), as bench:accuracy's close-up section cuts them: no vehicle in it.
 */
export async function cutAroundPlate(
  image: string,
  box: { xmin: number; ymin: number; xmax: number; ymax: number },
  margin: number,
): Promise<Buffer> {
  const src = sharp(photo(image)).rotate();
  const { width = 0, height = 0 } = await sharp(photo(image)).metadata();
  const [w, h] = [box.xmax - box.xmin, box.ymax - box.ymin];
  const x0 = Math.max(0, Math.round(box.xmin - margin * w));
  const y0 = Math.max(0, Math.round(box.ymin - margin * h * 1.5));
  const x1 = Math.min(width, Math.round(box.xmax + margin * w));
  const y1 = Math.min(height, Math.round(box.ymax + margin * h * 1.5));
  return src
    .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
    .jpeg({ quality: 92 })
    .toBuffer();
}

/**
 * Two cars side by side: a dev photo (a close US sedan, plate YG9X2G) beside a closer cut of
 * itself, each 1600 × 900, in a 3200 × 900 JPEG. Each car is about 1,000 px long: too long for
 * the second look's windows, and only the larger one is the reader's own crop.
 */
export async function twoCars(): Promise<Buffer> {
  const src = photo('us/0b86cecf-67d1-4fc0-87c9-b36b0ee228bb.jpg');
  const left = await sharp(src).resize(1600, 900).toBuffer();
  const right = await sharp(src)
    .extract({ left: 150, top: 60, width: 1770, height: 996 })
    .resize(1600, 900)
    .toBuffer();
  return sharp({ create: { width: 3200, height: 900, channels: 3, background: '#777' } })
    .composite([
      { input: left, left: 0, top: 0 },
      { input: right, left: 1600, top: 0 },
    ])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * A European two-row plate on a car: a crop of ../shared/alpr-crops-intl/images/eu2 (`file`),
 * resized to 0.6 of the width of a dev photo's labelled plate (`image`, `box`: a square plate is
 * about half as wide as a single-row one) and pasted centred over it, the dev plate greyed out
 * first. Returns the JPEG and where the pasted plate lies.
 */
export async function twoRowPlateOnCar(
  file: string,
  image: string,
  box: { xmin: number; ymin: number; xmax: number; ymax: number },
): Promise<{ jpeg: Buffer; plate: { xmin: number; ymin: number; xmax: number; ymax: number } }> {
  const bw = box.xmax - box.xmin;
  const bh = box.ymax - box.ymin;
  const crop = await sharp(readFileSync(resolve(DEV, '../alpr-crops-intl/images/eu2', file)))
    .resize({ width: Math.round(bw * 0.6) })
    .toBuffer({ resolveWithObject: true });
  const left = Math.round((box.xmin + box.xmax) / 2 - crop.info.width / 2);
  const top = Math.round((box.ymin + box.ymax) / 2 - crop.info.height / 2);
  const grey = await sharp({
    create: { width: bw + 4, height: bh + 4, channels: 3, background: '#6a6a6a' },
  })
    .png()
    .toBuffer();
  const jpeg = await sharp(photo(image))
    .composite([
      { input: grey, left: box.xmin - 2, top: box.ymin - 2 },
      { input: crop.data, left, top },
    ])
    .jpeg({ quality: 90 })
    .toBuffer();
  const plate = {
    xmin: left,
    ymin: top,
    xmax: left + crop.info.width,
    ymax: top + crop.info.height,
  };
  return { jpeg, plate };
}
