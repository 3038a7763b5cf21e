/**
 * Pillow's `Image.resize(size, Image.BILINEAR)` on 8-bit images, reproduced exactly: separable
 * triangle-filter resampling whose support widens with the reduction factor (antialiasing),
 * 22-bit fixed-point coefficients, horizontal pass first, each pass rounded to 8 bits. The
 * project's recognisers were trained on inputs Pillow made, so the engine makes them the same way.
 */
const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;

interface Coeffs {
  bounds: Int32Array; // xmin, count per output pixel
  k: Int32Array; // ksize fixed-point weights per output pixel
  ksize: number;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear (triangle) filter. */
function coeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(1, scale);
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const a = Math.abs((x + xmin - center + 0.5) * ss);
      w[x] = a < 1 ? 1 - a : 0;
      ww += w[x];
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? w[x] / ww : w[x];
      k[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    bounds[2 * xx] = xmin;
    bounds[2 * xx + 1] = xmax;
  }
  return { bounds, k, ksize };
}

const clip8 = (v: number): number => (v >= ONE * 256 ? 255 : v <= 0 ? 0 : Math.floor(v / ONE));

/** Resize interleaved 8-bit pixels (`channels` per pixel: 1 grey, 3 RGB) like Pillow's BILINEAR. */
export function resizeLikePillow(
  src: Uint8Array,
  width: number,
  height: number,
  outW: number,
  outH: number,
  channels = 1,
): Uint8Array {
  const C = channels;
  let cur = src;
  let curW = width;
  if (outW !== width) {
    const c = coeffs(width, outW);
    const tmp = new Uint8Array(outW * height * C);
    for (let y = 0; y < height; y++) {
      const row = y * width * C;
      for (let xx = 0; xx < outW; xx++) {
        const xmin = c.bounds[2 * xx];
        const n = c.bounds[2 * xx + 1];
        const kb = xx * c.ksize;
        for (let ch = 0; ch < C; ch++) {
          let ss = ONE / 2;
          for (let x = 0; x < n; x++) ss += cur[row + (xmin + x) * C + ch] * c.k[kb + x];
          tmp[(y * outW + xx) * C + ch] = clip8(ss);
        }
      }
    }
    cur = tmp;
    curW = outW;
  }
  if (outH !== height) {
    const c = coeffs(height, outH);
    const out = new Uint8Array(curW * outH * C);
    const stride = curW * C;
    for (let yy = 0; yy < outH; yy++) {
      const ymin = c.bounds[2 * yy];
      const n = c.bounds[2 * yy + 1];
      const kb = yy * c.ksize;
      for (let x = 0; x < stride; x++) {
        let ss = ONE / 2;
        for (let y = 0; y < n; y++) ss += cur[(ymin + y) * stride + x] * c.k[kb + y];
        out[yy * stride + x] = clip8(ss);
      }
    }
    cur = out;
  }
  return cur === src ? src.slice() : cur;
}
