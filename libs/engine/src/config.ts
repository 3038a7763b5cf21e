import { EngineConfigError } from './errors';
import { normaliseRegion } from './plates/formats';
import { compileTextPattern, TEXT_FORMAT_LIMITS, TextMatcher } from './plates/text-pattern';

/** Plate Recognizer's engine `config` (spec: "Engine Configuration"), with every default filled in. */
export interface EngineConfig {
  /** minimum plate detection score (dscore) */
  threshold_d: number;
  /** minimum reading score */
  threshold_o: number;
  /** regular; fast = one detection step; redaction = more detection candidates */
  mode: 'regular' | 'fast' | 'redaction';
  /** regular expressions guiding the text (full match, case-insensitive) */
  text_formats: string[];
  /** strict: only texts that fit a hinted region's template (or a text_format) are returned */
  region: 'normal' | 'strict';
  /** strict: plates outside every detected vehicle are dropped */
  detection_rule: 'normal' | 'strict';
  /** vehicle: vehicles without plates are returned too, in the vehicle-mode response shape */
  detection_mode: 'plate' | 'vehicle';
}

export const DEFAULT_CONFIG: Readonly<EngineConfig> = Object.freeze({
  threshold_d: 0.2,
  threshold_o: 0.2,
  mode: 'regular',
  text_formats: [],
  region: 'normal',
  detection_rule: 'normal',
  detection_mode: 'plate',
});

const ENUMS: Record<string, readonly string[]> = {
  mode: ['regular', 'fast', 'redaction'],
  region: ['normal', 'strict'],
  detection_rule: ['normal', 'strict'],
  detection_mode: ['plate', 'vehicle'],
};

/** Every key the engine reads; anything else in a caller's config is ignored (readEngineConfig). */
export const CONFIG_KEYS = Object.keys(DEFAULT_CONFIG) as (keyof EngineConfig)[];

/** A caller's config, read: every default filled in, and the keys the engine does not know. */
export interface ReadConfig {
  config: EngineConfig;
  /** keys that were sent but mean nothing to this engine (Plate Recognizer keeps adding options) */
  ignored: string[];
}

/**
 * Read a caller's config: a JSON string, an object, or nothing (defaults). Lenient where a client
 * means something clear, as Plate Recognizer's own service is: unknown keys are ignored (and
 * listed), numbers sent as strings (`"0.2"`) are numbers, enum values ignore case, one
 * `text_formats` pattern may come as a string. A wrong value raises EngineConfigError naming the
 * key and what is accepted.
 */
export function readEngineConfig(raw: unknown): ReadConfig {
  const config: EngineConfig = { ...DEFAULT_CONFIG, text_formats: [] };
  if (raw === undefined || raw === null || raw === '') return { config, ignored: [] };
  let obj: unknown = raw;
  if (typeof raw === 'string') {
    try {
      obj = JSON.parse(raw);
    } catch (err) {
      throw new EngineConfigError(`config is not valid JSON: ${(err as Error).message}`, 'config');
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new EngineConfigError('config must be a JSON object, e.g. {"mode":"fast"}', 'config');
  }
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(obj as Record<string, unknown>)) {
    switch (key) {
      case 'threshold_d':
      case 'threshold_o':
        config[key] = threshold(key, value);
        break;
      case 'mode':
      case 'region':
      case 'detection_rule':
      case 'detection_mode':
        (config as unknown as Record<string, unknown>)[key] = enumValue(key, value);
        break;
      case 'text_formats':
        config.text_formats = textFormats(typeof value === 'string' ? [value] : value);
        break;
      default:
        ignored.push(key);
    }
  }
  return { config, ignored };
}

/** readEngineConfig's config alone (the CLI, tests). */
export function parseEngineConfig(raw: unknown): EngineConfig {
  return readEngineConfig(raw).config;
}

/** A number between 0 and 1, or such a number as a string (form-minded clients send "0.2"). */
function threshold(key: string, value: unknown): number {
  const n =
    typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)
      ? Number(value)
      : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new EngineConfigError(
      `config.${key} must be a number between 0 and 1, got ${JSON.stringify(value)}`,
      key,
    );
  }
  return n;
}

function enumValue(key: string, value: unknown): string {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (typeof v !== 'string' || !ENUMS[key].includes(v)) {
    throw new EngineConfigError(
      `config.${key} must be one of ${ENUMS[key].map((e) => `"${e}"`).join(', ')}, got ${JSON.stringify(value)}`,
      key,
    );
  }
  return v;
}

function textFormats(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new EngineConfigError(
      'config.text_formats must be a list of regular expression strings',
      'text_formats',
    );
  }
  if (value.length > TEXT_FORMAT_LIMITS.formats) {
    throw new EngineConfigError(
      `config.text_formats is limited to ${TEXT_FORMAT_LIMITS.formats} patterns`,
      'text_formats',
    );
  }
  for (const pattern of value as string[]) compileTextPattern(pattern);
  return [...(value as string[])];
}

/** text_formats as full-match, case-insensitive matchers of bounded cost (see text-pattern.ts). */
export function compileTextFormats(formats: string[]): TextMatcher[] {
  return formats.map(compileTextPattern);
}

/**
 * Distinct region codes one call may give. Every candidate text is scored against every hint, so
 * the list is bounded; no real camera is near a few dozen regions.
 */
export const MAX_REGIONS = 32;

/** Throws when `regions` holds more than MAX_REGIONS distinct codes; the distinct codes otherwise. */
export function distinctRegions(regions: readonly string[]): string[] {
  const distinct = new Set<string>();
  for (const region of regions) {
    distinct.add(region.trim().toLowerCase());
    if (distinct.size > MAX_REGIONS) {
      throw new EngineConfigError(
        `regions: at most ${MAX_REGIONS} distinct region codes per call (${regions.length} were sent)`,
        'regions',
      );
    }
  }
  return [...distinct];
}

/**
 * The region hints the engine has templates for, each once; throws when there are more than
 * MAX_REGIONS distinct codes. Codes it has no template for (e.g. mx) are accepted and ignored:
 * regions are a guide.
 */
export function regionHints(regions: readonly string[]): string[] {
  return [...new Set(distinctRegions(regions).flatMap((r) => normaliseRegion(r) ?? []))];
}

/**
 * Whether `region: strict` applies: it keeps only readings that fit a hint's templates or a text
 * format, so with neither (no region sent, as in the Snapshot API's own Python example, or only
 * regions the engine has no template for, e.g. mx) there is nothing to be strict about and the
 * call reads as `normal` ("A region must be specified in order for this parameter to work"); a
 * recognition request names `region` among the ignored config keys then.
 */
export function strictRegion(config: EngineConfig, hints: readonly string[]): boolean {
  return config.region === 'strict' && (hints.length > 0 || config.text_formats.length > 0);
}
