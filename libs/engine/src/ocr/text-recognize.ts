import type { InferenceSession } from 'onnxruntime-node';
import { RgbImage, resizeRgb } from '../image/decode';
import { run1 } from '../models/runtime';
import { FOLDED, foldProbabilities } from './alphabet';

export const REC_HEIGHT = 48;

/** Folded CTC frames for one text line. */
export interface LineFrames {
  m: Float32Array;
  steps: number;
}

/** Input: BGR, (v/255 − 0.5)/0.5, height 48, width by aspect (multiple of 8, padded with 0 = grey). */
export async function recognizeLines(
  session: InferenceSession,
  lines: RgbImage[],
  table: Int32Array,
  stretch = 1,
  maxWidth = 640,
): Promise<LineFrames[]> {
  if (!lines.length) return [];
  // `stretch` widens the line beyond its aspect ratio: the model emits one frame per 8 pixels, and
  // square plate characters squeezed into too few frames lose letters under CTC.
  const widths = lines.map((l) =>
    Math.min(
      maxWidth,
      Math.max(REC_HEIGHT, Math.round((l.width * REC_HEIGHT * stretch) / l.height)),
    ),
  );
  // One batch padded to the widest line: a single run is cheaper than one per line.
  const W = Math.ceil(Math.max(...widths) / 8) * 8;
  const plane = REC_HEIGHT * W;
  const batch = new Float32Array(lines.length * 3 * plane);
  for (let n = 0; n < lines.length; n++) {
    const img = await resizeRgb(lines[n], widths[n], REC_HEIGHT);
    const base = n * 3 * plane;
    for (let y = 0; y < REC_HEIGHT; y++) {
      for (let x = 0; x < widths[n]; x++) {
        const s = (y * widths[n] + x) * 3;
        const d = y * W + x;
        batch[base + d] = img.data[s + 2] / 127.5 - 1;
        batch[base + plane + d] = img.data[s + 1] / 127.5 - 1;
        batch[base + 2 * plane + d] = img.data[s] / 127.5 - 1;
      }
    }
  }
  const out = await run1(session, batch, [lines.length, 3, REC_HEIGHT, W]);
  const [, steps, classes] = out.dims as number[];
  const result: LineFrames[] = [];
  for (let n = 0; n < lines.length; n++) {
    const slice = out.data.subarray(n * steps * classes, (n + 1) * steps * classes);
    // Frames past a line's own width only see padding; drop them so they cannot add characters.
    const own = Math.min(steps, Math.ceil((widths[n] / W) * steps) + 1);
    result.push({ m: foldProbabilities(slice, own, classes, table), steps: own });
  }
  return result;
}

export { FOLDED };
