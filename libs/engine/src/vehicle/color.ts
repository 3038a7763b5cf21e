import type { VehicleColor } from '@platewise/snapshot';
import { Box } from '../geometry/box';
import { RgbImage } from '../image/decode';

/**
 * Vehicle colour from the vehicle's own pixels (no trained model): the photo white-patch balanced
 * (whitePatchGains), then the body band of the vehicle box (the middle of its height, plate and
 * wheels excluded as far as a box allows) is sampled, each pixel named in CIELAB (labColor), and
 * the commonest name answered (nameShares). Glass, shadows and background inside the box lower
 * the winner's share, which is its score.
 *
 * Why CIELAB: lightness and chroma there follow what the eye sees, so "grey" is one chroma bound
 * (a silver car reflecting a blue sky or lit warm stays grey) and white/silver/black are
 * lightness bounds; in HSV a dark grey pixel with a small blue cast has a large saturation and
 * was named blue (dev: 7 of 50 silver cars) or black.
 */
export const COLOUR_RULE = {
  /** chroma C*ab below this is grey (black, silver or white by lightness) */
  greyChroma: 12,
  /** a grey pixel darker than this lightness L* is black, */
  blackL: 25,
  /** one at least this light white, else silver */
  whiteL: 80,
  /** any pixel darker than this is black whatever its chroma (0.7 × blackL, set with the form) */
  darkL: 17.5,
  /**
   * Black is answered only when at least this share of the sampled pixels is black; below it the
   * commonest other colour is: glass, tyres, shadow and grille are black inside every box.
   */
  blackShare: 0.35,
};
// greyChroma, blackL, whiteL and blackShare were CHOSEN ON THE DEV SPLIT (grid of 216 settings,
// models/training/colour_rules.mjs --dev; the known-colour train crops — cast dash-cam frames —
// cannot calibrate colour: the best setting on them names 24 % of them right, less than
// always-black's 34 %). Choosing them on dev is optimistic; the model card gives the leave-one-out
// estimate. The hue bounds of labColor were written from CIELAB hue angles of the colour names and
// not tuned.

/** sRGB 0–255 → linear light, one table for the three channels */
const LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c > 0.04045 ? ((c + 0.055) / 1.055) ** 2.4 : c / 12.92;
});

const labF = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);

/**
 * CIELAB (D65) of an sRGB colour whose channels may be balanced past 255 (clamped), written at
 * out[at … at + 2] (no array per pixel: the describer converts about 4,000 per vehicle).
 */
function labInto(out: Float32Array, at: number, r: number, g: number, b: number): void {
  const R = LINEAR[Math.min(255, Math.round(r))];
  const G = LINEAR[Math.min(255, Math.round(g))];
  const B = LINEAR[Math.min(255, Math.round(b))];
  const x = labF((0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047);
  const y = labF(0.2126 * R + 0.7152 * G + 0.0722 * B);
  const z = labF((0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883);
  out[at] = 116 * y - 16;
  out[at + 1] = 500 * (x - y);
  out[at + 2] = 200 * (y - z);
}

/** CIELAB (D65) of an sRGB colour whose channels may be balanced past 255 (clamped). */
export function rgbToLab(r: number, g: number, b: number): [number, number, number] {
  const out = new Float32Array(3);
  labInto(out, 0, r, g, b);
  return [out[0], out[1], out[2]];
}

/**
 * A CIELAB colour's name in the spec's vocabulary. Hue angles: reds and maroons below 50° (and
 * purples and magentas from 320°: the vocabulary has no purple), orange and yellow 50–105° (brown
 * when dark or dull: beige, gold, bronze), greens and teals 105–200°, blues 200–320° (sRGB's
 * pure blue sits at 306°).
 */
export function labColor(L: number, a: number, b: number, rule = COLOUR_RULE): VehicleColor {
  if (L < rule.darkL) return 'black';
  const c = Math.sqrt(a * a + b * b);
  if (c < rule.greyChroma) return L < rule.blackL ? 'black' : L >= rule.whiteL ? 'white' : 'silver';
  let h = (Math.atan2(b, a) * 180) / Math.PI;
  if (h < 0) h += 360;
  if (h < 50 || h >= 320) return L < 35 && c < 30 ? 'brown' : 'red';
  if (h < 105) return L < 55 || c < 35 ? 'brown' : 'yellow';
  return h < 200 ? 'green' : 'blue';
}

/** An sRGB colour's name: labColor of its CIELAB. */
export function pixelColor(r: number, g: number, b: number, rule = COLOUR_RULE): VehicleColor {
  const [L, A, B] = rgbToLab(r, g, b);
  return labColor(L, A, B, rule);
}

/**
 * White-patch balance of a photo: per channel, 255 over the channel's 99th percentile (sampled on
 * a grid of about 20,000 pixels), at most 4. A white car in a dim or tinted photo then reads
 * white rather than silver. Compared on the dev split with grey world, shades of grey, a common
 * stretch and no balance (models/vehicle-attributes/MODEL_CARD.md): this measured best — chosen
 * on dev.
 */
export function whitePatchGains(img: RgbImage): [number, number, number] {
  const step = Math.max(1, Math.floor(Math.sqrt((img.width * img.height) / 20000)));
  const hist = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  let n = 0;
  for (let y = 0; y < img.height; y += step)
    for (let x = 0; x < img.width; x += step) {
      const i = (y * img.width + x) * 3;
      for (let c = 0; c < 3; c++) hist[c][img.data[i + c]]++;
      n++;
    }
  const gain = (h: Uint32Array) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += h[v];
      if (seen >= 0.99 * n) return Math.min(4, 255 / Math.max(1, v));
    }
    return 1;
  };
  return [gain(hist[0]), gain(hist[1]), gain(hist[2])];
}

/**
 * The body band's pixels (the middle 35–70 % of the box's height, 15 % in from each side; about
 * 4,000 on a grid), the plate boxes left out, balanced by the gains, as CIELAB triples.
 */
export function bodyLab(
  img: RgbImage,
  vehicle: Box,
  exclude: Box[] = [],
  gains: [number, number, number] = [1, 1, 1],
): Float32Array {
  const w = vehicle.xmax - vehicle.xmin;
  const h = vehicle.ymax - vehicle.ymin;
  if (w < 8 || h < 8) return new Float32Array(0);
  const x0 = Math.round(vehicle.xmin + w * 0.15);
  const x1 = Math.round(vehicle.xmax - w * 0.15);
  const y0 = Math.round(vehicle.ymin + h * 0.35);
  const y1 = Math.round(vehicle.ymin + h * 0.7);
  const step = Math.max(1, Math.floor(Math.sqrt(((x1 - x0) * (y1 - y0)) / 4000)));
  const ys = Math.max(0, Math.ceil((Math.min(img.height, y1) - Math.max(0, y0)) / step));
  const xs = Math.max(0, Math.ceil((Math.min(img.width, x1) - Math.max(0, x0)) / step));
  const out = new Float32Array(ys * xs * 3);
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y += step) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x += step) {
      if (exclude.some((e) => x >= e.xmin && x < e.xmax && y >= e.ymin && y < e.ymax)) continue;
      const i = (y * img.width + x) * 3;
      labInto(
        out,
        n,
        img.data[i] * gains[0],
        img.data[i + 1] * gains[1],
        img.data[i + 2] * gains[2],
      );
      n += 3;
    }
  }
  return out.subarray(0, n);
}

/**
 * The top 3 colours of sampled CIELAB pixels, each scored by its share of them; black goes
 * behind the other colours unless it holds COLOUR_RULE.blackShare of the pixels.
 */
export function nameShares(
  lab: Float32Array,
  rule = COLOUR_RULE,
): { color: VehicleColor; score: number }[] {
  const total = lab.length / 3;
  if (!total) return [{ color: 'unknown', score: 0 }];
  const counts = new Map<VehicleColor, number>();
  for (let i = 0; i < lab.length; i += 3) {
    const c = labColor(lab[i], lab[i + 1], lab[i + 2], rule);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const blackFirst = (counts.get('black') ?? 0) >= rule.blackShare * total;
  const rank = (c: VehicleColor, n: number) => (c === 'black' && !blackFirst ? -1 : n);
  return [...counts.entries()]
    .sort((a, b) => rank(b[0], b[1]) - rank(a[0], a[1]) || b[1] - a[1])
    .slice(0, 3)
    .map(([color, n]) => ({ color, score: Math.round((n / total) * 1000) / 1000 }));
}

export function vehicleColor(
  img: RgbImage,
  vehicle: Box,
  exclude: Box[] = [],
  gains: [number, number, number] = [1, 1, 1],
): { color: VehicleColor; score: number }[] {
  return nameShares(bodyLab(img, vehicle, exclude, gains));
}
