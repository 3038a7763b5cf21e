import type { RgbImage } from '../image/decode';

/**
 * What makes one hidden area unreadable, on its own pixels only (edges continued outward, as if the
 * area were all there is). Plain loops on the engine's thread rather than sharp: most areas are
 * small (a plate's is about 135 × 60 px), and a sharp call on one cost 2–3 ms of CPU whatever it
 * did (its blur of such an area 2.6 ms, a resize of it alone 1.9) against under one here; a large
 * area is blurred by sharp all the same (redact/redact.ts `hidePatch`).
 */

/**
 * A Gaussian blur of standard deviation `sigma` px, as three box blurs one after another along each
 * axis (their widths chosen so the three together have that deviation: W. Wells, "Efficient
 * synthesis of Gaussian filters by cascaded uniform filters", 1986; the widths as P. Kovesi gives
 * them for a chosen number of passes). Three passes leave no trace of a box's edges.
 */
export function blurPixels(patch: RgbImage, sigma: number): Buffer {
  const { width, height } = patch;
  let a = new Float32Array(patch.data.length);
  for (let i = 0; i < a.length; i++) a[i] = patch.data[i];
  let b = new Float32Array(a.length);
  for (const radius of boxRadii(sigma, 3)) {
    boxAlong(a, b, width, height, radius, 3, width * 3);
    [a, b] = [b, a];
    boxAlong(a, b, height, width, radius, width * 3, 3);
    [a, b] = [b, a];
  }
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.round(a[i]);
  return out;
}

/**
 * The radii of `passes` box blurs whose cascade has the deviation `sigma`: widths `2r + 1` of two
 * neighbouring odd sizes, the smaller for the first `m` passes (a box of width w has variance
 * (w² − 1) / 12, and the passes' variances add up).
 */
export function boxRadii(sigma: number, passes: number): number[] {
  const ideal = Math.sqrt((12 * sigma * sigma) / passes + 1);
  let lower = Math.floor(ideal);
  if (lower % 2 === 0) lower--;
  const upper = lower + 2;
  const exact =
    (12 * sigma * sigma - passes * lower * lower - 4 * passes * lower - 3 * passes) /
    (-4 * lower - 4);
  // in 0..passes by the choice of the two widths, kept there against rounding
  const m = Math.min(passes, Math.max(0, Math.round(exact)));
  return Array.from({ length: passes }, (_, i) => ((i < m ? lower : upper) - 1) / 2);
}

/**
 * One box blur of `radius` along lines of `len` samples (`lines` of them, each channel of each):
 * sample `k` of line `l` is at `l * lineStep + k * step + channel`. A running sum; samples past a
 * line's ends repeat its end sample.
 */
function boxAlong(
  src: Float32Array,
  dst: Float32Array,
  len: number,
  lines: number,
  radius: number,
  step: number,
  lineStep: number,
): void {
  const scale = 1 / (2 * radius + 1);
  const lastAt = (len - 1) * step;
  for (let l = 0; l < lines; l++) {
    for (let c = 0; c < 3; c++) {
      const base = l * lineStep + c;
      const first = src[base];
      const last = src[base + lastAt];
      let sum = first * (radius + 1);
      for (let k = 1; k <= radius; k++) sum += k < len ? src[base + k * step] : last;
      for (let k = 0; k < len; k++) {
        dst[base + k * step] = sum * scale;
        const enter = k + radius + 1;
        const leave = k - radius;
        sum +=
          (enter < len ? src[base + enter * step] : last) -
          (leave > 0 ? src[base + leave * step] : first);
      }
    }
  }
}

/**
 * Cells of about `cell` px (the patch split into `round(side / cell)` cells each way, at least
 * one), each filled with its mean colour.
 */
export function pixelatePixels(patch: RgbImage, cell: number): Buffer {
  const { width, height, data } = patch;
  const across = Math.max(1, Math.round(width / cell));
  const down = Math.max(1, Math.round(height / cell));
  const col = Int32Array.from({ length: width }, (_, x) => Math.floor((x * across) / width));
  const row = Int32Array.from(
    { length: height },
    (_, y) => Math.floor((y * down) / height) * across,
  );
  const sums = new Float64Array(across * down * 3);
  const counts = new Uint32Array(across * down);
  for (let y = 0, s = 0; y < height; y++)
    for (let x = 0; x < width; x++, s += 3) {
      const c = row[y] + col[x];
      sums[c * 3] += data[s];
      sums[c * 3 + 1] += data[s + 1];
      sums[c * 3 + 2] += data[s + 2];
      counts[c]++;
    }
  for (let c = 0; c < counts.length; c++)
    for (let k = 0; k < 3; k++) sums[c * 3 + k] = Math.round(sums[c * 3 + k] / counts[c]);
  const out = Buffer.allocUnsafe(data.length);
  for (let y = 0, d = 0; y < height; y++)
    for (let x = 0; x < width; x++, d += 3) {
      const c = (row[y] + col[x]) * 3;
      out[d] = sums[c];
      out[d + 1] = sums[c + 1];
      out[d + 2] = sums[c + 2];
    }
  return out;
}
