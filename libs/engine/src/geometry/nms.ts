import { Box, iou } from './box';

/**
 * Boxes that go into non-maximum suppression, best first: its cost is quadratic in their number,
 * and a caller's threshold of 0 lets every detector anchor through (6,300 vehicle anchors on a
 * dev photo took 0.3 s here, seconds on a busy machine). No photo shows a thousand plates, faces
 * or vehicles worth keeping.
 */
export const MAX_NMS_INPUTS = 1_000;

/**
 * Greedy non-maximum suppression: keep the best-scoring box, drop every other box overlapping it
 * by more than `iouThreshold`, repeat. Returns the kept items, best first; only the best
 * `MAX_NMS_INPUTS` items are considered.
 */
export function nms<T extends { box: Box; score: number }>(items: T[], iouThreshold: number): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score).slice(0, MAX_NMS_INPUTS);
  const kept: T[] = [];
  for (const item of sorted) {
    if (kept.every((k) => iou(k.box, item.box) <= iouThreshold)) kept.push(item);
  }
  return kept;
}
