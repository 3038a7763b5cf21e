import type { InferenceSession } from 'onnxruntime-node';
import { RgbImage } from '../image/decode';
import { run1 } from '../models/runtime';
import { FOLDED, PLATE_CHARS } from './alphabet';
import { LineFrames } from './text-recognize';

/**
 * platewise-rec, the project's own plate recogniser (models/training): a CRNN read with CTC.
 * Input `image` float32 [N,1,32,128]; output `logits` [N,32,37] (class 0 blank, then 0-9A-Z, the
 * same order as PLATE_CHARS, so its frames fold 1:1 onto the engine's columns).
 *
 * The model was trained on crops turned into its input by Pillow — `im.convert("L")`, then
 * `.resize((128, 32), Image.BILINEAR)`, then (p / 255 − 0.5) / 0.5 — so this file reproduces those
 * integer operations exactly (Pillow 9: ITU-R 601 luma in 16-bit fixed point; separable
 * triangle-filter resampling whose support widens with the reduction factor, 22-bit fixed-point
 * coefficients, horizontal pass first, each pass rounded to 8 bits).
 */
export const CRNN_H = 32;
export const CRNN_W = 128;
export const CRNN_CLASSES = PLATE_CHARS.length + 1;

/** Pillow's RGB → L: (R·19595 + G·38470 + B·7471 + 0x8000) >> 16. */
export function toGrey(img: RgbImage): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const d = img.data;
  for (let i = 0; i < n; i++) out[i] = (d[3 * i] * 19595 + d[3 * i + 1] * 38470 + d[3 * i + 2] * 7471 + 0x8000) >>> 16;
  return out;
}

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;

interface Coeffs {
  bounds: Int32Array; // xmin, count per output pixel
  k: Int32Array; // ksize fixed-point weights per output pixel
  ksize: number;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear (triangle) filter. */
function coeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(1, scale);
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const a = Math.abs((x + xmin - center + 0.5) * ss);
      w[x] = a < 1 ? 1 - a : 0;
      ww += w[x];
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? w[x] / ww : w[x];
      k[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    bounds[2 * xx] = xmin;
    bounds[2 * xx + 1] = xmax;
  }
  return { bounds, k, ksize };
}

const clip8 = (v: number): number => (v >= ONE * 256 ? 255 : v <= 0 ? 0 : Math.floor(v / ONE));

/** Pillow's `Image.resize(size, Image.BILINEAR)` on an 8-bit single-channel image. */
export function resizeGreyLikePillow(src: Uint8Array, width: number, height: number, outW: number, outH: number): Uint8Array {
  let cur = src;
  let curW = width;
  if (outW !== width) {
    const c = coeffs(width, outW);
    const tmp = new Uint8Array(outW * height);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let xx = 0; xx < outW; xx++) {
        const xmin = c.bounds[2 * xx];
        const n = c.bounds[2 * xx + 1];
        const kb = xx * c.ksize;
        let ss = ONE / 2;
        for (let x = 0; x < n; x++) ss += cur[row + xmin + x] * c.k[kb + x];
        tmp[y * outW + xx] = clip8(ss);
      }
    }
    cur = tmp;
    curW = outW;
  }
  if (outH !== height) {
    const c = coeffs(height, outH);
    const out = new Uint8Array(curW * outH);
    for (let yy = 0; yy < outH; yy++) {
      const ymin = c.bounds[2 * yy];
      const n = c.bounds[2 * yy + 1];
      const kb = yy * c.ksize;
      for (let x = 0; x < curW; x++) {
        let ss = ONE / 2;
        for (let y = 0; y < n; y++) ss += cur[(ymin + y) * curW + x] * c.k[kb + y];
        out[yy * curW + x] = clip8(ss);
      }
    }
    cur = out;
  }
  return cur === src ? src.slice() : cur;
}

/** The model's input for one crop: grey, 128×32 (stretched, as in training), (p/255 − 0.5)/0.5. */
export function crnnInput(img: RgbImage, out = new Float32Array(CRNN_H * CRNN_W), offset = 0): Float32Array {
  const g = resizeGreyLikePillow(toGrey(img), img.width, img.height, CRNN_W, CRNN_H);
  for (let i = 0; i < CRNN_H * CRNN_W; i++) out[offset + i] = (g[i] / 255 - 0.5) / 0.5;
  return out;
}

/**
 * Softmax of `[steps, classes]` logits, laid out as folded frames (`[steps, FOLDED]`: blank,
 * 0-9A-Z, other = 0). `temperature` divides the logits first (1 = the model's own probabilities).
 */
export function logitsToFrames(logits: Float32Array, steps: number, classes = CRNN_CLASSES, temperature = 1): Float32Array {
  const m = new Float32Array(steps * FOLDED);
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]);
    let z = 0;
    for (let c = 0; c < classes; c++) z += Math.exp((logits[row + c] - max) / temperature);
    for (let c = 0; c < classes; c++) m[t * FOLDED + c] = Math.exp((logits[row + c] - max) / temperature) / z;
  }
  return m;
}

/** Run the CRNN on plate crops (one batch); returns one set of folded frames per crop. */
export async function recognizePlates(session: InferenceSession, crops: RgbImage[], temperature = 1): Promise<LineFrames[]> {
  if (!crops.length) return [];
  const plane = CRNN_H * CRNN_W;
  const batch = new Float32Array(crops.length * plane);
  crops.forEach((c, n) => crnnInput(c, batch, n * plane));
  const out = await run1(session, batch, [crops.length, 1, CRNN_H, CRNN_W]);
  const [, steps, classes] = out.dims as number[];
  if (classes !== CRNN_CLASSES) throw new Error(`plate recogniser has ${classes} classes, expected ${CRNN_CLASSES}`);
  return crops.map((_, n) => ({
    m: logitsToFrames(out.data.subarray(n * steps * classes, (n + 1) * steps * classes), steps, classes, temperature),
    steps,
  }));
}
