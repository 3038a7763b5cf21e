/** Axis-aligned boxes in pixel coordinates (xmin/ymin inclusive, xmax/ymax exclusive). */
export interface Box {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface Point {
  x: number;
  y: number;
}

export const boxArea = (b: Box): number =>
  Math.max(0, b.xmax - b.xmin) * Math.max(0, b.ymax - b.ymin);

export const sameBox = (a: Box, b: Box): boolean =>
  a.xmin === b.xmin && a.ymin === b.ymin && a.xmax === b.xmax && a.ymax === b.ymax;

export function intersection(a: Box, b: Box): number {
  const w = Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin);
  const h = Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Clamp a box to an image and round it to whole pixels. */
export function clampBox(b: Box, width: number, height: number): Box {
  return {
    xmin: Math.max(0, Math.min(width, Math.round(b.xmin))),
    ymin: Math.max(0, Math.min(height, Math.round(b.ymin))),
    xmax: Math.max(0, Math.min(width, Math.round(b.xmax))),
    ymax: Math.max(0, Math.min(height, Math.round(b.ymax))),
  };
}

export function boxOfPoints(points: Point[]): Box {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return {
    xmin: Math.min(...xs),
    ymin: Math.min(...ys),
    xmax: Math.max(...xs),
    ymax: Math.max(...ys),
  };
}
