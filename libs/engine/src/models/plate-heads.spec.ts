/**
 * @jest-environment ./libs/engine/src/test-support/ort-environment.js
 */
/**
 * plateDetectorHeads (models/plate-heads.ts) on the installed plate detectors: the cut model,
 * decoded by detect/plate.ts's headRows, finds what the published graph's own decode gives — the same
 * detections, scores and corners within float rounding — on dev photos and crops of them, at the
 * 320 and 640 inputs; a graph without y5fu's three heads is left alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePlates, detectPlatesIn, plateInput, PlateDetection } from '../detect/plate';
import { cropRgb, decodeImage } from '../image/decode';
import { photo } from '../test-support/dev-photos';
import { resolveModelsDir } from './manifest';
import { parse } from './onnx-proto';
import { PLATE_HEADS_OUTPUT, plateDetectorHeads } from './plate-heads';
import { run1 } from './runtime';
import { sessionsReleasedAfterAll } from '../test-support/sessions';

const dir = resolveModelsDir();
const PHOTOS = ['us/car2.jpg', 'eu/test_020.jpg', 'br/PJI5921.jpg', 'us/wts-lg-000041.jpg'];

describe('plateDetectorHeads', () => {
  const load = sessionsReleasedAfterAll();

  it.each([320, 640])('finds what the whole %i graph finds', async (size) => {
    const file = readFileSync(join(dir, `y5fu_${size}x_sim.onnx`));
    const cut = plateDetectorHeads(file);
    expect(cut).not.toBeNull();
    const [whole, heads] = await Promise.all([load(file), load(cut!)]);
    expect(heads.outputNames).toEqual([PLATE_HEADS_OUTPUT]);
    let compared = 0;
    for (const p of PHOTOS) {
      const img = await decodeImage(photo(p), 50_000_000);
      const half = cropRgb(img, img.width >> 2, img.height >> 2, img.width >> 1, img.height >> 1);
      for (const view of [img, half]) {
        const input = await plateInput(view, size);
        const out = await run1(whole, input.tensor, [1, 3, size, size]);
        const a = decodePlates(out.data, out.dims[1], input.lb, 0.02);
        const b = await detectPlatesIn(heads, await plateInput(view, size), 0.02);
        expect(b.length).toBe(a.length);
        a.forEach((d, i) => expectSame(d, b[i]));
        compared += a.length;
      }
    }
    expect(compared).toBeGreaterThan(8);
  });

  it('leaves a model without y5fu heads alone', () => {
    const file = readFileSync(join(dir, 'ultraface-RFB-320.onnx'));
    expect(plateDetectorHeads(file)).toBeNull();
  });

  it('drops the decode: fewer nodes and no graph output but the heads', () => {
    const file = readFileSync(join(dir, 'y5fu_320x_sim.onnx'));
    const nodes = (m: Buffer) =>
      parse(parse(m).find((f) => f.field === 7)!.body!).filter((f) => f.field === 1).length;
    expect(nodes(plateDetectorHeads(file)!)).toBeLessThan(nodes(file) - 60);
  });
});

function expectSame(a: PlateDetection, b: PlateDetection): void {
  expect(b.rows).toBe(a.rows);
  expect(Math.abs(b.score - a.score)).toBeLessThan(1e-5);
  const points = (d: PlateDetection) => [
    d.box.xmin,
    d.box.ymin,
    d.box.xmax,
    d.box.ymax,
    ...d.corners.flatMap((c) => [c.x, c.y]),
  ];
  const [pa, pb] = [points(a), points(b)];
  pa.forEach((v, i) => expect(Math.abs(pb[i] - v)).toBeLessThan(1e-2));
}
