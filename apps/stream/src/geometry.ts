import type { Box } from '@platewise/snapshot';

/** A point as [x, y] in fractions of the frame's width and height (0 … 1). */
export type Point = [number, number];

export function iou(a: Box, b: Box): number {
  const w = Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin);
  const h = Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (area(a) + area(b) - inter);
}

export function area(b: Box): number {
  return Math.max(0, b.xmax - b.xmin) * Math.max(0, b.ymax - b.ymin);
}

export function centre(b: Box): Point {
  return [(b.xmin + b.xmax) / 2, (b.ymin + b.ymax) / 2];
}

export function shift(b: Box, dx: number, dy: number): Box {
  return { xmin: b.xmin + dx, ymin: b.ymin + dy, xmax: b.xmax + dx, ymax: b.ymax + dy };
}

/** Ray casting: whether p lies inside the polygon (its vertices in order). */
export function inPolygon(p: Point, polygon: Point[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}

/**
 * Direction of travel in whole degrees, counter-clockwise from the frame's right with up at 90
 * (image y grows downwards, so it is flipped): 0 right, 90 up, 180 left, 270 down.
 */
export function directionDegrees(dx: number, dy: number): number {
  const deg = (Math.atan2(-dy, dx) * 180) / Math.PI;
  return Math.round((deg + 360) % 360) % 360;
}

/** Smallest angle between two directions in degrees (0 … 180). */
export function angleBetween(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}
