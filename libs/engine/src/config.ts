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

/**
 * Validate a caller's config: a JSON string, an object, or nothing (defaults). Unknown keys and
 * wrong values raise EngineConfigError naming the key and what is accepted.
 */
export function parseEngineConfig(raw: unknown): EngineConfig {
  if (raw === undefined || raw === null || raw === '')
    return { ...DEFAULT_CONFIG, text_formats: [] };
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
  const out: EngineConfig = { ...DEFAULT_CONFIG, text_formats: [] };
  for (const [key, value] of Object.entries(obj as Record<string, unknown>)) {
    switch (key) {
      case 'threshold_d':
      case 'threshold_o':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
          throw new EngineConfigError(
            `config.${key} must be a number between 0 and 1, got ${JSON.stringify(value)}`,
            key,
          );
        }
        out[key] = value;
        break;
      case 'mode':
      case 'region':
      case 'detection_rule':
      case 'detection_mode':
        if (typeof value !== 'string' || !ENUMS[key].includes(value)) {
          throw new EngineConfigError(
            `config.${key} must be one of ${ENUMS[key].map((v) => `"${v}"`).join(', ')}, got ${JSON.stringify(value)}`,
            key,
          );
        }
        (out as unknown as Record<string, unknown>)[key] = value;
        break;
      case 'text_formats':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
          throw new EngineConfigError(
            'config.text_formats must be a list of regular expression strings',
            key,
          );
        }
        if (value.length > TEXT_FORMAT_LIMITS.formats) {
          throw new EngineConfigError(
            `config.text_formats is limited to ${TEXT_FORMAT_LIMITS.formats} patterns`,
            key,
          );
        }
        for (const pattern of value as string[]) compileTextPattern(pattern);
        out.text_formats = [...(value as string[])];
        break;
      default:
        throw new EngineConfigError(
          `unknown config key "${key}" (known: threshold_d, threshold_o, mode, text_formats, region, detection_rule, detection_mode)`,
          key,
        );
    }
  }
  return out;
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
 * MAX_REGIONS distinct codes, or when `region: strict` has nothing to be strict about (no hint it
 * knows and no text_formats). Codes it has no template for (e.g. mx) are accepted and ignored:
 * regions are a guide.
 */
export function regionHints(config: EngineConfig, regions: readonly string[]): string[] {
  const hints = [...new Set(distinctRegions(regions).flatMap((r) => normaliseRegion(r) ?? []))];
  if (config.region === 'strict' && !hints.length && !config.text_formats.length) {
    throw new EngineConfigError(
      'config.region "strict" needs at least one region (regions=…)',
      'region',
    );
  }
  return hints;
}
