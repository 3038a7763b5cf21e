/**
 * Plate Recognizer Snapshot response shapes (spec: "JSON Response" and "Vehicle Only Response").
 * The engine produces `results` + `processing_time`; the API adds filename, version, camera_id and
 * timestamp.
 */
export interface Box {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export const VEHICLE_TYPES = [
  'Big Truck',
  'Bus',
  'Motorcycle',
  'Pickup Truck',
  'Sedan',
  'SUV',
  'Van',
  'Unknown',
] as const;
export type VehicleType = (typeof VEHICLE_TYPES)[number];

export const VEHICLE_COLORS = [
  'black',
  'blue',
  'brown',
  'green',
  'red',
  'silver',
  'white',
  'yellow',
  'unknown',
] as const;
export type VehicleColor = (typeof VEHICLE_COLORS)[number];

export const ORIENTATIONS = ['Front', 'Rear', 'Unknown'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

export interface Candidate {
  plate: string;
  score: number;
}

export interface Region {
  code: string;
  score: number;
}

export interface Vehicle {
  type: VehicleType;
  /** 0 when no vehicle was found */
  score: number;
  /** all zero when no vehicle was found */
  box: Box;
}

export interface ModelMake {
  make: string;
  model: string;
  score: number;
}

export interface ColorPrediction {
  color: VehicleColor;
  score: number;
}

export interface OrientationPrediction {
  orientation: Orientation;
  score: number;
}

/** One plate in the default (plate) detection mode. */
export interface PlateResult {
  box: Box;
  plate: string;
  region: Region;
  vehicle: Vehicle;
  score: number;
  candidates: Candidate[];
  dscore: number;
  /** present only with mmc=true */
  model_make?: ModelMake[];
  color?: ColorPrediction[];
  orientation?: OrientationPrediction[];
}

export interface ValueScore<T = string> {
  value: T;
  score: number;
}

/** One element in detection_mode=vehicle: a vehicle, its plate, or both. */
export interface VehicleModeResult {
  plate?: {
    type: 'Plate';
    score: number;
    box: Box;
    props: { plate: ValueScore[]; region: ValueScore[] };
  } | null;
  vehicle?: {
    type: VehicleType;
    score: number;
    box: Box;
    props?: {
      make_model: ModelMake[];
      orientation: ValueScore<Orientation>[];
      color: ValueScore<VehicleColor>[];
    };
  } | null;
}

/** What the engine returns for one image. */
export interface EngineResult {
  processing_time: number;
  results: PlateResult[] | VehicleModeResult[];
}

/** The full Snapshot API response. */
export interface SnapshotResponse extends EngineResult {
  filename: string | null;
  version: number;
  camera_id: string | null;
  timestamp: string | null;
}
