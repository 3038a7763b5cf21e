import type { InferenceSession } from 'onnxruntime-node';
import { Box } from '../geometry/box';
import { letterbox, unletterbox } from '../geometry/letterbox';
import { nms } from '../geometry/nms';
import { RgbImage, resizeRgb } from '../image/decode';
import { run1 } from '../models/runtime';

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

const SIZE = 416;
const STRIDES = [8, 16, 32];

/** YOLOX input: BGR, raw 0–255, resized into the top-left corner, padded with 114. */
export async function vehicleInput(
  img: RgbImage,
): Promise<{ tensor: Float32Array; lb: ReturnType<typeof letterbox> }> {
  const lb = letterbox(img.width, img.height, SIZE, SIZE, 'top-left');
  const small = await resizeRgb(img, lb.width, lb.height);
  const plane = SIZE * SIZE;
  const tensor = new Float32Array(3 * plane).fill(114);
  for (let y = 0; y < lb.height; y++) {
    for (let x = 0; x < lb.width; x++) {
      const s = (y * lb.width + x) * 3;
      const d = y * SIZE + x;
      tensor[d] = small.data[s + 2];
      tensor[plane + d] = small.data[s + 1];
      tensor[2 * plane + d] = small.data[s];
    }
  }
  return { tensor, lb };
}

/** Decode YOLOX rows `[dx, dy, log w, log h, obj, 80 classes]` over the stride grids. */
export function decodeYolox(
  out: Float32Array,
  lb: ReturnType<typeof letterbox>,
  threshold: number,
): VehicleDetection[] {
  const dets: VehicleDetection[] = [];
  let row = 0;
  for (const stride of STRIDES) {
    const g = SIZE / stride;
    for (let gy = 0; gy < g; gy++) {
      for (let gx = 0; gx < g; gx++, row++) {
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
): Promise<VehicleDetection[]> {
  const { tensor, lb } = await vehicleInput(img);
  const out = await run1(session, tensor, [1, 3, SIZE, SIZE]);
  return decodeYolox(out.data, lb, threshold).map((d) => ({
    ...d,
    box: {
      xmin: Math.max(0, d.box.xmin),
      ymin: Math.max(0, d.box.ymin),
      xmax: Math.min(img.width, d.box.xmax),
      ymax: Math.min(img.height, d.box.ymax),
    },
  }));
}
