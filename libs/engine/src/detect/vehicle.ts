import type { InferenceSession } from 'onnxruntime-node';
import { Box } from '../geometry/box';
import { Letterbox, letterbox, unletterbox } from '../geometry/letterbox';
import { nms } from '../geometry/nms';
import { RgbImage, resizeShared } from '../image/decode';
import { run1 } from '../models/runtime';
import { DETECTOR_INPUTS } from '../models/tensor-pool';

/** COCO classes the vehicle detector reports (0-based ids of YOLOX's 80 classes). */
export const VEHICLE_CLASSES: Record<number, 'car' | 'motorcycle' | 'bus' | 'truck'> = {
  2: 'car',
  3: 'motorcycle',
  5: 'bus',
  7: 'truck',
};

export interface VehicleDetection {
  box: Box;
  score: number;
  cls: 'car' | 'motorcycle' | 'bus' | 'truck';
}

/** The input size YOLOX-nano was published for: its long side, in pixels. */
export const VEHICLE_INPUT = 416;
const STRIDES = [8, 16, 32];

/** The model input a photo is read at: its long side at `long`, its short side at the photo's
 * aspect ratio, each rounded up to the coarsest stride (the model's free dimensions, see
 * models/free-dims.ts). A 16:9 photo fills 416×256 instead of a 416×416 square that is 40 %
 * padding: the same pixels at the same scale, for 0.6× the work. */
export function vehicleInputSize(
  width: number,
  height: number,
  long = VEHICLE_INPUT,
): { width: number; height: number } {
  const lb = letterbox(width, height, long, long, 'top-left');
  const up = (x: number) => Math.ceil(x / 32) * 32;
  return { width: up(lb.width), height: up(lb.height) };
}

export interface VehicleInput {
  tensor: Float32Array;
  lb: Letterbox;
  width: number;
  height: number;
}

/** YOLOX input: BGR, raw 0–255, resized into the top-left corner, padded with 114. */
export async function vehicleInput(img: RgbImage, long = VEHICLE_INPUT): Promise<VehicleInput> {
  const { width, height } = vehicleInputSize(img.width, img.height, long);
  const lb = letterbox(img.width, img.height, long, long, 'top-left');
  const small = await resizeShared(img, lb.width, lb.height);
  const plane = width * height;
  const tensor = DETECTOR_INPUTS.take(3 * plane).fill(114);
  for (let y = 0; y < lb.height; y++) {
    for (let x = 0; x < lb.width; x++) {
      const s = (y * lb.width + x) * 3;
      const d = y * width + x;
      tensor[d] = small.data[s + 2];
      tensor[plane + d] = small.data[s + 1];
      tensor[2 * plane + d] = small.data[s];
    }
  }
  return { tensor, lb, width, height };
}

/** Decode YOLOX rows `[dx, dy, log w, log h, obj, 80 classes]` over the stride grids. */
export function decodeYolox(
  out: Float32Array,
  lb: Letterbox,
  threshold: number,
  input: { width: number; height: number } = { width: VEHICLE_INPUT, height: VEHICLE_INPUT },
): VehicleDetection[] {
  const dets: VehicleDetection[] = [];
  let row = 0;
  for (const stride of STRIDES) {
    const gw = input.width / stride;
    const gh = input.height / stride;
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++, row++) {
        const o = row * 85;
        const obj = out[o + 4];
        if (obj < threshold) continue;
        let best = -1;
        let bestScore = 0;
        for (const id of [2, 3, 5, 7]) {
          const s = obj * out[o + 5 + id];
          if (s > bestScore) {
            bestScore = s;
            best = id;
          }
        }
        if (best < 0 || bestScore < threshold) continue;
        const cx = (out[o] + gx) * stride;
        const cy = (out[o + 1] + gy) * stride;
        const w = Math.exp(out[o + 2]) * stride;
        const h = Math.exp(out[o + 3]) * stride;
        const [x0, y0] = unletterbox(lb, cx - w / 2, cy - h / 2);
        const [x1, y1] = unletterbox(lb, cx + w / 2, cy + h / 2);
        dets.push({
          box: { xmin: x0, ymin: y0, xmax: x1, ymax: y1 },
          score: bestScore,
          cls: VEHICLE_CLASSES[best],
        });
      }
    }
  }
  // Class-agnostic NMS: one vehicle should not come back as both car and truck.
  return nms(dets, 0.45);
}

export async function detectVehicles(
  session: InferenceSession,
  img: RgbImage,
  threshold = 0.25,
  long = VEHICLE_INPUT,
): Promise<VehicleDetection[]> {
  const input = await vehicleInput(img, long);
  const out = await run1(session, input.tensor, [1, 3, input.height, input.width]);
  DETECTOR_INPUTS.give(input.tensor);
  return decodeYolox(out.data, input.lb, threshold, input).map((d) => ({
    ...d,
    box: {
      xmin: Math.max(0, d.box.xmin),
      ymin: Math.max(0, d.box.ymin),
      xmax: Math.min(img.width, d.box.xmax),
      ymax: Math.min(img.height, d.box.ymax),
    },
  }));
}
