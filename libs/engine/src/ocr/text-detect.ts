import type { InferenceSession } from 'onnxruntime-node';
import { Box } from '../geometry/box';
import { RgbImage, resizeRgb } from '../image/decode';
import { run1 } from '../models/runtime';

/**
 * PP-OCRv4 text detection (DB): a per-pixel text probability map, binarised, split into connected
 * regions, each grown back by the "unclip" margin the model was trained to shrink text by.
 */
export interface TextBox {
  box: Box;
  score: number;
}

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** Input: BGR (PaddleOCR reads with OpenCV), ImageNet mean/std, sides multiples of 32. */
export function detInput(img: RgbImage): Float32Array {
  const { width: w, height: h, data } = img;
  const plane = w * h;
  const t = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = data[i * 3 + (2 - c)] / 255; // channel c of BGR
      t[c * plane + i] = (v - MEAN[c]) / STD[c];
    }
  }
  return t;
}

/** Connected regions of `prob > thresh` (4-neighbour), kept when their mean probability ≥ boxThresh. */
export function dbBoxes(
  prob: Float32Array,
  w: number,
  h: number,
  thresh = 0.3,
  boxThresh = 0.5,
  unclip = 1.6,
): TextBox[] {
  const seen = new Uint8Array(w * h);
  const boxes: TextBox[] = [];
  const stack: number[] = [];
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || prob[start] <= thresh) continue;
    let xmin = w,
      ymin = h,
      xmax = 0,
      ymax = 0,
      sum = 0,
      count = 0;
    stack.push(start);
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop() as number;
      const x = i % w;
      const y = (i - x) / w;
      sum += prob[i];
      count++;
      if (x < xmin) xmin = x;
      if (x > xmax) xmax = x;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
      const nb = [
        x > 0 ? i - 1 : -1,
        x < w - 1 ? i + 1 : -1,
        y > 0 ? i - w : -1,
        y < h - 1 ? i + w : -1,
      ];
      for (const j of nb) {
        if (j >= 0 && !seen[j] && prob[j] > thresh) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    const bw = xmax - xmin + 1;
    const bh = ymax - ymin + 1;
    if (count < 6 || bh < 3 || sum / count < boxThresh) continue;
    // DB shrinks each text polygon by D = A(1-r²)/L at training time; grow it back by A·r/L.
    const d = (bw * bh * unclip) / (2 * (bw + bh));
    boxes.push({
      box: {
        xmin: Math.max(0, xmin - d),
        ymin: Math.max(0, ymin - d),
        xmax: Math.min(w, xmax + 1 + d),
        ymax: Math.min(h, ymax + 1 + d),
      },
      score: sum / count,
    });
  }
  return boxes;
}

/** Detect text lines in `img` (already the padded plate crop); boxes come back in img pixels. */
export async function detectText(
  session: InferenceSession,
  img: RgbImage,
  maxSide = 320,
): Promise<TextBox[]> {
  const scale = Math.min(1, maxSide / Math.max(img.width, img.height)) * 1;
  const w = Math.max(32, Math.round((img.width * scale) / 32) * 32);
  const h = Math.max(32, Math.round((img.height * scale) / 32) * 32);
  const small = await resizeRgb(img, w, h);
  const out = await run1(session, detInput(small), [1, 3, h, w]);
  const sx = img.width / w;
  const sy = img.height / h;
  return dbBoxes(out.data, w, h).map((b) => ({
    score: b.score,
    box: {
      xmin: b.box.xmin * sx,
      ymin: b.box.ymin * sy,
      xmax: b.box.xmax * sx,
      ymax: b.box.ymax * sy,
    },
  }));
}
