import type { VehicleColor } from '@platewise/snapshot';
import { Box } from '../geometry/box';
import { RgbImage } from '../image/decode';

/**
 * Vehicle colour from the vehicle's own pixels (no trained model): the photo white-patch balanced
 * (whitePatchGains), then the body band of the vehicle box (the middle of its height, plate and
 * wheels excluded as far as a box allows) is classified
 * pixel by pixel into the spec's colour names by hue/saturation/value, and the share of the most
 * common colour is its score. Glass, shadows and background inside the box lower that share.
 */
export function pixelColor(r: number, g: number, b: number): VehicleColor {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const v = max / 255;
  const s = max === 0 ? 0 : (max - min) / max;
  if (v < 0.22) return 'black';
  if (s < 0.18) {
    if (v > 0.78) return 'white';
    if (v < 0.35) return 'black';
    return 'silver';
  }
  let h: number;
  if (max === r) h = ((g - b) / (max - min)) * 60;
  else if (max === g) h = (2 + (b - r) / (max - min)) * 60;
  else h = (4 + (r - g) / (max - min)) * 60;
  if (h < 0) h += 360;
  if (h < 15 || h >= 340) return v < 0.45 && s < 0.6 ? 'brown' : 'red';
  if (h < 45) return v < 0.6 ? 'brown' : 'yellow';
  if (h < 70) return 'yellow';
  if (h < 165) return 'green';
  if (h < 260) return 'blue';
  return 'red';
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

export function vehicleColor(
  img: RgbImage,
  vehicle: Box,
  exclude: Box[] = [],
  gains: [number, number, number] = [1, 1, 1],
): { color: VehicleColor; score: number }[] {
  const w = vehicle.xmax - vehicle.xmin;
  const h = vehicle.ymax - vehicle.ymin;
  if (w < 8 || h < 8) return [{ color: 'unknown', score: 0 }];
  const x0 = Math.round(vehicle.xmin + w * 0.15);
  const x1 = Math.round(vehicle.xmax - w * 0.15);
  const y0 = Math.round(vehicle.ymin + h * 0.35);
  const y1 = Math.round(vehicle.ymin + h * 0.7);
  const step = Math.max(1, Math.floor(Math.sqrt(((x1 - x0) * (y1 - y0)) / 4000)));
  const counts = new Map<VehicleColor, number>();
  let total = 0;
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y += step) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x += step) {
      if (exclude.some((e) => x >= e.xmin && x < e.xmax && y >= e.ymin && y < e.ymax)) continue;
      const i = (y * img.width + x) * 3;
      const c = pixelColor(
        Math.min(255, img.data[i] * gains[0]),
        Math.min(255, img.data[i + 1] * gains[1]),
        Math.min(255, img.data[i + 2] * gains[2]),
      );
      counts.set(c, (counts.get(c) ?? 0) + 1);
      total++;
    }
  }
  if (!total) return [{ color: 'unknown', score: 0 }];
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([color, n]) => ({ color, score: Math.round((n / total) * 1000) / 1000 }));
}
