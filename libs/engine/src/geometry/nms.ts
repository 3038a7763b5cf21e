import { Box, iou } from './box';

/**
 * Greedy non-maximum suppression: keep the best-scoring box, drop every other box overlapping it
 * by more than `iouThreshold`, repeat. Returns the kept items, best first.
 */
export function nms<T extends { box: Box; score: number }>(items: T[], iouThreshold: number): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const item of sorted) {
    if (kept.every((k) => iou(k.box, item.box) <= iouThreshold)) kept.push(item);
  }
  return kept;
}
