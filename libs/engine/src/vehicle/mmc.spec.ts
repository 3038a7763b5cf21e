/**
 * @jest-environment ./libs/engine/src/test-support/ort-environment.js
 */
import { createHash } from 'node:crypto';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PlateResult } from '@platewise/snapshot';
import { createEngine } from '../engine';
import { resolveModelsDir } from '../models/manifest';
import { photo } from '../test-support/dev-photos';
import { tinyMakeModelOnnx } from '../test-support/tiny-onnx';
import { cropRgb, decodeImage } from '../image/decode';
import { attributeTensor, vehicleInput } from './attributes';
import { closeUpVehicle, combineType, mixColour, parseMakeModelLabels } from './mmc';

describe('mmc rules', () => {
  it('type: the classifier within what the detector class can be', () => {
    const probs = [
      { value: 'Bus' as const, score: 0.5 },
      { value: 'SUV' as const, score: 0.3 },
      { value: 'Sedan' as const, score: 0.2 },
    ];
    expect(combineType('car', probs, 0.5)).toEqual({ value: 'SUV', score: 0.6 });
    // not sure enough: the detector class's mapping, with its probability among the allowed
    expect(combineType('car', probs, 0.7)).toEqual({ value: 'Sedan', score: 0.4 });
    // a COCO truck the classifier is unsure of is most often a car seen close up
    expect(combineType('truck', probs, 0.9)).toEqual({ value: 'Sedan', score: 0.4 });
    // a COCO bus was most often a car on the training crops: Sedan unless the classifier is sure
    expect(combineType('bus', probs)).toEqual({ value: 'Sedan', score: 0.2 });
    expect(combineType('bus', probs, 0.5)).toEqual({ value: 'Bus', score: 0.5 });
    // nothing compatible: the detector's own mapping, score 0
    expect(combineType('motorcycle', probs)).toEqual({ value: 'Motorcycle', score: 0 });
  });

  it('colour: the head and the pixel shares mixed, top 3', () => {
    const head = [
      { value: 'white' as const, score: 0.6 },
      { value: 'silver' as const, score: 0.4 },
    ];
    const pixel = [
      { color: 'silver' as const, score: 0.7 },
      { color: 'black' as const, score: 0.3 },
    ];
    expect(mixColour(head, pixel, 1)[0]).toEqual({ value: 'white', score: 0.6 });
    expect(mixColour(head, pixel, 0)[0]).toEqual({ value: 'silver', score: 0.7 });
    const mixed = mixColour(head, pixel, 0.5);
    expect(mixed.map((c) => c.value)).toEqual(['silver', 'white', 'black']);
    expect(mixed[0].score).toBeCloseTo(0.55);
    // no head loaded: the pixel rules alone, whatever the mix
    expect(mixColour(null, pixel, 0.5)[0]).toEqual({ value: 'silver', score: 0.7 });
  });

  it('a close-up plate without a detected vehicle is on the car that fills the photo', () => {
    const photoSize = { width: 1000, height: 700 };
    const wide = { xmin: 400, ymin: 500, xmax: 560, ymax: 540 };
    expect(closeUpVehicle(wide, photoSize)).toEqual({
      box: { xmin: 0, ymin: 0, xmax: 1000, ymax: 700 },
      score: 0,
      cls: 'car',
    });
    // a small plate far away: no vehicle is assumed
    expect(closeUpVehicle({ ...wide, xmax: 460 }, photoSize)).toBeNull();
  });

  it('the engine describes the close-up vehicle the detector missed', async () => {
    const engine = await createEngine({ threads: 1 });
    try {
      // a Brazilian close-up where the detector finds no vehicle around the plate
      const r = await engine.read(photo('br/OKL1235.jpg'), { mmc: true });
      const p = r.results[0] as PlateResult;
      expect(p.vehicle.score).toBe(0);
      expect(p.vehicle.box.xmin).toBe(0);
      expect(p.vehicle.type).toBe('Sedan');
      expect(p.orientation?.[0].orientation).not.toBe('Unknown');
      // without mmc the plate reports the spec's unknown vehicle, as before
      const plain = (await engine.read(photo('br/OKL1235.jpg'))).results[0] as PlateResult;
      expect(plain.vehicle.type).toBe('Unknown');
    } finally {
      await engine.close();
    }
  }, 120_000);

  it("the heads' input is the padded vehicle crop resized, made without a copy of the crop", async () => {
    const img = await decodeImage(photo('br/AYO9034.jpg'));
    // a vehicle box with fractional edges whose 5 % margin runs past the photo's top
    const box = { xmin: 332.4, ymin: 10.7, xmax: 914.2, ymax: 573.9 };
    const w = box.xmax - box.xmin;
    const h = box.ymax - box.ymin;
    const x0 = box.xmin - 0.05 * w;
    const y0 = Math.max(0, box.ymin - 0.05 * h);
    const crop = cropRgb(img, x0, y0, box.xmax + 0.05 * w - x0, box.ymax + 0.05 * h - y0);
    expect(crop.width).toBeGreaterThan(224);
    expect(Buffer.from((await vehicleInput(img, box)).buffer)).toEqual(
      Buffer.from((await attributeTensor(crop)).buffer),
    );
  });

  it('make/model labels: one make<TAB>model per line', () => {
    expect(parseMakeModelLabels('Ford\tFocus\r\nKia\t\n\nVW\tGolf\n')).toEqual([
      { make: 'Ford', model: 'Focus' },
      { make: 'Kia', model: 'Unknown' },
      { make: 'VW', model: 'Golf' },
    ]);
  });
});

describe("the operator's make/model classifier (manifest entries make-model, make-model-labels)", () => {
  const installed = resolveModelsDir();
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  let dir: string;

  /** A models folder: the installed weights linked in, the manifest's make/model entries filled. */
  function modelsWith(model: Buffer, labels: string): string {
    dir = mkdtempSync(join(tmpdir(), 'platewise-mm-'));
    for (const f of readdirSync(installed))
      if (f !== 'manifest.json') symlinkSync(join(installed, f), join(dir, f));
    const manifest = JSON.parse(
      readFileSync(resolve(__dirname, '../../../../models/manifest.json'), 'utf8'),
    );
    for (const m of manifest.models) {
      if (m.name === 'make-model') m.sha256 = sha(model);
      if (m.name === 'make-model-labels') m.sha256 = sha(Buffer.from(labels));
    }
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'make-model.onnx'), model);
    writeFileSync(join(dir, 'make-model.labels.txt'), labels);
    return dir;
  }
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('answers its top 3 makes and models with their probabilities', async () => {
    // four classes; the second wins on any photo (its bias)
    const model = tinyMakeModelOnnx(
      [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
      [0, 2, 1, -1],
    );
    const engine = await createEngine({
      modelsDir: modelsWith(model, 'Ford\tFocus\nKia\tRio\nVW\tGolf\nFiat\tPanda\n'),
      threads: 1,
    });
    try {
      expect(engine.makeModel).toBe('make-model.onnx');
      const r = await engine.read(photo('br/AYO9034.jpg'), { mmc: true });
      const p = r.results[0] as PlateResult;
      expect(p.model_make?.map((m) => [m.make, m.model])).toEqual([
        ['Kia', 'Rio'],
        ['VW', 'Golf'],
        ['Ford', 'Focus'],
      ]);
      expect(p.model_make?.[0].score).toBeCloseTo(
        Math.exp(2) / (1 + Math.exp(2) + Math.exp(1) + Math.exp(-1)),
        3,
      );
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('refuses a model whose classes do not match its labels file', async () => {
    const model = tinyMakeModelOnnx([[0, 0, 0]], [0]);
    await expect(
      createEngine({ modelsDir: modelsWith(model, 'Ford\tFocus\nKia\tRio\n'), threads: 1 }),
    ).rejects.toThrow(/K = 2 \(lines of its labels file\); it answered K = 1/);
  }, 120_000);
});
