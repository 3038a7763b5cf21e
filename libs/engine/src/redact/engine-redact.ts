import { EngineConfig, parseEngineConfig } from '../config';
import { CLOSE_UP, plateShaped } from '../detect/close-up';
import type { PlateDetection } from '../detect/plate';
import type { VehicleDetection } from '../detect/vehicle';
import { EngineConfigError } from '../errors';
import { Box, boxArea, intersection, sameBox } from '../geometry/box';
import { nms } from '../geometry/nms';
import { DEFAULT_MAX_PIXELS, decodeImage, RgbImage } from '../image/decode';
import { EnginePhase, phaseTimer } from '../phase-timer';
import { round3 } from '../plates/candidates';
import { faceSearch, FaceModelSize, FaceRunner } from './faces';
import {
  alphaOf,
  clampAreas,
  defaultFormat,
  MAX_HIDDEN,
  encodeRedacted,
  faceArea,
  hideAreas,
  plateArea,
  WEAK_PLATE,
} from './redact';
import { parseRedactOptions, REDACT_THRESHOLD_D, RedactOptions } from './options';

export interface RedactRequest {
  /** the plate reader's engine config (parsed or raw): `threshold_d` lowers the plate bar */
  config?: EngineConfig | unknown;
  /** what to hide and how (parsed or raw, see parseRedactOptions) */
  redact?: Partial<Record<keyof RedactOptions, unknown>>;
  /** told how long each phase took */
  onPhase?: (phase: EnginePhase, ms: number) => void;
}

/** One area hidden: the grown area in whole pixels, and the detector's score for what was in it. */
export interface HiddenArea {
  box: Box;
  score: number;
}

export interface RedactionResult {
  /** ms spent in the engine */
  processing_time: number;
  /** the redacted image, same size and orientation as the upload (EXIF orientation applied) */
  image: Buffer;
  content_type: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
  plates: HiddenArea[];
  faces: HiddenArea[];
}

/** What the redaction needs of the engine (its sessions and plate passes). */
export interface RedactionParts {
  maxPixels?: number;
  /** UltraFace 640 (the default) and 320 (`mode: fast`, when installed) */
  face?: FaceRunner;
  face320?: FaceRunner;
  vehicles(img: RgbImage): Promise<VehicleDetection[]>;
  /**
   * the plate reader's own passes (the whole photo, the largest vehicles), no tiles; the crop
   * passes on both threads where there are two, the other one's runs once `asideFrom` settles
   */
  plates(
    img: RgbImage,
    vehicles: VehicleDetection[],
    config: EngineConfig,
    /** what the whole-photo pass found at the passes' bar (the caller starts it: startWhole) */
    whole: Promise<PlateDetection[]>,
    asideFrom?: Promise<unknown>,
  ): Promise<PlateDetection[]>;
  /** the tiles of the plate reader's second look at `img`, whose vehicles are `vehicles` */
  secondLook(img: RgbImage, vehicles: VehicleDetection[]): Box[];
  /**
   * the plate detector on `tiles` of `img` at native resolution, at `threshold`; on both threads
   * where there are two, the other one's runs starting once `asideFrom` settles; with `whole`,
   * the reader's whole-photo pass too (its detections first), taken by the first thread free
   * once its input is made, so the tiles need not wait for that resize
   */
  sweep(
    img: RgbImage,
    tiles: Box[],
    threshold: number,
    asideFrom?: Promise<unknown>,
    whole?: boolean,
  ): Promise<PlateDetection[]>;
  /**
   * `plates(img, vehicles, config, whole)` and `sweep(img, tiles, threshold)` in one, their
   * detector runs spread over both threads where there are two (the other one's once `asideFrom`
   * settles); once `abandoned` answers true, no further run starts (the answer is not to be used)
   */
  check(
    img: RgbImage,
    vehicles: VehicleDetection[],
    config: EngineConfig,
    whole: Promise<PlateDetection[]>,
    tiles: Box[],
    threshold: number,
    abandoned?: () => boolean,
    asideFrom?: Promise<unknown>,
  ): Promise<{ passes: PlateDetection[]; swept: PlateDetection[] }>;
  /** starts the resizes of `img` that its first plate search takes (settles when they are made) */
  prefetch?(img: RgbImage): Promise<void>;
  /**
   * the plate reader's whole-photo pass at `threshold`, on another thread where there is one, as
   * soon as that one is free (settles once its input is made): this thread goes on meanwhile;
   * `here()` runs it on this thread instead if no other has taken it yet
   */
  startWhole(
    img: RgbImage,
    threshold: number,
  ): Promise<{ found: Promise<PlateDetection[]>; here(): void }>;
  /**
   * the plate reader's read of the whole photo as one plate (detect/close-up.ts): its score where
   * it reaches `bar`, else null
   */
  readWhole(img: RgbImage, bar: number): Promise<number | null>;
}

/**
 * The lowest plate bar a redaction takes: below it the detector's anchors on any texture count
 * as plates (threshold_d 0 lets thousands through), and the whole photo would be hidden.
 */
export const MIN_THRESHOLD_D = 0.05;

/**
 * The bar of the second look's tiles and of the look around hidden areas: the plate reader looks
 * at the sent photo's tiles at 0.2, and JPEG noise moves a detection's score by up to about 0.15;
 * the lowest bar leaves that margin.
 */
const SWEEP_THRESHOLD = MIN_THRESHOLD_D;

/** Rounds of the look around newly hidden areas (each costs a detector run per new area). */
const NEAR_ROUNDS = 2;

/**
 * Decode (upright); find faces with the face detector and, at the same time, plates with the
 * plate reader's passes at a lower bar (its second look's tiles too where they found none),
 * hiding each plate in place as it is found; hide the faces; on the photo with its areas hidden
 * (before the JPEG encode), the reader's passes and second look again, then look again around
 * what that found (and around the weak plates only the tiles found); encode. Pixels outside the
 * hidden areas are the decoded upload's own.
 */
export async function redactImage(
  image: Buffer,
  req: RedactRequest,
  parts: RedactionParts,
): Promise<RedactionResult> {
  const t0 = performance.now();
  const options = parseRedactOptions(req.redact ?? {});
  const raw = parseEngineConfig(req.config);
  if (options.hide.includes('faces') && !parts.face)
    throw new EngineConfigError(
      'faces cannot be hidden: this server has no face detector installed (models/manifest.json `face-detector`); send hide=plates',
      'hide',
    );
  const config: EngineConfig = {
    ...raw,
    mode: 'redaction',
    threshold_d: Math.max(MIN_THRESHOLD_D, Math.min(raw.threshold_d, REDACT_THRESHOLD_D)),
  };
  const fast = raw.mode === 'fast';
  const format = options.format ?? defaultFormat(image);
  const decoded = phaseTimer(req.onPhase);
  const maxPixels = parts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const img = await decodeImage(image, maxPixels);
  decoded('decode');
  // read beside the detectors, needed only by the encodes
  const alpha = format === 'png' ? alphaOf(image, maxPixels) : Promise.resolve(null);
  alpha.catch(() => undefined); // awaited by the encodes
  // Phases that run side by side report their own durations.
  const timed = async <T>(phase: EnginePhase, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    req.onPhase?.(phase, performance.now() - started);
    return result;
  };
  const areas = <T extends { score: number }>(found: T[], grow: (d: T) => Box) =>
    clampAreas(
      found.map((d) => ({ box: grow(d), score: round3(d.score) })),
      img.width,
      img.height,
    );
  const plateAreas = (found: PlateDetection[]) => areas(found, plateArea);
  const hide = (hidden: HiddenArea[]) =>
    hideAreas(img, boxes(hidden), options.method, options.strength);
  // The detectors' first inputs are made side by side in sharp's threads: the vehicle detector's
  // and the whole-photo plate pass's (prefetch), and the face detector's, taken before any plate
  // is hidden in place (findPlates waits for it before hiding). Each detector starts as soon as its
  // own input is made: the whole-photo pass in the face detectors' thread, the vehicle detector on
  // this one (the vehicle crop then starts without waiting for the whole-photo pass: the same
  // pass, the same answer, as on this thread), the face run in that thread once its input is made
  // and the whole-photo pass is sent — that pass first, as the vehicle crops wait for its answer
  // (a face input made first had put the face run ahead, and this thread idled 15–35 ms:
  // redact/redaction-thread.ts runs one message at a time); the second look's tiles on both
  // threads once the face run is done.
  const started = performance.now();
  const prefetched = options.hide.includes('plates') ? parts.prefetch?.(img) : undefined;
  prefetched?.catch(() => undefined); // awaited by the passes' inputs
  const faceRun = options.hide.includes('faces') ? faceSearchFor(img, fast, parts) : null;
  faceRun?.catch(() => undefined); // awaited below
  const wholeStarted = options.hide.includes('plates')
    ? parts.startWhole(img, Math.min(config.threshold_d, 0.1))
    : undefined;
  wholeStarted?.catch(() => undefined); // awaited by findPlates
  const facesFound: Promise<HiddenArea[]> = faceRun
    ? faceRun
        .then(async (run) => {
          await wholeStarted?.catch(noop);
          return run();
        })
        .then((f) => {
          req.onPhase?.('faces', performance.now() - started);
          return areas(f, faceArea);
        })
    : Promise.resolve([]);
  facesFound.catch(() => undefined); // awaited below
  // whether faces were found (once known): the check started before then is dropped
  let withFaces = false;
  void facesFound.then((f) => (withFaces = f.length > 0), noop);
  const found = wholeStarted
    ? await findPlates(
        img,
        config,
        fast,
        parts,
        timed,
        plateAreas,
        hide,
        facesFound,
        wholeStarted,
        faceRun ?? undefined,
      )
    : { plates: [], swept: [], tiles: [] };
  const checkStarted = performance.now();
  let plates = [...found.plates, ...found.swept];
  const room = <T>(xs: T[]) => xs.slice(0, Math.max(0, MAX_HIDDEN - plates.length));
  // The plate reader's own passes once more (its vehicles, then its plate passes and the tiles
  // of its second look not taken yet: all of them where the passes had hidden something), on the
  // photo with its areas hidden: hiding changes what the detectors see beside a hidden area. On
  // us/f8fc5e59 the vehicle detector finds the vehicle shorter once its plate is hidden, short
  // enough for second-look windows, and one holds a detection (0.08) the first look never saw; on
  // eu/test_020, a photo too small for windows, a 10-px timestamp beside the plate scored under
  // the redaction's bar before the plate was hidden, 0.21 after, over the reader's 0.2. Not in
  // `mode: fast`, which takes speed over looking again.
  // The check reads the hidden photo as it is before the JPEG encode, not the JPEG decoded again
  // (issue 28, sixth pass): the encode and that decode were a serial chain ahead of the check (and
  // of every look-again round), and the decode cost about 6 ms of CPU a photo (22 at p90). JPEG
  // noise moves a detection's score, by up to about 0.15; the check's bars (0.1 for the reader's
  // passes, 0.05 for its tiles) stay under the reader's 0.2 by that margin or close to it, and on
  // the 148 dev photos the plate reader reads nothing in the JPEG sent even at threshold_d 0.1
  // (libs/engine/README.md "Redaction").
  // The whole-photo pass runs in the face detectors' thread (after its face run) while the
  // vehicle detector runs on this one, at the look again's bar: the look again's first round
  // takes what it found when nothing was hidden in between (the same pixels, the same answer);
  // then the crop passes and the tiles on both threads.
  const look = async (hidden: RgbImage, dropped: () => boolean) => {
    // its two resizes side by side (the whole-photo pass's input, then the vehicle detector's)
    parts.prefetch?.(hidden).catch(noop);
    const wholeRun = await parts.startWhole(hidden, SWEEP_THRESHOLD);
    const vehicles = await parts.vehicles(hidden);
    // the crops wait for its answer: here, unless the face detectors' thread took it meanwhile
    wholeRun.here();
    if (dropped()) return null;
    const reader = parts.secondLook(hidden, vehicles);
    const more = reader.filter((t) => !found.tiles.some((s) => sameBox(s, t)));
    const { passes, swept } = await parts.check(
      hidden,
      vehicles,
      config,
      wholeRun.found,
      more,
      SWEEP_THRESHOLD,
      dropped,
      facesFound,
    );
    const whole = await wholeRun.found;
    return { img: hidden, whole, more, found: [...passes, ...swept] };
  };
  // The photo as hidden so far, a new view after each change: the detectors' resizes are kept per
  // view (image/decode.ts resizeShared), and those of `img` were made before anything was hidden.
  let view: RgbImage = { ...img };
  // The photo with its plates hidden is encoded while the face run and the check go on, and,
  // where the check will run whatever the faces (a plate was hidden), the check starts on it:
  // where no face is found (most photos) that is the photo that will be sent, and the check's
  // answer is kept; where one is, the check stops at its next step (it reads `img`, which the
  // faces are hidden in) and is taken again once the faces are hidden.
  const plateOnly = alpha.then((a) => encodeRedacted(img, format, a));
  plateOnly.catch(() => undefined); // awaited below
  const early = !fast && plates.length > 0 ? look(view, () => withFaces) : null;
  early?.catch(() => undefined); // awaited below
  const faces = await facesFound;
  // whether `img` changed since plateOnly was encoded
  let changed = false;
  let checked: Awaited<ReturnType<typeof look>> = null;
  if (faces.length === 0) checked = early ? await early : null;
  else {
    // neither the check nor the encode may read `img` while the faces are hidden in it
    await Promise.all([early?.catch(noop), plateOnly.catch(noop)]);
    const hiding = performance.now();
    await hide(faces);
    view = { ...img };
    changed = true;
    req.onPhase?.('hide', performance.now() - hiding);
  }
  const unseen = (found: HiddenArea[]) => {
    const hidden = boxes(plates.concat(faces));
    return room(found.filter((a) => !mostlyInside(a.box, hidden)));
  };
  const add = async (more: HiddenArea[]) => {
    await plateOnly.catch(noop);
    await hide(more);
    plates = plates.concat(more);
    view = { ...img };
    changed = true;
  };
  // Only where plates are hidden: a redaction of faces alone leaves the plates as they are.
  if (!checked && !fast && wholeStarted && plates.length + faces.length > 0)
    checked = await look(view, () => false);
  let tiles = found.tiles;
  let again: HiddenArea[] = [];
  if (checked) {
    tiles = tiles.concat(checked.more);
    again = unseen(plateAreas(checked.found));
    if (again.length > 0) await add(again);
  }
  // Hiding what the tiles found changes the photo again: a weak find is often one piece of a
  // text line (a timestamp overlay, a sign) whose next piece shows once it is hidden. Look again
  // where the plate reader would — its whole-photo pass and its second look's tiles that overlap
  // the areas just hidden — until nothing new shows up. A strong find is a whole plate, hidden
  // with at least its own height around it: looking again around those found nothing on the dev
  // photos (libs/engine/README.md "Redaction"). At most MAX_HIDDEN plate areas in all: every one
  // hidden is listed, and the work is bounded.
  let fresh = [...found.swept.filter((a) => a.score < WEAK_PLATE), ...again];
  for (let round = 0; round < NEAR_ROUNDS && fresh.length > 0; round++) {
    const areas = boxes(fresh);
    const near = tiles.filter((t) => areas.some((a) => intersection(a, t) > 0));
    const reuse = checked?.img === view ? checked.whole : null;
    const swept = await parts.sweep(view, near, SWEEP_THRESHOLD, undefined, !reuse);
    const seen = [...(reuse ?? []), ...swept];
    fresh = unseen(plateAreas(nms(seen, 0.3)));
    if (fresh.length > 0) await add(fresh);
  }
  // encoded once more only where something was hidden after the first encode
  const encoded = changed ? await encodeRedacted(img, format, await alpha) : await plateOnly;
  req.onPhase?.('check', performance.now() - checkStarted);
  return {
    processing_time: round3(performance.now() - t0),
    image: encoded.bytes,
    content_type: encoded.contentType as RedactionResult['content_type'],
    width: img.width,
    height: img.height,
    plates,
    faces,
  };
}

/**
 * Chosen by measurement (scripts/measure-faces.mjs, libs/engine/README.md "Redaction"): the 640
 * model finds every 48-px face in a 1280-px photo and most 32-px ones, the 320 one half the 48-px
 * ones, at a quarter of the time: the default takes recall, `mode: fast` speed.
 */
function faceSearchFor(img: RgbImage, fast: boolean, parts: RedactionParts) {
  const [run, size]: [FaceRunner, FaceModelSize] =
    fast && parts.face320 ? [parts.face320, 320] : [parts.face!, 640];
  return faceSearch(run, img, size);
}

/**
 * Plates, each hidden in `img` as soon as it is found: the plate reader's passes (the whole
 * photo, the largest vehicle) at the redaction's bar and, unless `mode: fast`, where they found
 * none, its second look (native-resolution tiles over the smaller vehicles, detect/plan.ts
 * `secondLookTiles`) at a lower bar: the reader takes it on a photo where it finds no plate, i.e.
 * on every redacted photo, and at close to native resolution it finds small plates and text the
 * passes do not (a distant car, a dealer sticker). Where the passes hid something, the photo is
 * looked at again with its areas hidden (redactImage), and the second look is taken there, on the
 * tiles of the vehicles the reader will find in it, once: taken here too, most of its tiles ran
 * twice (us/f8fc5e59: the vehicles move once plates are hidden). The vehicle pass stays although
 * the tiles see the smaller vehicles too: the reader looks at its crop of the largest vehicle
 * first, and text there (a dealer line above a plate) can score higher in that crop than in any
 * tile (`eu/test_089`, read as `wlnault` once the vehicle pass was left out).
 * `swept`: the areas only the tiles found.
 */
async function findPlates(
  img: RgbImage,
  config: EngineConfig,
  fast: boolean,
  parts: RedactionParts,
  timed: <T>(phase: EnginePhase, work: () => Promise<T>) => Promise<T>,
  plateAreas: (found: PlateDetection[]) => HiddenArea[],
  hide: (hidden: HiddenArea[]) => Promise<void>,
  /** the face run, after which the other thread takes tiles too */
  faces: Promise<unknown>,
  /** the whole-photo pass, started by the caller */
  whole: ReturnType<RedactionParts['startWhole']>,
  /** settles once the face detector's input is taken: nothing is hidden in `img` before */
  faceInputTaken?: Promise<unknown>,
): Promise<{ plates: HiddenArea[]; swept: HiddenArea[]; tiles: Box[] }> {
  const vehicles = await timed('vehicles', () => parts.vehicles(img));
  // the crops wait for its answer: here, where another redaction keeps the face thread busy
  const wholeRun = await whole;
  wholeRun.here();
  return timed('plates', async () => {
    const plates = plateAreas(await parts.plates(img, vehicles, config, wholeRun.found, faces));
    // A photo that is one plate (a close-up crop, which the reader reads whole: detect/close-up.ts)
    // is hidden whole, where it reads as a plate at half the reader's bar.
    const closeUp =
      !vehicles.length && plateShaped(img)
        ? await parts.readWhole(img, CLOSE_UP.minScore / 2)
        : null;
    if (closeUp !== null)
      plates.push({
        box: { xmin: 0, ymin: 0, xmax: img.width, ymax: img.height },
        score: round3(closeUp),
      });
    await faceInputTaken?.catch(noop);
    await hide(plates);
    if (fast || plates.length > 0) return { plates, swept: [], tiles: [] };
    const tiles = parts.secondLook(img, vehicles);
    const swept = plateAreas(await parts.sweep(img, tiles, SWEEP_THRESHOLD, faces));
    await hide(swept);
    return { plates, swept, tiles };
  });
}

const boxes = (areas: HiddenArea[]): Box[] => areas.map((a) => a.box);

const noop = () => undefined;

/** Whether 80 % of `box` is already hidden by one of `areas` (a detection of the blur itself). */
const mostlyInside = (box: Box, areas: Box[]): boolean =>
  areas.some((a) => intersection(box, a) >= 0.8 * boxArea(box));
