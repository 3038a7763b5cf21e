import * as ort from 'onnxruntime-node';
import type { Box } from '../geometry/box';
import { nms } from '../geometry/nms';
import { RgbImage, resizeRgb } from '../image/decode';
import { DETECTOR_INPUTS } from '../models/tensor-pool';

export interface FaceDetection {
  /** the detector's (tight) face box in source pixels */
  box: Box;
  score: number;
}

/** UltraFace input sizes: the 320 model takes 320×240, the 640 model 640×480 (width × height). */
export const FACE_INPUT = { 320: [320, 240], 640: [640, 480] } as const;
export type FaceModelSize = keyof typeof FACE_INPUT;

/** The detector's own operating point (its README and upstream demo): face score > 0.7, NMS 0.3. */
export const FACE_THRESHOLD = 0.7;
const FACE_NMS = 0.3;

/** UltraFace input: RGB, (x − 127) / 128, CHW, the whole photo stretched to the input (no letterbox). */
export async function faceInput(img: RgbImage, size: FaceModelSize): Promise<Float32Array> {
  const [w, h] = FACE_INPUT[size];
  const small = await resizeRgb(img, w, h);
  const plane = w * h;
  const tensor = DETECTOR_INPUTS.take(3 * plane);
  for (let i = 0; i < plane; i++) {
    tensor[i] = (small.data[3 * i] - 127) / 128;
    tensor[plane + i] = (small.data[3 * i + 1] - 127) / 128;
    tensor[2 * plane + i] = (small.data[3 * i + 2] - 127) / 128;
  }
  return tensor;
}

/**
 * Rows of `scores` `[N,2]` (background, face; softmaxed) and `boxes` `[N,4]` (x1,y1,x2,y2 relative
 * 0–1, already decoded) → faces in source pixels, best first.
 */
export function decodeFaces(
  scores: Float32Array,
  boxes: Float32Array,
  width: number,
  height: number,
  threshold = FACE_THRESHOLD,
): FaceDetection[] {
  const found: FaceDetection[] = [];
  const rows = scores.length / 2;
  for (let r = 0; r < rows; r++) {
    const score = scores[2 * r + 1];
    if (score <= threshold) continue;
    const o = 4 * r;
    found.push({
      box: {
        xmin: Math.max(0, boxes[o] * width),
        ymin: Math.max(0, boxes[o + 1] * height),
        xmax: Math.min(width, boxes[o + 2] * width),
        ymax: Math.min(height, boxes[o + 3] * height),
      },
      score,
    });
  }
  return nms(found, FACE_NMS);
}

/**
 * The detector's two outputs: `scores` `[N,2]`, `boxes` `[N,4]` (decodeFaces); `input`, the input
 * handed back by a runner in another thread (as TensorRunner's).
 */
export interface FaceOutput {
  scores: Float32Array;
  boxes: Float32Array;
  input?: Float32Array;
}

/** Runs a face detector on an input tensor of `dims` (a session here, or a RedactionThread). */
export type FaceRunner = (input: Float32Array, dims: readonly number[]) => Promise<FaceOutput>;

/** A FaceRunner on a session of the calling thread. */
export const sessionRunner =
  (session: ort.InferenceSession): FaceRunner =>
  async (input, dims) => {
    const out = await session.run({
      [session.inputNames[0]]: new ort.Tensor('float32', input, dims),
    });
    return { scores: out.scores.data as Float32Array, boxes: out.boxes.data as Float32Array };
  };

/** Faces in `img` with the UltraFace model of input `size`. */
export async function detectFaces(
  session: ort.InferenceSession,
  img: RgbImage,
  size: FaceModelSize,
  threshold = FACE_THRESHOLD,
): Promise<FaceDetection[]> {
  return (await faceSearch(sessionRunner(session), img, size, threshold))();
}

/**
 * The face search in two steps: the input is taken from `img` now (the returned promise settles
 * once it is), the detector runs when the returned function is called — so the caller may change
 * `img` in between (the redaction hides plates in place while faces are looked for).
 */
export async function faceSearch(
  run: FaceRunner,
  img: RgbImage,
  size: FaceModelSize,
  threshold = FACE_THRESHOLD,
): Promise<() => Promise<FaceDetection[]>> {
  const [w, h] = FACE_INPUT[size];
  const input = await faceInput(img, size);
  const { width, height } = img;
  return async () => {
    const out = await run(input, [1, 3, h, w]);
    DETECTOR_INPUTS.give(out.input ?? input);
    return decodeFaces(out.scores, out.boxes, width, height, threshold);
  };
}
