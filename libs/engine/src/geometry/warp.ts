import { RgbImage } from '../image/decode';
import { Point } from './box';

/**
 * Perspective rectification. A plate's four corners (top-left, top-right, bottom-right,
 * bottom-left) are mapped onto an upright width×height rectangle, so skewed or rotated plates reach
 * the text recogniser as straight lines of characters.
 */

/** 3×3 homography (row-major, h[8] = 1) taking destination points to source points. */
export function homography(dst: Point[], src: Point[]): number[] {
  // Solve the 8×8 linear system of the direct linear transform by Gaussian elimination.
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = dst[i];
    const { x: u, y: v } = src[i];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let c = 0; c < 8; c++) {
    let pivot = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    const p = a[c][c];
    if (Math.abs(p) < 1e-12) throw new Error('degenerate quadrilateral');
    for (let k = c; k < 9; k++) a[c][k] /= p;
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = a[r][c];
      if (f !== 0) for (let k = c; k < 9; k++) a[r][k] -= f * a[c][k];
    }
  }
  return [...a.map((row) => row[8]), 1];
}

export function applyHomography(h: number[], x: number, y: number): Point {
  const w = h[6] * x + h[7] * y + h[8];
  return { x: (h[0] * x + h[1] * y + h[2]) / w, y: (h[3] * x + h[4] * y + h[5]) / w };
}

/** Sample the quadrilateral `quad` of `img` into an upright width×height image (bilinear). */
export function warpQuad(img: RgbImage, quad: Point[], width: number, height: number): RgbImage {
  const dst = [
    { x: 0, y: 0 },
    { x: width, y: 0 },
    { x: width, y: height },
    { x: 0, y: height },
  ];
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = homography(dst, quad);
  const out = Buffer.alloc(width * height * 3);
  const { data, width: W, height: H } = img;
  // applyHomography inlined, the same operations in the same order (every plate crop passes here;
  // a Point per pixel was most of its time)
  for (let y = 0; y < height; y++) {
    const py = y + 0.5;
    for (let x = 0; x < width; x++) {
      // Sample at pixel centres.
      const px = x + 0.5;
      const w = h6 * px + h7 * py + h8;
      const sx = Math.min(W - 1.001, Math.max(0, (h0 * px + h1 * py + h2) / w - 0.5));
      const sy = Math.min(H - 1.001, Math.max(0, (h3 * px + h4 * py + h5) / w - 0.5));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const gx = 1 - fx;
      const gy = 1 - fy;
      const i00 = (y0 * W + x0) * 3;
      const i10 = i00 + 3;
      const i01 = i00 + W * 3;
      const i11 = i01 + 3;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[i00 + c] * gx + data[i10 + c] * fx;
        const bottom = data[i01 + c] * gx + data[i11 + c] * fx;
        out[o + c] = Math.round(top * gy + bottom * fy);
      }
    }
  }
  return { data: out, width, height };
}

/** Grow a quadrilateral about its centre: `px` of its width sideways, `py` of its height up/down. */
export function expandQuad(quad: Point[], px: number, py: number): Point[] {
  const [tl, tr, br, bl] = quad;
  const lerp = (a: Point, b: Point, t: number): Point => ({
    x: a.x + (b.x - a.x) * t,
    y: a.y + (b.y - a.y) * t,
  });
  // Extend the top and bottom edges sideways, then the left and right edges vertically.
  const tl1 = lerp(tr, tl, 1 + px);
  const tr1 = lerp(tl, tr, 1 + px);
  const bl1 = lerp(br, bl, 1 + px);
  const br1 = lerp(bl, br, 1 + px);
  return [
    lerp(bl1, tl1, 1 + py),
    lerp(br1, tr1, 1 + py),
    lerp(tr1, br1, 1 + py),
    lerp(tl1, bl1, 1 + py),
  ];
}

/** Move a quadrilateral along its own axes: `dx` of its width (mean top/bottom edge), `dy` of its height. */
export function shiftQuad(quad: Point[], dx: number, dy: number): Point[] {
  if (!dx && !dy) return quad;
  const [tl, tr, br, bl] = quad;
  const ex = { x: (tr.x - tl.x + br.x - bl.x) / 2, y: (tr.y - tl.y + br.y - bl.y) / 2 };
  const ey = { x: (bl.x - tl.x + br.x - tr.x) / 2, y: (bl.y - tl.y + br.y - tr.y) / 2 };
  return quad.map((p) => ({ x: p.x + dx * ex.x + dy * ey.x, y: p.y + dx * ex.y + dy * ey.y }));
}

export const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);
