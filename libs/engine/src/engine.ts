import type { InferenceSession } from 'onnxruntime-node';
import type { EngineResult, PlateResult, VehicleModeResult } from '@platewise/snapshot';
import { DEFAULT_CONFIG, EngineConfig, compileTextFormats, parseEngineConfig, regionHints } from './config';
import { PlateDetection, detectPlates, saneCorners } from './detect/plate';
import { VehicleDetection, detectVehicles } from './detect/vehicle';
import { Box, Point, boxArea, boxOfPoints, clampBox, intersection } from './geometry/box';
import { nms } from './geometry/nms';
import { dist, expandQuad, shiftQuad, warpQuad } from './geometry/warp';
import { RgbImage, cropRgb, decodeImage } from './image/decode';
import { loadManifest, readOptional, readVerified, resolveModelsDir } from './models/manifest';
import { Device, createSession } from './models/runtime';
import { foldingTable } from './ocr/alphabet';
import { greedyDecode } from './ocr/ctc';
import { detectText } from './ocr/text-detect';
import { recognizePlates } from './ocr/plate-recognize';
import { LineFrames, recognizeLines } from './ocr/text-recognize';
import { Candidate, CombineMode, RecognizerFrames, generateCandidates, round3 } from './plates/candidates';
import { inferRegion, stateFromText } from './plates/region';
import { vehicleColor } from './vehicle/color';
import { vehicleType } from './vehicle/types';

export interface EngineOptions {
  /** folder with the installed weights (default: <repo>/models/weights) */
  modelsDir?: string;
  /** ONNX Runtime intra-op threads (default 2) */
  threads?: number;
  /** default: cpu */
  device?: Device;
  /**
   * Which recogniser reads the plate text (parseRecognizer reads ENGINE_RECOGNIZER's value; default
   * `ensemble` when the platewise-rec model is installed and `ppocr` when it is not): `ensemble` pools PP-OCRv4 and
   * platewise-rec, `ppocr` is the PP-OCRv4-only path, `crnn` platewise-rec alone. Asking for
   * `ensemble` or `crnn` without the model installed is a ModelLoadError.
   */
  recognizer?: RecognizerMode;
}

export type RecognizerMode = 'ensemble' | 'ppocr' | 'crnn';
export const RECOGNIZER_MODES: readonly RecognizerMode[] = ['ensemble', 'ppocr', 'crnn'];

export interface ReadOptions {
  /** region hints (`us-ca`, `br`, …): a guide that re-ranks candidates, not a filter */
  regions?: string[];
  /** a parsed config (parseEngineConfig) or the raw value, validated here */
  config?: EngineConfig | unknown;
  /** vehicle colour, orientation and make/model */
  mmc?: boolean;
}

export interface Engine {
  read(image: Buffer, opts?: ReadOptions): Promise<EngineResult>;
  close(): Promise<void>;
  /** milliseconds createEngine spent loading and verifying models */
  readonly loadTimeMs: number;
  /** the recogniser mode in use (see EngineOptions.recognizer) */
  readonly recognizer: RecognizerMode;
}

interface Sessions {
  vehicle: InferenceSession;
  plate: InferenceSession;
  plate640: InferenceSession;
  textDet: InferenceSession;
  textRec: InferenceSession;
  /** platewise-rec; absent when not installed (recogniser mode ppocr) */
  plateRec?: InferenceSession;
}

/** A plate found in the photo, with everything read from it. */
interface PlateRead {
  det: PlateDetection;
  candidates: Candidate[];
  region: { code: string; score: number };
  vehicle: VehicleDetection | null;
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const started = performance.now();
  const modelsDir = resolveModelsDir(options.modelsDir);
  const threads = options.threads ?? 2;
  const device: Device = options.device ?? 'cpu';
  const manifest = loadManifest(modelsDir);
  const asked = options.recognizer;
  // Verify every file before creating any session, so one message lists the first bad file.
  const files = {
    vehicle: readVerified(modelsDir, manifest, 'vehicle-detector'),
    plate: readVerified(modelsDir, manifest, 'plate-detector'),
    plate640: readVerified(modelsDir, manifest, 'plate-detector-640'),
    textDet: readVerified(modelsDir, manifest, 'text-detector'),
    textRec: readVerified(modelsDir, manifest, 'text-recognizer'),
    dict: readVerified(modelsDir, manifest, 'text-dictionary'),
    // Optional: missing is fine unless the recogniser mode needs it; altered is always an error.
    plateRec: asked === 'ppocr' ? null : readOptional(modelsDir, manifest, 'plate-recognizer', !!asked),
  };
  const recognizer: RecognizerMode = asked ?? (files.plateRec ? 'ensemble' : 'ppocr');
  const fileName = (name: string): string => manifest.find((m) => m.name === name)?.file ?? name;
  const rt = { threads, device };
  const sessions: Sessions = {
    vehicle: await createSession(files.vehicle, fileName('vehicle-detector'), rt),
    plate: await createSession(files.plate, fileName('plate-detector'), rt),
    plate640: await createSession(files.plate640, fileName('plate-detector-640'), rt),
    textDet: await createSession(files.textDet, fileName('text-detector'), rt),
    textRec: await createSession(files.textRec, fileName('text-recognizer'), rt),
    ...(files.plateRec && recognizer !== 'ppocr'
      ? { plateRec: await createSession(files.plateRec, fileName('plate-recognizer'), rt) }
      : {}),
  };
  const dictionary = files.dict.toString('utf8').split(/\r?\n/);
  if (dictionary[dictionary.length - 1] === '') dictionary.pop();
  const table = foldingTable(dictionary);
  const engine = new PlateEngine(sessions, table, 0, recognizer);
  // One throw-away read: ONNX Runtime finishes its graph set-up on the first run of each session,
  // which would otherwise land on the first caller.
  await engine.warmUp();
  engine.loadTimeMs = performance.now() - started;
  return engine;
}

/** Tunables of the pipeline (not part of the public config; measured on the dev photos). */
export const TUNING = {
  /** padding around the detector's quad for the direct line view (fraction of width/height per side) */
  linePadX: 0.12,
  linePadY: 0.18,
  /** padding for the text-detection view of the whole plate */
  platePadX: 0.2,
  platePadY: 0.9,
  /** how many vehicles get a second plate-detection pass at higher resolution */
  vehicleCrops: 1,
  useTextDet: true,
  useLineView: true,
  /** horizontal stretch of text lines before recognition */
  recStretch: 1.5,
  usePrinted: true,
  extraLines: 1,
  /**
   * platewise-rec's view: the quad padded like its training crops (plate box + 15 % of its size
   * per side; the detector's quad hugs the text line, see plateBox), sampled at native resolution
   * and then reduced to 128×32 exactly as Pillow did in training.
   */
  crnnPadX: 0.15,
  crnnPadY: 0.14,
  /**
   * platewise-rec test-time augmentation: the crops it reads, each `[pad, dx, dy]` — padding added
   * to crnnPadX/Y, shift along the quad by `dx` of its width and `dy` of its height. The first is
   * the plain crop, the only one in `mode: fast`; the views' probabilities are averaged per text
   * (`crnnCombine`). The plain crop alone: no extra-crop set measured on the dev photos read more
   * plates (README "Recognisers"; calibrate-ensemble.mjs --crnn-views measures one).
   */
  crnnViews: [[0, 0, 0]] as Array<[number, number, number]>,
  /** how platewise-rec's views combine per candidate text (see candidates.ts `combine`) */
  crnnCombine: 'lse' as CombineMode,
  /** also read PP-OCR's detected text line with platewise-rec */
  crnnLineView: false,
  /**
   * Weight of platewise-rec's log probability against PP-OCRv4's (weight 1) in the ensemble
   * (ENSEMBLE.rule `product`). The one parameter calibrated on the dev photos, by
   * libs/engine/scripts/calibrate-ensemble.mjs; recalibrate when the model changes.
   */
  crnnWeight: 0.5,
};

class PlateEngine implements Engine {
  constructor(
    private readonly s: Sessions,
    private readonly table: Int32Array,
    public loadTimeMs: number,
    public readonly recognizer: RecognizerMode,
  ) {}

  async warmUp(): Promise<void> {
    const { default: sharp } = await import('sharp');
    // A grey photo with a dark "plate" bar so every stage, text detection included, runs once.
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#888' } })
      .composite([{ input: { create: { width: 160, height: 40, channels: 3, background: '#fff' } }, left: 240, top: 300 }])
      .png()
      .toBuffer();
    await this.read(png);
    const dummy = { data: Buffer.alloc(64 * 64 * 3, 128), width: 64, height: 64 };
    await detectText(this.s.textDet, dummy, 64);
    await recognizeLines(this.s.textRec, [dummy], this.table, 1);
    if (this.s.plateRec) await recognizePlates(this.s.plateRec, [dummy]);
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.s).map((x: InferenceSession) => x.release()));
  }

  async read(image: Buffer, opts: ReadOptions = {}): Promise<EngineResult> {
    const t0 = performance.now();
    const config = isParsed(opts.config) ? opts.config : parseEngineConfig(opts.config);
    const hints = regionHints(config, opts.regions ?? []);
    const img = await decodeImage(image);
    const vehicles = await detectVehicles(this.s.vehicle, img);
    const plates = await this.findPlates(img, vehicles, config);
    const reads: PlateRead[] = [];
    for (const det of plates) {
      const r = await this.readPlate(img, det, hints, config);
      if (!r) continue;
      r.vehicle = vehicleOf(det.box, vehicles);
      if (config.detection_rule === 'strict' && !r.vehicle) continue;
      reads.push(r);
    }
    const results =
      config.detection_mode === 'vehicle'
        ? this.vehicleModeResults(img, reads, vehicles, !!opts.mmc)
        : reads.map((r) => this.plateResult(img, r, !!opts.mmc));
    return { processing_time: round3(performance.now() - t0), results };
  }

  /** Plate detection: the whole photo, then (unless fast) each large vehicle at higher resolution. */
  private async findPlates(img: RgbImage, vehicles: VehicleDetection[], config: EngineConfig): Promise<PlateDetection[]> {
    const redaction = config.mode === 'redaction';
    // Detect below the caller's threshold, filter after merging: a plate seen twice keeps its best score.
    const th = Math.min(config.threshold_d, redaction ? 0.05 : 0.1);
    let found = await detectPlates(this.s.plate, img, 320, th);
    if (config.mode !== 'fast') {
      const big = [...vehicles]
        .sort((a, b) => boxArea(b.box) - boxArea(a.box))
        .slice(0, redaction ? 8 : TUNING.vehicleCrops)
        .filter((v) => boxArea(v.box) > 0.02 * img.width * img.height);
      for (const v of big) {
        const b = clampBox(v.box, img.width, img.height);
        if (b.xmax - b.xmin < 32 || b.ymax - b.ymin < 32) continue;
        const crop = cropRgb(img, b.xmin, b.ymin, b.xmax - b.xmin, b.ymax - b.ymin);
        found = found.concat(await detectPlates(this.s.plate, crop, 320, th, { x: b.xmin, y: b.ymin }));
      }
      if (redaction) found = found.concat(await detectPlates(this.s.plate640, img, 640, th));
    }
    return nms(found, 0.3).filter((d) => d.score >= config.threshold_d);
  }

  private async readPlate(img: RgbImage, det: PlateDetection, hints: string[], config: EngineConfig): Promise<PlateRead | null> {
    const corners = saneCorners(det);
    const qw = (dist(corners[0], corners[1]) + dist(corners[3], corners[2])) / 2;
    const qh = (dist(corners[0], corners[3]) + dist(corners[1], corners[2])) / 2;
    if (qw < 4 || qh < 2) return null;
    const lines: RgbImage[] = [];
    const crnnCrops: RgbImage[] = [];
    if (this.recognizer !== 'ppocr') {
      const views = config.mode === 'fast' ? TUNING.crnnViews.slice(0, 1) : TUNING.crnnViews;
      for (const [pad, dx, dy] of views) {
        const px = TUNING.crnnPadX + pad;
        const py = TUNING.crnnPadY + pad;
        const w = clampInt(qw * (1 + 2 * px), 16, 512);
        const h = clampInt(qh * (1 + 2 * py), 8, 256);
        crnnCrops.push(warpQuad(img, expandQuad(shiftQuad(corners, dx, dy), px, py), w, h));
      }
    }
    let otherLines: RgbImage[] = [];
    if (TUNING.useLineView) {
      const q = expandQuad(corners, TUNING.linePadX, TUNING.linePadY);
      const h = 64;
      const w = clampInt(Math.round(((qw * (1 + 2 * TUNING.linePadX)) / (qh * (1 + 2 * TUNING.linePadY))) * h), 64, 640);
      lines.push(warpQuad(img, q, w, h));
    }
    if (TUNING.useTextDet && config.mode !== 'fast') {
      const px = TUNING.platePadX;
      const py = TUNING.platePadY;
      const q = expandQuad(corners, px, py);
      const h = 128;
      const w = clampInt(Math.round(((qw * (1 + 2 * px)) / (qh * (1 + 2 * py))) * h / 32) * 32, 96, 640);
      const view = warpQuad(img, q, w, h);
      const boxes = await detectText(this.s.textDet, view, 640);
      // The plate detector's box hugs the main text line: it sits here, in view coordinates.
      const main: Box = {
        xmin: (px / (1 + 2 * px)) * w,
        xmax: ((1 + px) / (1 + 2 * px)) * w,
        ymin: (py / (1 + 2 * py)) * h,
        ymax: ((1 + py) / (1 + 2 * py)) * h,
      };
      let best = -1;
      let bestOverlap = 0;
      boxes.forEach((b, i) => {
        const o = intersection(b.box, main) / Math.max(1, boxArea(main));
        if (o > bestOverlap) {
          bestOverlap = o;
          best = i;
        }
      });
      if (best >= 0 && bestOverlap > 0.25) {
        const b = boxes[best].box;
        const line = cropRgb(view, b.xmin, b.ymin, b.xmax - b.xmin, b.ymax - b.ymin);
        lines.push(line);
        if (this.recognizer !== 'ppocr' && TUNING.crnnLineView) crnnCrops.push(line);
      }
      // Other text on the plate (state names, slogans) only feeds the region guess: read the
      // widest few lines, unstretched, in their own batch.
      otherLines = boxes
        .filter((_, i) => i !== best)
        .filter((b) => b.box.ymax - b.box.ymin >= 6 && b.box.xmax - b.box.xmin >= 3 * (b.box.ymax - b.box.ymin))
        .sort((a, b) => b.box.xmax - b.box.xmin - (a.box.xmax - a.box.xmin))
        .slice(0, TUNING.extraLines)
        .map((b) => cropRgb(view, b.box.xmin, b.box.ymin, b.box.xmax - b.box.xmin, b.box.ymax - b.box.ymin));
    }
    if (!lines.length && !crnnCrops.length) return null;
    const groups: RecognizerFrames[] = [];
    if (this.recognizer !== 'crnn') {
      groups.push({ name: 'ppocr', views: await recognizeLines(this.s.textRec, lines, this.table, TUNING.recStretch), weight: 1 });
    }
    if (this.recognizer !== 'ppocr' && this.s.plateRec) {
      const views: LineFrames[] = await recognizePlates(this.s.plateRec, crnnCrops);
      groups.push({
        name: 'crnn',
        views,
        weight: this.recognizer === 'crnn' ? 1 : TUNING.crnnWeight,
        combine: TUNING.crnnCombine,
      });
    }
    const extra = (await recognizeLines(this.s.textRec, otherLines, this.table, 1)).map((f) => greedyDecode(f.m, f.steps).text);
    const state = stateFromText(extra.join(' '));
    const usAllowed = !hints.length || hints.some((h) => h === 'us' || h.startsWith('us-'));
    const candidates = generateCandidates(groups, {
      printed: state && usAllowed && TUNING.usePrinted ? state.code : null,
      hints,
      textFormats: compileTextFormats(config.text_formats),
      strictRegion: config.region === 'strict',
    });
    if (!candidates.length || candidates[0].score < config.threshold_o) return null;
    const region = inferRegion(candidates[0].regions, extra.join(' '), hints);
    return { det, candidates, region, vehicle: null };
  }

  private plateResult(img: RgbImage, r: PlateRead, mmc: boolean): PlateResult {
    const box = clampBox(plateBox(r.det), img.width, img.height);
    const out: PlateResult = {
      box,
      plate: r.candidates[0].plate.toLowerCase(),
      region: r.region,
      vehicle: r.vehicle
        ? { type: vehicleType(r.vehicle.cls), score: round3(r.vehicle.score), box: clampBox(r.vehicle.box, img.width, img.height) }
        : { type: 'Unknown', score: 0, box: { xmin: 0, ymin: 0, xmax: 0, ymax: 0 } },
      score: r.candidates[0].score,
      candidates: r.candidates.map((c) => ({ plate: c.plate.toLowerCase(), score: c.score })),
      dscore: round3(r.det.score),
    };
    if (mmc) {
      const m = this.mmc(img, r.vehicle, [box]);
      out.model_make = m.make_model;
      out.color = m.color.map((c) => ({ color: c.value, score: c.score }));
      out.orientation = m.orientation.map((o) => ({ orientation: o.value, score: o.score }));
    }
    return out;
  }

  /**
   * mmc fields. color: from the vehicle's pixels (vehicle/color.ts). orientation and make/model:
   * the engine has no model for them, so it answers the spec's unknown values with score 0.
   */
  private mmc(img: RgbImage, vehicle: VehicleDetection | null, exclude: Box[]) {
    const color = vehicle ? vehicleColor(img, vehicle.box, exclude) : [{ color: 'unknown' as const, score: 0 }];
    return {
      make_model: [{ make: 'Unknown', model: 'Unknown', score: 0 }],
      color: color.map((c) => ({ value: c.color, score: c.score })),
      orientation: [{ value: 'Unknown' as const, score: 0 }],
    };
  }

  private vehicleModeResults(img: RgbImage, reads: PlateRead[], vehicles: VehicleDetection[], mmc: boolean): VehicleModeResult[] {
    const out: VehicleModeResult[] = [];
    const used = new Set<VehicleDetection>();
    const vehicleOut = (v: VehicleDetection, plates: Box[]): VehicleModeResult['vehicle'] => ({
      type: vehicleType(v.cls),
      score: round3(v.score),
      box: clampBox(v.box, img.width, img.height),
      ...(mmc ? { props: this.mmc(img, v, plates) } : {}),
    });
    for (const r of reads) {
      const box = clampBox(plateBox(r.det), img.width, img.height);
      const item: VehicleModeResult = {
        plate: {
          type: 'Plate',
          score: round3(r.det.score),
          box,
          props: {
            plate: r.candidates.map((c) => ({ value: c.plate.toLowerCase(), score: c.score })),
            region: [{ value: r.region.code, score: r.region.score }],
          },
        },
      };
      if (r.vehicle && !used.has(r.vehicle)) {
        used.add(r.vehicle);
        item.vehicle = vehicleOut(r.vehicle, [box]);
      }
      out.push(item);
    }
    for (const v of vehicles) if (!used.has(v) && v.score >= 0.3) out.push({ vehicle: vehicleOut(v, []) });
    return out;
  }
}

/** ENGINE_RECOGNIZER: unset or empty → undefined (the default rule); a wrong value is refused. */
export function parseRecognizer(value: string | undefined): RecognizerMode | undefined {
  if (value === undefined || value === '') return undefined;
  if ((RECOGNIZER_MODES as readonly string[]).includes(value)) return value as RecognizerMode;
  throw new Error(`ENGINE_RECOGNIZER must be one of ${RECOGNIZER_MODES.join(', ')} (got "${value}")`);
}

const clampInt = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, Math.round(x)));

function isParsed(c: unknown): c is EngineConfig {
  return (
    typeof c === 'object' &&
    c !== null &&
    Object.keys(DEFAULT_CONFIG).every((k) => k in (c as object)) &&
    Object.keys(c as object).length === Object.keys(DEFAULT_CONFIG).length
  );
}

/** The reported plate box: the corners' extent (the detector box hugs only the text line). */
function plateBox(det: PlateDetection): Box {
  const c = saneCorners(det);
  const b = boxOfPoints(c);
  // Grow slightly toward the plate's edges: the detector is trained on the character area.
  const w = b.xmax - b.xmin;
  const h = b.ymax - b.ymin;
  return { xmin: b.xmin - 0.04 * w, xmax: b.xmax + 0.04 * w, ymin: b.ymin - 0.12 * h, ymax: b.ymax + 0.12 * h };
}

/** The vehicle holding a plate: the smallest vehicle box containing most of the plate. */
function vehicleOf(plate: Box, vehicles: VehicleDetection[]): VehicleDetection | null {
  let best: VehicleDetection | null = null;
  for (const v of vehicles) {
    if (intersection(plate, v.box) < 0.6 * boxArea(plate)) continue;
    if (!best || boxArea(v.box) < boxArea(best.box)) best = v;
  }
  return best;
}

export type { Point };
