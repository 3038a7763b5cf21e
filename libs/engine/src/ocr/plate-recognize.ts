import type { InferenceSession } from 'onnxruntime-node';
import { RgbImage } from '../image/decode';
import { run1 } from '../models/runtime';
import { FOLDED, PLATE_CHARS } from './alphabet';
import { LineFrames } from './text-recognize';
import { resizeLikePillow } from '../image/pillow-resize';

/**
 * platewise-rec, the project's own plate recogniser (models/training): a CRNN read with CTC.
 * Input `image` float32 [N,1,32,128]; output `logits` [N,32,37] (class 0 blank, then 0-9A-Z, the
 * same order as PLATE_CHARS, so its frames fold 1:1 onto the engine's columns).
 *
 * The model was trained on crops turned into its input by Pillow — `im.convert("L")`, then
 * `.resize((128, 32), Image.BILINEAR)`, then (p / 255 − 0.5) / 0.5 — so this file reproduces those
 * integer operations exactly (Pillow 9: ITU-R 601 luma in 16-bit fixed point; separable
 * triangle-filter resampling whose support widens with the reduction factor, 22-bit fixed-point
 * coefficients, horizontal pass first, each pass rounded to 8 bits; image/pillow-resize.ts).
 */
export const CRNN_H = 32;
export const CRNN_W = 128;
export const CRNN_CLASSES = PLATE_CHARS.length + 1;

/** Pillow's RGB → L: (R·19595 + G·38470 + B·7471 + 0x8000) >> 16. */
export function toGrey(img: RgbImage): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const d = img.data;
  for (let i = 0; i < n; i++)
    out[i] = (d[3 * i] * 19595 + d[3 * i + 1] * 38470 + d[3 * i + 2] * 7471 + 0x8000) >>> 16;
  return out;
}

/** The model's input for one crop: grey, 128×32 (stretched, as in training), (p/255 − 0.5)/0.5. */
export function crnnInput(
  img: RgbImage,
  out = new Float32Array(CRNN_H * CRNN_W),
  offset = 0,
): Float32Array {
  const g = resizeLikePillow(toGrey(img), img.width, img.height, CRNN_W, CRNN_H, 1);
  for (let i = 0; i < CRNN_H * CRNN_W; i++) out[offset + i] = (g[i] / 255 - 0.5) / 0.5;
  return out;
}

/**
 * Softmax of `[steps, classes]` logits, laid out as folded frames (`[steps, FOLDED]`: blank,
 * 0-9A-Z, other = 0). `temperature` divides the logits first (1 = the model's own probabilities).
 */
export function logitsToFrames(
  logits: Float32Array,
  steps: number,
  classes = CRNN_CLASSES,
  temperature = 1,
): Float32Array {
  const m = new Float32Array(steps * FOLDED);
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]);
    let z = 0;
    for (let c = 0; c < classes; c++) z += Math.exp((logits[row + c] - max) / temperature);
    for (let c = 0; c < classes; c++)
      m[t * FOLDED + c] = Math.exp((logits[row + c] - max) / temperature) / z;
  }
  return m;
}

/** Run the CRNN on plate crops (one batch); returns one set of folded frames per crop. */
export async function recognizePlates(
  session: InferenceSession,
  crops: RgbImage[],
  temperature = 1,
): Promise<LineFrames[]> {
  if (!crops.length) return [];
  const plane = CRNN_H * CRNN_W;
  const batch = new Float32Array(crops.length * plane);
  crops.forEach((c, n) => crnnInput(c, batch, n * plane));
  const out = await run1(session, batch, [crops.length, 1, CRNN_H, CRNN_W]);
  const [, steps, classes] = out.dims as number[];
  if (classes !== CRNN_CLASSES)
    throw new Error(`plate recogniser has ${classes} classes, expected ${CRNN_CLASSES}`);
  return crops.map((_, n) => ({
    m: logitsToFrames(
      out.data.subarray(n * steps * classes, (n + 1) * steps * classes),
      steps,
      classes,
      temperature,
    ),
    steps,
  }));
}
