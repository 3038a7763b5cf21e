import type { InferenceSession } from 'onnxruntime-node';
import * as ort from 'onnxruntime-node';
import { ORIENTATIONS, VEHICLE_COLORS, VEHICLE_TYPES } from '@platewise/snapshot';
import type { Orientation, VehicleColor, VehicleType } from '@platewise/snapshot';
import { Box, clampBox } from '../geometry/box';
import { RgbImage, cropResizeRgb, resizeRgb } from '../image/decode';

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
/** (v / 255 − mean) / std of each channel c at [c × 256 + v], as attributeTensor computes it */
const NORMALISED = Float32Array.from({ length: 3 * 256 }, (_, i) => {
  const c = Math.floor(i / 256);
  return ((i % 256) / 255 - MEAN[c]) / STD[c];
});

export interface AttributeScores {
  orientation: { value: Orientation; score: number }[];
  color: { value: VehicleColor; score: number }[];
  type: { value: VehicleType; score: number }[];
}

/**
 * The heads' input for a vehicle: the vehicle box plus 5 % of its size on each side, clamped,
 * stretched to 224² (the crop and the resize both in sharp's threads), normalised.
 */
export async function vehicleInput(img: RgbImage, box: Box): Promise<Float32Array> {
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
  const s = ATTRIBUTE_INPUT;
  return normalise(
    await cropResizeRgb(img, b.xmin, b.ymin, b.xmax - b.xmin, b.ymax - b.ymin, s, s),
  );
}

/** MobileNetV2's input: the crop stretched to 224², RGB, ImageNet mean/std, NCHW. */
export async function attributeTensor(crop: RgbImage, out?: Float32Array, offset = 0) {
  const s = ATTRIBUTE_INPUT;
  return normalise(await resizeRgb(crop, s, s), out, offset);
}

/** A 224² RGB image as MobileNetV2's input (ImageNet mean/std, NCHW) at `offset` of `out`. */
function normalise(small: RgbImage, out?: Float32Array, offset = 0): Float32Array {
  const plane = small.width * small.height;
  const t = out ?? new Float32Array(3 * plane);
  const px = small.data;
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    t[offset + i] = NORMALISED[px[j]];
    t[offset + plane + i] = NORMALISED[256 + px[j + 1]];
    t[offset + 2 * plane + i] = NORMALISED[512 + px[j + 2]];
  }
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
  return classifyInputs(session, await Promise.all(crops.map((c) => attributeTensor(c))));
}

/**
 * Run the heads on prepared inputs (attributeTensor of each crop), one batch; each answer holds
 * the top 3 of every attribute.
 */
export async function classifyInputs(
  session: InferenceSession,
  inputs: Float32Array[],
): Promise<AttributeScores[]> {
  if (!inputs.length) return [];
  const out = await session.run({ [session.inputNames[0]]: batchTensor(inputs) }, [
    'orientation',
    'color',
    'type',
  ]);
  const row = (name: string, n: number, i: number) =>
    (out[name].data as Float32Array).subarray(i * n, (i + 1) * n);
  return inputs.map((_, i) => ({
    orientation: topK(row('orientation', ORIENTATIONS.length, i), ORIENTATIONS, 3),
    color: topK(row('color', VEHICLE_COLORS.length, i), VEHICLE_COLORS, 3),
    type: topK(row('type', VEHICLE_TYPES.length, i), VEHICLE_TYPES, VEHICLE_TYPES.length),
  }));
}

/** Single inputs side by side as one NCHW tensor (one input is used as it is, no copy). */
export function batchTensor(inputs: Float32Array[]): ort.Tensor {
  const s = ATTRIBUTE_INPUT;
  const size = 3 * s * s;
  let data = inputs[0];
  if (inputs.length > 1) {
    data = new Float32Array(inputs.length * size);
    inputs.forEach((t, i) => data.set(t, i * size));
  }
  return new ort.Tensor('float32', data, [inputs.length, 3, s, s]);
}
