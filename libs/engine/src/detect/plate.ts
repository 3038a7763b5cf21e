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

/**
 * y5fu input: RGB scaled to 0–1, letterboxed and centred, padded with 0; with `shrink`, fitted
 * into the centre `size / shrink` square only, the rest padding (the photo zoomed out).
 */
export async function plateInput(img: RgbImage, size: number, shrink = 1): Promise<PlateInput> {
  const inner = Math.round(size / shrink);
  const fit = letterbox(img.width, img.height, inner, inner, 'center');
  const margin = Math.floor((size - inner) / 2);
  const lb = { ...fit, padX: fit.padX + margin, padY: fit.padY + margin };
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

/**
 * The plate detector's heads, strides 8, 16 and 32, each with its three anchors (width, height in
 * input pixels): the constants of the decode its published graph ends with (models/plate-heads.ts
 * cuts it off; the 320 and 640 files carry the same ones).
 */
const HEADS = [
  { stride: 8, anchors: [4, 5, 8, 10, 13, 16] },
  { stride: 16, anchors: [23, 29, 43, 55, 73, 105] },
  { stride: 32, anchors: [146, 217, 231, 300, 335, 433] },
];
const ROW = 15;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The rows `decodePlates` reads, from the heads' raw outputs `[1, 45, cells]` of a `size`² input,
 * for the cells whose objectness reaches `threshold` only — as the published graph decodes them:
 * box centre `(2σ − 0.5 + cell) × stride`, size `(2σ)² × anchor`, corners `raw × anchor + cell ×
 * stride`, objectness and the two row-count classes σ.
 */
export function headRows(
  out: Float32Array,
  cells: number,
  size: number,
  threshold: number,
): { data: Float32Array; rows: number } {
  const grids = HEADS.map((h) => size / h.stride);
  if (grids.reduce((n, g) => n + g * g, 0) !== cells)
    throw new Error(`plate detector heads: ${cells} cells for a ${size}-px input`);
  const rows: number[] = [];
  let first = 0;
  for (const [i, { stride, anchors }] of HEADS.entries()) {
    const g = grids[i];
    for (let a = 0; a < 3; a++) {
      const [aw, ah] = [anchors[2 * a], anchors[2 * a + 1]];
      const at = (k: number, c: number) => out[(a * ROW + k) * cells + first + c];
      for (let c = 0; c < g * g; c++) {
        const obj = sigmoid(at(4, c));
        if (obj < threshold) continue;
        const x = c % g;
        const y = (c - x) / g;
        rows.push(
          (2 * sigmoid(at(0, c)) - 0.5 + x) * stride,
          (2 * sigmoid(at(1, c)) - 0.5 + y) * stride,
          (2 * sigmoid(at(2, c))) ** 2 * aw,
          (2 * sigmoid(at(3, c))) ** 2 * ah,
          obj,
        );
        for (let k = 0; k < 4; k++)
          rows.push(at(5 + 2 * k, c) * aw + x * stride, at(6 + 2 * k, c) * ah + y * stride);
        rows.push(sigmoid(at(13, c)), sigmoid(at(14, c)));
      }
    }
    first += g * g;
  }
  return { data: Float32Array.from(rows), rows: rows.length / ROW };
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
    const o = r * ROW;
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
  const found = headRows(out.data, out.dims[2], size, threshold);
  return decodePlates(found.data, found.rows, lb, threshold).map((d) => {
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
