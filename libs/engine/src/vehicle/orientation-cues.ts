import type { Orientation } from '@platewise/snapshot';
import { Box } from '../geometry/box';
import { RgbImage } from '../image/decode';

/**
 * Evidence for `mmc` orientation beside the orientation head: two cues the head, trained on few
 * front views, does not use reliably — the tail lamps' red and the plate's place on the vehicle.
 *
 * Tail lamps are red by law everywhere; headlamps are white or amber. The share of lamp-red
 * pixels in the outer quarters of the vehicle box (20–75 % of its height, where the lamps sit) is
 * evidence of a rear view that the orientation head, trained on few front views, lacks: on the
 * training crops it told white cars' rears from fronts where the head did not.
 */
export interface LampRed {
  /** lamp-red share of the two outer quarters of the box */
  side: number;
  /** lamp-red share of the middle 30 % (a red body, not lamps, when high) */
  middle: number;
}

/** Lamp red: red is the top channel, hue −25…20°, saturation ≥ 0.45, not dark. */
export function isLampRed(r: number, g: number, b: number): boolean {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max !== r || max < 90 || max - min < 0.45 * max) return false;
  const h = ((g - b) / (max - min)) * 60;
  return h > -25 && h < 20;
}

/** About this many pixels are sampled per band (a grid), so a large box costs no more. */
const SAMPLES = 3000;

export function lampRed(img: RgbImage, box: Box): LampRed {
  const w = box.xmax - box.xmin;
  const h = box.ymax - box.ymin;
  const share = (fx0: number, fx1: number): number => {
    const x0 = Math.max(0, Math.floor(box.xmin + fx0 * w));
    const x1 = Math.min(img.width, Math.ceil(box.xmin + fx1 * w));
    const y0 = Math.max(0, Math.floor(box.ymin + 0.2 * h));
    const y1 = Math.min(img.height, Math.ceil(box.ymin + 0.75 * h));
    const step = Math.max(1, Math.floor(Math.sqrt(((x1 - x0) * (y1 - y0)) / SAMPLES)));
    let n = 0;
    let red = 0;
    for (let y = y0; y < y1; y += step)
      for (let x = x0; x < x1; x += step) {
        const i = (y * img.width + x) * 3;
        n++;
        if (isLampRed(img.data[i], img.data[i + 1], img.data[i + 2])) red++;
      }
    return n ? red / n : 0;
  };
  return { side: (share(0, 0.25) + share(0.75, 1)) / 2, middle: share(0.35, 0.65) };
}

/**
 * How much likelier each band of LampRed.side is on a rear view than on a front view: counted
 * on the `train` crops of ../shared/vehicle-attrs with Front or Rear labels and a middle share
 * under LAMP_RULE.redBody (add-one smoothing; `node models/training/orientation_cues.mjs`, never the dev
 * crops). Band edges set beforehand: no red (< 0.5 %), a trace, a lamp (2–6 %), large lamps.
 */
export const LAMP_BANDS: readonly { upTo: number; rearOverFront: number }[] = [
  { upTo: 0.005, rearOverFront: 0.58 },
  { upTo: 0.02, rearOverFront: 1.88 },
  { upTo: 0.06, rearOverFront: 1.36 },
  { upTo: Infinity, rearOverFront: 8.42 },
];

export const LAMP_RULE = {
  /** a middle red share above this is a red body: the sides then say nothing about lamps */
  redBody: 0.2,
};

/** The rear-over-front likelihood ratio of a vehicle's LampRed (1: it says nothing). */
export function lampLikelihood(l: LampRed): number {
  if (l.middle >= LAMP_RULE.redBody) return 1;
  return LAMP_BANDS.find((b) => l.side < b.upTo)?.rearOverFront ?? 1;
}

/**
 * Where the plate sits on the vehicle: its centre's height in the vehicle box (0 top, 1 bottom).
 * A front plate sits in the bumper, low; a rear plate on the boot lid or between the lamps, higher.
 * Mean and standard deviation per view, from the engine's plate detector on the `train` crops of
 * ../shared/vehicle-attrs (`node models/training/orientation_cues.mjs`; a plate was found on 24
 * Front and 529 Rear crops), never the dev crops.
 */
export const PLATE_PLACE = {
  Front: { mean: 0.72, sd: 0.182 },
  Rear: { mean: 0.604, sd: 0.134 },
  /** beyond this many standard deviations the place says no more (set beforehand, not tuned) */
  span: 3,
};

/** The plate centre's height in the vehicle box (0 top, 1 bottom), of the widest plate; null without one. */
export function platePlace(vehicle: Box, plates: Box[]): number | null {
  const h = vehicle.ymax - vehicle.ymin;
  if (!plates.length || !(h > 0)) return null;
  const p = plates.reduce((a, b) => (b.xmax - b.xmin > a.xmax - a.xmin ? b : a));
  return ((p.ymin + p.ymax) / 2 - vehicle.ymin) / h;
}

/** The rear-over-front likelihood ratio of a plate's place (1 without a plate). */
export function placeLikelihood(y: number | null): number {
  if (y === null) return 1;
  const density = (v: { mean: number; sd: number }) => {
    const z = Math.min(PLATE_PLACE.span, Math.abs(y - v.mean) / v.sd);
    return Math.exp(-(z * z) / 2) / v.sd;
  };
  return density(PLATE_PLACE.Rear) / density(PLATE_PLACE.Front);
}

/**
 * The head's orientation probabilities with the cues' evidence (Bayes: Rear's probability times
 * the cues' likelihood ratio, renormalised; the cues are taken as independent), top first.
 */
export function withCues(
  head: { value: Orientation; score: number }[],
  ratio: number,
): { value: Orientation; score: number }[] {
  const scaled = head.map((o) => ({
    value: o.value,
    score: o.value === 'Rear' ? o.score * ratio : o.score,
  }));
  const total = scaled.reduce((s, o) => s + o.score, 0);
  if (!(total > 0)) return head;
  return scaled
    .map((o) => ({ value: o.value, score: Math.round((o.score / total) * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score);
}
