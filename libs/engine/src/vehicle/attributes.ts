import type { InferenceSession } from 'onnxruntime-node';
import * as ort from 'onnxruntime-node';
import { ORIENTATIONS, VEHICLE_COLORS, VEHICLE_TYPES } from '@platewise/snapshot';
import type { Orientation, VehicleColor, VehicleType } from '@platewise/snapshot';
import { Box, clampBox } from '../geometry/box';
import { RgbImage, cropRgb, resizeRgb } from '../image/decode';

/**
 * Vehicle orientation, colour and type from platewise-vehicle-v2: ImageNet MobileNetV2 (int8,
 * frozen) → its pooled 1280 features → three small heads trained by the project
 * (models/training/train_vehicle.py, card models/vehicle-attributes/MODEL_CARD.md). The heads ship
 * as a graph patch appended to the backbone's bytes (models/training/vehicle_graph.py): one
 * session, one run per vehicle.
 */
export const ATTRIBUTE_INPUT = 224;
/** padding around the detector's box, as the training crops were cut (../shared/vehicle-attrs) */
export const ATTRIBUTE_PAD = 0.05;
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

export interface AttributeScores {
  orientation: { value: Orientation; score: number }[];
  color: { value: VehicleColor; score: number }[];
  type: { value: VehicleType; score: number }[];
}

/** The crop the heads see: the vehicle box plus 5 % of its size on each side, clamped. */
export function attributeCrop(img: RgbImage, box: Box): RgbImage {
  const w = box.xmax - box.xmin;
  const h = box.ymax - box.ymin;
  const b = clampBox(
    {
      xmin: box.xmin - ATTRIBUTE_PAD * w,
      xmax: box.xmax + ATTRIBUTE_PAD * w,
      ymin: box.ymin - ATTRIBUTE_PAD * h,
      ymax: box.ymax + ATTRIBUTE_PAD * h,
    },
    img.width,
    img.height,
  );
  return cropRgb(img, b.xmin, b.ymin, b.xmax - b.xmin, b.ymax - b.ymin);
}

/** MobileNetV2's input: the crop stretched to 224², RGB, ImageNet mean/std, NCHW. */
export async function attributeTensor(crop: RgbImage, out?: Float32Array, offset = 0) {
  const s = ATTRIBUTE_INPUT;
  const small = await resizeRgb(crop, s, s);
  const t = out ?? new Float32Array(3 * s * s);
  const plane = s * s;
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++)
      t[offset + c * plane + i] = (small.data[i * 3 + c] / 255 - MEAN[c]) / STD[c];
  return t;
}

/** Top k of a probability row, labelled, rounded like every score of the answer. */
export function topK<T>(probs: ArrayLike<number>, labels: readonly T[], k: number) {
  return Array.from(labels, (value, i) => ({ value, score: probs[i] }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((p) => ({ value: p.value, score: Math.round(p.score * 1000) / 1000 }));
}

/** Run the heads on vehicle crops (one batch); each answer holds the top 3 of every attribute. */
export async function classifyVehicles(
  session: InferenceSession,
  crops: RgbImage[],
): Promise<AttributeScores[]> {
  if (!crops.length) return [];
  const s = ATTRIBUTE_INPUT;
  const size = 3 * s * s;
  const data = new Float32Array(crops.length * size);
  for (let i = 0; i < crops.length; i++) await attributeTensor(crops[i], data, i * size);
  const out = await session.run(
    { [session.inputNames[0]]: new ort.Tensor('float32', data, [crops.length, 3, s, s]) },
    ['orientation', 'color', 'type'],
  );
  const row = (name: string, n: number, i: number) =>
    (out[name].data as Float32Array).subarray(i * n, (i + 1) * n);
  return crops.map((_, i) => ({
    orientation: topK(row('orientation', ORIENTATIONS.length, i), ORIENTATIONS, 3),
    color: topK(row('color', VEHICLE_COLORS.length, i), VEHICLE_COLORS, 3),
    type: topK(row('type', VEHICLE_TYPES.length, i), VEHICLE_TYPES, VEHICLE_TYPES.length),
  }));
}
