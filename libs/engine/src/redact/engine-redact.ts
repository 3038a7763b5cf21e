import type { InferenceSession } from 'onnxruntime-node';
import { EngineConfig, parseEngineConfig } from '../config';
import type { PlateDetection } from '../detect/plate';
import type { VehicleDetection } from '../detect/vehicle';
import { EngineConfigError } from '../errors';
import { Box, boxArea, intersection } from '../geometry/box';
import { DEFAULT_MAX_PIXELS, decodeImage, RgbImage } from '../image/decode';
import { EnginePhase, phaseTimer } from '../phase-timer';
import { round3 } from '../plates/candidates';
import { detectFaces, FaceModelSize } from './faces';
import {
  clampAreas,
  defaultFormat,
  MAX_HIDDEN,
  encodeRedacted,
  faceArea,
  hideAreas,
  plateArea,
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
  face?: InferenceSession;
  face320?: InferenceSession;
  vehicles(img: RgbImage): Promise<VehicleDetection[]>;
  plates(
    img: RgbImage,
    vehicles: VehicleDetection[],
    config: EngineConfig,
    tiles: boolean,
  ): Promise<PlateDetection[]>;
  /** plates in a plate-reader tile around each of `areas` */
  near(img: RgbImage, areas: Box[], config: EngineConfig): Promise<PlateDetection[]>;
}

/**
 * The lowest plate bar a redaction takes: below it the detector's anchors on any texture count
 * as plates (threshold_d 0 lets thousands through), and the whole photo would be hidden.
 */
export const MIN_THRESHOLD_D = 0.05;

/** Rounds of the look around newly hidden areas (each costs a detector run per new area). */
const NEAR_ROUNDS = 2;

/**
 * Decode (upright), find plates with the plate reader's redaction passes at a lower bar and faces
 * with the face detector, grow their boxes, hide them, encode. Pixels outside the hidden areas
 * are the decoded upload's own.
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
  const format = options.format ?? defaultFormat(image);
  const phase = phaseTimer(req.onPhase);
  const img = await decodeImage(image, parts.maxPixels ?? DEFAULT_MAX_PIXELS);
  phase('decode');
  let plates: HiddenArea[] = [];
  let faces: HiddenArea[] = [];
  if (options.hide.includes('faces')) {
    // Chosen by measurement (scripts/measure-faces.mjs, libs/engine/README.md "Redaction"): the
    // 640 model finds every 48-px face in a 1280-px photo and most 32-px ones, the 320 one half
    // the 48-px ones, at a quarter of the time: the default takes recall, `mode: fast` speed.
    const [session, size]: [InferenceSession, FaceModelSize] =
      raw.mode === 'fast' && parts.face320 ? [parts.face320, 320] : [parts.face!, 640];
    const found = await detectFaces(session, img, size);
    faces = clampAreas(
      found.map((d) => ({ box: faceArea(d), score: round3(d.score) })),
      img.width,
      img.height,
    );
    phase('faces');
  }
  const areas = (found: PlateDetection[]) =>
    clampAreas(
      found.map((d) => ({ box: plateArea(d), score: round3(d.score) })),
      img.width,
      img.height,
    );
  if (options.hide.includes('plates')) {
    const vehicles = await parts.vehicles(img);
    phase('vehicles');
    plates = areas(await parts.plates(img, vehicles, config, false));
    await hideAreas(img, boxes([...plates, ...faces]), options.method, options.strength);
    phase('plates');
  } else {
    await hideAreas(img, boxes(faces), options.method, options.strength);
  }
  // `mode: fast` stops here: one look, about twice a plate read's time, but the plate reader may
  // still read a piece of text next to a hidden one (see libs/engine/README.md "Redaction").
  if (options.hide.includes('plates') && raw.mode !== 'fast') {
    // Hiding changes the photo: a plate next to a hidden one, or one the passes find only once
    // nothing else is there, shows up now. One more look at the photo as it will be sent (JPEG
    // noise moves detection scores), with the vehicles found on it and the tiles the plate
    // reader takes on a photo where it finds nothing.
    const sent =
      format === 'jpeg' ? await decodeImage((await encodeRedacted(img, format)).bytes) : img;
    // At most MAX_HIDDEN plate areas in all: every one hidden is listed, and the work is bounded.
    const room = <T>(xs: T[]) => xs.slice(0, Math.max(0, MAX_HIDDEN - plates.length));
    const second = room(areas(await parts.plates(sent, await parts.vehicles(sent), config, true)));
    await hideAreas(img, boxes(second), options.method, options.strength);
    plates = [...plates, ...second];
    // A text line found in pieces (a timestamp overlay, a sign) shows its next piece once one is
    // hidden: look again around what was just hidden, until nothing new shows up.
    let fresh = second;
    for (let round = 0; round < NEAR_ROUNDS && fresh.length > 0; round++) {
      const hidden = boxes(plates.concat(faces));
      fresh = room(
        areas(await parts.near(img, boxes(fresh), config)).filter(
          (a) => !mostlyInside(a.box, hidden),
        ),
      );
      await hideAreas(img, boxes(fresh), options.method, options.strength);
      plates = plates.concat(fresh);
    }
    phase('check');
  }
  const { bytes, contentType } = await encodeRedacted(img, format);
  phase('hide');
  return {
    processing_time: round3(performance.now() - t0),
    image: bytes,
    content_type: contentType as RedactionResult['content_type'],
    width: img.width,
    height: img.height,
    plates,
    faces,
  };
}

const boxes = (areas: HiddenArea[]): Box[] => areas.map((a) => a.box);

/** Whether 80 % of `box` is already hidden by one of `areas` (a detection of the blur itself). */
const mostlyInside = (box: Box, areas: Box[]): boolean =>
  areas.some((a) => intersection(box, a) >= 0.8 * boxArea(box));
