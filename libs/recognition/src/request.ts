import {
  EngineConfigError,
  MAX_REGIONS,
  readEngineConfig,
  regionHints,
  strictRegion,
} from '@platewise/engine/config';
import { jsonTooDeep, MAX_JSON_DEPTH } from '@platewise/infra';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { RecognitionCall } from './contract';
import { RecognitionRefusedError } from './errors';
import { decodeBase64Image } from './image-input';
import { RecognitionFields, SINGLE_VALUED } from './request.dto';

/** What the caller's plan allows a recognition call. */
export interface PlanLimits {
  maxUploadBytes: number;
  mmcIncluded: boolean;
}

/** File bytes sent as multipart `upload`. */
export interface UploadedImage {
  buffer: Buffer;
  originalname: string;
}

/** Where the image is: bytes in hand, or a URL still to fetch (see loadImage). */
export type ImageSource = { bytes: Buffer; filename: string | null } | { url: string };

/** How to read the image: what the handler reads it with, less the account's part. */
export type RecognitionOptions = Omit<RecognitionCall, 'accountId' | 'webhooks' | 'filename'>;

/** A request that passed every check that needs no image bytes. */
export interface RecognitionRequest extends RecognitionOptions {
  image: ImageSource;
  /** config keys the engine does not know, ignored (the gateway names them in a header) */
  ignoredConfig: string[];
}

const refuse = (message: string) => new RecognitionRefusedError('invalid_request', message);

export const tooLarge = (limit: number) =>
  new RecognitionRefusedError(
    'too_large',
    `Image is too large: the maximum upload size is ${megabytes(limit)}.`,
  );

export const megabytes = (bytes: number) => `${Math.round((bytes / 1048576) * 10) / 10} MB`;

/**
 * The one set of rules for a recognition request, used by the gateway (form or JSON fields) and
 * the CLI (its flags): fields, mmc against the plan, the engine config and its region rule, and
 * which image source. Throws RecognitionRefusedError with the first problem.
 */
export function parseRecognitionRequest(
  body: Record<string, unknown> | undefined,
  file: UploadedImage | undefined,
  plan: PlanLimits,
  now: Date = new Date(),
): RecognitionRequest {
  const { fields, options, ignoredConfig } = parse(body, plan, now);
  return { ...options, image: imageSource(fields, file, plan.maxUploadBytes), ignoredConfig };
}

/** The same rules without an image source (the CLI reads its images itself). */
export function parseRecognitionOptions(
  body: Record<string, unknown>,
  plan: PlanLimits,
  now: Date = new Date(),
): RecognitionOptions {
  return parse(body, plan, now).options;
}

function parse(body: Record<string, unknown> | undefined, plan: PlanLimits, now: Date) {
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw refuse('The body must be a form or a JSON object of fields.');
  }
  const repeated = SINGLE_VALUED.filter((name) => Array.isArray(body?.[name]));
  if (repeated.length)
    throw refuse(
      `${repeated.join(', ')}: give each of these fields once (it was sent more than once or as a list)`,
    );
  refuseLongRegionLists(body);
  const fields = plainToInstance(RecognitionFields, plainFields(body));
  // One message per wrong field, naming it: the first rule it breaks.
  const errors = validateSync(fields, { whitelist: true, stopAtFirstError: true });
  if (errors.length > 0)
    throw refuse(errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; '));
  if (fields.mmc && !plan.mmcIncluded) {
    throw new RecognitionRefusedError(
      'not_in_plan',
      'Vehicle make, model, orientation and color (mmc) are not included in your plan.',
    );
  }
  const regions = [...(fields.regions ?? []), ...(fields.region ?? [])];
  const { config, ignored } = engineConfig(body?.config);
  const hints = engineRule(() => regionHints(regions));
  if (config.region === 'strict' && !strictRegion(config, hints)) ignored.push('region');
  const options: RecognitionOptions = {
    regions: hints,
    config,
    mmc: fields.mmc ?? false,
    camera_id: fields.camera_id ?? null,
    timestamp: fields.timestamp ?? now.toISOString(),
  };
  return { fields, options, ignoredConfig: ignored };
}

/** The fields RecognitionFields reads; `config` is read apart (engineConfig), never walked. */
const FIELDS = ['upload', 'upload_url', 'regions', 'region', 'camera_id', 'timestamp', 'mmc'];

/**
 * The fields of `body` as class-transformer may walk them, read as Django REST Framework reads a
 * form, which Plate Recognizer's clients were written against: a field sent empty (`-F
 * timestamp=`) or as JSON `null` (typed clients send every unset field so) is not given; a number
 * where text is meant (`camera_id: 5`) is that text. A field that is an object is refused here:
 * walking it would let a key such as `constructor` reach class-transformer's type lookup.
 */
function plainFields(body: Record<string, unknown> | undefined): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const name of FIELDS) {
    const value = body?.[name];
    if (value === undefined || value === null || value === '') continue;
    const items = Array.isArray(value) ? value : [value];
    if (items.some((item) => typeof item === 'object' && item !== null))
      throw refuse(`${name} must be ${name.startsWith('region') ? 'region codes' : 'text'}`);
    plain[name] = name === 'camera_id' && typeof value === 'number' ? String(value) : value;
  }
  return plain;
}

/** The engine's own rules (config values, region lists), refused as a 400 naming the key. */
function engineRule<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof EngineConfigError) throw refuse(error.message);
    throw error;
  }
}

/**
 * Region entries (duplicates included) a call may send: checked on the raw body, before any field
 * is transformed or validated one by one, so a huge list costs the gateway next to nothing.
 */
const MAX_REGION_ENTRIES = 8 * MAX_REGIONS;

function refuseLongRegionLists(body: Record<string, unknown> | undefined): void {
  const entries = ['regions', 'region'].reduce((sum, name) => {
    const value = body?.[name];
    return sum + (Array.isArray(value) ? value.length : value === undefined ? 0 : 1);
  }, 0);
  if (entries > MAX_REGION_ENTRIES)
    throw refuse(
      `regions: at most ${MAX_REGIONS} distinct region codes per call (${entries} were sent)`,
    );
}

/** The config field: a JSON string (form, CLI) or an object (JSON body). */
function engineConfig(raw: unknown) {
  let value = raw;
  if (typeof raw === 'string') {
    if (jsonTooDeep(raw))
      throw refuse(`config nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep`);
    try {
      value = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      throw refuse('config must be a JSON object, e.g. {"region":"strict"}');
    }
  }
  return engineRule(() => readEngineConfig(value ?? {}));
}

function imageSource(
  fields: RecognitionFields,
  file: UploadedImage | undefined,
  maxBytes: number,
): ImageSource {
  if (!file && fields.upload === undefined && fields.upload_url === undefined)
    throw refuse('upload is required: send the image bytes, a base64 image, or upload_url');
  // Two images: which one would be meant cannot be told.
  if (file && fields.upload !== undefined)
    throw refuse('upload was sent both as a file and as base64 text: send it once');
  // upload and upload_url: upload is the spec's image, which upload_url only stands in for when
  // it is absent ("optional if upload_url is present"), so upload is read and the URL not fetched.
  if (file) {
    // Its size was capped while the body was read (the gateway's upload parser).
    if (file.buffer.length === 0) throw refuse('upload is an empty file');
    return { bytes: file.buffer, filename: file.originalname || null };
  }
  if (fields.upload !== undefined) {
    const bytes = decodeBase64Image(fields.upload);
    if (!bytes) throw refuse('upload is neither a file nor a valid base64 image');
    if (bytes.length > maxBytes) throw tooLarge(maxBytes);
    return { bytes, filename: null };
  }
  return { url: fields.upload_url! };
}
