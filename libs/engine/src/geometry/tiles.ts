import type { Box } from './box';

/**
 * Overlapping square tiles covering a `width`×`height` photo, for a detector that only sees small
 * objects at close to its input size. Tiles are `size` pixels (larger when the photo would need
 * more than `maxPerSide` tiles along a side, so the count stays bounded on huge photos) and
 * overlap by at least a quarter of a tile, so an object smaller than that lies whole in one tile.
 * A side shorter than a tile gets one tile the length of that side.
 */
export function coveringTiles(
  width: number,
  height: number,
  size: number,
  maxPerSide: number,
): Box[] {
  const side = Math.max(size, Math.ceil(Math.max(width, height) / (maxPerSide * 0.75)));
  const starts = (len: number): number[] => {
    if (len <= side) return [0];
    const n = Math.ceil((len - side) / (side * 0.75)) + 1;
    const step = (len - side) / (n - 1);
    return Array.from({ length: n }, (_, i) => Math.round(i * step));
  };
  const tiles: Box[] = [];
  for (const y of starts(height))
    for (const x of starts(width))
      tiles.push({
        xmin: x,
        ymin: y,
        xmax: Math.min(width, x + side),
        ymax: Math.min(height, y + side),
      });
  return tiles;
}
