import type { InferenceSession } from 'onnxruntime-node';
import type { Orientation, VehicleColor, VehicleType } from '@platewise/snapshot';
import { VEHICLE_COLORS } from '@platewise/snapshot';
import { VehicleDetection } from '../detect/vehicle';
import { Box, boxArea } from '../geometry/box';
import { RgbImage } from '../image/decode';
import { batchTensor, classifyInputs, topK, vehicleInput } from './attributes';
import { vehicleColor, whitePatchGains } from './color';
import { lampLikelihood, lampRed, placeLikelihood, platePlace, withCues } from './orientation-cues';
import { vehicleType } from './types';

/** What `mmc` answers for one vehicle (top 3 of each, scores are probabilities). */
export interface VehicleAttributes {
  type: { value: VehicleType; score: number };
  orientation: { value: Orientation; score: number }[];
  color: { value: VehicleColor; score: number }[];
  makeModel: { make: string; model: string; score: number }[];
}

/** An operator's make/model classifier (manifest entries `make-model` and `make-model-labels`). */
export interface MakeModelClassifier {
  session: InferenceSession;
  /** class i's make and model, from line i of the labels file (`make<TAB>model`) */
  labels: { make: string; model: string }[];
}

export const MMC = {
  /** vehicles described per photo at most (largest first); the rest answer the unknown values */
  maxVehicles: 8,
  /**
   * Colour = colourMix × the learned head + (1 − colourMix) × the pixel rules' shares
   * (vehicle/color.ts); chosen on the dev split by `pnpm bench:attributes`.
   */
  colourMix: 0,
  /**
   * The classifier's type is answered when its probability (within the detector class) reaches
   * this; below, the detector class's own type (UNSURE: Sedan for a COCO car or truck), scored
   * with the classifier's probability of it. Infinity: at no threshold did the classifier beat
   * always-Sedan on the dev split (`pnpm bench:attributes` prints the sweep; 73.3 % at 0.9
   * against 75.3 %), so the type is the detector's and the classifier only scores it (issue 23:
   * never answer worse than the majority baseline).
   */
  typeMinScore: Infinity,
};

/**
 * The vehicle a close-up plate is on when the detector found none around it: a plate at least
 * this share of the photo's width (a plate is a quarter to a sixth of a car's width, so the car
 * spans most of the frame) is described on the whole photo (score 0: not a detection).
 */
export const CLOSE_UP_PLATE_WIDTH = 0.1;

export function closeUpVehicle(plate: Box, img: { width: number; height: number }) {
  if (plate.xmax - plate.xmin < CLOSE_UP_PLATE_WIDTH * img.width) return null;
  const box = { xmin: 0, ymin: 0, xmax: img.width, ymax: img.height };
  return { box, score: 0, cls: 'car' } as VehicleDetection;
}

/** The spec's unknown values (no model, or a vehicle beyond MMC.maxVehicles). */
export const UNKNOWN_MAKE_MODEL = [{ make: 'Unknown', model: 'Unknown', score: 0 }];

/**
 * The type: the classifier's probabilities restricted to what the detector's COCO class can be
 * (a COCO `car` is never a Bus or a Motorcycle), renormalised.
 */
const COMPATIBLE: Record<VehicleDetection['cls'], VehicleType[]> = {
  car: ['Sedan', 'SUV', 'Van', 'Pickup Truck'],
  truck: ['Pickup Truck', 'Big Truck', 'Van', 'SUV', 'Sedan'],
  bus: ['Bus', 'Big Truck', 'Van', 'SUV', 'Sedan'],
  motorcycle: ['Motorcycle'],
};

/**
 * The type when the classifier is not sure enough. A COCO `truck` is mostly an ordinary car seen
 * close up (the detector called 8 of 25 cars trucks on front/rear views, models/README.md), so it
 * falls back to Sedan like a COCO `car`. So is a COCO `bus`: on the `train` crops of
 * ../shared/vehicle-attrs the detector called 36 vehicles buses, of which 23 were Sedans, 7 Vans,
 * 3 SUVs and 3 Buses (never the dev crops; issue 23).
 */
const UNSURE: Record<VehicleDetection['cls'], VehicleType> = {
  car: 'Sedan',
  truck: 'Sedan',
  bus: 'Sedan',
  motorcycle: 'Motorcycle',
};

export function combineType(
  cls: VehicleDetection['cls'],
  probs: { value: VehicleType; score: number }[],
  minScore = MMC.typeMinScore,
): { value: VehicleType; score: number } {
  const allowed = probs.filter((p) => COMPATIBLE[cls].includes(p.value));
  const total = allowed.reduce((s, p) => s + p.score, 0);
  if (!allowed.length || !(total > 0)) return { value: vehicleType(cls), score: 0 };
  const p = (t: VehicleType) => (allowed.find((a) => a.value === t)?.score ?? 0) / total;
  const best = allowed.reduce((a, b) => (b.score > a.score ? b : a));
  const value = p(best.value) >= minScore ? best.value : UNSURE[cls];
  return { value, score: Math.round(p(value) * 1000) / 1000 };
}

/** The learned colour head mixed with the pixel rules' shares, top 3. */
export function mixColour(
  head: { value: VehicleColor; score: number }[] | null,
  pixel: { color: VehicleColor; score: number }[],
  mix = MMC.colourMix,
): { value: VehicleColor; score: number }[] {
  const p = new Float64Array(VEHICLE_COLORS.length);
  const idx = (c: VehicleColor) => VEHICLE_COLORS.indexOf(c);
  const w = head ? mix : 0;
  for (const c of pixel) p[idx(c.color)] += (1 - w) * c.score;
  if (head) for (const c of head) p[idx(c.value)] += w * c.score;
  return topK(p, VEHICLE_COLORS, 3);
}

/** The heads' inputs (vehicleInput) of vehicles, by vehicle. */
export type PreparedInputs = Map<VehicleDetection, Promise<Float32Array>>;

/** The vehicles described of those given: at most MMC.maxVehicles, largest first. */
const describedOf = (vehicles: VehicleDetection[]): VehicleDetection[] =>
  [...new Set(vehicles)].sort((a, b) => boxArea(b.box) - boxArea(a.box)).slice(0, MMC.maxVehicles);

export class VehicleDescriber {
  constructor(
    private readonly attributes: InferenceSession | null,
    private readonly makeModel: MakeModelClassifier | null,
  ) {}

  /**
   * Start the models' inputs of vehicles about to be described: each crop's resize runs in
   * sharp's threads, off the main thread, while the caller goes on (the engine reads the plates
   * meanwhile), so describe() finds them made. Nothing is started without a model to run.
   */
  prepare(img: RgbImage, vehicles: VehicleDetection[]): PreparedInputs {
    const out: PreparedInputs = new Map();
    if (!this.attributes && !this.makeModel) return out;
    for (const v of describedOf(vehicles)) {
      const input = vehicleInput(img, v.box);
      input.catch(() => undefined); // awaited in describe(); not unhandled if the read stops first
      out.set(v, input);
    }
    return out;
  }

  /**
   * Describe the given vehicles (bounded by MMC.maxVehicles, largest first) in one batch; the
   * inputs prepare() started are used, the others made here. One input per vehicle feeds both
   * the attribute heads and an operator's make/model model.
   */
  async describe(
    img: RgbImage,
    vehicles: VehicleDetection[],
    platesOf: (v: VehicleDetection) => Box[],
    prepared: PreparedInputs = new Map(),
  ): Promise<Map<VehicleDetection, VehicleAttributes>> {
    const chosen = describedOf(vehicles);
    const out = new Map<VehicleDetection, VehicleAttributes>();
    if (!chosen.length) return out;
    const inputs =
      this.attributes || this.makeModel
        ? await Promise.all(chosen.map((v) => prepared.get(v) ?? vehicleInput(img, v.box)))
        : [];
    const learned = this.attributes ? await classifyInputs(this.attributes, inputs) : null;
    const makes = this.makeModel ? await classifyMakeModel(this.makeModel, inputs) : null;
    const gains = whitePatchGains(img);
    chosen.forEach((v, i) => {
      const plates = platesOf(v);
      const pixel = vehicleColor(img, v.box, plates, gains);
      const cues = lampLikelihood(lampRed(img, v.box)) * placeLikelihood(platePlace(v.box, plates));
      out.set(v, {
        type: learned
          ? combineType(v.cls, learned[i].type)
          : { value: vehicleType(v.cls), score: 0 },
        orientation: learned
          ? withCues(learned[i].orientation, cues)
          : [{ value: 'Unknown', score: 0 }],
        color: mixColour(learned ? learned[i].color : null, pixel),
        makeModel: makes ? makes[i] : UNKNOWN_MAKE_MODEL,
      });
    });
    return out;
  }
}

/**
 * The operator's make/model model: input float32 [N,3,224,224] prepared like the attribute
 * heads' (vehicleInput: the vehicle box + 5 %, stretched to 224², RGB, ImageNet mean/std),
 * first output [N,K] probabilities over the K lines of the labels file; top 3 answered.
 */
export async function classifyMakeModel(
  m: MakeModelClassifier,
  inputs: Float32Array[],
): Promise<{ make: string; model: string; score: number }[][]> {
  const out = await m.session.run({ [m.session.inputNames[0]]: batchTensor(inputs) });
  const t = out[m.session.outputNames[0]];
  const k = t.dims[1] as number;
  const probs = t.data as Float32Array;
  return inputs.map((_, i) =>
    topK(probs.subarray(i * k, (i + 1) * k), m.labels, 3).map((p) => ({
      make: p.value.make,
      model: p.value.model,
      score: p.score,
    })),
  );
}

/** Parse a labels file: one `make<TAB>model` per line, as many lines as the model has classes. */
export function parseMakeModelLabels(text: string): { make: string; model: string }[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [make, model] = l.split('\t');
      return { make: make.trim(), model: (model ?? 'Unknown').trim() || 'Unknown' };
    });
}
