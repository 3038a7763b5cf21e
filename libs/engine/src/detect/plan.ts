import { Box, boxArea, intersection, sameBox } from '../geometry/box';
import { PlateDetection } from './plate';
import { VEHICLE_INPUT } from './vehicle';

/**
 * How much detection a photo is worth, by its size (issue 27: a 476-px photo cost as much as a
 * 1080p one). Every constant here was chosen on the dev photos (../shared/alpr-dev) with the
 * speed and the accuracy benchmarks side by side; libs/engine/README.md "Speed by photo size"
 * has the figures.
 */
export const DETECTION_PLAN = {
  /** a photo of fewer pixels than this is small (a web photo, a cropped still) */
  smallPhoto: 500_000,
  /**
   * The vehicle detector's input long side on a small photo (half the work of its published 416):
   * its vehicles fill much of the frame. On the 39 small dev photos it found the same plate-holding
   * vehicle (boxes within IoU 0.8) and the same plates were read; the COCO car/truck/bus call,
   * unreliable on close views at any size (models/README.md), changed on 9 of them.
   */
  smallVehicleInput: 320,
  /**
   * The second plate-detector pass on the largest vehicle is skipped only where it would see that
   * vehicle less than this many times larger than the whole-photo pass did (a car filling the
   * frame: about the same pixels again) and the whole-photo pass found a plate on it it is sure of
   * (`sureScore`). The pass also finds other plates inside the vehicle's box: at gain 1.4 it found
   * a parked car's plate behind a dev photo's car (br/PJI5921, score 0.49) that the whole photo
   * did not, and at gain 1.26 it gave an unsure plate (0.62) the box the whole photo missed; 2 and
   * 1.5 lost the first, so the skip is kept to crops seen at nearly the same scale.
   */
  minCropGain: 1.25,
  /**
   * The same on a small photo, where the whole-photo pass already sees the vehicle at more than
   * half its native size: below a 2× gain the crop pass changed no text on the 39 small dev
   * photos, only moved 6 boxes by 1–5 px (scores within 0.005), for one detector run (~7 ms CPU)
   * on most of them.
   */
  smallMinCropGain: 2,
  sureScore: 0.8,
  /**
   * The second look of a photo where no plate was found goes to its vehicles: a vehicle up to this
   * long side (twice the plate detector's input) is read at native resolution on tiles of the
   * detector's input size; a larger one had its plate seen at half scale or more by a crop pass.
   */
  smallVehicleSide: 640,
  /** at most this many vehicles, the largest first, get the second look (busy car parks) */
  secondLookVehicles: 8,
};

/**
 * How far (px) a vehicle's side may move once the photo is JPEG-encoded, for a redaction's
 * second look (`secondLookTiles`): `us/wts-lg-000041` had a vehicle 321 px long in the photo
 * checked, 318 in the JPEG the reader was given (with the bound on a vehicle's length, as this
 * rule was first tried, the reader took a window there that the check had not, and read a
 * timestamp in it). Over the vehicles of the 148 redacted dev photos (the PNG output against the
 * JPEG one, matched at IoU ≥ 0.8) 252 of 268 boxes changed a side by 3 px at most, 15 by 4–12
 * px, one by 30 (`br/NTD9247`, 590 → 560 px high). 6 px took 170 second-look windows on them
 * instead of 203 and left the outputs unreadable too (paired wall 0.98×), with less room; 16 is
 * kept.
 */
export const REDACTION_LEEWAY = 16;

/** The vehicle detector's input long side for a photo of this size (detect/vehicle.ts). */
export function vehicleInputLong(width: number, height: number): number {
  return width * height < DETECTION_PLAN.smallPhoto
    ? DETECTION_PLAN.smallVehicleInput
    : VEHICLE_INPUT;
}

/**
 * How many times larger the plate detector sees a vehicle's crop `box` (clamped to the photo) than
 * in the whole-photo pass: both are read at the detector's input size, so the ratio of long sides.
 */
export function cropGain(photo: { width: number; height: number }, box: Box): number {
  return Math.max(photo.width, photo.height) / Math.max(box.xmax - box.xmin, box.ymax - box.ymin);
}

/** Whether the crop pass runs on `box` whatever the whole-photo pass finds: its gain is enough. */
export function cropPassCertain(photo: { width: number; height: number }, box: Box): boolean {
  const small = photo.width * photo.height < DETECTION_PLAN.smallPhoto;
  return (
    cropGain(photo, box) >= (small ? DETECTION_PLAN.smallMinCropGain : DETECTION_PLAN.minCropGain)
  );
}

/**
 * Whether the plate detector should look again at a vehicle's crop `box` (clamped to the photo),
 * given what the whole-photo pass `found`.
 */
export function cropPassWorthIt(
  photo: { width: number; height: number },
  box: Box,
  found: PlateDetection[],
): boolean {
  if (cropPassCertain(photo, box)) return true;
  // a plate the whole-photo pass found, sure, on this vehicle
  return !plateOn(box, found, DETECTION_PLAN.sureScore);
}

/** Whether `found` holds a plate scored `minScore` or more mostly inside the vehicle `box`. */
export function plateOn(box: Box, found: PlateDetection[], minScore: number): boolean {
  return found.some((d) => d.score >= minScore && intersection(d.box, box) >= 0.6 * boxArea(d.box));
}

/**
 * Where the second look of a photo with no plate found goes, over each of its vehicles up to
 * `smallVehicleSide` long, the largest `secondLookVehicles` vehicles: windows of `tile` px read at
 * native resolution — one centred on a vehicle up to a tile long, on a longer one as many as cover
 * it overlapping by at least a quarter of a tile (a plate up to that long lies whole in one) —
 * except on a vehicle more than a tile in both sides (a close front or rear view, whose windows
 * would be a grid of four or six), which is read in its own box at the detector's input, at half
 * scale or more: a plate there spans a good part of the vehicle's width. With the second look
 * taken on every dev photo, those boxes and the narrower vehicles' windows found the labelled
 * plates the windows alone found and one more (42 of 148 against 41 at the reader's bar, 40
 * against 35 at 0.5) in 167 detector runs instead of 331; reading every vehicle up to 640 px in
 * its box lost `us/a03ced3f`, a 60-px plate on a 576 × 307 side view (libs/engine/README.md
 * "Redaction", seventh pass). Plates on larger vehicles were seen at half scale or more by the
 * crop pass, plates away from any vehicle by the whole-photo pass; text there (timestamp
 * overlays, shop signs) is not worth a closer look. A vehicle inside a window or box already
 * taken gets none of its own.
 *
 * `leeway` (px) is for a redaction, which must see what the reader will see in the photo it
 * sends, where the vehicle boxes move by a pixel or two once JPEG-encoded: a vehicle whose sides
 * are within `leeway` of a bound gets the second look of both sides of it.
 */
export function secondLookTiles(
  photo: { width: number; height: number },
  vehicles: Box[],
  tile: number,
  leeway = 0,
): Box[] {
  // a photo up to twice the tile was already seen at half scale or more by the whole-photo pass
  if (Math.max(photo.width, photo.height) <= 2 * tile) return [];
  const long = (v: Box) => Math.max(v.xmax - v.xmin, v.ymax - v.ymin);
  const short = (v: Box) => Math.min(v.xmax - v.xmin, v.ymax - v.ymin);
  const small = [...vehicles]
    .sort((a, b) => boxArea(b) - boxArea(a))
    .slice(0, DETECTION_PLAN.secondLookVehicles)
    .filter((v) => long(v) <= DETECTION_PLAN.smallVehicleSide + leeway);
  const windows: Box[] = [];
  const take = (w: Box) => {
    if (!windows.some((o) => sameBox(o, w))) windows.push(w);
  };
  for (const v of small) {
    if (windows.some((w) => intersection(w, v) >= boxArea(v))) continue;
    if (short(v) > tile - leeway) take(onGrid(v, photo));
    if (short(v) > tile + leeway) continue;
    for (const y of windowStarts(v.ymin, v.ymax, photo.height, tile))
      for (const x of windowStarts(v.xmin, v.xmax, photo.width, tile))
        take({
          xmin: x,
          ymin: y,
          xmax: Math.min(photo.width, x + tile),
          ymax: Math.min(photo.height, y + tile),
        });
  }
  return windows;
}

/**
 * The other vehicles read in a crop of their own, beside the largest ones' crops (`taken`):
 * those too long for the second look's windows (over `smallVehicleSide`), largest first, at most
 * `secondLookVehicles`. The windows take only the shorter vehicles and the crop pass only the
 * largest (`TUNING.vehicleCrops`), so the plate of a second large car (two cars side by side in
 * a 3200-px photo, each 1,000 px long) was seen in the whole photo alone, at a tenth of its
 * size: the reader missed it, and a redaction, which checks its output with the reader's passes,
 * left it readable by eye. A read takes each where no plate was found on that vehicle.
 */
export function coverCrops(vehicles: Box[], taken: Box[]): Box[] {
  const long = (v: Box) => Math.max(v.xmax - v.xmin, v.ymax - v.ymin);
  return [...vehicles]
    .sort((a, b) => boxArea(b) - boxArea(a))
    .slice(0, DETECTION_PLAN.secondLookVehicles)
    .filter((v) => long(v) > DETECTION_PLAN.smallVehicleSide && !taken.some((t) => sameBox(t, v)));
}

/**
 * Where the windows over `lo`–`hi` of a photo side `len` long start: on a grid of `WINDOW_STEP`
 * px, so that a vehicle box moved by a pixel or two (the same photo once JPEG-encoded) keeps its
 * windows, and inside the photo.
 */
function windowStarts(lo: number, hi: number, len: number, tile: number): number[] {
  const fit = (x: number) => Math.max(0, Math.min(len - tile, x));
  const span = hi - lo;
  if (span <= tile) return [fit(Math.round((lo + hi - tile) / 2 / WINDOW_STEP) * WINDOW_STEP)];
  const n = Math.ceil((span - tile) / (0.75 * tile)) + 1;
  const step = (span - tile) / (n - 1);
  return Array.from({ length: n }, (_, i) => {
    const x = (lo + i * step) / WINDOW_STEP;
    // the first window down and the last up to the grid, so the two cover the vehicle's ends
    const snapped = i === 0 ? Math.floor(x) : i === n - 1 ? Math.ceil(x) : Math.round(x);
    return fit(snapped * WINDOW_STEP);
  });
}

/** `box` grown out to the `WINDOW_STEP` grid (for the same reason), inside the photo. */
function onGrid(box: Box, photo: { width: number; height: number }): Box {
  const down = (x: number) => Math.floor(x / WINDOW_STEP) * WINDOW_STEP;
  const up = (x: number) => Math.ceil(x / WINDOW_STEP) * WINDOW_STEP;
  return {
    xmin: Math.max(0, down(box.xmin)),
    ymin: Math.max(0, down(box.ymin)),
    xmax: Math.min(photo.width, up(box.xmax)),
    ymax: Math.min(photo.height, up(box.ymax)),
  };
}

const WINDOW_STEP = 16;
