import { ORIENTATIONS, VEHICLE_COLORS, VEHICLE_TYPES } from './types';

/** JSON Schema (draft-07) of the Snapshot response; the gateway reuses it for its contract tests. */
const score = { type: 'number', minimum: 0, maximum: 1 } as const;
const box = {
  type: 'object',
  required: ['xmin', 'ymin', 'xmax', 'ymax'],
  additionalProperties: false,
  properties: {
    xmin: { type: 'number' },
    ymin: { type: 'number' },
    xmax: { type: 'number' },
    ymax: { type: 'number' },
  },
} as const;
const valueScore = (value: object) =>
  ({
    type: 'object',
    required: ['value', 'score'],
    additionalProperties: false,
    properties: { value, score },
  }) as const;
const modelMake = {
  type: 'object',
  required: ['make', 'model', 'score'],
  additionalProperties: false,
  properties: { make: { type: 'string' }, model: { type: 'string' }, score },
} as const;
const vehicleType = { enum: [...VEHICLE_TYPES] } as const;

export const plateResultSchema = {
  type: 'object',
  required: ['box', 'plate', 'region', 'vehicle', 'score', 'candidates', 'dscore'],
  additionalProperties: false,
  properties: {
    box,
    plate: { type: 'string' },
    region: {
      type: 'object',
      description:
        'where the plate is from, never an echo of the regions hint: ISO 3166 country in lower case, with the US state after a dash (us-ca) for a plate placed in the US (the likeliest state; a low score says it is unsure); score is a probability',
      required: ['code', 'score'],
      additionalProperties: false,
      properties: { code: { type: 'string' }, score },
    },
    vehicle: {
      type: 'object',
      description:
        "the vehicle holding the plate, score the detector's. With mmc its type is Sedan for a detected car, truck or bus (the detector calls many close-up cars trucks or buses), Motorcycle (the project's type classifier did not beat always-Sedan on real photos), and a close-up plate with no vehicle detected around it is on a vehicle filling the photo (whole-photo box, score 0), unless the photo is the plate itself; no vehicle: Unknown, score 0, zero box",
      required: ['type', 'score', 'box'],
      additionalProperties: false,
      properties: { type: vehicleType, score, box },
    },
    score,
    candidates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['plate', 'score'],
        additionalProperties: false,
        properties: { plate: { type: 'string' }, score },
      },
    },
    dscore: {
      ...score,
      description:
        "the plate detector's score; for a photo that is one plate (a close-up crop, read whole: box the whole photo) the reading's score, as no detector scored it",
    },
    model_make: {
      type: 'array',
      description:
        "mmc: Unknown / Unknown with score 0 (no make/model model ships); an operator's own model answers its top 3",
      items: modelMake,
    },
    color: {
      type: 'array',
      description:
        'mmc: top 3 body colours, score = share of body-band pixels of that colour (photo white-patch balanced first)',
      items: {
        type: 'object',
        required: ['color', 'score'],
        additionalProperties: false,
        properties: { color: { enum: [...VEHICLE_COLORS] }, score },
      },
    },
    orientation: {
      type: 'array',
      description:
        'mmc: top 3 of Front/Rear/Unknown with probabilities: the orientation head (platewise-vehicle-v2) weighed by tail-lamp red and the plate’s height on the vehicle',
      items: {
        type: 'object',
        required: ['orientation', 'score'],
        additionalProperties: false,
        properties: { orientation: { enum: [...ORIENTATIONS] }, score },
      },
    },
  },
} as const;

export const vehicleModeResultSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    plate: {
      type: ['object', 'null'],
      required: ['type', 'score', 'box', 'props'],
      additionalProperties: false,
      properties: {
        type: { const: 'Plate' },
        score,
        box,
        props: {
          type: 'object',
          required: ['plate', 'region'],
          additionalProperties: false,
          properties: {
            plate: { type: 'array', items: valueScore({ type: 'string' }) },
            region: { type: 'array', items: valueScore({ type: 'string' }) },
          },
        },
      },
    },
    vehicle: {
      type: ['object', 'null'],
      required: ['type', 'score', 'box'],
      additionalProperties: false,
      properties: {
        type: vehicleType,
        score,
        box,
        props: {
          type: 'object',
          required: ['make_model', 'orientation', 'color'],
          additionalProperties: false,
          properties: {
            make_model: { type: 'array', items: modelMake },
            orientation: { type: 'array', items: valueScore({ enum: [...ORIENTATIONS] }) },
            color: { type: 'array', items: valueScore({ enum: [...VEHICLE_COLORS] }) },
          },
        },
      },
    },
  },
} as const;

/** The engine's own output: results + processing_time (either detection mode). */
export const engineResultSchema = {
  $id: 'https://platewise.dev/schemas/engine-result.json',
  type: 'object',
  required: ['processing_time', 'results'],
  properties: {
    processing_time: { type: 'number', minimum: 0 },
    results: {
      anyOf: [
        { type: 'array', items: plateResultSchema },
        { type: 'array', items: vehicleModeResultSchema },
      ],
    },
  },
} as const;

/** The complete Snapshot API response. */
export const snapshotResponseSchema = {
  $id: 'https://platewise.dev/schemas/snapshot-response.json',
  type: 'object',
  required: ['processing_time', 'results', 'filename', 'version', 'camera_id', 'timestamp'],
  additionalProperties: false,
  properties: {
    ...engineResultSchema.properties,
    filename: { type: ['string', 'null'] },
    version: { type: 'integer' },
    camera_id: { type: ['string', 'null'] },
    timestamp: { type: ['string', 'null'] },
  },
} as const;
