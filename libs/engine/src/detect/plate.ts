import type { InferenceSession } from 'onnxruntime-node';
import { Box, Point, boxOfPoints } from '../geometry/box';
import { Letterbox, letterbox, unletterbox } from '../geometry/letterbox';
import { nms } from '../geometry/nms';
import { RgbImage, resizeShared } from '../image/decode';
import { run1, RunOutput, TensorRunner } from '../models/runtime';
import { DETECTOR_INPUTS } from '../models/tensor-pool';

export interface PlateDetection {
  /** detector box (hugs the main text line) in source pixels */
  box: Box;
  /** corners: top-left, top-right, bottom-right, bottom-left */
  corners: Point[];
  score: number;
  /** the detector's own single-row / double-row call */
  rows: 1 | 2;
}

export interface PlateInput {
  tensor: Float32Array;
  lb: Letterbox;
  size: number;
}

/** y5fu input: RGB scaled to 0–1, letterboxed and centred, padded with 0. */
export async function plateInput(img: RgbImage, size: number): Promise<PlateInput> {
  const lb = letterbox(img.width, img.height, size, size, 'center');
  const small = await resizeShared(img, lb.width, lb.height);
  const plane = size * size;
  const tensor = DETECTOR_INPUTS.take(3 * plane).fill(0);
  for (let y = 0; y < lb.height; y++) {
    for (let x = 0; x < lb.width; x++) {
      const s = (y * lb.width + x) * 3;
      const d = (y + lb.padY) * size + x + lb.padX;
      tensor[d] = small.data[s] / 255;
      tensor[plane + d] = small.data[s + 1] / 255;
      tensor[2 * plane + d] = small.data[s + 2] / 255;
    }
  }
  return { tensor, lb, size };
}

/** Rows: `[cx, cy, w, h, obj, x1,y1 … x4,y4, single, double]` in input pixels. */
export function decodePlates(
  out: Float32Array,
  rows: number,
  lb: Letterbox,
  threshold: number,
): PlateDetection[] {
  const dets: PlateDetection[] = [];
  for (let r = 0; r < rows; r++) {
    const o = r * 15;
    const obj = out[o + 4];
    if (obj < threshold) continue;
    const single = out[o + 13];
    const double = out[o + 14];
    const score = obj * Math.max(single, double);
    if (score < threshold) continue;
    const corners: Point[] = [];
    for (let k = 0; k < 4; k++) {
      const [x, y] = unletterbox(lb, out[o + 5 + 2 * k], out[o + 6 + 2 * k]);
      corners.push({ x, y });
    }
    const [x0, y0] = unletterbox(lb, out[o] - out[o + 2] / 2, out[o + 1] - out[o + 3] / 2);
    const [x1, y1] = unletterbox(lb, out[o] + out[o + 2] / 2, out[o + 1] + out[o + 3] / 2);
    dets.push({
      box: { xmin: x0, ymin: y0, xmax: x1, ymax: y1 },
      corners,
      score,
      rows: double > single ? 2 : 1,
    });
  }
  return nms(dets, 0.5);
}

/** Run the plate detector on `img`; `offset` maps a sub-image's coordinates back to the photo. */
export async function detectPlates(
  session: InferenceSession | TensorRunner,
  img: RgbImage,
  size: number,
  threshold: number,
  offset: Point = { x: 0, y: 0 },
): Promise<PlateDetection[]> {
  return detectPlatesIn(session, await plateInput(img, size), threshold, offset);
}

/**
 * The plate detector on an input plateInput made (the engine makes the whole photo's early);
 * `session` a session of this thread or a runner of one in another (redact/redaction-thread.ts).
 */
export async function detectPlatesIn(
  session: InferenceSession | TensorRunner,
  input: PlateInput,
  threshold: number,
  offset: Point = { x: 0, y: 0 },
): Promise<PlateDetection[]> {
  const { tensor, lb, size } = input;
  const dims = [1, 3, size, size];
  const out: RunOutput =
    typeof session === 'function' ? await session(tensor, dims) : await run1(session, tensor, dims);
  DETECTOR_INPUTS.give(out.input ?? tensor);
  return decodePlates(out.data, out.dims[1], lb, threshold).map((d) => {
    const shift = (p: Point): Point => ({ x: p.x + offset.x, y: p.y + offset.y });
    const corners = d.corners.map(shift);
    return { ...d, corners, box: shiftBox(d.box, offset) };
  });
}

const shiftBox = (b: Box, o: Point): Box => ({
  xmin: b.xmin + o.x,
  ymin: b.ymin + o.y,
  xmax: b.xmax + o.x,
  ymax: b.ymax + o.y,
});

/** Corners are sometimes degenerate on tiny plates; fall back to the box then. */
export function saneCorners(d: PlateDetection): Point[] {
  const b = boxOfPoints(d.corners);
  const bw = d.box.xmax - d.box.xmin;
  const bh = d.box.ymax - d.box.ymin;
  const ok =
    b.xmax - b.xmin > bw * 0.5 &&
    b.ymax - b.ymin > bh * 0.4 &&
    b.xmin > d.box.xmin - bw * 0.5 &&
    b.xmax < d.box.xmax + bw * 0.5 &&
    d.corners[0].x < d.corners[1].x &&
    d.corners[3].x < d.corners[2].x &&
    d.corners[0].y < d.corners[3].y &&
    d.corners[1].y < d.corners[2].y;
  if (ok) return d.corners;
  const { xmin, ymin, xmax, ymax } = d.box;
  return [
    { x: xmin, y: ymin },
    { x: xmax, y: ymin },
    { x: xmax, y: ymax },
    { x: xmin, y: ymax },
  ];
}
